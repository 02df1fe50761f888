package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/work"
)

// tinyPNG is a 4×4 PNG of one colour, so that each shade is its own blob.
func tinyPNG(t testing.TB, shade uint8) ([]byte, string) {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 4, 4))
	for i := range img.Pix {
		img.Pix[i] = shade
	}
	img.Set(0, 0, color.Gray{Y: 255 - shade})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	return buf.Bytes(), hex.EncodeToString(sum[:])
}

// TestItemImagesOnlyForThoseWhoSeeTheItem: two image projects of two
// requesters; ada works on one of them. An item's image goes to the
// project's requester, a steward, and a worker given a task on that item
// — no one else, and a refusal looks exactly like an image that does not
// exist.
func TestItemImagesOnlyForThoseWhoSeeTheItem(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		ctx := t.Context()
		withRequester(t, f)
		rex, err := f.app.Members.Found(ctx, "rex@example.org", "Rex", password, member.RoleRequester)
		if err != nil {
			t.Fatal(err)
		}
		f.ids["rex"], f.tokens["rex"] = rex.PublicID, f.signIn("rex@example.org")
		blobs := map[string]string{}
		for _, p := range []struct {
			slug, requester string
			shades          []uint8
		}{{"apples", "rita", []uint8{10, 20}}, {"pears", "rex", []uint8{30}}} {
			req := mustMember(t, f, p.requester)
			proj, err := f.app.Work.Create(ctx, req, work.Project{Slug: p.slug, Name: p.slug, Client: "C", Purpose: "P", Instructions: "Say which.",
				TaskType: work.ImageClassification, Labels: []string{"yes", "no"}, Redundancy: 1, PayPerTask: 10, EstSeconds: 20, Budget: 5000})
			if err != nil {
				t.Fatal(err)
			}
			for i, shade := range p.shades {
				data, hash := tinyPNG(t, shade)
				if err := f.app.Work.AddImage(ctx, proj.ID, p.slug+".png", "image/png", 4, 4, bytes.NewReader(data)); err != nil {
					t.Fatal(err)
				}
				blobs[p.slug+string(rune('0'+i))] = hash
			}
			if err := f.app.Work.Approve(ctx, mustMember(t, f, "stella"), p.slug); err != nil {
				t.Fatal(err)
			}
		}
		resp := f.do("ada", "POST", "/api/v1/projects/apples/next", "application/json", "", nil)
		var task struct {
			Item struct{ Blob string }
		}
		if body := readBody(t, resp); resp.StatusCode != 201 || json.Unmarshal([]byte(body), &task) != nil || task.Item.Blob == "" {
			t.Fatalf("next: %d %s", resp.StatusCode, body)
		}
		adaGot, adaNot := task.Item.Blob, blobs["apples0"]
		if adaNot == adaGot {
			adaNot = blobs["apples1"]
		}
		_, nowhere := tinyPNG(t, 99) // stored nowhere

		for _, tt := range []struct {
			as, blob string
			status   int
		}{
			{"rita", blobs["apples0"], 200}, {"rita", blobs["apples1"], 200}, {"rita", blobs["pears0"], 404},
			{"rex", blobs["pears0"], 200}, {"rex", blobs["apples0"], 404},
			{"ada", adaGot, 200}, {"ada", adaNot, 404}, {"ada", blobs["pears0"], 404},
			{"bob", blobs["apples0"], 404}, {"bob", blobs["apples1"], 404}, {"bob", blobs["pears0"], 404},
			{"bob", nowhere, 404}, {"bob", "..%2F..%2Fetc%2Fpasswd", 404},
			{"stella", blobs["apples0"], 200}, {"stella", blobs["pears0"], 200},
			{"", blobs["apples0"], 303},
		} {
			resp := f.do(tt.as, "GET", "/items/"+tt.blob, "", "", nil)
			body := readBody(t, resp)
			if resp.StatusCode != tt.status {
				t.Errorf("%q GET /items/%s: status %d, want %d", tt.as, tt.blob, resp.StatusCode, tt.status)
				continue
			}
			switch tt.status {
			case 200:
				if ct := resp.Header.Get("Content-Type"); ct != "image/png" || !bytes.HasPrefix([]byte(body), []byte("\x89PNG")) {
					t.Errorf("%q GET /items/%s: %s, not the PNG", tt.as, tt.blob, ct)
				}
			case 404:
				// Refused and missing read the same.
				if missing := readBody(t, f.do(tt.as, "GET", "/items/"+nowhere, "", "", nil)); tt.as != "" && body != missing {
					t.Errorf("%q GET /items/%s: a refusal differs from a missing image:\n%s\n%s", tt.as, tt.blob, body, missing)
				}
			}
		}
	})
}
