package attrib

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestReadPoints(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		want    *Points
		errLine int
		errText string
	}{
		{name: "header detected",
			input: "id,label,x1,x2\na,cat,1,2\nb,dog,-0.5,3e2\n",
			want:  &Points{IDs: []string{"a", "b"}, Labels: []string{"cat", "dog"}, Dim: 2, X: []float32{1, 2, -0.5, 300}}},
		{name: "no header, spaces, CRLF, BOM",
			input: "\uFEFF1, cat , 1 ,2\r\n2,dog,3,4\r\n",
			want:  &Points{IDs: []string{"1", "2"}, Labels: []string{"cat", "dog"}, Dim: 2, X: []float32{1, 2, 3, 4}}},
		{name: "header only", input: "id,label,f\n", want: &Points{Dim: 1}},
		{name: "ragged row", input: "id,label,x1,x2\na,cat,1,2\nb,dog,3\n", errLine: 3, errText: "3 columns, want 4"},
		{name: "non-numeric feature", input: "id,label,x1,x2\na,cat,1,2\nb,dog,3,four\n", errLine: 3, errText: `column 4 (x2): "four" is not a finite number`},
		{name: "non-numeric feature without header", input: "a,cat,1,2\nb,dog,x,4\n", errLine: 2, errText: `column 3: "x" is not a finite number`},
		{name: "infinite feature", input: "a,cat,1,Inf\n", errLine: 1, errText: "not a finite number"},
		{name: "NaN feature", input: "a,cat,NaN,1\n", errLine: 1, errText: "not a finite number"},
		{name: "beyond float32", input: "a,cat,1e39,1\n", errLine: 1, errText: "not a finite number"},
		{name: "no feature columns", input: "id,label\n", errLine: 1, errText: "want id,label and at least one feature"},
		{name: "repeated id", input: "a,cat,1\nb,cat,2\na,dog,3\n", errLine: 3, errText: `id "a" repeats line 1`},
		{name: "empty label", input: "a,,1\n", errLine: 1, errText: "empty id or label"},
		{name: "bad quoting", input: "a,cat,1\n\"b,cat,2\n", errLine: 2, errText: "quote"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadPoints(strings.NewReader(tc.input))
			if tc.errLine != 0 {
				var le *LineError
				if !errors.As(err, &le) || le.Line != tc.errLine || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("error %v, want line %d: %q", err, tc.errLine, tc.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// FuzzReadPoints: whatever the input, ReadPoints must not panic, and what
// it accepts must be rectangular, finite and free of repeated ids.
func FuzzReadPoints(f *testing.F) {
	for _, s := range []string{
		"id,label,x\na,b,1\n", "a,b,1,2\nc,d,3,4", "\"a\"\"\",b,1\n", "a,b,\n", "id,label,x\n,,\n", "a,b,1e400\n", "\uFEFF", "a,b,0x1p3\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, input string) {
		p, err := ReadPoints(strings.NewReader(input))
		if err != nil {
			return
		}
		if len(p.IDs) != p.Len() || len(p.X) != p.Len()*p.Dim || p.Len() > 0 && p.Dim < 1 {
			t.Fatalf("not rectangular: %+v", p)
		}
		seen := map[string]bool{}
		for i, id := range p.IDs {
			if id == "" || p.Labels[i] == "" || seen[id] {
				t.Fatalf("bad id or label at %d: %+v", i, p)
			}
			seen[id] = true
		}
		for _, x := range p.X {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				t.Fatalf("non-finite feature accepted: %+v", p)
			}
		}
	})
}
