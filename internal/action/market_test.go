package action_test

import (
	"testing"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/member"
)

// listed gives an automation its samples (if any), runs its test run in
// the (fake) sandbox and lists it, as its author would before others may
// run it.
func (e *env) listed(t *testing.T, author member.Member, slug string, samples map[string]string) action.Automation {
	t.Helper()
	ctx := t.Context()
	if samples != nil {
		if _, err := e.s.SetSamples(ctx, author, slug, samples); err != nil {
			t.Fatalf("samples of %s: %v", slug, err)
		}
	}
	run, err := e.s.TestRun(ctx, author, slug)
	if err != nil {
		t.Fatalf("test run of %s: %v", slug, err)
	}
	execute(t, e, run.ID)
	if got, _ := e.s.GetRun(ctx, author, run.ID); got.Status != "ok" || !got.Test {
		t.Fatalf("test run of %s: %+v", slug, got)
	}
	a, err := e.s.List(ctx, author, slug)
	if err != nil || !a.Listed {
		t.Fatalf("list %s: %+v %v", slug, a, err)
	}
	return a
}
