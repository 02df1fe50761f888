package main

import (
	"bytes"
	"errors"
	"flag"
	"github.com/allmende/allmende/internal/shareddata"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// These tests cover the command: input sources, flags, output format and
// order, and errors. The algorithms themselves are tested in internal/truth.
const answersCSV = "question,worker,answer\r\n" +
	"10,a,cat\r\n10,b,cat\r\n10,c,dog\r\n" +
	"2,a,dog\r\n2,b,dog\r\n2,c,dog\r\n" +
	"1,a,cat\r\n1,b,dog\r\n"

func runAggregateTest(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = runAggregate(t.Context(), args, stdio{in: strings.NewReader(stdin), out: &out, err: &errOut})
	return out.String(), errOut.String(), err
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAggregate(t *testing.T) {
	answers := writeFile(t, "answers.csv", answersCSV)
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{
			// Questions in numeric order; question 1 is a tie between cat
			// and dog, which goes to the label given most overall (dog, 5
			// of 8 answers).
			name:  "majority vote from stdin",
			stdin: answersCSV,
			args:  []string{"--method", "mv"},
			want:  "question,truth\n1,dog\n2,dog\n10,cat\n",
		},
		{
			name:  "dash reads stdin",
			stdin: answersCSV,
			args:  []string{"--method", "mv", "-"},
			want:  "question,truth\n1,dog\n2,dog\n10,cat\n",
		},
		{
			name: "file argument, flags after it",
			args: []string{answers, "--method", "mv"},
			want: "question,truth\n1,dog\n2,dog\n10,cat\n",
		},
		{
			name:  "ids that are not all integers sort bytewise, quoted when needed",
			stdin: "question,worker,answer\nb,w,x\n\"a,1\",w,y\n10,w,z\n",
			args:  []string{"--method", "mv"},
			want:  "question,truth\n10,z\n\"a,1\",y\nb,x\n",
		},
		{
			name:  "numeric mean without bias correction",
			stdin: "question,worker,answer\nq,a,1\nq,b,3\nr,a,10\nr,b,10\n",
			args:  []string{"--numeric", "--method", "median", "--no-bias"},
			want:  "question,truth\nq,2\nr,10\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := runAggregateTest(t, tc.stdin, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			if out != tc.want {
				t.Errorf("output\n%s\nwant\n%s", out, tc.want)
			}
		})
	}
}

// TestAggregateMethods runs every method on the same input: each must label
// every question, and give the same output when run again.
func TestAggregateMethods(t *testing.T) {
	for _, method := range []string{"mv", "ds", "glad", "mace"} {
		t.Run(method, func(t *testing.T) {
			first, _, err := runAggregateTest(t, answersCSV, "--method", method)
			if err != nil {
				t.Fatal(err)
			}
			second, _, err := runAggregateTest(t, answersCSV, "--method", method)
			if err != nil {
				t.Fatal(err)
			}
			if first != second {
				t.Errorf("two runs differ:\n%s\n%s", first, second)
			}
			if lines := strings.Split(strings.TrimSpace(first), "\n"); len(lines) != 4 || lines[0] != "question,truth" {
				t.Errorf("output %q, want a header and 3 questions", first)
			}
		})
	}
}

func TestAggregateWorkersFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "workers.csv")
	if _, _, err := runAggregateTest(t, answersCSV, "--method", "mv", "--workers", path); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Majority: 10→cat, 2→dog, 1→dog. a agrees on 10 and 2, and not on 1;
	// b on all three; c on 2 only.
	want := "worker,reliability\na,0.6666666666666666\nb,1\nc,0.5\n"
	if string(got) != want {
		t.Errorf("workers file\n%s\nwant\n%s", got, want)
	}

	numeric := "question,worker,answer\n" +
		"1,a,10\n1,b,10\n1,c,20\n" +
		"2,a,30\n2,b,30\n2,c,40\n" +
		"3,a,50\n3,b,50\n3,c,60\n"
	if _, _, err := runAggregateTest(t, numeric, "--numeric", "--method", "median", "--workers", path); err != nil {
		t.Fatal(err)
	}
	got, err = os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(string(got)), "\n")
	if rows[0] != "worker,reliability,bias" || len(rows) != 4 {
		t.Fatalf("workers file %q", got)
	}
	if bias := strings.Split(rows[3], ",")[2]; !strings.HasPrefix(rows[3], "c,") || bias != "10" {
		t.Errorf("worker c row %q, want bias 10", rows[3])
	}
}

