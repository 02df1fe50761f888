package datanet_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/shareddata"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/vault"
)

// env is a datanet service over a fresh database, with members ada and
// bob who have both agreed to contribute to the text datanet "notes", the
// Q&A datanet "qa" and the image datanet "photos".
type env struct {
	db       *store.DB
	svc      *datanet.Service
	dir      string
	blobs    store.Blobs
	ada, bob int64
	mk       func() *datanet.Service
	mkIn     func(dedupDir string) *datanet.Service // another replica's service
}

// requester is the member with this id acting as a requester, as ada and
// bob are.
func requester(id int64) member.Member { return member.Member{ID: id, Role: member.RoleRequester} }

func newEnv(t testing.TB, db *store.DB) *env {
	t.Helper()
	ctx := t.Context()
	e := &env{db: db, dir: t.TempDir()}
	v, err := vault.Open(db, filepath.Join(e.dir, "vault.key"))
	if err != nil {
		t.Fatal(err)
	}
	e.blobs, err = store.OpenBlobs(filepath.Join(e.dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	l := ledger.New(db)
	e.mkIn = func(dedupDir string) *datanet.Service {
		return datanet.NewService(db, l, v, e.blobs, dedupDir)
	}
	e.mk = func() *datanet.Service { return e.mkIn(filepath.Join(e.dir, "dedup")) }
	e.svc = e.mk()
	t.Cleanup(func() { e.svc.Close() })
	for i, name := range []string{"ada", "bob"} {
		var id int64
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRowContext(ctx, `INSERT INTO members (public_id, email, name, password_hash, role, created_at) VALUES ($1, $2, $3, 'x', 'requester', 0) RETURNING id`,
				"m-"+name, name+"@example.org", name).Scan(&id)
		})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			e.ada = id
		} else {
			e.bob = id
		}
	}
	for _, d := range []datanet.Datanet{
		{Slug: "notes", Name: "Notes", Domain: "gardening", Client: "Garden Co", Purpose: "a gardening assistant", Licence: "CC BY 4.0", RecordKind: datanet.KindText, Fields: []string{"age", "region"}},
		{Slug: "qa", Name: "QA", Domain: "law", Client: "Legal Aid", Purpose: "plain answers", Licence: "CC BY-SA 4.0", RecordKind: datanet.KindQA},
		{Slug: "photos", Name: "Photos", Domain: "toys", Client: "Robot Co", Purpose: "find batteries", Licence: "CC BY 4.0", RecordKind: datanet.KindImage, Labels: []string{"battery"}},
	} {
		if _, err := e.svc.Create(ctx, requester(e.ada), d); err != nil {
			t.Fatal(err)
		}
		for _, m := range []int64{e.ada, e.bob} {
			if _, err := e.svc.ConsentAction(ctx, m, d.Slug, "grant"); err != nil {
				t.Fatal(err)
			}
		}
	}
	return e
}

