package attrib

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
)

// withSampling makes the segments opened during the test sample with
// shape, and queries read them with pread (mapped false) or through
// their mapping.
func withSampling(t *testing.T, shape sampleShape, mapped bool) {
	oldShape, oldMapped := sampling, defaultMappedBytes
	sampling, defaultMappedBytes = shape, -1
	if mapped {
		defaultMappedBytes = 1 << 40
	}
	t.Cleanup(func() { sampling, defaultMappedBytes = oldShape, oldMapped })
}

// sampleShapes covers the corner cases of the two-phase search: a sample
// of every suffix, samples whose kept bytes tie with nearly every pattern,
// a stride that does not divide the array, and the shape in use.
var sampleShapes = []sampleShape{{1, 1}, {2, 1}, {4, 3}, {7, 2}, {16, 8}, sampling}

// referenceSearch is what longest and occurrencesNear compute, the slow way
// over the mapped array: the insertion rank by binary search with
// bytes.Compare, the longest live match by looking at every suffix, and
// the ranks starting with p by scanning.
func referenceSearch(s *segment, p []byte) (out, ins, lo, hi int) {
	sa := int32s(s.mapped, s.saOff, s.saLen)
	suffix := func(k int) []byte { return s.text[sa[k]:] }
	ins = sort.Search(s.saLen, func(k int) bool { return bytes.Compare(suffix(k), p) >= 0 })
	lo, hi = -1, -1
	for k := range s.saLen {
		if s.livePos(uint32(sa[k])) {
			out = max(out, commonPrefix(p, suffix(k)))
		}
		if bytes.HasPrefix(suffix(k), p) {
			if lo < 0 {
				lo = k
			}
			hi = k + 1
		}
	}
	if lo < 0 {
		lo, hi = 0, 0
	}
	return out, ins, lo, hi
}

// TestSampledSearchMatchesReference checks the two-phase search, with
// pread, against the reference on corpora with long repeats (word salad
// with a tiny vocabulary, and a two-letter alphabet), with and without
// tombstones, for every sample shape.
func TestSampledSearchMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	corpora := map[string][]Record{
		"word salad": newWordSalad(5, 30).records(6000, 3, 30),
	}
	var ab []Record
	for i := range 60 {
		b := make([]byte, 1+r.IntN(70))
		for j := range b {
			b[j] = "ab"[r.IntN(2)]
		}
		ab = append(ab, Record{ID: fmt.Sprint(i), Text: string(b)})
	}
	corpora["two letters"] = ab
	for name, recs := range corpora {
		for _, shape := range sampleShapes {
			for _, mapped := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/stride %d prefix %d/mapped %v", name, shape.stride, shape.prefix, mapped), func(t *testing.T) {
					withSampling(t, shape, mapped)
					x, err := Open(t.TempDir(), Options{Create: true, NoAutoMerge: true})
					if err != nil {
						t.Fatal(err)
					}
					defer x.Close()
					if _, err := x.Add(t.Context(), RecordsOf(recs...)); err != nil {
						t.Fatal(err)
					}
					var pats [][]byte
					for range 300 {
						rec := recs[r.IntN(len(recs))].Text
						i := r.IntN(len(rec) + 1)
						p := []byte(rec[i:min(len(rec), i+1+r.IntN(60))])
						if r.IntN(3) == 0 && len(p) > 0 { // a pattern that stops matching
							p[r.IntN(len(p))] ^= 1
						}
						if len(p) > 0 {
							pats = append(pats, p)
						}
					}
					for round, erase := range [][]string{nil, {recs[0].ID, recs[3].ID, recs[4].ID, recs[9].ID}} {
						if erase != nil {
							if err := x.Erase(t.Context(), erase...); err != nil {
								t.Fatal(err)
							}
						}
						s := x.segs[0]
						if s.sample.shape != shape || s.inMemory != mapped {
							t.Fatalf("segment sampled with %+v, mapped %v; want %+v, %v", s.sample.shape, s.inMemory, shape, mapped)
						}
						for _, p := range pats {
							var pr probe
							out, ins := s.longest(p, &pr)
							lo, hi := s.occurrencesNear(p, ins, &pr)
							wOut, wIns, wLo, wHi := referenceSearch(s, p)
							if out != wOut || ins != wIns || lo != wLo || hi != wHi {
								t.Fatalf("round %d, %q: longest %d, rank %d, occurrences [%d,%d); want %d, %d, [%d,%d)",
									round, p, out, ins, lo, hi, wOut, wIns, wLo, wHi)
							}
							if pr.corrupt || pr.err != nil {
								t.Fatalf("%q: corrupt %v, err %v", p, pr.corrupt, pr.err)
							}
							if mapped != (pr.reads == 0) {
								t.Fatalf("%q: %d reads, mapped %v", p, pr.reads, mapped)
							}
						}
					}
				})
			}
		}
	}
}

// TestTraceMatchesBruteForceSampled runs the brute-force comparisons of
// Trace with every query read through pread (the other tests read their
// small indexes through the mapping), with the sample in use and with
// samples small enough that every search takes both phases and meets ties.
func TestTraceMatchesBruteForceSampled(t *testing.T) {
	for _, shape := range []sampleShape{sampling, {2, 1}, {5, 4}} {
		t.Run(fmt.Sprintf("stride %d prefix %d", shape.stride, shape.prefix), func(t *testing.T) {
			withSampling(t, shape, false)
			t.Run("word salad", TestTraceMatchesBruteForce)
			t.Run("two letters", TestTraceRandomAlphabet)
			t.Run("partial", TestTracePartial)
		})
	}
}

// TestCountIn checks the piecewise count of occurrences in a record
// against strings.Count's overlapping variant, across piece boundaries.
func TestCountIn(t *testing.T) {
	text := bytes.Repeat([]byte("abaab"), 40000) // 200 KB: several 64 KB pieces
	x, err := Open(t.TempDir(), Options{Create: true, MappedBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if _, err := x.Add(t.Context(), RecordsOf(Record{ID: "a", Text: string(text)})); err != nil {
		t.Fatal(err)
	}
	s := x.segs[0]
	for _, p := range []string{"a", "aa", "aba", "abaab", "baaba", "abaababaab", "x"} {
		want := int64(0)
		for i := range text {
			if bytes.HasPrefix(text[i:], []byte(p)) {
				want++
			}
		}
		var pr probe
		if got := s.countIn(0, []byte(p), &pr); got != want {
			t.Errorf("countIn(%q) = %d, want %d", p, got, want)
		}
	}
}
