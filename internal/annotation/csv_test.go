package annotation

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

func TestExportCSV(t *testing.T) {
	votes := []Vote{
		{"item-1", "w-1", "cat"},
		{"item-1", "w-2", "dog"},
		{"q,2", `say "hi"`, "line\nbreak"},
	}
	var buf bytes.Buffer
	if err := ExportCSV(&buf, votes); err != nil {
		t.Fatal(err)
	}
	want := "question,worker,answer\nitem-1,w-1,cat\nitem-1,w-2,dog\n\"q,2\",\"say \"\"hi\"\"\",\"line\nbreak\"\n"
	if buf.String() != want {
		t.Errorf("got %q\nwant %q", buf.String(), want)
	}
	got, err := ImportCSV(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, votes) {
		t.Errorf("read back %q", got)
	}
}

func TestExportCSVRefuses(t *testing.T) {
	votes := []Vote{{"1", "w", "a"}, {"", "w", "a"}, {"2", " w", "a"}, {"3", "w", "a\r\nb"}, {"4", "w", "\xff"}}
	var buf bytes.Buffer
	err := ExportCSV(&buf, votes)
	want := []string{"votes[1].question: empty", "votes[2].worker: begins or ends with white space",
		"votes[3].answer: contains a carriage return", "votes[4].answer: not valid UTF-8"}
	if ps := problemsOf(t, err); !slices.Equal(ps, want) {
		t.Errorf("problems\n got %q\nwant %q", ps, want)
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %q before refusing", buf.String())
	}
}

func TestImportCSV(t *testing.T) {
	got, err := ImportCSV(strings.NewReader("\uFEFFtask,worker,label\r\n2,b,y\r\n\r\n1,a,x\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []Vote{{"2", "b", "y"}, {"1", "a", "x"}}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	tests := []struct{ name, in, want string }{
		{"wrong header", "item,answer\n1,x\n", `line 1: missing or unexpected header: got "item,answer", want question,worker,answer`},
		{"empty field", "question,worker,answer\n1,,x\n", "line 2 worker: empty value"},
		{"short row", "question,worker,answer\n1,a\n", "line 2: wrong number of columns: got 2, want 3 (question,worker,answer)"},
		{"not UTF-8", "question,worker,answer\n1,a,x\n2,b,\xff\n", "line 3: not valid UTF-8"},
	}
	for _, tc := range tests {
		_, err := ImportCSV(strings.NewReader(tc.in))
		if ps := problemsOf(t, err); !slices.Equal(ps, []string{tc.want}) {
			t.Errorf("%s: problems %q, want %q", tc.name, ps, tc.want)
		}
	}
}

// Answers to classification and pairwise tasks become votes through
// Categorical; the CSV carries them to truth inference unchanged.
func TestVotesFromAnswers(t *testing.T) {
	answers := []struct {
		item, worker string
		raw          string
	}{
		{"p1", "w-1", `{"choice":"a","reason":"B invents a law"}`},
		{"p1", "w-2", `{"choice":"b"}`},
	}
	var votes []Vote
	for _, a := range answers {
		ans, err := Parse([]byte(a.raw), pairSpec)
		if err != nil {
			t.Fatal(err)
		}
		v, ok := ans.Categorical(Pairwise)
		if !ok {
			t.Fatalf("%s has no categorical value", a.raw)
		}
		votes = append(votes, Vote{a.item, a.worker, v})
	}
	var buf bytes.Buffer
	if err := ExportCSV(&buf, votes); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "question,worker,answer\np1,w-1,a\np1,w-2,b\n" {
		t.Errorf("CSV %q", got)
	}
}
