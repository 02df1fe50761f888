package dedup

import "slices"

// textPart indexes text records: a b-bit sketch per slot for verification,
// and the LSH band keys, 16 multimaps of band key → slot, for candidates.
// The full signature is not kept in memory (512 bytes would exceed the
// budget alone); a file-backed index keeps it in its file, so that the
// bands can be recomputed for another threshold.
type textPart struct {
	records
	sketches []sketch
	bands    [bands]multimap
}

func (p *textPart) init(seed uint64) {
	p.records.init(seed)
	for b := range p.bands {
		p.bands[b].keyShift = 32
	}
}

func (p *textPart) add(id int64, fp *Fingerprint, where uint32, rows int) {
	slot, grow := p.alloc(id, fp.DNA, where)
	var sk sketch
	if fp.MinHash != nil {
		sk = sketchOf(fp.MinHash)
		for b, k := range bandKeys(fp.MinHash, rows) {
			p.bands[b].add(uint64(k)<<32 | uint64(slot))
		}
	}
	if grow {
		p.sketches = append(p.sketches, sk)
	} else {
		p.sketches[slot] = sk
	}
}

func (p *textPart) query(fp *Fingerprint, rows int, threshold float64) []Match {
	var out []Match
	exact := p.exact(&fp.DNA)
	for _, s := range exact {
		out = append(out, Match{ID: p.ids[s], Exact: true, Similarity: 1})
	}
	if fp.MinHash == nil {
		return out
	}
	// A record sharing several bands with the query is a candidate once.
	var cand []uint64
	for b, k := range bandKeys(fp.MinHash, rows) {
		cand = p.bands[b].appendEntries(cand, uint64(k))
	}
	slots := make([]uint32, len(cand))
	for i, e := range cand {
		slots[i] = uint32(e)
	}
	slices.Sort(slots)
	slots = slices.Compact(slots)
	sk := sketchOf(fp.MinHash)
	for _, s := range slots {
		if slices.Contains(exact, s) {
			continue
		}
		if j := sketchJaccard(&sk, &p.sketches[s]); j >= threshold {
			out = append(out, Match{ID: p.ids[s], Similarity: j})
		}
	}
	return out
}

// remove forgets the records in slots.
func (p *textPart) remove(slots map[uint32]bool) {
	if len(slots) == 0 {
		return
	}
	for b := range p.bands {
		p.bands[b].deleteFunc(func(e uint64) bool { return slots[uint32(e)] })
	}
	for s := range slots {
		p.sketches[s] = sketch{}
		p.release(s)
	}
}
