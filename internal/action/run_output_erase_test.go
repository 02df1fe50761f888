package action_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/replay"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// reportingReplayer is the fake Chromium that also reads the page a
// replay ended on, and runs during() while the run is under way.
type reportingReplayer struct {
	*fakeReplayer
	text   string
	during func()
}

func (r *reportingReplayer) ReplayReport(ctx context.Context, rec recording.Recording, _ string) (replay.Result, error) {
	res, err := r.Replay(ctx, rec)
	if r.during != nil {
		r.during()
	}
	res.Report, _ = json.Marshal(map[string]string{"text": r.text})
	return res, err
}

// TestRunOutputErasedWhileUnderWay: a runner who erases their data while
// a run is under way finds no output when it ends (it would otherwise be
// stored after the erasure); a run without an erasure keeps its output.
func TestRunOutputErasedWhileUnderWay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		bob := e.members["bob"]
		a, values := e.listedTracker(t)
		e.fund(t, "member:m-bob", 300)
		rr := &reportingReplayer{fakeReplayer: e.fake, text: "Out for delivery ERASE-MARKER-7"}
		e.s.Replayer = rr

		kept, err := e.s.StartRun(ctx, bob, a.Slug, values)
		if err != nil {
			t.Fatal(err)
		}
		execute(t, e, kept.ID)
		if got, _ := e.s.GetRun(ctx, bob, kept.ID); got.Status != "ok" || got.Output != rr.text {
			t.Fatalf("a run's output: %+v", got)
		}

		erased, err := e.s.StartRun(ctx, bob, a.Slug, values)
		if err != nil {
			t.Fatal(err)
		}
		rr.during = func() {
			if _, err := e.s.EraseAll(context.WithoutCancel(ctx), bob); err != nil {
				t.Error(err)
			}
		}
		execute(t, e, erased.ID)
		for _, id := range []string{kept.ID, erased.ID} {
			got, err := e.s.GetRun(ctx, bob, id)
			if err != nil || got.Status != "ok" || got.Output != "" {
				t.Fatalf("run %s after its runner's erasure: %+v, %v", id, got, err)
			}
		}
		var stored int
		if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM automation_runs WHERE output <> ''`).Scan(&stored); err != nil || stored != 0 {
			t.Fatalf("%d outputs stored after the erasure (%v)", stored, err)
		}
		checkLedger(t, e)
	})
}
