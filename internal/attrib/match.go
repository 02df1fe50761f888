package attrib

import "slices"

// A matcher finds, for the characters of one output text, the end of the
// longest live match starting at each (e(c), in characters), computing it
// only where the maximal spans need it.
//
// e is non-decreasing within a run of valid characters: what matches from
// c-1 to e(c-1) still matches from c. A maximal span starts at c exactly
// when e(c) > e(c-1). So if e(c1) = e(c2), no span starts in (c1, c2]; and
// no span starting there can be longer than e(c2) − (c1+1). Trace computes e
// on a grid of every minLen-th character, then bisects only the gaps that
// can still hold a long enough span. On an output that copies little, most
// gaps are dropped after one look; a copied stretch costs a few searches at
// its start.
type matcher struct {
	x   *Index
	q   []byte
	ch  chars
	pr  probe
	end []int   // e(c) in characters, -1 until computed
	ins [][]int // per segment, the rank at which q[c:] would be inserted
}

func newMatcher(x *Index, q []byte) *matcher {
	m := &matcher{x: x, q: q, ch: splitChars(q)}
	n := m.ch.count()
	m.end = make([]int, n)
	for c := range m.end {
		m.end[c] = -1
		if !m.ch.valid(c) {
			// An invalid byte: it "ends" right after itself, so that the
			// first character of the next run counts as a span start when
			// it matches at all.
			m.end[c] = c + 1
		}
	}
	m.ins = make([][]int, len(x.segs))
	for i := range m.ins {
		m.ins[i] = make([]int, n)
	}
	return m
}

// compute fills in e(c) for the given valid characters.
func (m *matcher) compute(cs []int) {
	best := make([]int, len(cs)) // bytes
	for si, s := range m.x.segs {
		for i, c := range cs {
			got, ins := s.longest(m.q[m.ch.off[c]:m.ch.runEnd[c]], &m.pr)
			best[i] = max(best[i], got)
			m.ins[si][c] = ins
		}
	}
	for i, c := range cs {
		// A match may stop inside a multi-byte character.
		m.end[c] = m.ch.floor(m.ch.off[c] + best[i])
	}
}

// spanStarts returns the characters where maximal spans of at least minLen
// characters start, in order.
func (m *matcher) spanStarts(minLen int) []int {
	type gap struct{ c1, c2 int } // e(c1) and e(c2) known; looking in (c1, c2]
	var gaps []gap
	var grid []int
	for c := 0; c < m.ch.count(); {
		if !m.ch.valid(c) {
			c++
			continue
		}
		r1 := c // the run is [c, r1)
		for r1 < m.ch.count() && m.ch.valid(r1) {
			r1++
		}
		prev := c - 1
		for g := c + minLen - 1; ; g += minLen {
			g = min(g, r1-1)
			grid = append(grid, g)
			gaps = append(gaps, gap{prev, g})
			prev = g
			if g == r1-1 {
				break
			}
		}
		c = r1
	}
	m.compute(grid)
	endAt := func(c int) int {
		if c < 0 {
			return 0 // before the text: as if an invalid byte were there
		}
		return m.end[c]
	}
	var starts []int
	for len(gaps) > 0 {
		var next []gap
		var mids []int
		for _, g := range gaps {
			e1, e2 := endAt(g.c1), m.end[g.c2]
			if e2 == e1 || e2-(g.c1+1) < minLen {
				continue
			}
			if g.c2 == g.c1+1 {
				starts = append(starts, g.c2)
				continue
			}
			mid := g.c1 + (g.c2-g.c1)/2
			mids = append(mids, mid)
			next = append(next, gap{g.c1, mid}, gap{mid, g.c2})
		}
		m.compute(mids)
		gaps = next
	}
	slices.Sort(starts)
	return starts
}
