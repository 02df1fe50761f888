package attrib

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ReadPoints reads labelled vectors from CSV rows id,label,x1,…,xd. The
// first row is a header if any of its feature columns is not a number.
// Every row must have as many columns as the first; features must be finite
// numbers in float32 range; ids must be distinct and ids and labels not
// empty. Errors are *LineError.
func ReadPoints(r io.Reader) (*Points, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked here, to say which line and how
	cr.ReuseRecord = true
	p := &Points{}
	var header []string
	firstLine := map[string]int{}
	for row := 0; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &LineError{Line: pe.StartLine, Err: pe.Err}
			}
			return nil, fmt.Errorf("read points: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if row == 0 {
			rec[0] = strings.TrimPrefix(rec[0], "\uFEFF")
			if len(rec) < 3 {
				return nil, &LineError{Line: line, Err: fmt.Errorf("%d columns; want id,label and at least one feature", len(rec))}
			}
			p.Dim = len(rec) - 2
			if !allNumbers(rec[2:]) {
				header = append([]string(nil), rec...)
				continue
			}
		}
		if len(rec) != p.Dim+2 {
			return nil, &LineError{Line: line, Err: fmt.Errorf("%d columns, want %d like the first row", len(rec), p.Dim+2)}
		}
		id, label := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
		if id == "" || label == "" {
			return nil, &LineError{Line: line, Err: errors.New("empty id or label")}
		}
		if prev, dup := firstLine[id]; dup {
			return nil, &LineError{Line: line, Err: fmt.Errorf("id %q repeats line %d", id, prev)}
		}
		firstLine[id] = line
		for c, f := range rec[2:] {
			x, err := strconv.ParseFloat(strings.TrimSpace(f), 32)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				name := fmt.Sprintf("column %d", c+3)
				if header != nil {
					name = fmt.Sprintf("column %d (%s)", c+3, header[c+2])
				}
				return nil, &LineError{Line: line, Err: fmt.Errorf("%s: %q is not a finite number", name, f)}
			}
			p.X = append(p.X, float32(x))
		}
		p.IDs = append(p.IDs, id)
		p.Labels = append(p.Labels, label)
	}
	return p, nil
}

func allNumbers(fields []string) bool {
	for _, f := range fields {
		if _, err := strconv.ParseFloat(strings.TrimSpace(f), 64); err != nil {
			return false
		}
	}
	return true
}
