package datanet_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/dedup"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// replica is a second datanet service on the same database with a data
// folder of its own, as a second server behind a load balancer has.
func (e *env) replica(t *testing.T) *datanet.Service {
	t.Helper()
	r := e.mkIn(filepath.Join(t.TempDir(), "dedup"))
	t.Cleanup(func() { r.Close() })
	return r
}

// TestReplicasRefuseEachOthersDuplicates: a record contributed through one
// replica is an exact or near duplicate on another with its own data
// folder, and once erased through the first, the second takes it again.
func TestReplicasRefuseEachOthersDuplicates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		a, b := e.svc, e.replica(t)
		notes := e.datanet(t, "notes")
		// b has used its index before a contributes: it must catch up.
		if _, err := b.Contribute(ctx, e.bob, "notes", texts(t, notes, "Roses want a sunny spot, well-drained soil and a deep watering once a week; cut them back in early spring above an outward-facing bud."), datanet.IntakeOptions{}); err != nil {
			t.Fatal(err)
		}
		res, err := a.Contribute(ctx, e.ada, "notes", texts(t, notes, gardenText), datanet.IntakeOptions{})
		if err != nil || res.Accepted != 1 {
			t.Fatalf("contribute on a: %+v %v", res, err)
		}
		edited := strings.Replace(gardenText, "six hours", "6 hours", 1) + " Basil likes the same."
		res, err = b.Contribute(ctx, e.bob, "notes", texts(t, notes, gardenText, edited), datanet.IntakeOptions{Partial: true})
		if err != nil {
			t.Fatal(err)
		}
		if o := res.Outcomes[0]; o.Status != "duplicate" || !o.Duplicate.Exact {
			t.Fatalf("exact copy on b: %+v", o)
		}
		if o := res.Outcomes[1]; o.Status != "duplicate" || o.Duplicate.Exact || o.Duplicate.InBatch {
			t.Fatalf("near copy on b: %+v", o)
		}
		if err := a.Erase(ctx, e.ada, res0ID(t, db, "notes")); err != nil {
			t.Fatal(err)
		}
		res, err = b.Contribute(ctx, e.bob, "notes", texts(t, notes, edited), datanet.IntakeOptions{})
		if err != nil || res.Accepted != 1 {
			t.Fatalf("after erasure on a, b still refuses the near copy: %+v %v", res, err)
		}
	})
}

// res0ID is the public id of the datanet's oldest accepted record of ada.
func res0ID(t *testing.T, db *store.DB, slug string) string {
	t.Helper()
	var id string
	err := db.Read().QueryRowContext(t.Context(), `
		SELECT c.public_id FROM contributions c JOIN datanets d ON d.id = c.datanet_id JOIN members m ON m.id = c.member_id
		WHERE d.slug = $1 AND m.public_id = 'm-ada' AND c.status = 'accepted' ORDER BY c.id LIMIT 1`, slug).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestReplicasRaceOnOneRecord: the same record, and a near copy of it,
// sent at the same moment to two replicas are taken once, never twice.
func TestReplicasRaceOnOneRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		reps := []*datanet.Service{e.svc, e.replica(t)}
		notes := e.datanet(t, "notes")
		for round := range 12 {
			base := wordSalad(rand.New(rand.NewPCG(uint64(round), 18)), 80)
			texts2 := []string{base, base}
			if round%2 == 1 {
				texts2[1] = base + " extra" // a near copy: no unique hash decides
			}
			var wg sync.WaitGroup
			accepted := make([]int, 2)
			errs := make([]error, 2)
			start := make(chan struct{})
			for i := range 2 {
				who := []int64{e.ada, e.bob}[i]
				wg.Go(func() {
					<-start
					res, err := reps[i].Contribute(ctx, who, "notes", texts(t, notes, texts2[i]), datanet.IntakeOptions{})
					accepted[i], errs[i] = res.Accepted, err
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil && err != datanet.ErrBatchRejected {
					t.Fatalf("round %d, replica %d: %v", round, i, err)
				}
			}
			if n := accepted[0] + accepted[1]; n != 1 {
				t.Fatalf("round %d (near copy: %v): %d replicas accepted the record", round, round%2 == 1, n)
			}
		}
	})
}

// TestReplicaSweepForgetsErasedFingerprints: a record erased through one
// replica leaves the other's index file at its sweep, though no intake
// comes to the other.
func TestReplicaSweepForgetsErasedFingerprints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		dir := filepath.Join(t.TempDir(), "dedup")
		b := e.mkIn(dir)
		t.Cleanup(func() { b.Close() })
		notes := e.datanet(t, "notes")
		res, err := e.svc.Contribute(ctx, e.ada, "notes", texts(t, notes, gardenText), datanet.IntakeOptions{})
		if err != nil || res.Accepted != 1 {
			t.Fatalf("contribute on a: %+v %v", res, err)
		}
		dna, err := dedup.ParseDNA(res.Outcomes[0].DNA)
		if err != nil {
			t.Fatal(err)
		}
		// b's index catches up at its next intake: it holds ada's record.
		if _, err := b.Contribute(ctx, e.bob, "notes", texts(t, notes, wordSalad(rand.New(rand.NewPCG(1, 2)), 60)), datanet.IntakeOptions{}); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, fmt.Sprintf("datanet-%d.idx", notes.ID))
		holds := func() bool {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			return bytes.Contains(data, dna[:])
		}
		if !holds() {
			t.Fatal("b's index file does not hold the record: this test tests nothing")
		}
		if err := e.svc.Erase(ctx, e.ada, res.Outcomes[0].Contribution); err != nil {
			t.Fatal(err)
		}
		if err := b.ForgetErased(ctx); err != nil {
			t.Fatal(err)
		}
		if holds() {
			t.Fatal("after b's sweep its index file still holds the erased record's fingerprint")
		}
	})
}
