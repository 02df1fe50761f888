package work_test

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/work"
)

// TestEditProject: the requester clarifies the instructions with example
// images, changes the labels while no worker has taken a task, and raises
// the pay; lowering the pay, changing labels once work has started,
// dropping a label a pre-annotation uses and too many examples are each
// refused on their field with nothing changed; other members cannot edit,
// and a draft's examples are seen only by its managers.
func TestEditProject(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		images := legoImages(t)
		photo := images["IMG20231010083824.jpg"]
		p := boxProject(t, e, "lego")
		coco := `{"categories":[{"id":1,"name":"battery"}],"images":[{"id":7,"file_name":"IMG20231010083824.jpg","width":512,"height":256}],
			"annotations":[{"id":1,"image_id":7,"category_id":1,"bbox":[10,10,50,50]}]}`
		if _, _, err := e.s.ImportCOCO(ctx, p, strings.NewReader(coco), images); err != nil {
			t.Fatal(err)
		}
		str := func(s string) *string { return &s }
		pay := func(n int64) *int64 { return &n }

		got, err := e.s.Edit(ctx, e.as("rita"), "lego", work.Changes{Instructions: str("  Box each battery, the whole of it.  "), Labels: []string{"battery", "cable"},
			PayPerTask: pay(55), AddExamples: [][]byte{photo}})
		if err != nil {
			t.Fatal(err)
		}
		if got.Instructions != "Box each battery, the whole of it." || strings.Join(got.Labels, ",") != "battery,cable" || got.PayPerTask != 55 || len(got.Examples) != 1 {
			t.Fatalf("edited project %+v", got)
		}
		refusals := []struct {
			name  string
			as    string
			c     work.Changes
			kind  problem.Kind
			field string
		}{
			{"lower pay", "rita", work.Changes{PayPerTask: pay(54)}, problem.Invalid, "pay_per_task"},
			{"a label the pre-annotations use dropped", "rita", work.Changes{Labels: []string{"cable"}}, problem.Invalid, "labels"},
			{"a label twice", "rita", work.Changes{Labels: []string{"cable", "cable", "battery"}}, problem.Invalid, "labels"},
			{"empty instructions", "rita", work.Changes{Instructions: str(" ")}, problem.Invalid, "instructions"},
			{"not an image", "rita", work.Changes{AddExamples: [][]byte{[]byte("GIF89a but not")}}, problem.Invalid, "examples"},
			{"too many examples", "rita", work.Changes{AddExamples: [][]byte{photo, photo, photo, photo, photo, photo}}, problem.Invalid, "examples"},
			{"a worker", "ada", work.Changes{PayPerTask: pay(100)}, problem.NotFound, ""},
		}
		for _, tc := range refusals {
			// Every refusal also carries a change that would be valid on
			// its own, which must not be made either.
			tc.c.Instructions = cmpStr(tc.c.Instructions, "Changed by a refused edit.")
			_, err := e.s.Edit(ctx, e.as(tc.as), "lego", tc.c)
			pr, ok := problem.As(err)
			if !ok || pr.Kind != tc.kind || (tc.field != "" && pr.Fields[tc.field] == "") {
				t.Errorf("%s: %v (%+v), want %s on %q", tc.name, err, pr, tc.kind, tc.field)
			}
		}
		if now, _ := e.s.BySlug(ctx, "lego"); now.Instructions != got.Instructions || now.PayPerTask != 55 || len(now.Examples) != 1 {
			t.Fatalf("a refused edit changed the project: %+v", now)
		}

		// A draft's example is its managers'; once approved, every
		// member's, as the instructions are.
		id := got.Examples[0]
		if _, _, err := e.s.ExampleImage(ctx, e.as("ada"), "lego", id); !problem.Is(err, problem.NotFound) {
			t.Fatalf("a worker sees a draft's example: %v", err)
		}
		if err := e.s.Approve(ctx, e.as("stella"), "lego"); err != nil {
			t.Fatal(err)
		}
		r, media, err := e.s.ExampleImage(ctx, e.as("ada"), "lego", id)
		if err != nil || media != "image/jpeg" {
			t.Fatalf("example for a worker: %v %s", err, media)
		}
		b, _ := io.ReadAll(r)
		r.Close()
		if len(b) != len(photo) {
			t.Fatalf("example holds %d bytes, want %d", len(b), len(photo))
		}

		// Once a worker has a task, the labels are fixed; the pay still
		// goes up, and the instructions can still be clarified.
		a, err := e.s.Next(ctx, e.ids["ada"], "lego")
		if err != nil {
			t.Fatal(err)
		}
		e.advance(10 * time.Second)
		_, err = e.s.Edit(ctx, e.as("rita"), "lego", work.Changes{Labels: []string{"battery", "cable", "screw"}})
		if pr, ok := problem.As(err); !ok || pr.Fields["labels"] == "" {
			t.Fatalf("labels changed after work started: %v", err)
		}
		if _, err := e.s.Edit(ctx, e.as("stella"), "lego", work.Changes{PayPerTask: pay(60), Instructions: str("Box each battery."), RemoveExamples: []int64{id}}); err != nil {
			t.Fatal(err)
		}
		// The task taken is paid at the new pay: a raise the escrow does
		// not hold for it is refused, and the pay stays.
		_, err = e.s.Edit(ctx, e.as("rita"), "lego", work.Changes{PayPerTask: pay(points.MaxPrice)})
		if pr, ok := problem.As(err); !ok || pr.Kind != problem.Conflict || pr.Fields["pay_per_task"] == "" {
			t.Fatalf("a raise beyond the escrow: %v", err)
		}
		task, err := e.s.Task(ctx, e.ids["ada"], a.ID)
		if err != nil || task.Project.PayPerTask != 60 || task.Project.Instructions != "Box each battery." || len(task.Project.Examples) != 0 {
			t.Fatalf("the worker's task shows %+v (%v)", task.Project, err)
		}
	})
}

func cmpStr(s *string, def string) *string {
	if s != nil {
		return s
	}
	return &def
}
