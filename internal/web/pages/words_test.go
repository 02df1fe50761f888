package pages

import (
	"testing"

	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/ledger"
)

func TestInternalNamesInWords(t *testing.T) {
	for in, want := range map[string]string{
		"escrow:project:2":      "project 2's escrow",
		"member:m-abc":          "member m-abc",
		"funding:requester:m-r": "paid in by m-r",
		"treasury":              "the treasury",
		"payouts":               "paid out",
		"shares:m-abc":          "m-abc's shares",
	} {
		if got := accountName(in); got != want {
			t.Errorf("accountName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[any]string{ledger.TaskPaid: "Task paid", ledger.PayoutPaid: "Paid out", "some.new": "some new"} {
		if got := eventName(in); got != want {
			t.Errorf("eventName(%v) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"bounding_box": "bounding boxes on images", "pairwise": "pick the better of two answers", "new_kind": "new kind"} {
		if got := taskTypeName(in); got != want {
			t.Errorf("taskTypeName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := scopeName("model:3"); got != "model 3" {
		t.Errorf("scopeName = %q", got)
	}
	for n, want := range map[int]string{0: "0 open projects", 1: "1 open project", 2: "2 open projects"} {
		if got := plural(n, "open project"); got != want {
			t.Errorf("plural(%d) = %q, want %q", n, got, want)
		}
	}
	if got := plural(int64(3), "child", "children"); got != "3 children" {
		t.Errorf("plural with its own plural = %q", got)
	}
}

func TestOutcomeInWords(t *testing.T) {
	opts := []govern.Option{{Label: "Raise to 80%"}, {Label: "No, keep 70%", StatusQuo: true}}
	for _, tt := range []struct {
		r    govern.Result
		want string
	}{
		{govern.Result{Status: govern.Passed, Winner: 0}, "Passed: “Raise to 80%” won"},
		{govern.Result{Status: govern.Rejected, Winner: 1}, "Rejected: most votes kept things as they are (“No, keep 70%”)"},
		{govern.Result{Status: govern.Rejected, Winner: 0, Tie: true}, "Rejected: the leading options tied"},
		{govern.Result{Status: govern.NoQuorum, Winner: -1, Turnout: 0.1, Quorum: 0.25}, "No decision: only 10% voted, 25% were needed"},
	} {
		r := tt.r
		if got := outcome(govern.Proposal{Options: opts, Result: &r}); got != tt.want {
			t.Errorf("outcome(%+v) = %q, want %q", tt.r, got, tt.want)
		}
	}
}
