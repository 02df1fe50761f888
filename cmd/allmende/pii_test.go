package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func runPIIWith(t testing.TB, input string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = runPII(t.Context(), args, stdio{strings.NewReader(input), &out, &errb})
	return out.String(), errb.String(), err
}

func TestPII(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		input   string
		stdout  string
		stderr  string // a substring of standard error
		wantErr error  // errUsage, flag.ErrHelp, errAny or nil
	}{
		{
			name:   "scan plain lines, offsets in code points",
			args:   []string{"scan"},
			input:  "Grüße an jürgen@müller.de\nnothing here\r\nTel. 0171 1234567",
			stdout: `{"id":1,"spans":[{"start":9,"end":25,"type":"EMAIL_ADDRESS","score":0.9}]}` + "\n" + `{"id":2,"spans":[]}` + "\n" + `{"id":3,"spans":[{"start":5,"end":17,"type":"PHONE_NUMBER","score":0.85}]}` + "\n",
		},
		{
			name:   "min score lets a bare national number through",
			args:   []string{"scan", "--min-score", "0.3"},
			input:  "0171 1234567\n",
			stdout: `{"id":1,"spans":[{"start":0,"end":12,"type":"PHONE_NUMBER","score":0.35}]}` + "\n",
		},
		{
			name:  "scan JSON, ids echoed as given",
			args:  []string{"scan", "--json"},
			input: `{"id":"doc-7","text":"IBAN DE89370400440532013000"}` + "\n" + `{"text":"+49 30 1234567","id":1e3,"lang":"de"}` + "\n",
			stdout: `{"id":"doc-7","spans":[{"start":5,"end":27,"type":"IBAN_CODE","score":1}]}` + "\n" +
				`{"id":1e3,"spans":[{"start":0,"end":14,"type":"PHONE_NUMBER","score":0.75}]}` + "\n",
		},
		{
			name:    "bad lines are reported by number, the rest is processed",
			args:    []string{"scan", "--json"},
			input:   `{"id":1,"text":"a"}` + "\n" + `{"id":2,"text":` + "\n" + `{"id":{},"text":"b"}` + "\n" + `{"id":4}` + "\n" + "{\"id\":5,\"text\":\"\xff\"}\n" + `{"id":6,"text":"c"}`,
			stdout:  `{"id":1,"spans":[]}` + "\n" + `{"id":6,"spans":[]}` + "\n",
			stderr:  "line 2: not a JSON object",
			wantErr: errAny,
		},
		{
			name:    "invalid UTF-8 in plain text",
			args:    []string{"scan"},
			input:   "ok\nbad \xc3\x28 byte\n",
			stdout:  `{"id":1,"spans":[]}` + "\n",
			stderr:  "line 2: not valid UTF-8 (first bad byte at offset 4)",
			wantErr: errAny,
		},
		{
			name:   "redact plain lines",
			args:   []string{"redact"},
			input:  "Dear John Smith, call +44 20 7946 0958.\nno data\n",
			stdout: "Dear <PERSON>, call <PHONE_NUMBER>.\nno data\n",
		},
		{
			name:    "redact keeps line numbers when a line is bad",
			args:    []string{"redact"},
			input:   "mail a@example.org\n\xff\nsecond",
			stdout:  "mail <EMAIL_ADDRESS>\n\nsecond\n",
			stderr:  "allmende pii redact: line 2: not valid UTF-8",
			wantErr: errAny,
		},
		{
			name:   "redact JSON keeps placeholders readable",
			args:   []string{"redact", "--json"},
			input:  `{"id":"x","text":"Herr Müller: \"hi\" at 10.0.0.7"}`,
			stdout: `{"id":"x","text":"<TITLE> <PERSON>: \"hi\" at <IP_ADDRESS>"}` + "\n",
		},
		{name: "no subcommand", args: nil, wantErr: errUsage, stderr: "Usage: allmende pii scan"},
		{name: "unknown subcommand", args: []string{"find"}, wantErr: errUsage},
		{name: "help", args: []string{"--help"}, wantErr: flag.ErrHelp},
		{name: "score out of range", args: []string{"scan", "--min-score", "2"}, wantErr: errUsage},
		{name: "unknown flag", args: []string{"redact", "--csv"}, wantErr: errUsage},
		{name: "two files", args: []string{"scan", "a", "b"}, wantErr: errUsage},
		{name: "empty input", args: []string{"scan"}, input: "", stdout: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := runPIIWith(t, tt.input, tt.args...)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("error %v, want none; stderr %q", err, stderr)
			case tt.wantErr == errAny && (err == nil || errors.Is(err, errUsage)):
				t.Fatalf("error %v, want a failure that is not a usage error", err)
			case tt.wantErr != nil && tt.wantErr != errAny && !errors.Is(err, tt.wantErr):
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != errUsage && tt.wantErr != flag.ErrHelp && stdout != tt.stdout {
				t.Errorf("stdout\n%s\nwant\n%s", stdout, tt.stdout)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr %q, want it to contain %q", stderr, tt.stderr)
			}
		})
	}
}

