package attrib

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
)

// A probe is the state of one query across segments: the buffers its reads
// go into, the window of suffix array entries read last, and whether it met
// an entry outside the text (which only a damaged file has) or a read that
// failed.
type probe struct {
	corrupt bool
	err     error

	// win holds the array entries of ranks [winLo, winLo+len(win)/4) of
	// segment winSeg.
	winSeg *segment
	winLo  int
	win    []byte
	text   []byte
	reads  int // preads issued
}

// textChunk is how much text one comparison reads at a time: a read costs
// a system call whatever its size, and most comparisons end within it.
//
// A per-query cache of the 4 KB text pages read was tried (Dec 2026) and
// dropped: over the 1 GB benchmark index it found next to no page twice
// (21,486 reads per query against 20,600 without it, the extra ones from
// comparisons crossing a page edge), as the suffixes one query compares
// with lie at unrelated positions of the text.
const textChunk = 512

// view returns n bytes of the segment file at off: a slice of the mapping
// for a segment queried in memory, else read into the probe's buffer, or
// nil if the read failed.
func (pr *probe) view(s *segment, off int64, n int) []byte {
	if s.inMemory {
		return s.mapped[off : off+int64(n)]
	}
	if cap(pr.text) < n {
		pr.text = make([]byte, max(n, textChunk))
	}
	b := pr.text[:n]
	if !pr.read(s, b, off) {
		return nil
	}
	return b
}

// read fills b from the segment file at off.
func (pr *probe) read(s *segment, b []byte, off int64) bool {
	pr.reads++
	if n, err := s.src.ReadAt(b, off); n < len(b) {
		if pr.err == nil {
			pr.err = fmt.Errorf("read segment %s: %w", s.name, err)
		}
		return false
	}
	return true
}

// saAt returns the suffix array entry of rank k. It reads the whole
// stride-aligned window of entries that holds k, unless that window is the
// one read last: the last steps of a search, and the occurrences of a
// pattern, lie next to each other in the array.
func (s *segment) saAt(k int, pr *probe) uint32 {
	if s.inMemory {
		return binary.LittleEndian.Uint32(s.mapped[s.saOff+4*int64(k):])
	}
	if pr.winSeg != s || k < pr.winLo || k >= pr.winLo+len(pr.win)/4 {
		w := s.sample.shape.stride
		lo := k / w * w
		n := min(w, s.saLen-lo)
		if cap(pr.win) < 4*n {
			pr.win = make([]byte, 4*w)
		}
		pr.win = pr.win[:4*n]
		if !pr.read(s, pr.win, s.saOff+4*int64(lo)) {
			pr.winSeg = nil
			return math.MaxUint32 // outside any text: the caller gives up
		}
		pr.winSeg, pr.winLo = s, lo
	}
	return binary.LittleEndian.Uint32(pr.win[4*(k-pr.winLo):])
}

// compare compares p with the suffix at text position pos, of which it is
// known that they share their first m bytes (as far as the suffix goes). It
// returns the length of their common prefix and whether the suffix sorts
// below p; the suffix's text is read from byte m on.
func (s *segment) compare(p []byte, pos uint32, m int, pr *probe) (int, bool) {
	if pos >= uint32(len(s.text)) {
		pr.corrupt = true
		return 0, len(p) > 0 // as an empty suffix
	}
	rest := len(s.text) - int(pos)
	l := min(m, rest)
	for l < len(p) {
		n := min(len(p)-l, rest-l, textChunk)
		if n == 0 {
			return l, true // the suffix is a proper prefix of p
		}
		b := pr.view(s, s.textOff+int64(pos)+int64(l), n)
		if b == nil {
			return l, true
		}
		c := commonPrefix(p[l:l+n], b)
		l += c
		if c < n {
			return l, b[c] < p[l]
		}
	}
	return l, false
}

// countIn counts the occurrences of p, overlapping ones too, in the text of
// record r, reading it in pieces that overlap by len(p)-1 bytes so that
// every occurrence lies whole in exactly one piece as its start.
func (s *segment) countIn(r int, p []byte, pr *probe) int64 {
	start, end := int64(s.recOff[r]), int64(s.recOff[r+1])-1 // without the separator
	if len(p) == 0 || end-start < int64(len(p)) {
		return 0
	}
	size := max(1<<16, 2*len(p))
	n := int64(0)
	for off := start; off+int64(len(p)) <= end; off += int64(size - len(p) + 1) {
		b := pr.view(s, s.textOff+off, int(min(int64(size), end-off)))
		if b == nil {
			return n
		}
		for i := 0; ; {
			k := bytes.Index(b[i:], p)
			if k < 0 {
				break
			}
			// An occurrence starting in the overlap is the next piece's.
			if i+k > size-len(p) {
				break
			}
			n++
			i += k + 1
		}
	}
	return n
}
