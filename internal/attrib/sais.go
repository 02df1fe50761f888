package attrib

// The suffix array is built by SA-IS (Nong, Zhang & Chan 2009) written here
// rather than taken from index/suffixarray. The standard library implements
// SA-IS too, but it keeps the array private: the only way out is
// Index.Write, whose varint encoding is an unexported detail that may change
// between Go releases, and which needs the whole array on the heap (4 bytes
// per text byte) plus a copy while it is decoded. Our own construction fills
// an []int32 that can live in a memory-mapped segment file, so a 1 GB text
// is sorted without a 4 GB heap, and the array is written exactly once.
//
// Conventions: positions are int32 (segments stay below 2 GiB), the text has
// no sentinel, and the empty suffix after the last symbol counts as smaller
// than every symbol, so a proper prefix sorts first, as bytes.Compare does.
//
// Induced sorting needs to know, for each suffix it places, whether the
// preceding suffix is L-type (larger than its successor) or S-type. Instead
// of looking that up in a type array at a random position, each placed entry
// carries the answer in its sign (Y. Mori's sais-lite does the same): a
// non-negative entry j means "induce j-1 in this pass", a complemented entry
// ^j means "leave j-1 for the other pass". The type bitset is still built,
// once per level, for the sequential scans that find LMS positions.

// symbol is the alphabet of one SA-IS level: bytes for the text, int32 names
// for the reduced strings of the recursion.
type symbol interface{ ~byte | ~int32 }

// buildSuffixArray fills sa, which must be as long as text, with the start
// positions of the suffixes of text in lexicographic order. len(text) must
// be below 2^31.
func buildSuffixArray(text []byte, sa []int32) {
	if len(sa) != len(text) {
		panic("attrib: suffix array and text lengths differ")
	}
	sais(text, sa, 256, nil)
}

// sais sorts the suffixes of text over an alphabet of k symbols [0, k).
// free is scratch space the caller does not need during the call; the
// bucket tables use it when it is large enough, which matters on the first
// recursion, whose alphabet can be a third of the text.
func sais[T symbol](text []T, sa []int32, k int, free []int32) {
	n := len(text)
	switch n {
	case 0:
		return
	case 1:
		sa[0] = 0
		return
	}
	var count, bucket []int32
	if 2*k <= len(free) {
		count, bucket = free[:k], free[k:2*k]
	} else {
		count, bucket = make([]int32, k), make([]int32, k)
	}
	clear(count)
	for _, c := range text {
		count[int(c)]++
	}
	stype := classify(text)

	// Stage 1: sort the LMS substrings by inducing from LMS positions put,
	// in any order, at the ends of their buckets.
	clear(sa)
	bucketEnds(count, bucket)
	for i := 1; i < n; i++ {
		if isLMS(stype, i) {
			c := int(text[i])
			bucket[c]--
			sa[bucket[c]] = int32(i)
		}
	}
	induce(text, sa, count, bucket, true)

	// Gather the sorted LMS positions at the front, then name each distinct
	// LMS substring. Slot m + p/2 first holds the length of the substring
	// at p, then its name: LMS positions are at least two apart, so the
	// slots never collide. Two LMS substrings of equal length and symbols
	// also have equal types (both end on an S-type symbol and types follow
	// from the symbols leftwards), so comparing symbols is enough.
	m := 0
	for _, p := range sa {
		if p < 0 {
			sa[m] = ^p
			m++
		}
	}
	clear(sa[m:])
	end := n + 1 // the last LMS substring runs into the empty suffix: unique
	for i := n - 1; i > 0; i-- {
		if isLMS(stype, i) {
			sa[m+i>>1] = int32(end - i)
			end = i + 1
		}
	}
	names := int32(0)
	prev, prevLen := -1, 0
	for i := range m {
		p := int(sa[i])
		l := int(sa[m+p>>1])
		if prev < 0 || l != prevLen || p+l > n || prev+l > n || !equalSymbols(text[p:p+l], text[prev:prev+l]) {
			names++
			prev, prevLen = p, l
		}
		sa[m+p>>1] = names // 1-based so that 0 still marks an empty slot
	}
	j := n - 1
	for i := n - 1; i >= m; i-- {
		if v := sa[i]; v != 0 {
			sa[j] = v - 1
			j--
		}
	}

	// Stage 2: sort the reduced string (the LMS names in text order), by
	// recursion unless every name is distinct already.
	reduced, sa1 := sa[n-m:], sa[:m]
	if int(names) < m {
		sais(reduced, sa1, int(names), sa[m:n-m])
	} else {
		for i, c := range reduced {
			sa1[c] = int32(i)
		}
	}

	// Stage 3: map the sorted reduced suffixes back to LMS positions, put
	// them at their bucket ends in order, and induce the full array.
	j = 0
	for i := 1; i < n; i++ {
		if isLMS(stype, i) {
			reduced[j] = int32(i)
			j++
		}
	}
	for i, r := range sa1 {
		sa1[i] = reduced[r]
	}
	clear(sa[m:])
	bucketEnds(count, bucket)
	for i := m - 1; i >= 0; i-- {
		p := sa[i]
		sa[i] = 0
		c := int(text[p])
		bucket[c]--
		sa[bucket[c]] = p
	}
	induce(text, sa, count, bucket, false)
}

