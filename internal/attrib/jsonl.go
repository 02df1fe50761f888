package attrib

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
)

// A LineError locates a problem in a line-oriented input.
type LineError struct {
	Line int // 1-based
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// A JSONLReader reads records in JSON Lines, one object per line with an
// "id" (a string, or a number whose literal text becomes the id) and a
// "text" string; other fields are ignored and blank lines skipped, as in a
// datanet export. It remembers the line of every record it yields, so that
// errors found later, such as a repeated id, can name lines.
type JSONLReader struct {
	r     *bufio.Reader
	lines []int
}

func NewJSONLReader(r io.Reader) *JSONLReader {
	return &JSONLReader{r: bufio.NewReaderSize(r, 64<<10)}
}

// Line returns the line of the n-th record yielded (0-based).
func (d *JSONLReader) Line(n int) int { return d.lines[n] }

// Records yields the records in input order, stopping at the first error,
// which is a *LineError unless reading itself failed.
func (d *JSONLReader) Records() iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		var buf []byte
		for line := 1; ; line++ {
			var err error
			buf, err = readLine(d.r, buf[:0])
			if err != nil && !errors.Is(err, io.EOF) {
				yield(Record{}, fmt.Errorf("read records: %w", err))
				return
			}
			if line == 1 {
				buf = bytes.TrimPrefix(buf, []byte("\uFEFF"))
			}
			if len(bytes.TrimSpace(buf)) > 0 {
				rec, perr := parseRecordLine(buf)
				if perr != nil {
					yield(Record{}, &LineError{Line: line, Err: perr})
					return
				}
				d.lines = append(d.lines, line)
				if !yield(rec, nil) {
					return
				}
			}
			if err != nil { // io.EOF
				return
			}
		}
	}
}

// readLine appends the next line, without its newline, to buf; lines may be
// longer than the reader's buffer. At the end of the input it returns the
// last, unterminated line (possibly empty) with io.EOF.
func readLine(r *bufio.Reader, buf []byte) ([]byte, error) {
	for {
		chunk, err := r.ReadSlice('\n')
		buf = append(buf, chunk...)
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == nil:
			return buf[:len(buf)-1], nil
		default:
			return buf, err
		}
	}
}

func parseRecordLine(line []byte) (Record, error) {
	var v struct {
		ID   json.RawMessage `json:"id"`
		Text *string         `json:"text"`
	}
	if err := json.Unmarshal(line, &v); err != nil {
		return Record{}, fmt.Errorf("not a JSON object with id and text: %w", err)
	}
	var rec Record
	switch {
	case len(v.ID) == 0 || string(v.ID) == "null":
		return Record{}, errors.New(`missing "id"`)
	case v.ID[0] == '"':
		if err := json.Unmarshal(v.ID, &rec.ID); err != nil {
			return Record{}, fmt.Errorf(`"id": %w`, err)
		}
		if rec.ID == "" {
			return Record{}, errors.New(`empty "id"`)
		}
	case v.ID[0] == '-' || v.ID[0] >= '0' && v.ID[0] <= '9':
		rec.ID = string(v.ID) // a JSON number, already validated by Unmarshal
	default:
		return Record{}, fmt.Errorf(`"id" is %s; want a string or a number`, v.ID)
	}
	if v.Text == nil {
		return Record{}, errors.New(`missing "text"`)
	}
	rec.Text = *v.Text
	return rec, nil
}
