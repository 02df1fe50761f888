package model_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// adaOnly is a phrase of ada's record that no other record has.
const adaOnly = "account for every deduction in writing"

// fileHolding returns a file under dir that holds text (in any case), or "".
func fileHolding(t *testing.T, dir, text string) string {
	t.Helper()
	found := ""
	needle := bytes.ToLower([]byte(text))
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || found != "" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(bytes.ToLower(data), needle) {
			found = p
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// TestErasureLeavesNoTextInIndexes checks that once an erasure returns,
// no file of the models' indexes holds the erased text — neither when the
// erasure reaches the indexes itself (Forget) nor when a model's indexes
// catch up with an erasure made elsewhere — and that the record is no
// longer answered or paid.
func TestErasureLeavesNoTextInIndexes(t *testing.T) {
	for _, viaForget := range []bool{true, false} {
		name := map[bool]string{true: "forget", false: "catch-up"}[viaForget]
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			e := newEnv(t, storetest.Open(t, store.SQLite))
			if viaForget {
				e.d.KeepCopy(e.s)
			}
			if _, err := e.s.Create(ctx, e.as("stella"), model.Model{Slug: "tenancy-helper", Name: "Tenancy helper", Kind: model.Retrieval, PricePerCall: 100, Datanets: []string{"tenancy"}}); err != nil {
				t.Fatal(err)
			}
			q := ask("My landlord wants to keep my deposit, may he?")
			res, err := e.s.Complete(ctx, e.client(), q, nil)
			if err != nil || !strings.Contains(res.Text, adaOnly) {
				t.Fatalf("before erasure: %q %v", res.Text, err)
			}
			models := filepath.Join(e.dir, "models")
			if fileHolding(t, models, adaOnly) == "" {
				t.Fatal("the indexes never held the text: this test tests nothing")
			}
			if err := e.d.Erase(ctx, e.ids["ada"], e.recs["ada"]); err != nil {
				t.Fatal(err)
			}
			if viaForget {
				if f := fileHolding(t, models, adaOnly); f != "" {
					t.Fatalf("erasure returned, but %s still holds the erased text", f)
				}
			}
			before := e.balance(t, "member:m-ada")
			res, err = e.s.Complete(ctx, e.client(), q, nil)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(res.Text, adaOnly) {
				t.Fatalf("the erased record was answered: %q", res.Text)
			}
			for _, r := range res.Attribution.Records {
				if r.ID == e.recs["ada"] {
					t.Fatal("the erased record was attributed")
				}
			}
			if e.balance(t, "member:m-ada") != before {
				t.Fatal("the erased record was paid")
			}
			if f := fileHolding(t, models, adaOnly); f != "" {
				t.Fatalf("after the next call, %s still holds the erased text", f)
			}
			// The others are still found.
			res, err = e.s.Complete(ctx, e.client(), ask("Who pays for a broken heating boiler?"), nil)
			if err != nil || !strings.Contains(res.Text, "heating at their own cost") {
				t.Fatalf("carol's record: %q %v", res.Text, err)
			}
		})
	}
}

