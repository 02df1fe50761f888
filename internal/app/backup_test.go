package app_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/shareddata"
	"github.com/allmende/allmende/internal/vault"
)

// TestErasureReachesEveryCopy contributes a text and an image, makes a
// backup, erases both, and then looks for them where copies could hide: the
// database file and its write-ahead log, the blob store, and the backup. The
// backup still holds the sealed content — and before the erasure the live
// keys open it, which shows the check below is not vacuous — but after the
// erasure no key anywhere opens it.
func TestErasureReachesEveryCopy(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	a, err := app.Open(ctx, app.Config{DataDir: dir, Offline: true}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ada, err := a.Members.Found(ctx, "ada@example.org", "Ada", "correct horse battery", member.RoleRequester)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []datanet.Datanet{
		{Slug: "notes", Name: "Notes", Domain: "d", Client: "c", Purpose: "p", Licence: "l", RecordKind: datanet.KindText},
		{Slug: "photos", Name: "Photos", Domain: "d", Client: "c", Purpose: "p", Licence: "l", RecordKind: datanet.KindImage},
	} {
		if _, err := a.Datanets.Create(ctx, ada, d); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Datanets.ConsentAction(ctx, ada.ID, d.Slug, "grant"); err != nil {
			t.Fatal(err)
		}
	}
	notes, _ := a.Datanets.BySlug(ctx, "notes")
	// Long enough to spill into SQLite overflow pages, which deletion frees
	// but does not overwrite unless secure_delete is on.
	long := "The zebra-striped marker sentence that must vanish completely after erasure. " + wordSalad(800)
	sub, _ := notes.ParseRecords(datanet.FormatJSON, strings.NewReader(`{"text":"`+long+`"}`))
	if _, err := a.Datanets.Contribute(ctx, ada.ID, "notes", sub, datanet.IntakeOptions{}); err != nil {
		t.Fatal(err)
	}
	photos, _ := a.Datanets.BySlug(ctx, "photos")
	img, err := os.ReadFile(shareddata.Path(t, "coco/lego-battery/images/IMG20231010093505.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	sub, _ = photos.ParseRecords(datanet.FormatJSON, strings.NewReader(`{}`))
	sub.Image = img
	if _, err := a.Datanets.Contribute(ctx, ada.ID, "photos", sub, datanet.IntakeOptions{}); err != nil {
		t.Fatal(err)
	}

	type sealed struct {
		publicID string
		keyID    int64
		content  []byte
		blob     string
	}
	var items []sealed
	rows, err := a.DB.Read().QueryContext(ctx, `SELECT public_id, key_id, content, COALESCE(blob, '') FROM contributions ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s sealed
		rows.Scan(&s.publicID, &s.keyID, &s.content, &s.blob)
		items = append(items, s)
	}
	rows.Close()
	if len(items) != 2 || items[1].blob == "" {
		t.Fatalf("contributions: %+v", items)
	}

	backup := filepath.Join(t.TempDir(), "backup.tar.gz")
	if _, err := a.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	backupDB := extract(t, backup, "allmende.db")
	if st, err := os.Stat(extract(t, backup, "blobs/"+items[1].blob[:2]+"/"+items[1].blob)); err != nil || st.Size() == 0 {
		t.Fatal("the backup lacks the sealed image")
	}
	var keysInBackup int
	bdb, err := sql.Open("sqlite", "file:"+backupDB)
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	bdb.QueryRow(`SELECT (SELECT count(*) FROM content_keys) + (SELECT count(*) FROM member_keys)`).Scan(&keysInBackup)
	if keysInBackup != 0 {
		t.Fatalf("the backup holds %d keys", keysInBackup)
	}
	var backupCipher []byte
	bdb.QueryRow(`SELECT content FROM contributions WHERE public_id = $1`, items[0].publicID).Scan(&backupCipher)
	// Before erasure the live key opens the backup's copy.
	key, err := a.Vault.ContentKey(ctx, a.DB.Read(), items[0].keyID)
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := vault.Unseal(key, backupCipher, []byte(items[0].publicID)); err != nil || !bytes.Contains(plain, []byte("zebra-striped")) {
		t.Fatalf("before erasure the backup copy should open with the live key: %v", err)
	}

	if err := a.Datanets.Erase(ctx, ada.ID, items[0].publicID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Datanets.EraseAll(ctx, ada.ID); err != nil {
		t.Fatal(err)
	}

	// The live database file and its log hold neither the sealed content
	// nor the plaintext.
	for _, name := range []string{"allmende.db", "allmende.db-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		for _, it := range items {
			if bytes.Contains(b, it.content[:32]) {
				t.Fatalf("%s still holds sealed content of %s", name, it.publicID)
			}
		}
		if bytes.Contains(b, []byte("zebra-striped")) {
			t.Fatalf("%s holds the plaintext", name)
		}
	}
	// The blob store no longer has the image.
	if _, err := os.Stat(filepath.Join(dir, "blobs", items[1].blob[:2], items[1].blob)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the sealed image is still in the blob store: %v", err)
	}
	// The backup's copies stay sealed for good: no key is left to open them.
	for _, it := range items {
		if _, err := a.Vault.ContentKey(ctx, a.DB.Read(), it.keyID); !errors.Is(err, vault.ErrShredded) {
			t.Fatalf("key of %s after erasure: %v, want ErrShredded", it.publicID, err)
		}
	}
	var left int
	a.DB.Read().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM content_keys) + (SELECT count(*) FROM member_keys)`).Scan(&left)
	if left != 0 {
		t.Fatalf("%d keys left after erasing everything", left)
	}
}

// extract returns the path of one file from a backup, unpacked.
func extract(t *testing.T, archive, name string) string {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("%s not in backup: %v", name, err)
		}
		if h.Name == name {
			out := filepath.Join(t.TempDir(), filepath.Base(name))
			b, _ := io.ReadAll(tr)
			os.WriteFile(out, b, 0o600)
			return out
		}
	}
}

func wordSalad(n int) string {
	words := strings.Fields("soil water sun leaf root seed stem flower fruit shade compost mulch frost spring summer autumn winter prune graft")
	var b strings.Builder
	for i := range n {
		b.WriteString(words[(i*7+i/3)%len(words)])
		b.WriteByte(' ')
	}
	return b.String()
}
