package dedup

import (
	"math/bits"
	"slices"
)

// multimap is a sorted multiset of 64-bit entries looked up by their top
// bits, the key: LSH band hash → record slot (key<<32 | slot), or a
// perceptual hash rotated so that one 16-bit chunk is on top.
//
// Sorted arrays rather than a hash table: a hash table needs empty cells
// and a key or pointer per cell, which at 16 bands per record is more than
// the memory budget of the index allows, while a sorted array has no slack.
// Inserting into one large sorted array costs a copy of the array, so new
// entries go through two smaller levels first, as in a log-structured merge
// tree: an unsorted tail of at most tailSize entries (scanned linearly),
// then a sorted middle level, merged into the main one when it outgrows
// √(tailSize·len(main)). That limit balances the cost of merging the tail
// into the middle level against that of merging the middle level into the
// main one: at a million entries each entry is moved about 130 times, in
// sequential passes, and a lookup is two binary searches and a scan of the
// tail.
type multimap struct {
	keyShift uint     // an entry's key is e >> keyShift
	main     []uint64 // sorted; allocated to its exact length
	mid      []uint64 // sorted
	tail     []uint64 // in insertion order; fewer than tailSize

	// starts indexes a large main level by key, for 16-bit keys (the
	// multi-index chunks): the entries of key k are main[starts[k]:
	// starts[k+1]]. A chunk map is probed hundreds of times per query, and
	// a table of 2¹⁶ offsets (256 KiB) replaces as many binary searches;
	// below directMin entries the table would cost more memory than the
	// searches cost time.
	starts []uint32
}

// tailSize bounds the unsorted level, whose linear scan costs every lookup:
// 256 entries of 16 bands is 4096 comparisons, about 2 µs.
const tailSize = 256

// directMin is the size of the main level of a map with 16-bit keys from
// which it gets its offset table.
const directMin = 1 << 16

func (m *multimap) add(e uint64) {
	m.tail = append(m.tail, e)
	if len(m.tail) < tailSize {
		return
	}
	slices.Sort(m.tail)
	m.mid = mergeInPlace(m.mid, m.tail)
	m.tail = m.tail[:0]
	if len(m.mid)*len(m.mid) > tailSize*len(m.main) {
		m.main = mergeFresh(m.main, m.mid)
		m.mid = nil // its capacity would be memory held for nothing
		m.index()
	}
}

// index rebuilds starts after main changed.
func (m *multimap) index() {
	if m.keyShift != 64-16 || len(m.main) < directMin {
		m.starts = nil
		return
	}
	if m.starts == nil {
		m.starts = make([]uint32, 1<<16+1)
	}
	k := 0
	for i, e := range m.main {
		for ; k <= int(e>>m.keyShift); k++ {
			m.starts[k] = uint32(i)
		}
	}
	for ; k < len(m.starts); k++ {
		m.starts[k] = uint32(len(m.main))
	}
}

// appendEntries appends the entries with the given key to dst.
func (m *multimap) appendEntries(dst []uint64, key uint64) []uint64 {
	return m.appendNear(dst, key, zeroMask, 0)
}

var zeroMask = []uint32{0}

// appendNear appends the entries of every key that differs from key in at
// most radius bits; masks must be every value of at most radius bits
// (probeMasks). The sorted levels are probed once per mask; the tail is
// scanned once, testing the distance, rather than once per mask.
func (m *multimap) appendNear(dst []uint64, key uint64, masks []uint32, radius int) []uint64 {
	for _, mask := range masks {
		k := key ^ uint64(mask)
		if m.starts != nil {
			dst = append(dst, m.main[m.starts[k]:m.starts[k+1]]...)
		} else {
			dst = m.appendRun(dst, m.main, k)
		}
		dst = m.appendRun(dst, m.mid, k)
	}
	for _, e := range m.tail {
		if bits.OnesCount64(e>>m.keyShift^key) <= radius {
			dst = append(dst, e)
		}
	}
	return dst
}

func (m *multimap) appendRun(dst, sorted []uint64, key uint64) []uint64 {
	i, _ := slices.BinarySearch(sorted, key<<m.keyShift)
	j := i
	for j < len(sorted) && sorted[j]>>m.keyShift == key {
		j++
	}
	return append(dst, sorted[i:j]...)
}

// deleteFunc deletes every entry for which gone is true. It reads all
// entries: removing the records of band maps, where only the slot of an
// entry is known, not its key. Erasure is rare enough for that, and
// removing many records at once costs one pass.
func (m *multimap) deleteFunc(gone func(e uint64) bool) {
	m.main = slices.DeleteFunc(m.main, gone)
	m.mid = slices.DeleteFunc(m.mid, gone)
	m.tail = slices.DeleteFunc(m.tail, gone)
	m.index()
}

// deleteOne deletes one occurrence of e and reports whether there was one.
func (m *multimap) deleteOne(e uint64) bool {
	if i := slices.Index(m.tail, e); i >= 0 {
		m.tail = slices.Delete(m.tail, i, i+1)
		return true
	}
	if i, ok := slices.BinarySearch(m.mid, e); ok {
		m.mid = slices.Delete(m.mid, i, i+1)
		return true
	}
	if i, ok := slices.BinarySearch(m.main, e); ok {
		m.main = slices.Delete(m.main, i, i+1)
		if m.starts != nil {
			for k := e>>m.keyShift + 1; k < uint64(len(m.starts)); k++ {
				m.starts[k]--
			}
		}
		return true
	}
	return false
}

// len returns the number of entries.
func (m *multimap) len() int { return len(m.main) + len(m.mid) + len(m.tail) }

// mergeInPlace merges sorted src into sorted dst, growing dst, by filling
// from the back so that no second buffer is needed.
func mergeInPlace(dst, src []uint64) []uint64 {
	i, j := len(dst)-1, len(src)-1
	dst = append(dst, src...)
	for k := len(dst) - 1; j >= 0; k-- {
		if i >= 0 && dst[i] > src[j] {
			dst[k] = dst[i]
			i--
		} else {
			dst[k] = src[j]
			j--
		}
	}
	return dst
}

// mergeFresh merges two sorted slices into a new one of exactly their
// combined length.
func mergeFresh(a, b []uint64) []uint64 {
	out := make([]uint64, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if a[i] <= b[j] {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}
