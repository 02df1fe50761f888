package work_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/work"
)

// TestExportLeavesOutHeldRejections: an answer its requester rejected is
// not in the export while a steward decides, and is back once the steward
// overturns the rejection.
func TestExportLeavesOutHeldRejections(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ctx := t.Context()
	p := e.project(t, work.Project{Slug: "held", PayPerTask: 20, ReviewHours: 72}, 2, nil, nil)
	e.work(t, "ada", p.Slug, 20*time.Second, "positive")
	held := e.work(t, "bob", p.Slug, 20*time.Second, "negative")
	if out, err := e.s.Reject(ctx, e.as("rita"), held.ID, work.RejectInstructions, "The review is plainly positive, not negative."); err != nil || out != "review" {
		t.Fatalf("reject = %q, %v; want it held for a steward", out, err)
	}
	export := func() string {
		t.Helper()
		p, _ := e.s.BySlug(ctx, p.Slug)
		var buf bytes.Buffer
		if _, _, err := e.s.Export(ctx, p, "votes", true, &buf); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	if got := export(); !strings.Contains(got, "m-ada") || strings.Contains(got, "m-bob") {
		t.Fatalf("while a steward decides, the export holds:\n%s\nwant ada's answer and not bob's held one", got)
	}
	if err := e.s.Decide(ctx, e.as("stella"), held.ID, false, "Negative is a fair reading of this review."); err != nil {
		t.Fatal(err)
	}
	if got := export(); !strings.Contains(got, "m-bob") {
		t.Fatalf("after the steward overturned the rejection the export holds:\n%s\nwant bob's answer back", got)
	}
}
