package action_test

import (
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestUnclaimedRunsFail: a run no replica with a browser takes within
// MaxQueueWait ends failed, saying so, with its price given back; one
// queued more recently is left waiting; a worker that reaches the ended
// run later replays nothing.
func TestUnclaimedRunsFail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		bob := e.members["bob"]
		a, values := e.listedTracker(t)
		e.fund(t, "member:m-bob", 200)
		old, err := e.s.StartRun(ctx, bob, a.Slug, values)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := e.s.StartRun(ctx, bob, a.Slug, values)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE automation_runs SET created_at = $2 WHERE public_id = $1`, old.ID, time.Now().Add(-action.MaxQueueWait-time.Minute).UnixMilli())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		calls := len(e.fake.calls)
		if n, err := e.s.FailUnclaimedRuns(ctx); n != 1 || err != nil {
			t.Fatalf("unclaimed runs ended: %d, %v", n, err)
		}
		got, _ := e.s.GetRun(ctx, bob, old.ID)
		if got.Status != "failed" || !strings.Contains(got.Error, "no server with a browser") || e.balance(t, "member:m-bob") != 100 {
			t.Fatalf("the unclaimed run: %+v, bob holds %d", got, e.balance(t, "member:m-bob"))
		}
		if got, _ := e.s.GetRun(ctx, bob, fresh.ID); got.Status != "queued" {
			t.Fatalf("a run queued a moment ago: %s", got.Status)
		}
		execute(t, e, old.ID)
		if len(e.fake.calls) != calls {
			t.Fatalf("an ended run was replayed")
		}
		if n, err := e.s.FailUnclaimedRuns(ctx); n != 0 || err != nil {
			t.Fatalf("ended again: %d, %v", n, err)
		}
		checkLedger(t, e)
	})
}

// listedTracker publishes Ada's parcel tracker ("track", 1.00 per run)
// and lists it after its test run, and returns it with values to run it.
func (e *env) listedTracker(t *testing.T) (action.Automation, map[string]string) {
	t.Helper()
	ctx := t.Context()
	ada := e.members["ada"]
	e.fund(t, reward.Treasury, 1000)
	rec, err := e.s.Upload(ctx, ada, parcelFlow(t, human(40), true), "")
	if err != nil || rec.Status != action.Verified {
		t.Fatalf("upload %+v %v", rec, err)
	}
	values := map[string]string{"number": "1Z999AA1", "postcode": "20095"}
	a, err := e.s.Publish(ctx, ada, rec.ID, action.Publication{Slug: "track", Title: "Track", Description: "Looks up a parcel.", PricePerRun: 100, Samples: values})
	if err != nil {
		t.Fatal(err)
	}
	return e.listed(t, ada, a.Slug, values), values
}
