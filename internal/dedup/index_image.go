package dedup

import (
	"math/bits"
	"slices"
)

// imagePart indexes image records: the perceptual hash per slot, a slot
// table by hash, and for multi-index hashing one multimap per chunk whose
// entries are the hashes themselves, rotated so that the chunk is the key.
// Keeping the whole hash in the entry lets a query check the distance while
// it reads a bucket, in sequence; looking candidates up by slot would cost
// a cache miss each, and at a million records and radius 10 some 8,000
// misses take longer than scanning every hash.
type imagePart struct {
	records
	hashes []PHash
	byHash slotTable
	chunks [chunks]multimap
}

func (p *imagePart) init(seed uint64) {
	p.records.init(seed)
	p.byHash = newSlotTable(func(s uint32) uint64 { return mix64(uint64(p.hashes[s]) ^ p.seed) })
	for c := range p.chunks {
		p.chunks[c].keyShift = 64 - chunkBits
	}
}

// chunkEntry rotates h so that chunk c is its top 16 bits.
func chunkEntry(h PHash, c int) uint64 {
	return bits.RotateLeft64(uint64(h), 64-chunkBits-c*chunkBits)
}

// entryHash undoes chunkEntry.
func entryHash(e uint64, c int) PHash {
	return PHash(bits.RotateLeft64(e, -(64 - chunkBits - c*chunkBits)))
}

func (p *imagePart) add(id int64, fp *Fingerprint, where uint32) {
	slot, grow := p.alloc(id, fp.DNA, where)
	if grow {
		p.hashes = append(p.hashes, fp.PHash)
	} else {
		p.hashes[slot] = fp.PHash
	}
	p.byHash.insert(slot)
	for c := range p.chunks {
		p.chunks[c].add(chunkEntry(fp.PHash, c))
	}
}

func (p *imagePart) query(fp *Fingerprint, masks []uint32, maxDistance int) []Match {
	var out []Match
	exact := p.exact(&fp.DNA)
	for _, s := range exact {
		out = append(out, Match{ID: p.ids[s], Exact: true, Similarity: 1})
	}
	var near []PHash
	var entries []uint64
	for c := range p.chunks {
		entries = p.chunks[c].appendNear(entries[:0], uint64(chunk(fp.PHash, c)), masks, maxDistance/chunks)
		for _, e := range entries {
			if h := entryHash(e, c); h.Distance(fp.PHash) <= maxDistance {
				near = append(near, h)
			}
		}
	}
	slices.Sort(near)
	near = slices.Compact(near)
	for _, h := range near {
		key := mix64(uint64(h) ^ p.seed)
		for _, s := range p.byHash.appendMatches(nil, key, func(s uint32) bool { return p.hashes[s] == h }) {
			if slices.Contains(exact, s) {
				continue
			}
			d := h.Distance(fp.PHash)
			out = append(out, Match{ID: p.ids[s], Similarity: 1 - float64(d)/64, Distance: d})
		}
	}
	return out
}

// remove forgets the records in slots.
func (p *imagePart) remove(slots map[uint32]bool) {
	for s := range slots {
		for c := range p.chunks {
			p.chunks[c].deleteOne(chunkEntry(p.hashes[s], c))
		}
		p.byHash.delete(s)
		p.hashes[s] = 0
		p.release(s)
	}
}
