package action

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/recording"
)

// TestCutOutputKeepsCharactersWhole: a cut never splits a character, stays
// within the bound with its ellipsis, and leaves short text alone.
func TestCutOutputKeepsCharactersWhole(t *testing.T) {
	if got := cutOutput("At the depot.", 4096); got != "At the depot." {
		t.Fatalf("short text was changed: %q", got)
	}
	for _, s := range []string{strings.Repeat("ü", 100), strings.Repeat("a€", 50), strings.Repeat("😀", 40)} {
		for n := 4; n < 40; n++ {
			got := cutOutput(s, n)
			if len(got) > n || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") || !strings.HasPrefix(s, strings.TrimSuffix(got, "…")) {
				t.Fatalf("cutOutput(%q…, %d) = %q (%d bytes)", s[:8], n, got, len(got))
			}
		}
	}
}

// TestEndSelectorIsPlainCSSOfTheLastWait: only a recording that ends
// waiting for an element names where it ends, and only a selector
// querySelector takes (no aria/, xpath/, text/ or pierce/ query, no
// shadow-root path).
func TestEndSelectorIsPlainCSSOfTheLastWait(t *testing.T) {
	wait := func(sels ...recording.Selector) recording.Recording {
		return recording.Recording{Steps: []recording.Step{{Type: "navigate", URL: "https://example.org/"}, {Type: recording.StepWaitForElement, Selectors: sels}}}
	}
	for _, c := range []struct {
		rec  recording.Recording
		want string
	}{
		{wait(recording.Selector{"aria/Status"}, recording.Selector{"#status"}), "#status"},
		{wait(recording.Selector{"xpath///p"}, recording.Selector{"host", "#status"}), ""},
		{wait(recording.Selector{"text/Delivered"}, recording.Selector{"main p.status"}), "main p.status"},
		{recording.Recording{Steps: []recording.Step{{Type: "click", Selectors: []recording.Selector{{"#track"}}}}}, ""},
		{recording.Recording{}, ""},
	} {
		if got := endSelector(c.rec); got != c.want {
			t.Errorf("endSelector(%+v) = %q, want %q", c.rec.Steps, got, c.want)
		}
	}
}

// TestRunOutputReadsTheTextOnly: what the report expression returned is
// the output only as {"text": …}; a failed expression (the actor's
// "report failed: …" string) or null gives none.
func TestRunOutputReadsTheTextOnly(t *testing.T) {
	for raw, want := range map[string]string{
		`{"text":"  In transit \n"}`:      "In transit",
		`"report failed: ReferenceError"`: "",
		`null`:                            "",
		``:                                "",
		`{"text":"` + strings.Repeat("x", 5000) + `"}`: strings.Repeat("x", MaxRunOutput-len("…")) + "…",
	} {
		if got := runOutput(json.RawMessage(raw)); got != want {
			t.Errorf("runOutput(%.40q) = %.40q, want %.40q", raw, got, want)
		}
	}
}
