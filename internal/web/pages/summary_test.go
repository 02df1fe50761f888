package pages

import (
	"testing"

	"github.com/allmende/allmende/internal/problem"
)

// A page that shows the fields in its message does not write a full stop
// and a semicolon together ("not valid.; unit: …"), which every bounty
// page showed for a claim of somebody else's unit.
func TestSummaryEndsNoSentenceTwice(t *testing.T) {
	tests := []struct {
		err  *problem.Error
		want string
	}{
		{&problem.Error{Kind: problem.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"unit": "the id of one of your units"}},
			"Some fields are not valid; unit: the id of one of your units"},
		{&problem.Error{Kind: problem.Invalid, Message: "give the key a name", Fields: map[string]string{"name": "1 to 100 characters"}},
			"give the key a name; name: 1 to 100 characters"},
		{&problem.Error{Kind: problem.Forbidden, Message: "Only the funder decides."}, "Only the funder decides."},
	}
	for _, tt := range tests {
		if got := (&redo{err: tt.err, summary: true}).filled().Message; got != tt.want {
			t.Errorf("summary of %+v = %q, want %q", tt.err, got, tt.want)
		}
	}
}
