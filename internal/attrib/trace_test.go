package attrib

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// bruteTrace is the specification of Trace, computed the slow way over the
// live records: for every character, the longest string starting there that
// some record contains; the maximal ones of at least minLen characters;
// their overlapping occurrences and the records holding them.
func bruteTrace(live []Record, output string, opts TraceOptions) []Span {
	opts = opts.withDefaults()
	type char struct {
		pos   int
		valid bool
	}
	var cs []char
	for i := 0; i < len(output); {
		r, w := utf8.DecodeRuneInString(output[i:])
		cs = append(cs, char{i, r != utf8.RuneError || w > 1})
		i += w
	}
	occurs := func(s string) bool {
		for _, r := range live {
			if strings.Contains(r.Text, s) {
				return true
			}
		}
		return false
	}
	var spans []Span
	prevEnd := 0 // in characters
	for c := range cs {
		// What occurs from c-1 to prevEnd occurs from c too; extend from there.
		end := max(c, prevEnd)
		for end < len(cs) && cs[end].valid {
			stop := len(output)
			if end+1 < len(cs) {
				stop = cs[end+1].pos
			}
			if !occurs(output[cs[c].pos:stop]) {
				break
			}
			end++
		}
		if end <= prevEnd {
			continue
		}
		prevEnd = end
		if end-c < opts.MinLen {
			continue
		}
		stop := len(output)
		if end < len(cs) {
			stop = cs[end].pos
		}
		sp := Span{Start: c, End: end, Text: output[cs[c].pos:stop]}
		for _, r := range live {
			n := 0
			for i := 0; i+len(sp.Text) <= len(r.Text); i++ {
				if strings.HasPrefix(r.Text[i:], sp.Text) {
					n++
				}
			}
			if n > 0 {
				sp.Count += int64(n)
				sp.RecordCount++
				if len(sp.Records) < opts.MaxRecords {
					sp.Records = append(sp.Records, r.ID)
				}
			}
		}
		spans = append(spans, sp)
	}
	slices.SortFunc(spans, func(a, b Span) int {
		return cmp.Or(cmp.Compare(a.Count, b.Count), cmp.Compare(b.End-b.Start, a.End-a.Start), cmp.Compare(a.Start, b.Start))
	})
	return spans
}

// liveRecords returns recs without the erased ids, in the order the index
// keeps them (the order they were added).
func liveRecords(recs []Record, erased map[string]bool) []Record {
	var out []Record
	for _, r := range recs {
		if !erased[r.ID] {
			out = append(out, r)
		}
	}
	return out
}

// queries makes outputs that mix copied stretches, fresh words, a
// multi-byte character cut in half and invalid bytes.
func queries(w *wordSalad, recs []Record, n int) []string {
	var out []string
	for i := range n {
		q := w.output(recs, 30+i%40)
		switch i % 4 {
		case 1: // an invalid byte in the middle of a copied stretch
			k := len(q) / 2
			q = q[:k] + "\xff" + q[k:]
		case 2: // a truncated multi-byte character
			q = strings.Replace(q, "東", "\xe6\x9d", 1)
		case 3:
			q = "東京" + q + "語"
		}
		out = append(out, q)
	}
	return out
}

