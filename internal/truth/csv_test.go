package truth

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestReadAnswers(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []string // "item,worker,label" per answer, in input order
	}{
		{"LF", "question,worker,answer\n1,a,x\n2,b,y\n", []string{"1,a,x", "2,b,y"}},
		{"CRLF", "question,worker,answer\r\n1,a,x\r\n2,b,y\r\n", []string{"1,a,x", "2,b,y"}},
		{"byte-order mark", "\uFEFFquestion,worker,answer\n1,a,x\n", []string{"1,a,x"}},
		{"no final newline", "question,worker,answer\n1,a,x", []string{"1,a,x"}},
		{"crowd-kit header, any case", "Task,Worker,LABEL\n1,a,x\n", []string{"1,a,x"}},
		{"blank lines skipped", "question,worker,answer\n\n1,a,x\n\n", []string{"1,a,x"}},
		{"spaces trimmed", "question , worker , answer\n 1 , a , x \n", []string{"1,a,x"}},
		{"quoted fields", "question,worker,answer\n\"q,1\",\"a\"\"b\",\"x\ny\"\n", []string{"q,1,a\"b,x\ny"}},
		{"header only", "question,worker,answer\n", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ReadAnswers(strings.NewReader(tc.input))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range d.Answers {
				got = append(got, d.Items[a.Item]+","+d.Workers[a.Worker]+","+d.Labels[a.Label])
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("answers %q, want %q", got, tc.want)
			}
		})
	}
}

func TestReadAnswersErrors(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		numeric bool
		err     error
		line    int
		field   string
	}{
		{"empty input", "", false, ErrHeader, 1, ""},
		{"missing header", "1,a,x\n", false, ErrHeader, 1, ""},
		{"header of the truth file", "question,truth\n1,x\n", false, ErrHeader, 1, ""},
		{"too few columns", "question,worker,answer\n1,a,x\n2,b\n", false, ErrColumns, 3, ""},
		{"too many columns", "question,worker,answer\r\n1,a,x,extra\r\n", false, ErrColumns, 2, ""},
		{"empty question", "question,worker,answer\n,a,x\n", false, ErrEmpty, 2, "question"},
		{"empty worker", "question,worker,answer\n1,  ,x\n", false, ErrEmpty, 2, "worker"},
		{"empty answer", "question,worker,answer\n1,a,\n", false, ErrEmpty, 2, "answer"},
		{"line counted after a quoted newline", "question,worker,answer\n\"1\n\",a,x\n2,,x\n", false, ErrEmpty, 4, "worker"},
		{"not a number", "question,worker,answer\n1,a,1.5\n2,a,lots\n", true, ErrNotNumber, 3, "answer"},
		{"NaN is not a number", "question,worker,answer\n1,a,NaN\n", true, ErrNotNumber, 2, "answer"},
		{"infinity is not a number", "question,worker,answer\n1,a,-Inf\n", true, ErrNotNumber, 2, "answer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.numeric {
				_, err = ReadNumericAnswers(strings.NewReader(tc.input))
			} else {
				_, err = ReadAnswers(strings.NewReader(tc.input))
			}
			if !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want %v", err, tc.err)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if pe.Line != tc.line || pe.Field != tc.field {
				t.Errorf("at line %d field %q, want line %d field %q (%v)", pe.Line, pe.Field, tc.line, tc.field, err)
			}
		})
	}
}

func TestParseErrorMessage(t *testing.T) {
	_, err := ReadNumericAnswers(strings.NewReader("question,worker,answer\n1,a,lots\n"))
	if got, want := err.Error(), `line 2, field answer: not a finite number: "lots"`; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}

func TestReadTruth(t *testing.T) {
	truth, err := ReadTruth(strings.NewReader("question,truth\r\n1,x\r\n2,y\r\n1,x\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(truth) != 2 || truth["1"] != "x" || truth["2"] != "y" {
		t.Errorf("truth %v", truth)
	}
	_, err = ReadTruth(strings.NewReader("question,truth\n1,x\n1,y\n"))
	var pe *ParseError
	if !errors.Is(err, ErrDuplicate) || !errors.As(err, &pe) || pe.Line != 3 {
		t.Errorf("conflicting truths: error %v, want ErrDuplicate at line 3", err)
	}
	numbers, err := ReadNumericTruth(strings.NewReader("question,truth\n1,2.5\n2,-3e2\n"))
	if err != nil {
		t.Fatal(err)
	}
	if numbers["1"] != 2.5 || numbers["2"] != -300 {
		t.Errorf("numeric truth %v", numbers)
	}
}

// FuzzReadAnswers checks that any input either fails with a *ParseError or
// yields a dataset whose answers, written back as CSV and read again, are the
// same: nothing is lost, invented or moved between columns.
func FuzzReadAnswers(f *testing.F) {
	seeds := []string{
		"question,worker,answer\n1,a,x\n2,b,y\n",
		"\uFEFFquestion,worker,answer\r\n1,a,x\r\n",
		"task,worker,label\n\"q,1\",\"a\"\"b\",\"x\ny\"\n",
		"question,worker,answer\n1,a\n",
		"question,worker,answer\n1,a,1.5e3\n2,b,-7\n",
		"question,worker,answer\n\"unterminated,a,x\n",
		"1,a,x\n",
		"",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		d, err := ReadAnswers(bytes.NewReader(input))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line < 1 {
				t.Fatalf("error %v (%T) does not locate a line", err, err)
			}
		} else {
			checkRoundTrip(t, d)
		}

		// The numeric reader shares the dialect; whatever it accepts must be
		// finite and keep every answer.
		n, err := ReadNumericAnswers(bytes.NewReader(input))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line < 1 {
				t.Fatalf("numeric: error %v (%T) does not locate a line", err, err)
			}
			return
		}
		for _, a := range n.Answers {
			if math.IsNaN(a.Value) || math.IsInf(a.Value, 0) {
				t.Fatalf("numeric reader accepted %v", a.Value)
			}
		}
		if d == nil || len(n.Answers) != len(d.Answers) {
			t.Fatalf("numeric reader accepted an input the categorical one rejected or counted differently")
		}
	})
}

func checkRoundTrip(t *testing.T, d *Dataset) {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"question", "worker", "answer"})
	for _, a := range d.Answers {
		for _, id := range []int{a.Item, a.Worker, a.Label} {
			if id < 0 {
				t.Fatalf("negative id in %v", a)
			}
		}
		w.Write([]string{d.Items[a.Item], d.Workers[a.Worker], d.Labels[a.Label]})
	}
	w.Flush()
	again, err := ReadAnswers(&buf)
	if err != nil {
		t.Fatalf("reading back what was read: %v", err)
	}
	if !slices.Equal(again.Items, d.Items) || !slices.Equal(again.Workers, d.Workers) ||
		!slices.Equal(again.Labels, d.Labels) || !slices.Equal(again.Answers, d.Answers) {
		t.Fatalf("round trip changed the dataset")
	}
	for _, names := range [][]string{d.Items, d.Workers, d.Labels} {
		for _, s := range names {
			if s == "" || s != strings.TrimSpace(s) {
				t.Fatalf("name %q is empty or untrimmed", s)
			}
		}
	}
}
