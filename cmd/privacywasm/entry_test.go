package main

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/allmende/allmende/internal/privacy"
)

// jsIndex is the UTF-16 offset of the first sub in text, as JavaScript's
// indexOf gives it.
func jsIndex(text, sub string) int {
	i := strings.Index(text, sub)
	if i < 0 {
		return -1
	}
	return len(utf16.Encode([]rune(text[:i])))
}

func call(t *testing.T, op string, args ...string) map[string]json.RawMessage {
	t.Helper()
	var out map[string]json.RawMessage
	if err := json.Unmarshal([]byte(handle(op, args)), &out); err != nil {
		t.Fatalf("%s answered no JSON object: %v", op, err)
	}
	return out
}

func previewOf(t *testing.T, text string, d Decisions) Preview {
	t.Helper()
	b, _ := json.Marshal(d)
	ans := handle("preview", []string{text, string(b)})
	var p Preview
	var e struct{ Error string }
	json.Unmarshal([]byte(ans), &e)
	if e.Error != "" {
		t.Fatalf("preview: %s", e.Error)
	}
	if err := json.Unmarshal([]byte(ans), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

const letter = "  Hallo, ich heiße Nora Tester 🙂 und bin unter nora.tester@example.org erreichbar.\nBest regards, Paris Hilton  "

func TestPreviewHidesWhatTheDetectorFinds(t *testing.T) {
	p := previewOf(t, letter, Decisions{})
	if p.Text != strings.TrimSpace(letter) {
		t.Fatalf("offsets must count in the trimmed text, got %q", p.Text)
	}
	for _, raw := range []string{"Nora Tester", "nora.tester@example.org", "Paris Hilton"} {
		if strings.Contains(p.Redacted, raw) {
			t.Errorf("redacted text still holds %q: %s", raw, p.Redacted)
		}
	}
	if !strings.Contains(p.Redacted, "<EMAIL_ADDRESS>") || !strings.Contains(p.Redacted, "<PERSON>") {
		t.Errorf("placeholders missing: %s", p.Redacted)
	}
	// Offsets are JavaScript's: the e-mail address comes after an emoji,
	// two UTF-16 units.
	at := jsIndex(p.Text, "nora.tester@example.org")
	found := false
	for _, s := range p.Spans {
		if s.Type == privacy.EmailAddress {
			found = s.Start == at && s.End == at+len("nora.tester@example.org") && s.Hidden
		}
	}
	if !found {
		t.Errorf("no hidden EMAIL_ADDRESS at units %d: %+v", at, p.Spans)
	}
	if len(p.Kept) != 0 {
		t.Errorf("nothing was kept, got %+v", p.Kept)
	}
}

func TestPreviewKeepsWhatTheMemberKeepsAndHidesWhatTheyMark(t *testing.T) {
	p := previewOf(t, letter, Decisions{})
	var paris Shown
	for _, s := range p.Spans {
		if strings.Contains(string(utf16.Decode(utf16.Encode([]rune(p.Text))[s.Start:s.End])), "Paris") {
			paris = s
		}
	}
	if len(paris.Parts) == 0 {
		t.Fatalf("Paris Hilton not found: %+v", p.Spans)
	}
	start := jsIndex(p.Text, "erreichbar")
	p = previewOf(t, letter, Decisions{Keep: paris.Parts, Hide: []Mark{{Start: start, End: start + len("erreichbar"), Type: privacy.Location}}})
	if !strings.Contains(p.Redacted, "Best regards, Paris Hilton") {
		t.Errorf("kept name was replaced: %s", p.Redacted)
	}
	if strings.Contains(p.Redacted, "erreichbar") || !strings.Contains(p.Redacted, "<LOCATION>") {
		t.Errorf("marked word not hidden: %s", p.Redacted)
	}
	if len(p.Kept) != 1 || p.Kept[0].Type != privacy.Person {
		t.Fatalf("kept = %+v, want the one PERSON", p.Kept)
	}
	k := p.Kept[0]
	runes := []rune(p.Redacted)
	if got := string(runes[k.Start:k.End]); got != "Paris Hilton" {
		t.Errorf("kept span in code points of the redacted text is %q", got)
	}
	// What the server's check sees: every finding is a kept span.
	assertPasses(t, p)
}

// assertPasses is the server's check: everything the detector finds in
// the redacted text is a span the member confirmed.
func assertPasses(t *testing.T, p Preview) {
	t.Helper()
	spans := privacy.Scan(p.Redacted, privacy.DefaultMinScore)
	for _, f := range privacy.RuneOffsets(p.Redacted, spans) {
		ok := false
		for _, k := range p.Kept {
			ok = ok || k.Start == f.Start && k.End == f.End && k.Type == f.Type
		}
		if !ok {
			t.Fatalf("the server would refuse %+v in %q (kept %+v)", f, p.Redacted, p.Kept)
		}
	}
}

func TestHandleNamesBadArguments(t *testing.T) {
	for _, tc := range []struct {
		op   string
		args []string
		want string
	}{
		{"scan", []string{"x"}, `no function "scan"`},
		{"preview", []string{"x"}, "takes 2 string arguments, got 1"},
		{"preview", []string{"Nora", `{"keep":[{"start":3,"end":1,"type":"PERSON"}]}`}, "keep[0]: 3–1 is not a span"},
		{"preview", []string{"Nora", `{"hide":[{"start":0,"end":4,"type":"NAME"}]}`}, `hide[0]: "NAME" is not a type`},
		{"preview", []string{"a🙂b", `{"hide":[{"start":1,"end":2,"type":"PERSON"}]}`}, "is not a span"},
		{"preview", []string{"Nora", `{"skip":[]}`}, "decisions: not JSON"},
	} {
		got := call(t, tc.op, tc.args...)
		var msg string
		json.Unmarshal(got["error"], &msg)
		if !strings.Contains(msg, tc.want) {
			t.Errorf("%s%q: error %q, want it to say %q", tc.op, tc.args, msg, tc.want)
		}
	}
}

func TestRedact(t *testing.T) {
	var r Redacted
	if err := json.Unmarshal([]byte(handle("redact", []string{"Mail an anna.schmidt@example.de, Tel. +49 171 1234567"})), &r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.Text, "anna.schmidt") || strings.Contains(r.Text, "1234567") || len(r.Types) != 2 {
		t.Errorf("redact = %+v", r)
	}
}
