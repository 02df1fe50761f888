package attrib

import (
	"encoding/binary"
	"math/bits"
)

// Searches in one segment's suffix array, in the manner of infini-gram
// (Liu et al. 2024): a binary search over the sorted suffixes, comparing
// the pattern with the suffix at the midpoint. Each comparison starts after
// the prefix that the pattern is already known to share with both ends of
// the interval (the smaller of the two common prefixes; every suffix in
// between shares it too), so a search reads each pattern byte about once
// rather than once per step. The search runs over the in-memory sample
// first and reads the rest of the array and the text with pread (see
// sample.go and segment_read.go).

// commonPrefix returns the length of the longest common prefix of a and b,
// comparing eight bytes at a time.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for ; i+8 <= n; i += 8 {
		if x := binary.LittleEndian.Uint64(a[i:]) ^ binary.LittleEndian.Uint64(b[i:]); x != 0 {
			return i + bits.TrailingZeros64(x)/8
		}
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// longest returns the length of the longest prefix of p that occurs in a
// live record (out) and the rank at which p would be inserted (ins), by
// binary search for the first suffix not below p: over the sample down to
// two neighbouring samples, then over the array entries between them,
// which lie in one window of the array (one read).
func (s *segment) longest(p []byte, pr *probe) (out, ins int) {
	sm := &s.sample
	jlo, jhi := -1, sm.len()
	llcp, rlcp := 0, 0
	for jhi-jlo > 1 {
		j := int(uint(jlo+jhi) >> 1)
		pos, kept := sm.at(j)
		m := min(llcp, rlcp)
		// The kept bytes end with the text; past them the suffix is read.
		lim := min(len(kept), len(s.text)-int(pos))
		var l int
		var below bool
		if m < lim {
			l = m + commonPrefix(p[m:], kept[m:lim])
			switch {
			case l == len(p):
				below = false
			case l < lim:
				below = kept[l] < p[l]
			default:
				l, below = s.compare(p, pos, l, pr)
			}
		} else {
			l, below = s.compare(p, pos, m, pr)
		}
		if below {
			jlo, llcp = j, l
		} else {
			jhi, rlcp = j, l
		}
	}
	w := sm.shape.stride
	lo, hi := -1, s.saLen
	if jlo >= 0 {
		lo = jlo * w
	}
	if jhi < sm.len() {
		hi = jhi * w
	}
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		l, below := s.compare(p, s.saAt(mid, pr), min(llcp, rlcp), pr)
		if below {
			lo, llcp = mid, l
		} else {
			hi, rlcp = mid, l
		}
	}
	return s.liveMatch(p, hi, llcp, rlcp, pr), hi
}

// liveMatch returns the length of the longest prefix of p that occurs in a
// live record, given that p would be inserted at rank k and shares before
// and at bytes with the suffixes of ranks k-1 and k. The longest match is
// with one of those two; if it lies in an erased record, the search walks
// outwards to the nearest live suffix on each side (common prefixes only
// shrink with distance from the insertion point).
func (s *segment) liveMatch(p []byte, k, before, at int, pr *probe) int {
	if s.erased == nil {
		return max(before, at)
	}
	best := 0
	for j, l := k-1, before; j >= 0; j-- {
		pos := s.saAt(j, pr)
		if j < k-1 {
			l, _ = s.compare(p[:l], pos, 0, pr)
		}
		if l <= best {
			break
		}
		if s.livePos(pos) {
			best = l
			break
		}
	}
	for j, l := k, at; j < s.saLen; j++ {
		pos := s.saAt(j, pr)
		if j > k {
			l, _ = s.compare(p[:l], pos, 0, pr)
		}
		if l <= best {
			break
		}
		if s.livePos(pos) {
			best = l
			break
		}
	}
	return best
}

// livePos reports whether text position pos lies in a record not erased.
func (s *segment) livePos(pos uint32) bool {
	return pos < uint32(len(s.text)) && !s.isErased(s.recordAt(int(pos)))
}

// occurrencesNear returns the ranks [lo, hi) of the suffixes that start
// with p, a prefix of a pattern that would be inserted at rank ins. If p
// occurs, its ranks include ins-1 or ins (the pattern lies between p and
// every other string starting with p), so the range is found by galloping
// outwards from there: O(log count) probes, next to each other in the
// array, rather than two full binary searches.
func (s *segment) occurrencesNear(p []byte, ins int, pr *probe) (lo, hi int) {
	has := func(k int) bool {
		if k < 0 || k >= s.saLen {
			return false
		}
		l, _ := s.compare(p, s.saAt(k, pr), 0, pr)
		return l == len(p)
	}
	a := ins
	if !has(a) {
		if a--; !has(a) {
			return 0, 0
		}
	}
	// The first rank with p: has(a-step) fails at the last step, has(yes)
	// holds; binary search in between.
	step, yes := 1, a
	for has(a - step) {
		yes = a - step
		step *= 2
	}
	no := a - step
	for yes-no > 1 {
		mid := no + (yes-no)/2
		if has(mid) {
			yes = mid
		} else {
			no = mid
		}
	}
	lo = yes
	step, yes = 1, a
	for has(a + step) {
		yes = a + step
		step *= 2
	}
	no = a + step
	for no-yes > 1 {
		mid := no + (yes-no)/2
		if has(mid) {
			yes = mid
		} else {
			no = mid
		}
	}
	return lo, yes + 1
}
