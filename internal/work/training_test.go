package work_test

import (
	"slices"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/work"
)

// Four reviews, two answers each: ada and bob agree on reviews 0 and 1
// (positive, negative), split on review 2, and review 3 has one answer
// only. Decided are 0 and 1; a model trained on them pays, for review 0,
// the workers who said positive.
func TestDecidedItemsAndAgreeingWorkers(t *testing.T) {
	answers := map[string]map[string]string{ // text → worker → label
		"Review number 0": {"ada": "positive", "bob": "positive"},
		"Review number 1": {"ada": "negative", "bob": "negative"},
		"Review number 2": {"ada": "positive", "bob": "negative"},
		"Review number 3": {"ada": "positive"},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		p := e.project(t, work.Project{Redundancy: 2, PayPerTask: 30}, 4, nil, nil)
		ids := map[string]int64{}
		for _, w := range []string{"ada", "bob"} {
			for range 4 {
				a, err := e.s.Next(ctx, e.ids[w], p.Slug)
				if problem.Is(err, problem.NotFound) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				task, err := e.s.Task(ctx, e.ids[w], a.ID)
				if err != nil {
					t.Fatal(err)
				}
				ids[task.Item.Text] = task.Item.ID
				label := answers[task.Item.Text][w]
				if label == "" {
					// bob leaves review 3 unanswered: his assignment expires.
					e.advance(2 * time.Hour)
					continue
				}
				if _, err := e.s.Submit(ctx, e.ids[w], a.ID, []byte(`{"label":"`+label+`"}`)); err != nil {
					t.Fatal(err)
				}
			}
		}

		// Only the project's requester and stewards train on it.
		for _, who := range []string{"ada", "bob"} {
			if _, _, err := e.s.TrainingItems(ctx, e.as(who), p.Slug); !problem.Is(err, problem.Invalid) {
				t.Fatalf("%s reads the training items of rita's project: %v", who, err)
			}
		}
		for _, who := range []string{"rita", "stella"} {
			_, items, err := e.s.TrainingItems(ctx, e.as(who), p.Slug)
			if err != nil {
				t.Fatalf("%s: %v", who, err)
			}
			var got []string
			for _, it := range items {
				got = append(got, it.Text+"="+it.Label)
			}
			if want := []string{"Review number 0=positive", "Review number 1=negative"}; !slices.Equal(got, want) {
				t.Fatalf("decided items %v, want %v", got, want)
			}
		}

		agreeing := func() map[int64][]work.Worker {
			t.Helper()
			out, err := work.Agreeing(ctx, db.Read(), map[int64]string{ids["Review number 0"]: "positive", ids["Review number 2"]: "negative"})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		names := func(ws []work.Worker) (out []string) {
			for _, w := range ws {
				out = append(out, w.PublicID)
			}
			return out
		}
		got := agreeing()
		if r0, r2 := names(got[ids["Review number 0"]]), names(got[ids["Review number 2"]]); !slices.Equal(r0, []string{"m-ada", "m-bob"}) || !slices.Equal(r2, []string{"m-bob"}) {
			t.Fatalf("agreeing: review 0 %v (want ada, bob), review 2 %v (want bob, who said negative)", r0, r2)
		}
		// A rejected answer pays nothing from then on.
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE assignments SET status = 'rejected' WHERE item_id = $1 AND worker_id = $2`, ids["Review number 0"], e.ids["bob"])
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if r0 := names(agreeing()[ids["Review number 0"]]); !slices.Equal(r0, []string{"m-ada"}) {
			t.Fatalf("after bob's answer was rejected, review 0 pays %v", r0)
		}

		// Erasing an item: only who manages the project; it tells the
		// hooks, and the item is neither decided nor paid again.
		var told []int64
		e.s.OnItemsErased(func(ids []int64) { told = append(told, ids...) })
		if err := e.s.EraseItem(ctx, e.as("bob"), p.Slug, ids["Review number 1"]); !problem.Is(err, problem.NotFound) {
			t.Fatalf("a worker erases an item: %v", err)
		}
		if err := e.s.EraseItem(ctx, e.as("rita"), p.Slug, 999999); !problem.Is(err, problem.NotFound) {
			t.Fatalf("erasing no item: %v", err)
		}
		if err := e.s.EraseItem(ctx, e.as("rita"), p.Slug, ids["Review number 0"]); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(told, []int64{ids["Review number 0"]}) {
			t.Fatalf("the hooks were told %v", told)
		}
		if got := agreeing()[ids["Review number 0"]]; len(got) != 0 {
			t.Fatalf("the erased item still pays %v", names(got))
		}
		items, err := e.s.DecidedItems(ctx, p)
		if err != nil || len(items) != 1 || items[0].Text != "Review number 1" {
			t.Fatalf("decided after erasure: %+v %v", items, err)
		}
		var text string
		if err := db.Read().QueryRowContext(ctx, `SELECT text FROM items WHERE id = $1`, ids["Review number 0"]).Scan(&text); err != nil || text != "" {
			t.Fatalf("the erased item's text is %q (%v)", text, err)
		}
		// bob erases his answers: they pay him nothing more and no longer
		// decide a label (review 1 is left with ada's answer alone).
		if n, err := e.s.EraseAnswers(ctx, e.ids["bob"]); err != nil || n != 3 {
			t.Fatalf("bob erased %d answers (%v), want 3", n, err)
		}
		if got := agreeing()[ids["Review number 2"]]; len(got) != 0 {
			t.Fatalf("bob's erased answer still pays %v", names(got))
		}
		if items, err := e.s.DecidedItems(ctx, p); err != nil || len(items) != 0 {
			t.Fatalf("decided after bob's erasure: %+v %v, want none", items, err)
		}
		if n, err := e.s.EraseAnswers(ctx, e.ids["bob"]); err != nil || n != 0 {
			t.Fatalf("erasing again erased %d (%v)", n, err)
		}
		// Not text classification: refused naming the project.
		boxes := e.project(t, work.Project{Slug: "boxes", TaskType: work.BoundingBox, Labels: []string{"cat"}, Redundancy: 1, PayPerTask: 30}, 0, nil, nil)
		if _, _, err := e.s.TrainingItems(ctx, e.as("rita"), boxes.Slug); !problem.Is(err, problem.Invalid) {
			t.Fatalf("a box project as a training set: %v", err)
		}
	})
}
