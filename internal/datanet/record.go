package datanet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/recording"
)

// Limits on one record, in characters. They keep a single contribution to
// what a person writes, and bound the work of redaction and fingerprinting.
const (
	MaxTextChars     = 20000
	MaxQuestionChars = 2000
	MaxFieldChars    = 200
	MaxLabels        = 50
	MaxBoxes         = 200
)

// Record is one contribution's content, after validation.
type Record struct {
	Text     string            `json:"text,omitempty"`
	Question string            `json:"question,omitempty"`
	Answer   string            `json:"answer,omitempty"`
	Labels   []string          `json:"labels,omitempty"`
	Boxes    []Box             `json:"boxes,omitempty"`
	Fields   map[string]string `json:"fields,omitempty"`
	// Recording is a recording of browser work (Chrome Recorder JSON with
	// the allmende object), for recording datanets.
	Recording json.RawMessage `json:"recording,omitempty"`
	// Kept are the findings the member confirmed keeping, for the check
	// of text redacted on their machine; never stored.
	Kept []Kept `json:"-"`
}

// Box is a labelled rectangle on an image, in pixels from the top left.
type Box struct {
	Label string  `json:"label"`
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
	W     float64 `json:"w"`
	H     float64 `json:"h"`
}

// RecordError says what is wrong with one record of a submission.
type RecordError struct {
	// Index is the record's position in the submission, from 0; Line is
	// its line for JSONL input, from 1.
	Index   int    `json:"index"`
	Line    int    `json:"line,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (e RecordError) Error() string {
	where := fmt.Sprintf("record %d", e.Index)
	if e.Line > 0 {
		where = fmt.Sprintf("line %d", e.Line)
	}
	if e.Field != "" {
		return fmt.Sprintf("%s, field %s: %s", where, e.Field, e.Message)
	}
	return where + ": " + e.Message
}

// parseRecord reads one JSON object as a record of datanet d. Every
// problem names the field.
func (d Datanet) parseRecord(raw []byte) (Record, *RecordError) {
	bad := func(field, format string, args ...any) (Record, *RecordError) {
		return Record{}, &RecordError{Field: field, Message: fmt.Sprintf(format, args...)}
	}
	if !utf8.Valid(raw) {
		return bad("", "not valid UTF-8")
	}
	var obj map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&obj); err != nil {
		return bad("", "not a JSON object: %v", err)
	}
	if obj == nil {
		return bad("", "not a JSON object")
	}
	if dec.More() {
		return bad("", "more than one JSON value")
	}
	var r Record
	str := func(field string, max int, required bool) (string, *RecordError) {
		v, ok := obj[field]
		if !ok {
			if required {
				return "", &RecordError{Field: field, Message: "is required"}
			}
			return "", nil
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", &RecordError{Field: field, Message: "must be a string"}
		}
		s = strings.TrimSpace(s)
		if required && s == "" {
			return "", &RecordError{Field: field, Message: "is empty"}
		}
		if n := utf8.RuneCountInString(s); n > max {
			return "", &RecordError{Field: field, Message: fmt.Sprintf("has %d characters, at most %d", n, max)}
		}
		return s, nil
	}
	allowed := map[string]bool{"fields": true}
	var rerr *RecordError
	switch d.RecordKind {
	case KindText:
		allowed["text"] = true
		if r.Text, rerr = str("text", MaxTextChars, true); rerr != nil {
			return Record{}, rerr
		}
	case KindQA:
		allowed["question"], allowed["answer"] = true, true
		if r.Question, rerr = str("question", MaxQuestionChars, true); rerr != nil {
			return Record{}, rerr
		}
		if r.Answer, rerr = str("answer", MaxTextChars, true); rerr != nil {
			return Record{}, rerr
		}
	case KindImage:
		allowed["labels"], allowed["boxes"] = true, true
		if v, ok := obj["labels"]; ok {
			if err := json.Unmarshal(v, &r.Labels); err != nil {
				return bad("labels", "must be a list of strings")
			}
			if len(r.Labels) > MaxLabels {
				return bad("labels", "at most %d labels", MaxLabels)
			}
			for _, l := range r.Labels {
				if len(d.Labels) > 0 && !slices.Contains(d.Labels, l) {
					return bad("labels", "%q is not one of this datanet's labels (%s)", l, strings.Join(d.Labels, ", "))
				}
			}
		}
		if v, ok := obj["boxes"]; ok {
			dec := json.NewDecoder(bytes.NewReader(v))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&r.Boxes); err != nil {
				return bad("boxes", "must be a list of {label, x, y, w, h}: %v", err)
			}
			if len(r.Boxes) > MaxBoxes {
				return bad("boxes", "at most %d boxes", MaxBoxes)
			}
			for i, b := range r.Boxes {
				if b.W <= 0 || b.H <= 0 || b.X < 0 || b.Y < 0 {
					return bad("boxes", "box %d has no area or lies outside the image", i)
				}
				if len(d.Labels) > 0 && !slices.Contains(d.Labels, b.Label) {
					return bad("boxes", "box %d: %q is not one of this datanet's labels", i, b.Label)
				}
			}
		}
	case KindRecording:
		allowed["recording"] = true
		v, ok := obj["recording"]
		if !ok {
			return bad("recording", "is required: a recording in Chrome Recorder JSON")
		}
		if _, err := recording.Parse(v); err != nil {
			return bad("recording", "%v", err)
		}
		r.Recording = append(json.RawMessage(nil), v...)
	default:
		return bad("", "this datanet takes %s records, which are not submitted here", d.RecordKind)
	}
	if v, ok := obj["fields"]; ok {
		if err := json.Unmarshal(v, &r.Fields); err != nil {
			return bad("fields", "must be an object of strings")
		}
		for name, val := range r.Fields {
			if !slices.Contains(d.Fields, name) {
				if len(d.Fields) == 0 {
					return bad("fields."+name, "this datanet has no extra fields")
				}
				return bad("fields."+name, "unknown field; this datanet's fields are %s", strings.Join(d.Fields, ", "))
			}
			if !utf8.ValidString(val) || utf8.RuneCountInString(val) > MaxFieldChars {
				return bad("fields."+name, "at most %d characters", MaxFieldChars)
			}
		}
	}
	if v, ok := obj["kept"]; ok && d.RecordKind != KindImage && d.RecordKind != KindRecording {
		allowed["kept"] = true
		var rerr *RecordError
		if r.Kept, rerr = d.parseKept(v); rerr != nil {
			return Record{}, rerr
		}
	}
	for k := range obj {
		if !allowed[k] {
			return bad(k, "unknown field for a %s record", d.RecordKind)
		}
	}
	return r, nil
}

// texts returns the record's free-text parts in a fixed order, for
// redaction and fingerprinting.
func (r *Record) texts() []*string {
	var out []*string
	for _, p := range []*string{&r.Text, &r.Question, &r.Answer} {
		if *p != "" {
			out = append(out, p)
		}
	}
	return out
}
