package dedup

// slotTable finds record slots by a key that lives in the record arrays
// (the ID, the DNA): an open-addressing hash table with linear probing that
// stores only slot+1 per cell, 0 marking an empty cell. A Go map keyed by
// the 32-byte DNA would cost some 50 bytes per record; this costs 4 bytes
// per cell, with the table kept between 1/8 and 3/4 full. Deletion shifts later cells back
// (Knuth, TAOCP vol. 3, §6.4, Algorithm R), so no tombstones accumulate.
type slotTable struct {
	cells []uint32
	used  int
	hash  func(slot uint32) uint64 // hash of the key of the record in slot
}

func newSlotTable(hash func(slot uint32) uint64) slotTable {
	return slotTable{cells: make([]uint32, 16), hash: hash}
}

func (t *slotTable) insert(slot uint32) {
	if 4*(t.used+1) > 3*len(t.cells) {
		t.resize(2 * len(t.cells))
	}
	t.place(slot)
	t.used++
}

func (t *slotTable) place(slot uint32) {
	mask := uint64(len(t.cells) - 1)
	for i := t.hash(slot) & mask; ; i = (i + 1) & mask {
		if t.cells[i] == 0 {
			t.cells[i] = slot + 1
			return
		}
	}
}

func (t *slotTable) resize(n int) {
	old := t.cells
	t.cells = make([]uint32, n)
	for _, c := range old {
		if c != 0 {
			t.place(c - 1)
		}
	}
}

// appendMatches appends to dst every slot whose key hashes to h and for
// which same reports an equal key.
func (t *slotTable) appendMatches(dst []uint32, h uint64, same func(slot uint32) bool) []uint32 {
	mask := uint64(len(t.cells) - 1)
	for i := h & mask; t.cells[i] != 0; i = (i + 1) & mask {
		if s := t.cells[i] - 1; same(s) {
			dst = append(dst, s)
		}
	}
	return dst
}

// find returns the first slot whose key hashes to h and satisfies same.
func (t *slotTable) find(h uint64, same func(slot uint32) bool) (uint32, bool) {
	mask := uint64(len(t.cells) - 1)
	for i := h & mask; t.cells[i] != 0; i = (i + 1) & mask {
		if s := t.cells[i] - 1; same(s) {
			return s, true
		}
	}
	return 0, false
}

// delete removes slot, whose key must still be in the record arrays: its
// hash says where to look.
func (t *slotTable) delete(slot uint32) {
	mask := uint64(len(t.cells) - 1)
	i := t.hash(slot) & mask
	for t.cells[i] != slot+1 {
		if t.cells[i] == 0 {
			return
		}
		i = (i + 1) & mask
	}
	// Move back every later cell of the probe run whose home is not in
	// (i, j], so that lookups never stop early at the hole.
	for j := (i + 1) & mask; t.cells[j] != 0; j = (j + 1) & mask {
		home := t.hash(t.cells[j]-1) & mask
		if i <= j {
			if i < home && home <= j {
				continue
			}
		} else if i < home || home <= j {
			continue
		}
		t.cells[i] = t.cells[j]
		i = j
	}
	t.cells[i] = 0
	t.used--
	if len(t.cells) > 16 && 8*t.used < len(t.cells) {
		t.resize(len(t.cells) / 2)
	}
}
