package attrib

import (
	"fmt"
	"os"
	"reflect"
	"syscall"
	"testing"
)

// TestQueriesLeaveTheMappingAlone makes the mapped suffix array and text
// of a segment unreadable (PROT_NONE) and traces through it: a query that
// touched them, instead of reading with pread, would crash the test. The
// answers must be those of the same index read through its mapping.
func TestQueriesLeaveTheMappingAlone(t *testing.T) {
	w := newWordSalad(11, 200)
	recs := w.records(400_000, 8, 60)
	qs := queries(w, recs, 30)
	dir := t.TempDir()
	var want [][]Span
	for _, mapped := range []int64{1 << 40, -1} {
		x, err := Open(dir, Options{Create: true, NoAutoMerge: true, MappedBytes: mapped})
		if err != nil {
			t.Fatal(err)
		}
		if mapped > 0 {
			if _, err := x.Add(t.Context(), RecordsOf(recs...)); err != nil {
				t.Fatal(err)
			}
			if err := x.Erase(t.Context(), recs[1].ID, recs[7].ID); err != nil {
				t.Fatal(err)
			}
		}
		s := x.segs[0]
		if s.inMemory != (mapped > 0) {
			t.Fatalf("MappedBytes %d: segment in memory %v", mapped, s.inMemory)
		}
		page := int64(os.Getpagesize())
		var guarded [][]byte
		if mapped < 0 {
			for _, r := range [][2]int64{{s.textOff, s.textOff + int64(len(s.text))}, {s.saOff, s.saOff + 4*int64(s.saLen)}} {
				lo, hi := (r[0]+page-1)/page*page, r[1]/page*page // whole pages inside
				if hi-lo < 16*page {
					t.Fatalf("section of %d bytes too small to guard", r[1]-r[0])
				}
				g := s.mapped[lo:hi]
				if err := syscall.Mprotect(g, syscall.PROT_NONE); err != nil {
					t.Fatal(err)
				}
				guarded = append(guarded, g)
			}
		}
		for i, q := range qs {
			got, err := x.Trace(t.Context(), q, TraceOptions{MinLen: 6, MaxScan: 50})
			if err != nil {
				t.Fatal(err)
			}
			if mapped > 0 {
				want = append(want, got)
			} else if !reflect.DeepEqual(got, want[i]) {
				t.Fatalf("query %d: read with pread %s\nthrough the mapping %s", i, formatSpans(got), formatSpans(want[i]))
			}
		}
		for _, g := range guarded {
			if err := syscall.Mprotect(g, syscall.PROT_READ); err != nil {
				t.Fatal(err)
			}
		}
		if err := x.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMappedBytesBudget checks which segments queries read through their
// mapping: the newest ones, as many as fit the budget, with no gaps.
func TestMappedBytesBudget(t *testing.T) {
	dir := t.TempDir()
	w := newWordSalad(2, 100)
	x, err := Open(dir, Options{Create: true, NoAutoMerge: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, size := range []int{10000, 30000, 5000} {
		recs := w.records(size, 5, 20)
		for j := range recs {
			recs[j].ID = fmt.Sprint(i, "-", j)
		}
		if _, err := x.Add(t.Context(), RecordsOf(recs...)); err != nil {
			t.Fatal(err)
		}
	}
	sizes := []int64{int64(len(x.segs[0].mapped)), int64(len(x.segs[1].mapped)), int64(len(x.segs[2].mapped))}
	x.Close()
	for _, tc := range []struct {
		budget int64
		want   []bool
	}{
		{-1, []bool{false, false, false}},
		{sizes[2] - 1, []bool{false, false, false}},
		{sizes[2] + sizes[0], []bool{false, false, true}}, // the oldest would fit, but after a gap
		{sizes[2] + sizes[1], []bool{false, true, true}},
		{1 << 30, []bool{true, true, true}},
	} {
		x, err := Open(dir, Options{MappedBytes: tc.budget})
		if err != nil {
			t.Fatal(err)
		}
		var got []bool
		for _, s := range x.segs {
			got = append(got, s.inMemory)
		}
		x.Close()
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("MappedBytes %d (segments of %v bytes): in memory %v, want %v", tc.budget, sizes, got, tc.want)
		}
	}
}