// errAny marks a test case that must fail, with any error but a usage one.
var errAny = errors.New("any error")

func TestPIIFileAndLongLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.txt")
	long := strings.Repeat("a", maxLine+1)
	if err := os.WriteFile(path, []byte("first a@example.org\n"+long+"\nlast"), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := runPIIWith(t, "", "redact", path)
	if err == nil || !strings.Contains(err.Error(), "1 of 3 lines") {
		t.Fatalf("error %v, want one of three lines failed", err)
	}
	if stdout != "first <EMAIL_ADDRESS>\n\nlast\n" {
		t.Errorf("stdout %q", stdout)
	}
	if !strings.Contains(stderr, "line 2: longer than 16 MiB") {
		t.Errorf("stderr %q", stderr)
	}
	// A line of exactly the maximum is read.
	exact := strings.Repeat("b", maxLine)
	stdout, _, err = runPIIWith(t, exact+"\n", "scan")
	if err != nil || stdout != `{"id":1,"spans":[]}`+"\n" {
		t.Errorf("a line of %d bytes: %v, %.60q", maxLine, err, stdout)
	}
	if _, _, err := runPIIWith(t, "", "scan", filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing file was not reported")
	}
}

// FuzzPIIScan feeds arbitrary input to pii scan --json and plain scan and
// checks that every output line is a JSON object whose spans lie inside
// its document, and that every input line is accounted for on standard
// output or standard error.
func FuzzPIIScan(f *testing.F) {
	for _, s := range []string{
		`{"id":1,"text":"Call +49 30 1234567"}`, `{"id":"a","text":"x@y.org"}` + "\n" + `{"id":2}`,
		"plain\nDear Anna, IBAN DE89370400440532013000\r\n", "\xff\n{", `{"id":[],"text":""}`, "",
		`{"id":-0.5e-3,"text":"\u00e9 10.0.0.1 \ud800"}`, "\n\n\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, input string) {
		lines := strings.Count(input, "\n")
		if input != "" && !strings.HasSuffix(input, "\n") {
			lines++
		}
		for _, args := range [][]string{{"scan", "--json", "--min-score", "0"}, {"scan", "--min-score", "0"}} {
			stdout, stderr, err := runPIIWith(t, input, args...)
			bad := strings.Count(stderr, "\n") // one message per bad line
			if (err != nil) != (stderr != "") {
				t.Fatalf("%v: error %v but stderr %q", args, err, stderr)
			}
			outLines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
			if stdout == "" {
				outLines = nil
			}
			if len(outLines)+bad != lines {
				t.Fatalf("%v: %d input lines, %d output and %d error lines", args, lines, len(outLines), bad)
			}
			for _, l := range outLines {
				var doc struct {
					ID    json.RawMessage
					Spans []struct {
						Start, End int
						Type       string
						Score      float64
					}
				}
				if err := json.Unmarshal([]byte(l), &doc); err != nil || len(doc.ID) == 0 {
					t.Fatalf("%v: output line %q is not a result: %v", args, l, err)
				}
				for _, sp := range doc.Spans {
					if sp.Start < 0 || sp.Start >= sp.End || sp.Score <= 0 || sp.Score > 1 {
						t.Fatalf("%v: bad span in %q", args, l)
					}
				}
			}
		}
	})
}

