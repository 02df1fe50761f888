package annotation

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// Size limits of imported files. Callers should pass a bounded reader too;
// these keep a forgotten bound from exhausting memory. COCO train2017's
// instances file, the largest in common use, is about 450 MB.
const (
	MaxImportBytes = 512 << 20
	MaxImages      = 1_000_000
	MaxAnnotations = 1_000_000
	MaxCategories  = 10_000
)

// ErrTooLarge is returned when an input exceeds a size limit.
var ErrTooLarge = errors.New("input too large")

// readAll reads r whole, refusing more than limit bytes.
func readAll(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	return b, nil
}

// limitedReader fails, rather than pretending the input ended, once more
// than n bytes have been read; a silently truncated file would import as
// valid but incomplete data.
type limitedReader struct {
	r     io.Reader
	n     int64
	limit int64
}

func newLimitedReader(r io.Reader, limit int64) *limitedReader {
	return &limitedReader{r: r, n: limit, limit: limit}
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n < 0 {
		return 0, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, l.limit)
	}
	if int64(len(p)) > l.n+1 {
		p = p[:l.n+1]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if l.n < 0 {
		return n, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, l.limit)
	}
	return n, err
}

// decode is json.Unmarshal with an error message for a person: which
// field, what was expected, what was found.
func decode(data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return errors.New(jsonProblem(err))
	}
	return nil
}

func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		want := typeName(te.Type)
		if strings.HasPrefix(te.Value, "number ") {
			// A number that fails to fit a number field is out of range
			// (1e999) or, for an integer field, has a fraction.
			switch te.Type.Kind() {
			case reflect.Float64:
				want = "a finite number"
			case reflect.Int, reflect.Int64, reflect.Int32:
				want = "an integer"
			}
		}
		if te.Field == "" {
			return fmt.Sprintf("want %s, got %s", want, te.Value)
		}
		return fmt.Sprintf("%s: want %s, got %s", te.Field, want, te.Value)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("not valid JSON at byte %d: %v", se.Offset, se)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "an integer"
	case reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}