// TestAggregateReport runs the command on the public Dog benchmark and checks
// the accuracy it reports against an independent count from the output.
func TestAggregateReport(t *testing.T) {
	dir := shareddata.Path(t, "crowd/dog")
	truthFile := filepath.Join(dir, "truth.csv")
	out, stderr, err := runAggregateTest(t, "", filepath.Join(dir, "answer.csv"), "--report", truthFile)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^ds: accuracy ([0-9.]+) \((\d+) of (\d+) questions with a known truth\)\n$`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("report %q", stderr)
	}
	known, err := os.ReadFile(truthFile)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, line := range strings.Split(strings.ReplaceAll(string(known), "\r", ""), "\n")[1:] {
		if q, v, ok := strings.Cut(line, ","); ok {
			want[q] = v
		}
	}
	correct, total := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		q, v, _ := strings.Cut(line, ",")
		if w, ok := want[q]; ok {
			total++
			if v == w {
				correct++
			}
		}
	}
	if m[2] != strconv.Itoa(correct) || m[3] != strconv.Itoa(total) {
		t.Errorf("report says %s of %s, output has %d of %d right", m[2], m[3], correct, total)
	}
	// Dawid–Skene's published figure on Dog (see internal/truth) is 0.8334.
	if acc, _ := strconv.ParseFloat(m[1], 64); acc < 0.83 {
		t.Errorf("accuracy %v, want ≥ 0.83", acc)
	}
}

func TestAggregateErrors(t *testing.T) {
	answers := writeFile(t, "answers.csv", answersCSV)
	tests := []struct {
		name  string
		stdin string
		args  []string
		usage bool   // must be a command-line error (exit status 2)
		want  string // in the message
	}{
		{"missing header", "1,a,x\n", nil, false, "line 1: missing or unexpected header"},
		{"wrong column count", "question,worker,answer\n1,a,x\n2,b\n", nil, false, "line 3: wrong number of columns: got 2, want 3"},
		{"empty worker", "question,worker,answer\r\n1,,x\r\n", nil, false, "line 2, field worker: empty value"},
		{"not a number", "question,worker,answer\n1,a,5\n1,b,five\n", []string{"--numeric"}, false, `line 3, field answer: not a finite number: "five"`},
		{"missing file", "", []string{"no-such-file.csv"}, false, "no-such-file.csv"},
		{"two files", "", []string{answers, answers}, true, "one answers file at most"},
		{"unknown method", answersCSV, []string{"--method", "em"}, true, `unknown method "em"`},
		{"numeric method without --numeric", answersCSV, []string{"--method", "mean"}, true, "need --numeric"},
		{"--no-bias without --numeric", answersCSV, []string{"--no-bias"}, true, "--no-bias needs --numeric"},
		{"unknown flag", answersCSV, []string{"--fast"}, true, "flag provided but not defined"},
		{"report file missing", answersCSV, []string{"--report", "no-truth.csv"}, false, "open ground truth"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runAggregateTest(t, tc.stdin, tc.args...)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
			if errors.Is(err, errUsage) != tc.usage {
				t.Errorf("usage error %v, want %v (%v)", errors.Is(err, errUsage), tc.usage, err)
			}
		})
	}
}

func TestAggregateHelp(t *testing.T) {
	_, stderr, err := runAggregateTest(t, "", "--help")
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("error %v, want flag.ErrHelp", err)
	}
	for _, want := range []string{"Usage: allmende aggregate", "-method", "-numeric", "-workers FILE", "-report FILE"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("help does not mention %q:\n%s", want, stderr)
		}
	}
}
