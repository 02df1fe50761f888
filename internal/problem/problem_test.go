package problem_test

import (
	"errors"
	"testing"

	"github.com/allmende/allmende/internal/problem"
)

// TestFieldsMerge: a form collects the field messages of single-value
// checks, keeping the first message a field got; nil and errors that are
// not validation problems add nothing.
func TestFieldsMerge(t *testing.T) {
	f := problem.Fields{}
	f.Add("budget", "is required")
	f.Merge(&problem.Error{Kind: problem.Invalid, Fields: map[string]string{"budget": "between 0 and 10 points", "pay_per_task": "between 1 and 5 points"}})
	f.Merge(nil)
	f.Merge(errors.New("disk full"))
	f.Merge(&problem.Error{Kind: problem.Conflict, Fields: map[string]string{"id": "taken"}})
	if len(f) != 2 || f["budget"] != "is required" || f["pay_per_task"] != "between 1 and 5 points" {
		t.Fatalf("merged fields: %v", f)
	}
}
