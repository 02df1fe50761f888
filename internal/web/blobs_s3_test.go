package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// newS3Fixture is newFixture with the cooperative's files in a bucket of
// its own on the test S3 server, reached as serve --blobs reaches it: by
// URL, with the credentials in the environment (see withS3Credentials).
func newS3Fixture(t *testing.T, d store.Dialect, server store.S3Config) (*fixture, store.S3Config) {
	t.Helper()
	s3 := storetest.NewBucket(t, server)
	tmpl, err := fixtureTemplateOf(d)
	if err != nil {
		t.Fatalf("the fixture's cooperative on %s: %v", d, err)
	}
	dir := dataDir(t)
	if err := copyDir(tmpl.dir, dir); err != nil {
		t.Fatal(err)
	}
	cfg := fixtureConfig(dir)
	cfg.Blobs = fmt.Sprintf("s3://%s?endpoint=%s&region=%s&insecure=1", s3.Bucket, s3.Endpoint, s3.Region)
	if d == store.Postgres {
		cfg.DB = cloneDatabase(t, tmpl.db)
		cfg.VaultKeyFile, cfg.LogKeyFile = filepath.Join(dir, "vault.key"), filepath.Join(dir, "log.key")
	}
	a, err := app.Open(t.Context(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	bg, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Background(bg); close(done) }()
	t.Cleanup(func() { stop(); <-done })
	f := &fixture{t: t, app: a, tokens: maps.Clone(tmpl.tokens), ids: maps.Clone(tmpl.ids)}
	f.srv = httptest.NewServer(a.Web)
	t.Cleanup(f.srv.Close)
	return f, s3
}

// withS3Credentials starts (or finds) the test S3 server and puts its
// credentials where the app reads them. A test that calls it does not run
// in parallel, since the environment is the process's.
func withS3Credentials(t *testing.T) store.S3Config {
	t.Helper()
	server := storetest.S3(t)
	t.Setenv("AWS_ACCESS_KEY_ID", server.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", server.SecretKey)
	return server
}

// noisyJPEG is a photo of random grey pixels (no two alike, so intake does
// not take one for a near-duplicate of another).
func noisyJPEG(t *testing.T, seed uint64) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 96, 64))
	rng := rand.New(rand.NewPCG(seed, seed))
	for i := range img.Pix {
		img.Pix[i] = byte(rng.UintN(256))
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestBlobsOnS3: with --blobs on S3, a datanet's images, a project's items
// and its example images go to the bucket and none to the data folder;
// the pages serve them from there (ranges too); erasure and removal
// delete them from the bucket.
func TestBlobsOnS3(t *testing.T) {
	server := withS3Credentials(t)
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f, s3 := newS3Fixture(t, dialect, server)
		withDatanets(t, f)
		withRequester(t, f)
		keys := func() []string { return storetest.S3Keys(t, s3) }

		// A datanet's images: sealed in the bucket, read back, erased.
		f.do("ada", "POST", "/api/v1/datanets/photos/consent", "application/json", `{"action":"grant"}`, nil).Body.Close()
		photos := [][]byte{noisyJPEG(t, 1), noisyJPEG(t, 2)}
		for i, photo := range photos {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			fw, _ := mw.CreateFormFile("image", fmt.Sprintf("battery-%d.jpg", i))
			fw.Write(photo)
			mw.WriteField("meta", `{"labels":["battery"]}`)
			mw.Close()
			resp := f.do("ada", "POST", "/api/v1/datanets/photos/contributions", mw.FormDataContentType(), body.String(), nil)
			if b := readBody(t, resp); resp.StatusCode != 201 {
				t.Fatalf("upload photo %d: %d %s", i, resp.StatusCode, b)
			}
		}
		sealed := keys()
		if len(sealed) != 2 {
			t.Fatalf("the bucket holds %q, want the two sealed photos", sealed)
		}
		for _, k := range sealed {
			obj, err := storetest.S3Client(t, s3).GetObject(t.Context(), s3.Bucket, k, minio.GetObjectOptions{})
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(obj)
			obj.Close()
			if err != nil || len(data) < 1000 || bytes.Contains(data, []byte("JFIF")) || bytes.Equal(data[:2], []byte{0xFF, 0xD8}) {
				t.Fatalf("object %s: %d bytes (%v), want a sealed photo, not a JPEG", k, len(data), err)
			}
		}
		// (The fixture's template was made without --blobs: its data
		// folder has an empty blobs folder, which must stay empty.)
		filepath.WalkDir(filepath.Join(f.app.DataDir(), "blobs"), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				t.Errorf("with --blobs on S3 the data folder holds a blob: %s", p)
			}
			return nil
		})
		var exported int
		if _, err := f.app.Datanets.Export(t.Context(), "photos", func(e datanet.Exported) error {
			cfg, _, err := image.DecodeConfig(bytes.NewReader(e.Image))
			if err != nil || cfg.Width != 96 || cfg.Height != 64 {
				return fmt.Errorf("exported image of %s: %v, %dx%d", e.ID, err, cfg.Width, cfg.Height)
			}
			exported++
			return nil
		}); err != nil || exported != 2 {
			t.Fatalf("export read %d photos back from the bucket: %v", exported, err)
		}
		var hist struct{ Contributions []datanet.Contribution }
		json.Unmarshal([]byte(readBody(t, f.do("ada", "GET", "/api/v1/members/me/contributions", "", "", nil))), &hist)
		if len(hist.Contributions) != 2 {
			t.Fatalf("ada's history: %+v", hist)
		}
		if resp := f.do("ada", "DELETE", "/api/v1/contributions/"+hist.Contributions[0].ID, "", "", nil); resp.StatusCode != 204 {
			t.Fatalf("erase one photo: %d %s", resp.StatusCode, readBody(t, resp))
		}
		if k := keys(); len(k) != 1 || !slices.Contains(sealed, k[0]) {
			t.Fatalf("after erasing one of two photos the bucket holds %q", k)
		}
		if resp := f.do("ada", "DELETE", f.expand("/api/v1/members/{ada}/contributions"), "", "", nil); resp.StatusCode/100 != 2 {
			t.Fatalf("erase all of ada's contributions: %d %s", resp.StatusCode, readBody(t, resp))
		}
		if k := keys(); len(k) != 0 {
			t.Fatalf("after ada's erasure the bucket still holds %q", k)
		}

		// A project's example image: served from the bucket, range and
		// all, and deleted from it when removed.
		runScenarios(t, f, []scenario{{name: "project", as: "rita", method: "POST", path: "/api/v1/projects", status: 201,
			body: `{"slug":"texts","name":"Texts","client":"C","purpose":"P","instructions":"I","task_type":"text_classification","labels":["a","b"],"pay_per_task":10,"est_seconds":20,"budget":500,"redundancy":1}`}})
		example := noisyJPEG(t, 3)
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		w, _ := mw.CreateFormFile("images", "example.jpg")
		w.Write(example)
		mw.Close()
		resp := f.do("rita", "POST", "/api/v1/projects/texts/examples", mw.FormDataContentType(), body.String(), nil)
		var p struct{ Examples []int64 }
		if b := readBody(t, resp); resp.StatusCode != 201 || json.Unmarshal([]byte(b), &p) != nil || len(p.Examples) != 1 {
			t.Fatalf("add an example: %d %s", resp.StatusCode, b)
		}
		if k := keys(); len(k) != 1 || k[0] != sha256Hex(example) {
			t.Fatalf("the bucket holds %q, want the example under its hash", k)
		}
		path := "/projects/texts/examples/" + strconv.FormatInt(p.Examples[0], 10)
		resp = f.do("rita", "GET", path, "", "", nil)
		if b := readBody(t, resp); resp.StatusCode != 200 || b != string(example) {
			t.Fatalf("the example from the bucket: %d, %d bytes", resp.StatusCode, len(b))
		}
		resp = f.do("rita", "GET", path, "", "", http.Header{"Range": {"bytes=100-199"}})
		if b := readBody(t, resp); resp.StatusCode != 206 || b != string(example[100:200]) {
			t.Fatalf("a range of the example: %d, %d bytes", resp.StatusCode, len(b))
		}
		if resp := f.do("rita", "DELETE", "/api/v1"+path, "", "", nil); resp.StatusCode != 204 {
			t.Fatalf("remove the example: %d %s", resp.StatusCode, readBody(t, resp))
		}
		if k := keys(); len(k) != 0 {
			t.Fatalf("the removed example is still in the bucket: %q", k)
		}
	})
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