// TestOldIndexFolderIsRemoved checks that a model index folder of the
// earlier layout — a bleve index whose files keep erased records' text —
// is deleted, not reused.
func TestOldIndexFolderIsRemoved(t *testing.T) {
	ctx := t.Context()
	e := newEnv(t, storetest.Open(t, store.SQLite))
	var id int64
	e.db.Read().QueryRowContext(ctx, `SELECT id FROM datanets WHERE slug = 'tenancy'`).Scan(&id)
	old := filepath.Join(e.dir, "models", "datanet-"+itoa(id))
	if err := os.MkdirAll(filepath.Join(old, "bm25", "store"), 0o750); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(old, "bm25", "store", "000000000001.zap"), []byte("erased long ago: ZEBRAQUOKKA"), 0o600)
	os.WriteFile(filepath.Join(old, "state.json"), []byte(`{"max_row":0,"erased_at":0,"seen":{"MaxRow":0,"Erased":0,"LastErasedAt":0}}`), 0o600)
	if _, err := e.s.Create(ctx, e.as("stella"), model.Model{Slug: "tenancy-helper", Name: "Tenancy helper", Kind: model.Retrieval, PricePerCall: 100, Datanets: []string{"tenancy"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.Complete(ctx, e.client(), ask("Who pays for a broken heating boiler?"), nil); err != nil {
		t.Fatal(err)
	}
	if f := fileHolding(t, e.dir, "ZEBRAQUOKKA"); f != "" {
		t.Fatalf("%s of the old layout is still there", f)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestCallsDuringErasure runs model calls while records are erased (run
// with -race): no call fails, and none returns a record whose erasure had
// returned before the call started.
func TestCallsDuringErasure(t *testing.T) {
	ctx := t.Context()
	e := newEnv(t, storetest.Open(t, store.SQLite))
	e.d.KeepCopy(e.s)
	if _, err := e.s.Create(ctx, e.as("stella"), model.Model{Slug: "tenancy-helper", Name: "Tenancy helper", Kind: model.Retrieval, PricePerCall: 1, Datanets: []string{"tenancy"}}); err != nil {
		t.Fatal(err)
	}
	var erased sync.WaitGroup
	erased.Add(1)
	var done sync.WaitGroup
	errs := make(chan error, 100)
	for range 3 {
		done.Go(func() {
			for i := range 15 {
				res, err := e.s.Complete(context.WithoutCancel(ctx), e.client(), ask("My landlord wants to keep my deposit, may he?"), nil)
				if err != nil {
					errs <- err
					return
				}
				if i == 10 {
					erased.Wait()
				}
				if i > 10 && strings.Contains(res.Text, adaOnly) {
					errs <- &erasedAnswer{res.Text}
					return
				}
			}
		})
	}
	if err := e.d.Erase(ctx, e.ids["ada"], e.recs["ada"]); err != nil {
		t.Fatal(err)
	}
	erased.Done()
	done.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

type erasedAnswer struct{ text string }

func (e *erasedAnswer) Error() string { return "a call after the erasure answered with it: " + e.text }

// TestOtherServersForgetErased checks that a server whose indexes an
// erasure did not reach — another server on the same database, with its
// own data folder — takes the text off its disk at its next sweep, even if
// no model call comes.
func TestOtherServersForgetErased(t *testing.T) {
	ctx := t.Context()
	e := newEnv(t, storetest.Open(t, store.SQLite))
	if _, err := e.s.Create(ctx, e.as("stella"), model.Model{Slug: "tenancy-helper", Name: "Tenancy helper", Kind: model.Retrieval, PricePerCall: 1, Datanets: []string{"tenancy"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.Complete(ctx, e.client(), ask("My landlord wants to keep my deposit, may he?"), nil); err != nil {
		t.Fatal(err)
	}
	// The other server: a fresh service, as after a restart, on a folder
	// that holds the text.
	other := model.NewService(e.db, e.r, e.params, e.d, e.vault, filepath.Join(e.dir, "models"))
	defer other.Close()
	e.s.Close()
	if err := e.d.Erase(ctx, e.ids["ada"], e.recs["ada"]); err != nil {
		t.Fatal(err)
	}
	models := filepath.Join(e.dir, "models")
	if fileHolding(t, models, adaOnly) == "" {
		t.Fatal("no copy was left to sweep: this test tests nothing")
	}
	if err := other.ForgetErased(ctx); err != nil {
		t.Fatal(err)
	}
	if f := fileHolding(t, models, adaOnly); f != "" {
		t.Fatalf("after the sweep %s still holds the erased text", f)
	}
	// An unrelated folder in the models folder is left alone.
	os.MkdirAll(filepath.Join(models, "notes"), 0o750)
	if err := other.ForgetErased(ctx); err != nil {
		t.Fatal(err)
	}
}
