package replay

import (
	"strings"
	"testing"
	"time"
)

// Faults end the replay with a failed step that says what happened, the
// steps after it skipped — never a hang, never a step reported ok that was
// not done.
func TestFaults(t *testing.T) {
	browser := testBrowser(t)
	s := newSite(t)
	cases := []struct {
		name string
		// steps after a navigate to the forms page, as JSON.
		steps  string
		failed int
		want   []string
	}{
		{name: "an element that never appears",
			steps: `{"type":"click","selectors":[["aria/Nowhere"],["#nowhere"]],"offsetX":1,"offsetY":1},
				{"type":"click","selectors":[["#name"]],"offsetX":1,"offsetY":1}`,
			failed: 1, want: []string{"aria/Nowhere", "#nowhere"}},
		{name: "a page that never loads",
			steps:  `{"type":"navigate","url":"` + recordedHost + `/slow"}`,
			failed: 1, want: []string{"/slow", "timed out after 1.5s"}},
		{name: "a page that navigates away during a step",
			steps: `{"type":"waitForExpression","expression":"(setTimeout(() => location.href = '/echo?name=gone', 100), true)"},
				{"type":"waitForElement","selectors":[["#never"]]}`,
			failed: 2, want: []string{"#never", "navigated away", "/echo?name=gone"}},
		{name: "a renderer that crashes",
			steps:  `{"type":"navigate","url":"chrome://crash"}`,
			failed: 1, want: []string{"crash"}},
		{name: "an expression that stays false",
			steps:  `{"type":"waitForExpression","expression":"false"}`,
			failed: 1, want: []string{"false"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := s.parse(t, `{"title":"fault","timeout":1500,"steps":[{"type":"navigate","url":"`+recordedHost+`/forms.html"},`+c.steps+`]}`)
			start := time.Now()
			res, err := RunIn(t.Context(), browser, rec, Options{})
			if err != nil {
				t.Fatalf("RunIn: %v", err)
			}
			if took := time.Since(start); took > 20*time.Second {
				t.Errorf("the replay took %v", took)
			}
			if res.OK || res.FailedStep != c.failed {
				t.Fatalf("failed step %d, want %d:\n%s", res.FailedStep, c.failed, describe(res))
			}
			msg := res.Steps[c.failed].Error
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("the error %q does not mention %q", msg, w)
				}
			}
			for _, st := range res.Steps[c.failed+1:] {
				if st.Status != StatusSkipped {
					t.Errorf("step %d after the failure is %s", st.Index, st.Status)
				}
			}
		})
	}
}

// A browser that dies in the middle of a replay fails the step that was
// running, at once.
func TestBrowserDiesMidRun(t *testing.T) {
	browser, stop := startBrowser(t)
	s := newSite(t)
	rec := s.parse(t, `{"title":"dies","steps":[{"type":"navigate","url":"`+recordedHost+`/forms.html"},
		{"type":"waitForElement","timeout":20000,"selectors":[["#never"]]}]}`)
	// Kill it once the page has loaded, while the second step waits.
	opts := Options{Log: func(s StepResult) {
		if s.Index == 0 && s.Status == StatusOK {
			time.AfterFunc(300*time.Millisecond, stop)
		}
	}}
	start := time.Now()
	res, err := RunIn(t.Context(), browser, rec, opts)
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("the replay noticed the dead browser after %v", took)
	}
	if err != nil || res.OK || res.FailedStep != 1 || !strings.Contains(res.Steps[1].Error, "the browser went away") {
		t.Fatalf("after the browser died: %v\n%s", err, describe(res))
	}
}

// A link in a table cell gives the cell its accessible name too: an
// aria selector for the link matches both, and the replay clicks the link
// (the element inside), at the offset the recorder measured on it — on
// the cell, that offset falls in its padding and clicks nothing.
func TestAriaSelectorPrefersTheElementInside(t *testing.T) {
	browser := testBrowser(t)
	s := newSite(t)
	rec := s.parse(t, `{"title":"cells","timeout":3000,"steps":[{"type":"navigate","url":"`+recordedHost+`/cells.html"},
		{"type":"click","selectors":[["aria/Budget update"],["tbody > tr:nth-of-type(2) > td:nth-of-type(2) > a"]],"offsetX":4,"offsetY":3},
		{"type":"waitForExpression","expression":"window.clicked === 'Budget update'"}]}`)
	res := runOK(t, browser, rec)
	if got := res.Steps[1].Selector; got != "aria/Budget update" {
		t.Errorf("the click used %q, want the aria selector", got)
	}
}