// classify returns a bitset with bit i set when suffix i is S-type, that is
// smaller than suffix i+1. The last suffix is L-type: the empty suffix after
// it is smaller.
func classify[T symbol](text []T) []uint64 {
	n := len(text)
	stype := make([]uint64, (n+63)/64)
	s := false
	for i := n - 2; i >= 0; i-- {
		a, b := text[i], text[i+1]
		s = a < b || a == b && s
		if s {
			stype[i>>6] |= 1 << (i & 63)
		}
	}
	return stype
}

func isS(stype []uint64, i int) bool { return stype[i>>6]&(1<<(i&63)) != 0 }

// isLMS reports whether suffix i is S-type with an L-type suffix before it.
func isLMS(stype []uint64, i int) bool { return i > 0 && isS(stype, i) && !isS(stype, i-1) }

func equalSymbols[T symbol](a, b []T) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func bucketStarts(count, bucket []int32) {
	sum := int32(0)
	for c, k := range count {
		bucket[c] = sum
		sum += k
	}
}

func bucketEnds(count, bucket []int32) {
	sum := int32(0)
	for c, k := range count {
		sum += k
		bucket[c] = sum
	}
}

// induce sorts the L-type suffixes from the LMS suffixes already at their
// bucket ends (scanning left to right), then the S-type suffixes from the
// L-type ones (right to left). Entries are complemented as described at the
// top of this file. Empty slots hold 0, which, like suffix 0, has nothing
// before it to induce. On return every entry is a plain position, except
// that with keepLMS the LMS positions stay complemented: that marks them for
// a sequential gather, where testing each entry's type would cost a cache
// miss per suffix.
func induce[T symbol](text []T, sa, count, bucket []int32, keepLMS bool) {
	induceL(text, sa, count, bucket)
	induceS(text, sa, count, bucket, keepLMS)
}

func induceL[T symbol](text []T, sa, count, bucket []int32) {
	n := len(text)
	bucketStarts(count, bucket)
	// The empty suffix sorts first and induces the last suffix.
	last := int32(n - 1)
	c1 := int(text[last])
	if last > 0 && text[last-1] < text[last] {
		sa[bucket[c1]] = ^last
	} else {
		sa[bucket[c1]] = last
	}
	bucket[c1]++
	for i := range n {
		j := sa[i]
		sa[i] = ^j
		if j > 0 {
			j--
			c := text[j]
			b := bucket[int(c)]
			if j > 0 && text[j-1] < c {
				sa[b] = ^j
			} else {
				sa[b] = j
			}
			bucket[int(c)] = b + 1
		}
	}
}

// induceS is the right-to-left pass. A slot is in the S-type part of its
// bucket exactly when the pass has already written it, that is when it lies
// at or after the bucket's write pointer; the complemented entries there
// (other than suffix 0) are the LMS suffixes.
func induceS[T symbol](text []T, sa, count, bucket []int32, keepLMS bool) {
	n := len(text)
	bucketEnds(count, bucket)
	cur := len(count) - 1
	curStart := int32(n) - count[cur]
	for i := n - 1; i >= 0; i-- {
		j := sa[i]
		if j <= 0 {
			if keepLMS && j < -1 {
				for int32(i) < curStart {
					cur--
					curStart -= count[cur]
				}
				if int32(i) >= bucket[cur] {
					continue
				}
			}
			sa[i] = ^j
			continue
		}
		j--
		c := text[j]
		b := bucket[int(c)] - 1
		bucket[int(c)] = b
		if j == 0 || text[j-1] > c {
			sa[b] = ^j
		} else {
			sa[b] = j
		}
	}
}
