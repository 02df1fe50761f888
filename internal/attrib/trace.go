package attrib

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// Defaults of TraceOptions.
const (
	DefaultMinLen     = 20
	DefaultMaxRecords = 10
	DefaultMaxScan    = 100_000
)

// TraceOptions tune Trace. Zero values take the defaults.
type TraceOptions struct {
	// MinLen is the shortest span reported, in characters (code points).
	MinLen int
	// MaxRecords caps the ids listed per span.
	MaxRecords int
	// MaxScan caps the occurrences of one span that are mapped to their
	// records. Count stays exact beyond it; Records and RecordCount then
	// describe the first MaxScan occurrences only, and Partial is set.
	MaxScan int
}

func (o TraceOptions) withDefaults() TraceOptions {
	if o.MinLen < 1 {
		o.MinLen = DefaultMinLen
	}
	if o.MaxRecords < 1 {
		o.MaxRecords = DefaultMaxRecords
	}
	if o.MaxScan < 1 {
		o.MaxScan = DefaultMaxScan
	}
	return o
}

// A Span is a stretch of the output text that occurs verbatim in the
// corpus.
type Span struct {
	// Start and End delimit the span in code points of the output text;
	// an invalid byte counts as one code point, as when ranging over a
	// Go string.
	Start, End int
	Text       string
	// Count is the number of occurrences in live records (a record may
	// hold several).
	Count int64
	// Records lists up to MaxRecords ids of the records that contain the
	// span, oldest first; RecordCount is how many records contain it.
	Records     []string
	RecordCount int
	// Partial is set when the span occurs more than MaxScan times:
	// Records and RecordCount then come from the first MaxScan
	// occurrences in suffix order, and RecordCount is a lower bound.
	Partial bool
}

// Trace returns the maximal spans of output, at least MinLen characters
// long, that occur in live records of the index: a span is maximal when no
// longer span containing it occurs. Spans come rarest first: by Count, then
// longer first, then by position. Spans never include a byte that is not
// valid UTF-8, never start or end inside a character, and never count or
// name an erased record. See matcher for how the spans are found.
func (x *Index) Trace(ctx context.Context, output string, opts TraceOptions) ([]Span, error) {
	opts = opts.withDefaults()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Pick up changes made by other processes, erasures above all. If
	// this process is writing, its writer installs what it writes.
	if x.wmu.TryLock() {
		err := x.refresh()
		x.wmu.Unlock()
		if err != nil {
			return nil, fmt.Errorf("trace: %w", err)
		}
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.closed {
		return nil, ErrClosed
	}
	q := []byte(output)
	m := newMatcher(x, q)
	var spans []Span
	for _, c := range m.spanStarts(opts.MinLen) {
		start, end := m.ch.off[c], m.ch.off[m.end[c]]
		sp := Span{Start: c, End: m.end[c], Text: string(q[start:end])}
		x.occurrences(m, c, q[start:end], opts, &sp)
		spans = append(spans, sp)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if traced != nil {
		traced(&m.pr)
	}
	if m.pr.err != nil {
		return nil, fmt.Errorf("trace: %w", m.pr.err)
	}
	if m.pr.corrupt {
		return nil, fmt.Errorf("trace: %w: suffix array entry out of range", ErrCorrupt)
	}
	slices.SortFunc(spans, func(a, b Span) int {
		return cmp.Or(cmp.Compare(a.Count, b.Count), cmp.Compare(b.End-b.Start, a.End-a.Start), cmp.Compare(a.Start, b.Start))
	})
	return spans, nil
}

// occurrences fills in the counts and records of span sp, whose bytes are p.
func (x *Index) occurrences(m *matcher, c int, p []byte, opts TraceOptions, sp *Span) {
	pr := &m.pr
	type hit struct{ seg, rec int }
	var hits []hit
	scanned := 0
	for si, s := range x.segs {
		lo, hi := s.occurrencesNear(p, m.ins[si][c], pr)
		if lo == hi {
			continue
		}
		limit := min(hi, lo+opts.MaxScan-scanned)
		live := 0
		for k := lo; k < limit; k++ {
			pos := s.saAt(k, pr)
			if pos >= uint32(len(s.text)) {
				pr.corrupt = true
				continue
			}
			r := s.recordAt(int(pos))
			if !s.isErased(r) {
				live++
				hits = append(hits, hit{si, r})
			}
		}
		scanned += limit - lo
		switch {
		case s.erased == nil:
			sp.Count += int64(hi - lo)
		case limit == hi:
			sp.Count += int64(live)
		default:
			sp.Count += s.liveCount(p, lo, hi, limit, live, pr)
		}
		if limit < hi {
			sp.Partial = true
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return cmp.Or(a.seg-b.seg, a.rec-b.rec) })
	hits = slices.Compact(hits)
	sp.RecordCount = len(hits)
	for _, h := range hits[:min(len(hits), opts.MaxRecords)] {
		sp.Records = append(sp.Records, x.segs[h.seg].id(h.rec))
	}
}

// liveCount counts the occurrences of p (ranks [lo, hi)) in live records,
// of which the ranks [lo, limit) were found to hold live ones already: by
// looking up the record of each remaining rank, or by subtracting the
// occurrences inside the erased records' text from the whole, whichever
// reads less.
func (s *segment) liveCount(p []byte, lo, hi, limit, live int, pr *probe) int64 {
	if int64(hi-limit)*32 < s.erasedBytes {
		n := int64(live)
		for k := limit; k < hi; k++ {
			if s.livePos(s.saAt(k, pr)) {
				n++
			}
		}
		return n
	}
	erased := int64(0)
	for r := range s.records() {
		if s.isErased(r) {
			erased += s.countIn(r, p, pr)
		}
	}
	return int64(hi-lo) - erased
}

// traced, when set (by the benchmark), sees each query's probe.
var traced func(*probe)