func TestTraceMatchesBruteForce(t *testing.T) {
	tests := []struct {
		name    string
		batches int // records are added in this many batches
		noMerge bool
		erase   int // erase every erase-th record (0: none)
		compact bool
		opts    TraceOptions
	}{
		{name: "one segment", batches: 1, opts: TraceOptions{MinLen: 8}},
		{name: "five segments, no merging", batches: 5, noMerge: true, opts: TraceOptions{MinLen: 8}},
		{name: "five batches, auto merge", batches: 5, opts: TraceOptions{MinLen: 8}},
		{name: "tombstones before merge", batches: 3, noMerge: true, erase: 3, opts: TraceOptions{MinLen: 8}},
		{name: "tombstones, auto merge", batches: 3, erase: 2, opts: TraceOptions{MinLen: 8}},
		{name: "erased then compacted", batches: 4, noMerge: true, erase: 3, compact: true, opts: TraceOptions{MinLen: 8}},
		{name: "short spans, few records listed", batches: 2, noMerge: true, opts: TraceOptions{MinLen: 2, MaxRecords: 2}},
		{name: "minimum of one character", batches: 1, erase: 5, opts: TraceOptions{MinLen: 1, MaxRecords: 3}},
	}
	for ti, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWordSalad(uint64(ti+1), 60)
			recs := w.records(8000, 8, 40)
			x, err := Open(t.TempDir(), Options{Create: true, NoAutoMerge: tc.noMerge})
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			per := (len(recs) + tc.batches - 1) / tc.batches
			for b := 0; b < len(recs); b += per {
				if _, err := x.Add(t.Context(), RecordsOf(recs[b:min(b+per, len(recs))]...)); err != nil {
					t.Fatal(err)
				}
			}
			erased := map[string]bool{}
			if tc.erase > 0 {
				var ids []string
				for i := 0; i < len(recs); i += tc.erase {
					ids = append(ids, recs[i].ID)
					erased[recs[i].ID] = true
				}
				if err := x.Erase(t.Context(), ids...); err != nil {
					t.Fatal(err)
				}
			}
			if tc.compact {
				if err := x.Compact(t.Context()); err != nil {
					t.Fatal(err)
				}
				if st := x.Stats(); st.Erased != 0 || st.Segments != 1 {
					t.Fatalf("after Compact: %+v, want one segment without tombstones", st)
				}
			}
			live := liveRecords(recs, erased)
			for qi, q := range queries(w, recs, 20) {
				got, err := x.Trace(t.Context(), q, tc.opts)
				if err != nil {
					t.Fatal(err)
				}
				want := bruteTrace(live, q, tc.opts)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("query %d %q:\n got %s\nwant %s", qi, q, formatSpans(got), formatSpans(want))
				}
			}
		})
	}
}

func formatSpans(spans []Span) string {
	var b strings.Builder
	for _, s := range spans {
		fmt.Fprintf(&b, "\n  [%d,%d) %q count=%d records=%v (%d) partial=%v", s.Start, s.End, s.Text, s.Count, s.Records, s.RecordCount, s.Partial)
	}
	return b.String()
}

// TestTraceExamples pins the behaviour on hand-made cases.
func TestTraceExamples(t *testing.T) {
	recs := []Record{
		{ID: "a", Text: "the quick brown fox jumps over the lazy dog"},
		{ID: "b", Text: "a quick brown fox jumps high"},
		{ID: "c", Text: "Grüße aus Köln, 東京 und Zürich"},
	}
	tests := []struct {
		name   string
		output string
		minLen int
		want   []Span
	}{
		{
			name:   "one maximal span",
			output: "see: quick brown fox jumps over it",
			minLen: 10,
			want: []Span{
				{Start: 4, End: 32, Text: " quick brown fox jumps over ", Count: 1, Records: []string{"a"}, RecordCount: 1},
			},
		},
		{
			// "the lazy dog" ends record a and "a quick" starts b, but
			// "doga" is in neither: the spans overlap at the seam.
			name:   "no match crosses a record boundary",
			output: "the lazy doga quick",
			minLen: 5,
			want: []Span{
				{Start: 0, End: 12, Text: "the lazy dog", Count: 1, Records: []string{"a"}, RecordCount: 1},
				{Start: 12, End: 19, Text: "a quick", Count: 1, Records: []string{"b"}, RecordCount: 1},
			},
		},
		{
			name:   "offsets in characters, not bytes",
			output: "»Grüße aus Köln«",
			minLen: 3,
			want: []Span{
				{Start: 1, End: 15, Text: "Grüße aus Köln", Count: 1, Records: []string{"c"}, RecordCount: 1},
			},
		},
		{
			name:   "a span shorter than min-len is dropped",
			output: "东京 und Zürich", // 京 und Zürich: 13 characters, 18 bytes
			minLen: 14,
			want:   nil,
		},
		{
			name:   "an invalid byte splits a span",
			output: "quick brown\xff fox jumps",
			minLen: 5,
			want: []Span{
				{Start: 0, End: 11, Text: "quick brown", Count: 2, Records: []string{"a", "b"}, RecordCount: 2},
				{Start: 12, End: 22, Text: " fox jumps", Count: 2, Records: []string{"a", "b"}, RecordCount: 2},
			},
		},
	}
	x, err := Open(t.TempDir(), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if _, err := x.Add(t.Context(), RecordsOf(recs...)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := x.Trace(t.Context(), tc.output, TraceOptions{MinLen: tc.minLen})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %s\nwant %s", formatSpans(got), formatSpans(tc.want))
			}
			if want := bruteTrace(recs, tc.output, TraceOptions{MinLen: tc.minLen}); !reflect.DeepEqual(got, want) {
				t.Fatalf("brute force disagrees: %s", formatSpans(want))
			}
		})
	}
}

