package truth

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Errors of the CSV readers, found with errors.Is through a [*ParseError].
var (
	ErrHeader    = errors.New("missing or unexpected header")
	ErrColumns   = errors.New("wrong number of columns")
	ErrEmpty     = errors.New("empty value")
	ErrNotNumber = errors.New("not a finite number")
	ErrDuplicate = errors.New("question listed twice with different truths")
)

// ParseError locates a problem in a CSV input.
type ParseError struct {
	Line  int    // 1-based line number in the input
	Field string // column name, empty when the row as a whole is at fault
	Err   error
}

func (e *ParseError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("line %d, field %s: %v", e.Line, e.Field, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// column is one expected column: its canonical name and the other names the
// benchmarks' files use for it (crowd-kit says task, worker, label).
type column struct {
	name    string
	aliases []string
}

var (
	questionColumn = column{"question", []string{"task", "item"}}
	answersColumns = []column{
		questionColumn,
		{"worker", []string{"performer", "annotator"}},
		{"answer", []string{"label"}},
	}
	truthColumns = []column{
		questionColumn,
		{"truth", []string{"true_label", "gold", "label", "answer"}},
	}
)

// ReadAnswers reads categorical answers from CSV with the header
// question,worker,answer (or crowd-kit's task,worker,label), in any letter
// case, LF or CRLF line endings and an optional UTF-8 byte-order mark. Every
// field must be non-empty. The dataset comes back sorted (see
// [Dataset.Sort]).
func ReadAnswers(r io.Reader) (*Dataset, error) {
	d := &Dataset{}
	err := readCSV(r, answersColumns, func(_ int, f []string) error {
		d.Add(f[0], f[1], f[2])
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.Sort()
	return d, nil
}

// ReadNumericAnswers reads numeric answers in the same format as
// [ReadAnswers]; every answer must parse as a finite float64.
func ReadNumericAnswers(r io.Reader) (*NumericDataset, error) {
	d := &NumericDataset{}
	err := readCSV(r, answersColumns, func(line int, f []string) error {
		v, err := parseNumber(line, "answer", f[2])
		if err != nil {
			return err
		}
		d.Add(f[0], f[1], v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.Sort()
	return d, nil
}

// ReadTruth reads known answers from CSV with the header question,truth, in
// the same dialect as [ReadAnswers], into a map from question to truth.
func ReadTruth(r io.Reader) (map[string]string, error) {
	truth := map[string]string{}
	err := readCSV(r, truthColumns, func(line int, f []string) error {
		if old, ok := truth[f[0]]; ok && old != f[1] {
			return &ParseError{Line: line, Field: "question", Err: fmt.Errorf("%w: %q is %q and %q", ErrDuplicate, f[0], old, f[1])}
		}
		truth[f[0]] = f[1]
		return nil
	})
	if err != nil {
		return nil, err
	}
	return truth, nil
}

// ReadNumericTruth is [ReadTruth] for numeric truths.
func ReadNumericTruth(r io.Reader) (map[string]float64, error) {
	truth := map[string]float64{}
	err := readCSV(r, truthColumns, func(line int, f []string) error {
		v, err := parseNumber(line, "truth", f[1])
		if err != nil {
			return err
		}
		if old, ok := truth[f[0]]; ok && old != v {
			return &ParseError{Line: line, Field: "question", Err: fmt.Errorf("%w: %q is %v and %v", ErrDuplicate, f[0], old, v)}
		}
		truth[f[0]] = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	return truth, nil
}

func parseNumber(line int, field, s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, &ParseError{Line: line, Field: field, Err: fmt.Errorf("%w: %q", ErrNotNumber, s)}
	}
	return v, nil
}

// readCSV checks the header against columns and calls row with the line
// number and the trimmed, non-empty fields of every following record. Blank
// lines are skipped.
func readCSV(r io.Reader, columns []column, row func(line int, fields []string) error) error {
	br := bufio.NewReader(r)
	// Spreadsheet programs write a byte-order mark that would otherwise
	// become part of the first column's name.
	if bom, err := br.Peek(3); err == nil && string(bom) == "\uFEFF" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // counted here, to report the column names
	cr.ReuseRecord = true

	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return &ParseError{Line: 1, Err: fmt.Errorf("%w: input is empty, want %s", ErrHeader, headerText(columns))}
	}
	if err != nil {
		return csvError(err)
	}
	if !headerMatches(header, columns) {
		return &ParseError{Line: 1, Err: fmt.Errorf("%w: got %q, want %s", ErrHeader, strings.Join(header, ","), headerText(columns))}
	}
	for {
		record, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(record) != len(columns) {
			return &ParseError{Line: line, Err: fmt.Errorf("%w: got %d, want %d (%s)", ErrColumns, len(record), len(columns), headerText(columns))}
		}
		for n, f := range record {
			record[n] = strings.TrimSpace(f)
			if record[n] == "" {
				return &ParseError{Line: line, Field: columns[n].name, Err: ErrEmpty}
			}
		}
		if err := row(line, record); err != nil {
			return err
		}
	}
}

func headerMatches(header []string, columns []column) bool {
	if len(header) != len(columns) {
		return false
	}
	for n, c := range columns {
		h := strings.ToLower(strings.TrimSpace(header[n]))
		if h != c.name && !slices.Contains(c.aliases, h) {
			return false
		}
	}
	return true
}

func headerText(columns []column) string {
	names := make([]string, len(columns))
	for n, c := range columns {
		names[n] = c.name
	}
	return strings.Join(names, ",")
}

// csvError turns encoding/csv's syntax errors (quotes) into a ParseError so
// that every input error names its line the same way.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{Line: pe.Line, Err: pe.Err}
	}
	return fmt.Errorf("read csv: %w", err)
}
