package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"math"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// These tests cover the command line of attrib: inputs, flags, output
// formats and errors. The algorithms are tested in internal/attrib.

func runAttribTest(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = runAttrib(t.Context(), args, stdio{in: strings.NewReader(stdin), out: &out, err: &errOut})
	return out.String(), errOut.String(), err
}

const recordsJSONL = `{"id":"r1","text":"The cooperative pays every contributor fairly."}
{"id":2,"text":"Grüße aus Köln: the cooperative pays on time."}

{"id":"r3","text":"Nothing in common here at all."}
`

type tracedSpan struct {
	Start, End  int
	Text        string
	Count       int64
	Records     []string
	RecordCount int `json:"record_count"`
}

func traceJSON(t *testing.T, stdout string) []tracedSpan {
	t.Helper()
	var doc struct{ Spans []tracedSpan }
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("trace output is not JSON: %v\n%s", err, stdout)
	}
	if doc.Spans == nil {
		t.Fatalf(`trace output has no "spans" array: %s`, stdout)
	}
	return doc.Spans
}

func TestAttribIndexTraceErase(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	records := writeFile(t, "records.jsonl", recordsJSONL)
	if _, stderr, err := runAttribTest(t, "", "index", "--in", records, "--out", dir); err != nil {
		t.Fatalf("index: %v", err)
	} else if !strings.Contains(stderr, "added 3 records") {
		t.Fatalf("index reported %q", stderr)
	}
	// A second batch from stdin goes into the same index.
	if _, _, err := runAttribTest(t, `{"id":"r4","text":"Fairly paid data work, owned by its members."}`, "index", "--out", dir); err != nil {
		t.Fatalf("index from stdin: %v", err)
	}

	output := "»Grüße aus Köln« — the cooperative pays every member; data work, owned by its members!"
	stdout, _, err := runAttribTest(t, output, "trace", "--index", dir, "--min-len", "12")
	if err != nil {
		t.Fatal(err)
	}
	// All occur once: longest first. » is character 0, — is 17.
	want := []tracedSpan{
		{Start: 53, End: 85, Text: " data work, owned by its members", Count: 1, Records: []string{"r4"}, RecordCount: 1},
		{Start: 20, End: 46, Text: "he cooperative pays every ", Count: 1, Records: []string{"r1"}, RecordCount: 1},
		{Start: 18, End: 40, Text: " the cooperative pays ", Count: 1, Records: []string{"2"}, RecordCount: 1},
		{Start: 1, End: 15, Text: "Grüße aus Köln", Count: 1, Records: []string{"2"}, RecordCount: 1},
	}
	if got := traceJSON(t, stdout); !reflect.DeepEqual(got, want) {
		t.Fatalf("trace:\n got %+v\nwant %+v", got, want)
	}

	if _, stderr, err := runAttribTest(t, "", "erase", "--index", dir, "--id", "r4", "--id", "2"); err != nil {
		t.Fatalf("erase: %v", err)
	} else if !strings.Contains(stderr, "erased 2 records; 2 remain") {
		t.Fatalf("erase reported %q", stderr)
	}
	stdout, _, err = runAttribTest(t, output, "trace", "--index", dir, "--min-len", "12")
	if err != nil {
		t.Fatal(err)
	}
	got := traceJSON(t, stdout)
	for _, s := range got {
		for _, id := range s.Records {
			if id == "2" || id == "r4" {
				t.Fatalf("erased record %s traced: %+v", id, got)
			}
		}
	}
	if len(got) != 1 || got[0].Records[0] != "r1" {
		t.Fatalf("after erasing: %+v, want only r1's span", got)
	}

	// No span at all is an empty list, not null.
	stdout, _, err = runAttribTest(t, "zzz", "trace", "--index", dir)
	if err != nil || !strings.Contains(stdout, `"spans": []`) {
		t.Fatalf("trace without spans: %v\n%s", err, stdout)
	}
}

func TestAttribErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	if _, _, err := runAttribTest(t, recordsJSONL, "index", "--out", dir); err != nil {
		t.Fatal(err)
	}
	train := writeFile(t, "train.csv", "id,label,x1,x2\na,cat,0,0\nb,dog,1,1\n")
	tests := []struct {
		name  string
		stdin string
		args  []string
		usage bool   // wants errUsage
		want  string // in the error message
	}{
		{name: "no subcommand", usage: true, want: "missing subcommand"},
		{name: "unknown subcommand", args: []string{"frobnicate"}, usage: true, want: `unknown subcommand "frobnicate"`},
		{name: "index without --out", args: []string{"index"}, usage: true, want: "--out"},
		{name: "invalid line", stdin: `{"id":"x","text":"a"}` + "\n" + `{"id":"y"}`, args: []string{"index", "--out", t.TempDir()},
			want: `stdin: line 2: missing "text"`},
		{name: "repeated id in the input", stdin: `{"id":"x","text":"a"}` + "\n\n" + `{"id":"x","text":"b"}`, args: []string{"index", "--out", t.TempDir()},
			want: `stdin: line 3: id "x" repeats line 1`},
		{name: "id already indexed", stdin: `{"id":"new","text":"a"}` + "\n" + `{"id":"r1","text":"b"}`, args: []string{"index", "--out", dir},
			want: `stdin: line 2: id "r1" is already in the index`},
		{name: "trace without an index", args: []string{"trace", "--index", filepath.Join(t.TempDir(), "none")}, want: "no such file"},
		{name: "trace with min-len 0", args: []string{"trace", "--index", dir, "--min-len", "0"}, usage: true, want: "--min-len"},
		{name: "erase unknown id", args: []string{"erase", "--index", dir, "--id", "nobody"}, want: `no such record: id "nobody"`},
		{name: "erase without --id", args: []string{"erase", "--index", dir}, usage: true, want: "--id"},
		{name: "k below 1", args: []string{"knn-shapley", "--k", "0", "--train", train, "--test", train}, usage: true, want: "--k is 0"},
		{name: "missing --test", args: []string{"knn-shapley", "--k", "1", "--train", train}, usage: true, want: "--test"},
		{name: "ragged row", args: []string{"knn-shapley", "--k", "1", "--train", writeFile(t, "ragged.csv", "a,cat,1,2\nb,dog,3\n"), "--test", train},
			want: "ragged.csv: line 2: 3 columns, want 4"},
		{name: "non-numeric feature", args: []string{"knn-shapley", "--k", "1", "--train", train, "--test", writeFile(t, "nan.csv", "id,label,x1,x2\nq,cat,1,two\n")},
			want: `nan.csv: line 2: column 4 (x2): "two" is not a finite number`},
		{name: "dimensions differ", args: []string{"knn-shapley", "--k", "1", "--train", train, "--test", writeFile(t, "3d.csv", "q,cat,1,2,3\n")},
			want: "training points have 2 features, test points 3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runAttribTest(t, tc.stdin, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) || errors.Is(err, errUsage) != tc.usage {
				t.Fatalf("error %v; want one mentioning %q (usage error: %v)", err, tc.want, tc.usage)
			}
		})
	}
}

func TestAttribHelp(t *testing.T) {
	_, stderr, err := runAttribTest(t, "", "--help")
	if !errors.Is(err, flag.ErrHelp) || !strings.Contains(stderr, "knn-shapley") {
		t.Fatalf("--help: %v\n%s", err, stderr)
	}
	_, stderr, err = runAttribTest(t, "", "trace", "--help")
	if !errors.Is(err, flag.ErrHelp) || !strings.Contains(stderr, "--min-len") {
		t.Fatalf("trace --help: %v\n%s", err, stderr)
	}
}

func TestAttribKNNShapley(t *testing.T) {
	// One feature; the test point sits at 0. Training points in input
	// order at distances 3, 1, 2, so ranks (near, mid, far) with label
	// matches (0, 1, 1).
	train := writeFile(t, "train.csv", "id,label,x\nfar,cat,3\nnear,dog,-1\nmid,cat,2\n")
	test := writeFile(t, "test.csv", "q,cat,0\n")
	tests := []struct {
		name string
		args []string
		want map[string]float64
	}{
		{
			// Jia et al. Theorem 1: s3 = 1/3, s2 = s3 + 0,
			// s1 = s2 + (0−1)·min(K,1)/(1·K) = 1/3 − 1 = −2/3.
			name: "fixed K=1",
			args: []string{"--k", "1"},
			want: map[string]float64{"far": 1.0 / 3, "near": -2.0 / 3, "mid": 1.0 / 3},
		},
		{
			// s3 = 1/max(N,K) = 1/3, s2 = s3, s1 = 1/3 − 1·1/2 = −1/6.
			name: "fixed K=2",
			args: []string{"--k", "2"},
			want: map[string]float64{"far": 1.0 / 3, "near": -1.0 / 6, "mid": 1.0 / 3},
		},
		{
			// Soft: s3 = ((1 − 1/2)·H_2 + 1/2)/3 = 5/12; every step adds
			// (1 − 1/2)/(N−1) = 1/4 to min(K,i)/(i·K) = 1/2, so
			// s2 = s3 and s1 = 5/12 − 3/4 = −1/3. Both add up to v = 1/2.
			name: "soft K=2",
			args: []string{"--k", "2", "--soft"},
			want: map[string]float64{"far": 5.0 / 12, "near": -1.0 / 3, "mid": 5.0 / 12},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdout, _, err := runAttribTest(t, "", append([]string{"knn-shapley", "--train", train, "--test", test}, tc.args...)...)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 4 || rows[0][0] != "id" || rows[0][1] != "value" || rows[1][0] != "far" || rows[2][0] != "near" || rows[3][0] != "mid" {
				t.Fatalf("want a header and the training ids in input order, got\n%s", stdout)
			}
			for _, row := range rows[1:] {
				v, err := strconv.ParseFloat(row[1], 64)
				if err != nil || math.Abs(v-tc.want[row[0]]) > 1e-12 {
					t.Fatalf("value of %s is %s, want %v", row[0], row[1], tc.want[row[0]])
				}
			}
		})
	}
}