func TestTracePartial(t *testing.T) {
	var recs []Record
	for i := range 50 {
		recs = append(recs, Record{ID: fmt.Sprintf("r%02d", i), Text: "common phrase here, and common phrase there"})
	}
	x, err := Open(t.TempDir(), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if _, err := x.Add(t.Context(), RecordsOf(recs...)); err != nil {
		t.Fatal(err)
	}
	if err := x.Erase(t.Context(), "r00", "r01"); err != nil {
		t.Fatal(err)
	}
	got, err := x.Trace(t.Context(), "the common phrase is", TraceOptions{MinLen: 5, MaxScan: 10, MaxRecords: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("got %s, want one span", formatSpans(got))
	}
	sp := got[0]
	// " common phrase " occurs once in each of the 48 live records: the
	// count stays exact although only 10 occurrences (in SA order) were
	// mapped to records.
	if sp.Text != " common phrase " || sp.Count != 48 || !sp.Partial || sp.RecordCount != 10 || len(sp.Records) != 3 {
		t.Fatalf("got %s, want %q counted 48 times, partial, with 10 records of which 3 listed", formatSpans(got), " common phrase ")
	}
	for _, id := range sp.Records {
		if id == "r00" || id == "r01" {
			t.Fatalf("erased record %s listed", id)
		}
	}
}

// TestTraceRandomAlphabet uses a two-letter alphabet, where every span
// repeats many times and the maximality rule does all the work.
func TestTraceRandomAlphabet(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	word := func(n int, alphabet string) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	var recs []Record
	for i := range 40 {
		recs = append(recs, Record{ID: fmt.Sprint(i), Text: word(5+r.IntN(60), "ab")})
	}
	x, err := Open(t.TempDir(), Options{Create: true, NoAutoMerge: true})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for b := 0; b < len(recs); b += 10 {
		if _, err := x.Add(t.Context(), RecordsOf(recs[b:b+10]...)); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Erase(t.Context(), "3", "17", "25", "39"); err != nil {
		t.Fatal(err)
	}
	live := liveRecords(recs, map[string]bool{"3": true, "17": true, "25": true, "39": true})
	for range 200 {
		q := word(1+r.IntN(80), "abc")
		opts := TraceOptions{MinLen: 1 + r.IntN(6), MaxRecords: 1 + r.IntN(5)}
		got, err := x.Trace(t.Context(), q, opts)
		if err != nil {
			t.Fatal(err)
		}
		if want := bruteTrace(live, q, opts); !reflect.DeepEqual(got, want) {
			t.Fatalf("query %q %+v:\n got %s\nwant %s", q, opts, formatSpans(got), formatSpans(want))
		}
	}
}
