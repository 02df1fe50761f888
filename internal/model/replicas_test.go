package model_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// replica is a second server's datanet and model services on the same
// database, with a data folder of its own.
func (e *env) replica(t *testing.T) (*datanet.Service, *model.Service) {
	t.Helper()
	dir := t.TempDir()
	blobs, err := store.OpenBlobs(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	d := datanet.NewService(e.db, ledger.New(e.db), e.vault, blobs, filepath.Join(dir, "dedup"))
	s := model.NewService(e.db, e.r, e.params, d, e.vault, filepath.Join(dir, "models"))
	d.KeepCopy(s)
	t.Cleanup(func() { s.Close(); d.Close() })
	return d, s
}

// contribute sends one Q&A record of who's to the tenancy datanet through
// d and returns its contribution id.
func (e *env) contribute(t *testing.T, d *datanet.Service, who, q, a string) string {
	t.Helper()
	dn, err := d.BySlug(t.Context(), "tenancy")
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(map[string]string{"question": q, "answer": a})
	sub, err := dn.ParseRecords(datanet.FormatJSON, strings.NewReader(string(js)))
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.Contribute(t.Context(), e.ids[who], "tenancy", sub, datanet.IntakeOptions{})
	if err != nil || !res.Stored {
		t.Fatalf("contribute: %+v %v", res, err)
	}
	return res.Outcomes[0].Contribution
}

func paid(res model.Result, id string) bool {
	for _, r := range res.Attribution.Records {
		if r.ID == id && r.Amount > 0 {
			return true
		}
	}
	return false
}

// TestReplicasAnswerFromTheSameRecords: what a record's acceptance or
// erasure through one server changes, another server on the same database
// with its own data folder answers and pays at its next call, without a
// sweep — also for a curated record accepted after newer ones, whose row
// lies below what that server's indexes have seen.
func TestReplicasAnswerFromTheSameRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		e.d.KeepCopy(e.s)
		_, b := e.replica(t)
		if _, err := e.s.Create(ctx, e.as("stella"), model.Model{Slug: "tenancy-helper", Name: "Tenancy helper", Kind: model.Retrieval, PricePerCall: 100, Datanets: []string{"tenancy"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Complete(ctx, e.client(), ask("Who pays when the heating boiler breaks?"), nil); err != nil {
			t.Fatal(err)
		}
		if _, err := e.d.SetCuration(ctx, e.as("stella"), "tenancy", datanet.CurationSettings{Curated: true}); err != nil {
			t.Fatal(err)
		}
		catAnswer := "A cat is allowed in a rented flat unless the lease forbids pets; a landlord may not refuse small animals without a reason."
		cat := e.contribute(t, e.d, "bob", "May I keep a cat in my rented flat?", catAnswer)
		bike := e.contribute(t, e.d, "carol", "Where may I park my bicycle?", "In the courtyard or the bicycle cellar, never in the stairwell, which must stay clear as an escape route.")
		if _, err := e.d.Decide(ctx, e.as("stella"), bike, datanet.Decision{Accept: true, Reason: "clear and correct"}); err != nil {
			t.Fatal(err)
		}
		if res, err := b.Complete(ctx, e.client(), ask("Where can I leave my bicycle?"), nil); err != nil || !paid(res, bike) {
			t.Fatalf("b does not answer from the record accepted on a: %+v %v", res.Attribution, err)
		}
		// The cat record is accepted now, its row below the bicycle's.
		if _, err := e.d.Decide(ctx, e.as("stella"), cat, datanet.Decision{Accept: true, Reason: "clear and correct"}); err != nil {
			t.Fatal(err)
		}
		res, err := b.Complete(ctx, e.client(), ask("May I keep a cat in my rented flat?"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Text != catAnswer || !paid(res, cat) {
			t.Fatalf("b misses the record accepted late on a: %q %+v", res.Text, res.Attribution)
		}
		// Erased through a: b neither answers nor pays it.
		if err := e.d.Erase(ctx, e.ids["bob"], cat); err != nil {
			t.Fatal(err)
		}
		res, err = b.Complete(ctx, e.client(), ask("May I keep a cat in my rented flat?"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(res.Text, "cat") {
			t.Fatalf("b answers with a record erased on a: %q", res.Text)
		}
		for _, r := range res.Attribution.Records {
			if r.ID == cat {
				t.Fatal("b pays a record erased on a")
			}
		}
	})
}
