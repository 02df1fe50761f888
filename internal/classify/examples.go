package classify

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// MaxLineBytes bounds one JSON line: a text of MaxTextBytes with every
// character escaped, and room for the other fields.
const MaxLineBytes = 6*MaxTextBytes + 4096

// LineError is a fault in one line of a JSON Lines input.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// ReadExamples reads JSON Lines {"id":…,"text":…,"label":…}; see
// ReadExamplesLabel.
func ReadExamples(r io.Reader) ([]Example, error) { return ReadExamplesLabel(r, "label") }

// ReadExamplesLabel reads JSON Lines, one object per line with a string
// "id" and "text" and the label in the field named label (a string, a
// number or a boolean, taken as written). Blank lines are skipped; other
// fields are ignored. The first bad line stops the reading with a
// *LineError naming it. Texts are not checked here: Train does that.
func ReadExamplesLabel(r io.Reader, label string) ([]Example, error) {
	var out []Example
	err := readLines(r, func(line int, fields map[string]json.RawMessage) error {
		id, err := stringField(fields, "id", true)
		if err != nil {
			return err
		}
		text, err := stringField(fields, "text", true)
		if err != nil {
			return err
		}
		l, err := labelField(fields, label)
		if err != nil {
			return err
		}
		out = append(out, Example{ID: id, Text: text, Label: l})
		return nil
	})
	return out, err
}

// ReadTexts reads JSON Lines {"id":…,"text":…} (a label, if any, is
// ignored), for prediction and explanation.
func ReadTexts(r io.Reader) ([]Example, error) {
	var out []Example
	err := EachText(r, func(e Example) error {
		out = append(out, e)
		return nil
	})
	return out, err
}

// EachText calls each with every text of JSON Lines {"id":…,"text":…} as
// it is read, so that a long input is answered line by line; an error from
// each stops the reading and is returned wrapped in a *LineError.
func EachText(r io.Reader, each func(Example) error) error {
	return readLines(r, func(line int, fields map[string]json.RawMessage) error {
		id, err := stringField(fields, "id", true)
		if err != nil {
			return err
		}
		text, err := stringField(fields, "text", true)
		if err != nil {
			return err
		}
		return each(Example{ID: id, Text: text})
	})
}

// readLines calls each with the fields of every non-blank line.
func readLines(r io.Reader, each func(line int, fields map[string]json.RawMessage) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), MaxLineBytes)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(b, &fields); err != nil {
			return &LineError{line, fmt.Errorf("not a JSON object: %v", err)}
		}
		if fields == nil {
			return &LineError{line, errors.New("not a JSON object")}
		}
		if err := each(line, fields); err != nil {
			return &LineError{line, err}
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return &LineError{line + 1, fmt.Errorf("longer than %d bytes", MaxLineBytes)}
		}
		return err
	}
	return nil
}

func stringField(fields map[string]json.RawMessage, name string, required bool) (string, error) {
	raw, ok := fields[name]
	if !ok || string(raw) == "null" {
		if required {
			return "", fmt.Errorf("no %q", name)
		}
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%q is not a string", name)
	}
	return s, nil
}

// labelField reads a label given as a string, a number or a boolean.
func labelField(fields map[string]json.RawMessage, name string) (string, error) {
	raw, ok := fields[name]
	if !ok || string(raw) == "null" {
		return "", fmt.Errorf("no label field %q", name)
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return "", fmt.Errorf("label field %q: %v", name, err)
	}
	switch v := v.(type) {
	case string:
		return v, nil
	case json.Number:
		return v.String(), nil
	case bool:
		return strconv.FormatBool(v), nil
	}
	return "", fmt.Errorf("label field %q is not a string, a number or a boolean", name)
}
