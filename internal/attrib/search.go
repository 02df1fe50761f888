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
// rather than once per step.

// A probe is the state of one query across segments: whether it met a
// suffix array entry outside the text, which only a damaged file has.
type probe struct {
	corrupt bool
	touched byte // keeps the compiler from dropping loads that warm the cache
}

// suffix returns the suffix of rank k.
func (s *segment) suffix(k int, pr *probe) []byte {
	p := uint32(s.sa[k])
	if p >= uint32(len(s.text)) {
		pr.corrupt = true
		return nil
	}
	return s.text[p:]
}

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
		if j < k-1 {
			l = min(l, commonPrefix(p, s.suffix(j, pr)))
		}
		if l <= best {
			break
		}
		if s.live(j) {
			best = l
			break
		}
	}
	for j, l := k, at; j < len(s.sa); j++ {
		if j > k {
			l = min(l, commonPrefix(p, s.suffix(j, pr)))
		}
		if l <= best {
			break
		}
		if s.live(j) {
			best = l
			break
		}
	}
	return best
}

// live reports whether the suffix of rank k lies in a record not erased.
func (s *segment) live(k int) bool {
	p := uint32(s.sa[k])
	return p < uint32(len(s.text)) && !s.isErased(s.recordAt(int(p)))
}

// searchBatch is how many binary searches longestBatch runs in lockstep.
const searchBatch = 16

// longestBatch finds, for up to searchBatch patterns, the length of the
// longest prefix that occurs in a live record (out) and the rank at which
// the pattern would be inserted (ins), by binary search for the first
// suffix not below the pattern. A lone binary search over a large index waits on a
// cache miss at every step (the array entry, then the text it points to),
// one after the other. Independent searches advanced a step at a time,
// first loading every array entry and then every text position, let the
// processor wait for many misses at once.
func (s *segment) longestBatch(pats [][]byte, out, ins []int, pr *probe) {
	var lo, hi, llcp, rlcp, mid [searchBatch]int
	var pos [searchBatch]uint32
	n := len(pats)
	for i := range n {
		lo[i], hi[i] = -1, len(s.sa)
	}
	textLen := uint32(len(s.text))
	for {
		active := false
		for i := range n {
			if hi[i]-lo[i] > 1 {
				mid[i] = int(uint(lo[i]+hi[i]) >> 1)
				pos[i] = uint32(s.sa[mid[i]])
				active = true
			}
		}
		if !active {
			break
		}
		// Touch the text where each comparison will start before doing any
		// comparison: the comparisons branch on what they read, and a
		// mispredicted branch would hold back the next search's load.
		var sink byte
		for i := range n {
			if hi[i]-lo[i] > 1 && pos[i] < textLen {
				sink |= s.text[int(pos[i])+min(llcp[i], rlcp[i], int(textLen-pos[i])-1)]
			}
		}
		pr.touched |= sink
		for i := range n {
			if hi[i]-lo[i] <= 1 {
				continue
			}
			p := pats[i]
			var suf []byte
			if pos[i] < textLen {
				suf = s.text[pos[i]:]
			} else {
				pr.corrupt = true
			}
			m := min(llcp[i], rlcp[i], len(suf))
			l := m + commonPrefix(p[m:], suf[m:])
			if l < len(p) && (l == len(suf) || suf[l] < p[l]) {
				lo[i], llcp[i] = mid[i], l
			} else {
				hi[i], rlcp[i] = mid[i], l
			}
		}
	}
	for i := range n {
		out[i] = s.liveMatch(pats[i], hi[i], llcp[i], rlcp[i], pr)
		ins[i] = hi[i]
	}
}

// occurrencesNear is occurrences for a prefix p of a pattern that would be
// inserted at rank ins. If p occurs, its ranks include ins-1 or ins (the
// pattern lies between p and every other string starting with p), so the
// range is found by galloping outwards from there: O(log count) probes,
// next to each other in the array, rather than two full binary searches.
func (s *segment) occurrencesNear(p []byte, ins int, pr *probe) (lo, hi int) {
	has := func(k int) bool {
		return k >= 0 && k < len(s.sa) && commonPrefix(p, s.suffix(k, pr)) == len(p)
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