// BenchmarkPIIScan runs the pii scan command over a mixed corpus and
// reports its throughput against the I/O floor measured in the same run:
// reading the same lines and writing an empty result for each. The target
// for the command is 20 MB/s per core.
func BenchmarkPIIScan(b *testing.B) {
	input := mixedLines(1 << 20)
	start := time.Now()
	const floorRuns = 5
	for range floorRuns {
		lr := lineReader{r: bufio.NewReader(strings.NewReader(input))}
		n := 0
		for {
			_, more, _ := lr.next()
			if !more {
				break
			}
			n++
			fmt.Fprintf(io.Discard, `{"id":%d,"spans":[]}`+"\n", n)
		}
	}
	floor := float64(len(input)) * floorRuns / time.Since(start).Seconds() / 1e6

	var jsonInput strings.Builder
	for n, line := range strings.Split(strings.TrimSuffix(input, "\n"), "\n") {
		doc, _ := json.Marshal(map[string]any{"id": n, "text": line})
		jsonInput.Write(doc)
		jsonInput.WriteByte('\n')
	}
	for _, mode := range []struct {
		name  string
		args  []string
		input string
	}{
		{"text", []string{"scan"}, input},
		{"json", []string{"scan", "--json"}, jsonInput.String()},
	} {
		b.Run(mode.name, func(b *testing.B) {
			b.SetBytes(int64(len(mode.input)))
			for b.Loop() {
				if err := runPII(b.Context(), mode.args, stdio{strings.NewReader(mode.input), io.Discard, io.Discard}); err != nil {
					b.Fatal(err)
				}
			}
			mbps := float64(len(mode.input)) * float64(b.N) / b.Elapsed().Seconds() / 1e6
			b.ReportMetric(floor, "io-floor-MB/s")
			b.ReportMetric(mbps/20, "x-target")
		})
	}
}

// mixedLines is prose in several languages with personal data in about one
// line in four, as members write it.
func mixedLines(size int) string {
	prose := []string{
		"The annotation guidelines were updated after the review meeting; version 2.4.1 sorts categories.",
		"Die Richtlinien wurden am Montag um 10:30 Uhr überarbeitet, die Medianzeit lag bei 42 Sekunden.",
		"Les consignes ont été mises à jour le 12 mars avec un accord de 94 pour cent.",
		"El equipo revisó 1 200 imágenes en 3 días; el acuerdo fue del 91 por ciento.",
		"Правила разметки обновили после последней встречи.",
		"标注指南在上次评审会议后进行了更新。",
	}
	pii := []string{
		"Please reach me at anna.schmidt@example.org or call +49 30 1234567.",
		"Meine IBAN lautet DE89 3704 0044 0532 0130 00, Herr Wagner.",
		"Dear John Smith, your card 4111 1111 1111 1111 was charged.",
		"Ich wohne in der Hauptstraße 5, 10115 Berlin; geboren am 03.07.1985.",
		"Login from 203.0.113.45, reset via https://example.com/reset?token=abc123.",
	}
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for b.Len() < size {
		b.WriteString(prose[r.IntN(len(prose))])
		if r.IntN(4) == 0 {
			b.WriteString(" " + pii[r.IntN(len(pii))])
		}
		b.WriteByte('\n')
	}
	if !utf8.ValidString(b.String()) {
		panic("corpus is not UTF-8")
	}
	return b.String()
}
