package datanet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/privacy"
)

// Kept is a span the detector finds that the member saw in the preview on
// their own machine and confirmed keeping (a name that is a hotel, a
// number that is no phone). Offsets are in characters (code points) of the
// field's text as submitted; Field is text, question, answer or
// fields.NAME. Kept spans matter only for a checked submission
// (IntakeOptions.Checked), and are never stored.
type Kept struct {
	Field string       `json:"field"`
	Start int          `json:"start"`
	End   int          `json:"end"`
	Type  privacy.Type `json:"type"`
}

// MaxKept bounds the kept spans of one record.
const MaxKept = 1000

// parseKept reads a record's "kept" list and checks that each span names
// a text field of datanet d, a known type and a non-empty range.
func (d Datanet) parseKept(raw json.RawMessage) ([]Kept, *RecordError) {
	var kept []Kept
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&kept); err != nil {
		return nil, &RecordError{Field: "kept", Message: fmt.Sprintf("must be a list of {field, start, end, type}: %v", err)}
	}
	if len(kept) > MaxKept {
		return nil, &RecordError{Field: "kept", Message: fmt.Sprintf("at most %d kept spans", MaxKept)}
	}
	texts := map[RecordKind][]string{KindText: {"text"}, KindQA: {"question", "answer"}}[d.RecordKind]
	for i, k := range kept {
		name, isField := strings.CutPrefix(k.Field, "fields.")
		switch {
		case !(isField && slices.Contains(d.Fields, name)) && !slices.Contains(texts, k.Field):
			return nil, &RecordError{Field: fmt.Sprintf("kept[%d].field", i), Message: fmt.Sprintf("%q is not a text of this %s record", k.Field, d.RecordKind)}
		case k.Start < 0 || k.End <= k.Start:
			return nil, &RecordError{Field: fmt.Sprintf("kept[%d]", i), Message: fmt.Sprintf("%d–%d is not a span", k.Start, k.End)}
		case !slices.Contains(privacy.Types, k.Type):
			return nil, &RecordError{Field: fmt.Sprintf("kept[%d].type", i), Message: fmt.Sprintf("%q is not a type of personal data", k.Type)}
		}
	}
	return kept, nil
}

// checkRedacted is the server's half of redaction on the member's machine:
// the detector runs again on text that was redacted there, and every
// finding must be a span the member confirmed keeping; anything else is
// refused, naming its type and place, rather than stored or silently
// replaced (which would hide that the member's copy of the detector
// disagrees). The placeholders already in the text are what was redacted.
func checkRedacted(field, text string, kept []Kept) ([]Redaction, *RecordError) {
	spans := privacy.Scan(text, privacy.DefaultMinScore)
	for _, sp := range privacy.RuneOffsets(text, spans) {
		if !slices.Contains(kept, Kept{Field: field, Start: sp.Start, End: sp.End, Type: sp.Type}) {
			return nil, &RecordError{Field: field, Message: fmt.Sprintf(
				"still holds personal data: %s at characters %d–%d; hide it in the preview, or keep it there if it is not personal", sp.Type, sp.Start, sp.End)}
		}
	}
	return placeholders(field, text), nil
}

// placeholders lists the placeholders in text ("<EMAIL_ADDRESS>"), with
// their places in characters.
func placeholders(field, text string) []Redaction {
	var out []Redaction
	for i := 0; i < len(text); i++ {
		if text[i] != '<' {
			continue
		}
		for _, t := range privacy.Types {
			if strings.HasPrefix(text[i:], privacy.Placeholder(t)) {
				start := utf8.RuneCountInString(text[:i])
				n := len(privacy.Placeholder(t))
				out = append(out, Redaction{Field: field, Start: start, End: start + n, Type: t})
				i += n - 1
				break
			}
		}
	}
	return out
}