func texts(t testing.TB, d datanet.Datanet, lines ...string) datanet.Submission {
	t.Helper()
	var b strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&b, "{\"text\":%q}\n", l)
	}
	sub, err := d.ParseRecords(datanet.FormatJSONL, strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

func (e *env) datanet(t *testing.T, slug string) datanet.Datanet {
	d, err := e.svc.BySlug(t.Context(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func exported(t *testing.T, s *datanet.Service, slug string) []datanet.Exported {
	var out []datanet.Exported
	if _, err := s.Export(t.Context(), slug, func(x datanet.Exported) error { out = append(out, x); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

const gardenText = `Tomatoes need at least six hours of direct sun a day and deep, infrequent watering. Water at the base in the morning so the leaves dry quickly, because wet leaves invite blight. Pinch the suckers between the main stem and the branches to get bigger fruit, and tie the plants to stakes before they fall over. Mulch keeps the soil moist and cool in July.`

func TestCreateValidates(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	bad := datanet.Datanet{Slug: "Not A Slug", Name: "x", Domain: "x", Purpose: "x", Licence: "x", RecordKind: "video", NearDuplicate: 0.2, Fields: []string{"text"}, Labels: []string{"a"}}
	_, err := e.svc.Create(t.Context(), requester(e.ada), bad)
	p, ok := problem.As(err)
	if !ok {
		t.Fatalf("invalid datanet: %v", err)
	}
	for _, f := range []string{"slug", "client", "record_kind", "near_duplicate", "fields", "labels"} {
		if p.Fields[f] == "" {
			t.Errorf("no error on field %s: %v", f, p.Fields)
		}
	}
	good := e.datanet(t, "notes")
	good.ID = 0
	if _, err := e.svc.Create(t.Context(), requester(e.ada), good); !problem.Is(err, problem.Conflict) {
		t.Fatalf("duplicate slug: %v", err)
	}
}

func TestContributeRedactsSealsAndRefusesDuplicates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		notes := e.datanet(t, "notes")
		withPII := gardenText + " Write to me at ada.lovelace@example.org or call +49 30 1234567."

		// The preview shows what will be redacted and stores nothing.
		res, err := e.svc.Contribute(ctx, e.ada, "notes", texts(t, notes, withPII), datanet.IntakeOptions{DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		o := res.Outcomes[0]
		if res.Stored || o.Status != "accepted" || !strings.HasPrefix(o.DNA, "dna:") {
			t.Fatalf("dry run: %+v", res)
		}
		if strings.Contains(o.Record.Text, "ada.lovelace") || !strings.Contains(o.Record.Text, "<EMAIL_ADDRESS>") || !strings.Contains(o.Record.Text, "<PHONE_NUMBER>") {
			t.Fatalf("preview not redacted: %q", o.Record.Text)
		}
		if len(o.Redactions) != 2 || o.Redactions[0].Field != "text" {
			t.Fatalf("redactions: %+v", o.Redactions)
		}
		if got := []rune(withPII)[o.Redactions[0].Start:o.Redactions[0].End]; string(got) != "ada.lovelace@example.org" {
			t.Fatalf("redaction offsets point at %q", string(got))
		}
		if len(exported(t, e.svc, "notes")) != 0 {
			t.Fatal("a dry run stored something")
		}

		res, err = e.svc.Contribute(ctx, e.ada, "notes", texts(t, notes, withPII), datanet.IntakeOptions{})
		if err != nil || !res.Stored || res.Accepted != 1 {
			t.Fatalf("contribute: %+v %v", res, err)
		}
		// Another member's exact copy, and a lightly edited one, are
		// duplicates; an unrelated text is not.
		edited := strings.Replace(gardenText, "six hours", "6 hours", 1) + " Basil likes the same."
		res, err = e.svc.Contribute(ctx, e.bob, "notes", texts(t, notes, withPII, edited, "Roses want a sunny spot, well-drained soil and a deep watering once a week; cut them back in early spring above an outward-facing bud."), datanet.IntakeOptions{Partial: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcomes[0].Status != "duplicate" || !res.Outcomes[0].Duplicate.Exact {
			t.Fatalf("exact copy: %+v", res.Outcomes[0])
		}
		if res.Outcomes[1].Status != "duplicate" || res.Outcomes[1].Duplicate.Exact || res.Outcomes[1].Duplicate.Similarity < 0.8 {
			t.Fatalf("edited copy: %+v", res.Outcomes[1])
		}
		if res.Outcomes[2].Status != "accepted" || res.Accepted != 1 {
			t.Fatalf("unrelated text: %+v", res.Outcomes[2])
		}

		// What is stored is the redacted text, sealed: the database holds
		// no plaintext, the export opens it.
		out := exported(t, e.svc, "notes")
		if len(out) != 2 || strings.Contains(out[0].Record.Text, "ada.lovelace") || !strings.Contains(out[0].Record.Text, "Tomatoes") {
			t.Fatalf("export: %+v", out)
		}
		var raw []byte
		if err := db.Read().QueryRowContext(ctx, `SELECT content FROM contributions WHERE status = 'accepted' ORDER BY id LIMIT 1`).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(raw, []byte("Tomatoes")) {
			t.Fatal("content is stored in clear")
		}
		hist, _, err := e.svc.History(ctx, e.bob, store.Page{Limit: 10})
		if err != nil || len(hist) != 3 {
			t.Fatalf("bob's history: %+v %v", hist, err)
		}
		var dup datanet.Contribution
		for _, h := range hist {
			if h.Status == "duplicate" {
				dup = h
			}
		}
		if dup.Reason == "" || strings.Contains(dup.Reason, "ada") {
			t.Fatalf("duplicate reason %q must explain and must not name the other member", dup.Reason)
		}

		// A restarted service remembers the fingerprints.
		e.svc.Close()
		e.svc = e.mk()
		res, _ = e.svc.Contribute(ctx, e.bob, "notes", texts(t, notes, edited), datanet.IntakeOptions{DryRun: true})
		if res.Outcomes[0].Status != "duplicate" {
			t.Fatalf("after restart the near duplicate passed: %+v", res.Outcomes[0])
		}
	})
}

func TestBatchIsAllOrNothingUnlessPartial(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ctx := t.Context()
	notes := e.datanet(t, "notes")
	var b strings.Builder
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 10000 {
		switch i {
		case 4711:
			b.WriteString(`{"text": 42}` + "\n")
		case 9000:
			b.WriteString(`{"text": "fine", "colour": "blue"}` + "\n")
		default:
			fmt.Fprintf(&b, `{"text": %q, "fields": {"age": "%d"}}`+"\n", wordSalad(rng, 60), 20+i%50)
		}
	}
	sub, err := notes.ParseRecords(datanet.FormatJSONL, strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.svc.Contribute(ctx, e.ada, "notes", sub, datanet.IntakeOptions{})
	if !problem.Is(err, problem.Invalid) || res.Stored {
		t.Fatalf("batch with bad records: stored=%v err=%v", res.Stored, err)
	}
	var bad []string
	for _, o := range res.Outcomes {
		if o.Status != "accepted" {
			bad = append(bad, fmt.Sprintf("%d:%d:%s", o.Index, o.Line, o.Error.Field))
		}
	}
	if strings.Join(bad, ",") != "4711:4712:text,9000:9001:colour" {
		t.Fatalf("problems reported = %v", bad)
	}
	if n, _ := e.svc.Stats(ctx, notes.ID); n.Records != 0 {
		t.Fatalf("an all-or-nothing batch stored %d records", n.Records)
	}
	res, err = e.svc.Contribute(ctx, e.ada, "notes", sub, datanet.IntakeOptions{Partial: true})
	if err != nil || res.Accepted != 9998 || len(res.Outcomes) != 10000 {
		t.Fatalf("partial: accepted %d of %d outcomes, err %v", res.Accepted, len(res.Outcomes), err)
	}
	if res.Outcomes[4711].Status != "invalid" || res.Outcomes[4712].Status != "accepted" || res.Outcomes[4712].Contribution == "" {
		t.Fatalf("partial outcomes misplaced: %+v / %+v", res.Outcomes[4711], res.Outcomes[4712])
	}
}

func TestConsentGatesContributions(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ctx := t.Context()
	qa := e.datanet(t, "qa")
	sub, err := qa.ParseRecords(datanet.FormatJSON, strings.NewReader(`{"question":"Can my landlord keep the deposit?","answer":"Only for damage beyond normal wear, and he must account for it within six months."}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.ConsentAction(ctx, e.ada, "qa", "pause"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Contribute(ctx, e.ada, "qa", sub, datanet.IntakeOptions{}); !problem.Is(err, problem.Conflict) {
		t.Fatalf("contributing while paused: %v", err)
	}
	if _, err := e.svc.ConsentAction(ctx, e.ada, "qa", "resume"); err != nil {
		t.Fatal(err)
	}
	if res, err := e.svc.Contribute(ctx, e.ada, "qa", sub, datanet.IntakeOptions{}); err != nil || res.Accepted != 1 {
		t.Fatalf("after resume: %+v %v", res, err)
	}
	st, err := e.svc.ConsentAction(ctx, e.ada, "qa", "withdraw")
	if err != nil || st.Status != "withdrawn" {
		t.Fatalf("withdraw: %+v %v", st, err)
	}
	if len(exported(t, e.svc, "qa")) != 0 {
		t.Fatal("withdrawing did not erase the member's contributions")
	}
	if _, err := e.svc.Contribute(ctx, e.ada, "qa", sub, datanet.IntakeOptions{}); !problem.Is(err, problem.Forbidden) {
		t.Fatalf("contributing after withdrawal: %v", err)
	}
	if _, err := e.svc.ConsentAction(ctx, e.ada, "qa", "dance"); !problem.Is(err, problem.Invalid) {
		t.Fatalf("unknown action: %v", err)
	}
}

func TestEraseIsIrreversible(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		notes := e.datanet(t, "notes")
		res, err := e.svc.Contribute(ctx, e.ada, "notes", texts(t, notes, gardenText), datanet.IntakeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		id := res.Outcomes[0].Contribution
		if err := e.svc.Erase(ctx, e.bob, id); !problem.Is(err, problem.NotFound) {
			t.Fatalf("bob erasing ada's contribution: %v", err)
		}
		if err := e.svc.Erase(ctx, e.ada, id); err != nil {
			t.Fatal(err)
		}
		// Erasing again is how a member retries an erasure whose copies
		// failed: it succeeds and records nothing new.
		if err := e.svc.Erase(ctx, e.ada, id); err != nil {
			t.Fatalf("erasing twice: %v", err)
		}
		var status, dna string
		var content, salt []byte
		db.Read().QueryRowContext(ctx, `SELECT status, dna, content FROM contributions WHERE public_id = $1`, id).Scan(&status, &dna, &content)
		db.Read().QueryRowContext(ctx, `SELECT salt FROM ledger_events WHERE type = 'contribution.accepted'`).Scan(&salt)
		if status != "erased" || dna != "" || content != nil || salt != nil {
			t.Fatalf("after erasure: status %s dna %q content %d bytes, salt %x", status, dna, len(content), salt)
		}
		var erasedEvents int
		db.Read().QueryRowContext(ctx, `SELECT count(*) FROM ledger_events WHERE type = 'contribution.erased'`).Scan(&erasedEvents)
		if erasedEvents != 1 {
			t.Fatalf("erased events = %d", erasedEvents)
		}
		// The erased record no longer blocks anyone.
		res, err = e.svc.Contribute(ctx, e.bob, "notes", texts(t, notes, gardenText), datanet.IntakeOptions{})
		if err != nil || res.Accepted != 1 {
			t.Fatalf("the erased text still blocks: %+v %v", res, err)
		}
		// Leaving destroys the member's key.
		if _, err := e.svc.EraseAll(ctx, e.bob); err != nil {
			t.Fatal(err)
		}
		var keys int
		db.Read().QueryRowContext(ctx, `SELECT count(*) FROM member_keys WHERE member_id = $1`, e.bob).Scan(&keys)
		if keys != 0 {
			t.Fatal("bob's key survived EraseAll")
		}
	})
}

func TestImages(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ctx := t.Context()
	photos := e.datanet(t, "photos")
	orig, err := os.ReadFile(shareddata.Path(t, "coco/lego-battery/images/IMG20231010083824.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	meta := func(js string) datanet.Submission {
		sub, err := photos.ParseRecords(datanet.FormatJSON, strings.NewReader(js))
		if err != nil {
			t.Fatal(err)
		}
		return sub
	}
	sub := meta(`{"labels":["battery"],"boxes":[{"label":"battery","x":200,"y":60,"w":120,"h":80}]}`)
	sub.Image = orig
	res, err := e.svc.Contribute(ctx, e.ada, "photos", sub, datanet.IntakeOptions{})
	if err != nil || res.Accepted != 1 {
		t.Fatalf("image: %+v %v", res, err)
	}
	// A resized copy is a near duplicate.
	img, _ := jpeg.Decode(bytes.NewReader(orig))
	small := image.NewRGBA(image.Rect(0, 0, img.Bounds().Dx()/2, img.Bounds().Dy()/2))
	for y := range small.Bounds().Dy() {
		for x := range small.Bounds().Dx() {
			small.Set(x, y, img.At(2*x, 2*y))
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, small)
	sub = meta(`{}`)
	sub.Image = buf.Bytes()
	res, err = e.svc.Contribute(ctx, e.bob, "photos", sub, datanet.IntakeOptions{DryRun: true})
	if err != nil || res.Outcomes[0].Status != "duplicate" {
		t.Fatalf("resized copy: %+v %v", res.Outcomes, err)
	}
	tests := []struct {
		name  string
		image []byte
		meta  string
		want  string
	}{
		{"not an image", []byte("PK\x03\x04 this is a zip file"), `{}`, "not a JPEG, PNG or GIF"},
		{"decompression bomb", pngHeader(100000, 100000), `{}`, "at most 16000000 pixels"},
		{"box outside the image", orig, `{"boxes":[{"label":"battery","x":500,"y":10,"w":50,"h":10}]}`, "outside"},
		{"unknown label", orig, `{"labels":["cat"]}`, "not one of this datanet's labels"},
	}
	for _, tt := range tests {
		sub := meta(tt.meta)
		sub.Image = tt.image
		res, err := e.svc.Contribute(ctx, e.bob, "photos", sub, datanet.IntakeOptions{DryRun: true})
		var msg string
		for _, o := range res.Outcomes {
			if o.Error != nil {
				msg = o.Error.Message
			}
		}
		for _, se := range sub.Errors {
			msg = se.Message
		}
		if err != nil || !strings.Contains(msg, tt.want) {
			t.Errorf("%s: %q, %v; want %q", tt.name, msg, err, tt.want)
		}
	}
}

// pngHeader is the start of a PNG that claims the given size: enough for
// image.DecodeConfig, nothing to decode.
func pngHeader(w, h int) []byte {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1)))
	b := buf.Bytes()
	// IHDR's width and height are bytes 16..23, its CRC bytes 29..32.
	for i, v := range []int{w, h} {
		binary.BigEndian.PutUint32(b[16+4*i:], uint32(v))
	}
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// wordSalad makes distinct texts of n words, so that generated records are
// not near duplicates of one another.
func wordSalad(rng *rand.Rand, n int) string {
	words := strings.Fields("soil water sun leaf root seed stem flower fruit shade compost mulch frost spring summer autumn winter prune graft pot bed row weed worm bee rain wind clay sand loam bud branch bark thorn vine bulb tuber moss fern herb basil mint sage thyme rose tulip lily oak pine birch maple apple pear plum cherry bean pea corn squash kale leek onion garlic")
	out := make([]string, n)
	for i := range out {
		out[i] = words[rng.IntN(len(words))]
	}
	return strings.Join(out, " ")
}

// TestDatanetRulesAreTheDomains calls the datanet domain directly: only
// stewards and requesters create datanets, and only a steward or the
// datanet's creator opens or closes one; others are refused as forbidden
// and nothing changes.
func TestDatanetRulesAreTheDomains(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		worker := member.Member{ID: e.bob, Role: member.RoleMember}
		steward := member.Member{ID: e.bob + 1000, Role: member.RoleSteward}
		d := datanet.Datanet{Slug: "recipes", Name: "Recipes", Domain: "food", Client: "Cook Co", Purpose: "a cooking assistant", Licence: "CC BY 4.0", RecordKind: datanet.KindText}
		for _, actor := range []member.Member{worker, {}} {
			if _, err := e.svc.Create(ctx, actor, d); !problem.Is(err, problem.Forbidden) {
				t.Errorf("a datanet created by %q: %v, want forbidden", actor.Role, err)
			}
		}
		if _, err := e.svc.BySlug(ctx, "recipes"); !problem.Is(err, problem.NotFound) {
			t.Fatalf("a refused datanet was stored: %v", err)
		}
		for _, tc := range []struct {
			name  string
			actor member.Member
			may   bool
		}{
			{"its creator", requester(e.ada), true},
			{"a steward", steward, true},
			{"another requester", requester(e.bob), false},
			{"a worker", worker, false},
			{"nobody", member.Member{}, false},
		} {
			_, err := e.svc.SetOpen(ctx, tc.actor, "notes", false)
			if tc.may != (err == nil) || (!tc.may && !problem.Is(err, problem.Forbidden)) {
				t.Errorf("%s closes the datanet: %v", tc.name, err)
			}
			got, _ := e.svc.BySlug(ctx, "notes")
			if got.Open == tc.may {
				t.Errorf("after %s tried to close it the datanet is open: %v", tc.name, got.Open)
			}
			if _, err := e.svc.SetOpen(ctx, steward, "notes", true); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			actor member.Member
			may   bool
		}{{requester(e.ada), true}, {steward, true}, {worker, false}, {member.Member{}, false}} {
			if got := datanet.MayCreate(tc.actor); got != tc.may {
				t.Errorf("MayCreate(%q) = %v", tc.actor.Role, got)
			}
		}
	})
}
