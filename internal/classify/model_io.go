package classify

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"unicode/utf8"
)

// The model file: a magic line, a format version, then the fields below in
// order, integers as unsigned varints, floats as little-endian IEEE bits,
// sorted integer lists as varint gaps. Version 1 is the only one.
const (
	modelMagic   = "allmende-classify\n"
	modelVersion = 1
)

// WriteTo writes the model (including the records removed by Without) in
// the versioned binary format ReadModel reads.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	e := encoder{w: bw}
	e.raw([]byte(modelMagic))
	e.uint(modelVersion)
	e.str(string(m.kind))
	e.uint(uint64(m.buckets))
	e.uint(uint64(m.k))
	e.f64(m.l2)
	e.uint(uint64(len(m.labels)))
	for _, l := range m.labels {
		e.str(l)
	}
	e.uint(uint64(len(m.ids)))
	for r, id := range m.ids {
		e.str(id)
		e.uint(uint64(m.y[r]))
		if m.dropped[r] {
			e.uint(1)
		} else {
			e.uint(0)
		}
	}
	e.uint(uint64(len(m.x.feat)))
	prev := uint64(0)
	for c, b := range m.x.feat {
		e.uint(uint64(b) - prev)
		prev = uint64(b) + 1
		e.uint(uint64(m.x.start[c+1] - m.x.start[c]))
	}
	for c := range m.x.feat {
		prev := uint64(0)
		for p := m.x.start[c]; p < m.x.start[c+1]; p++ {
			e.uint(uint64(m.x.rows[p]) - prev)
			prev = uint64(m.x.rows[p]) + 1
			e.f32(m.x.vals[p])
		}
	}
	if m.kind == KindLinear {
		for _, v := range m.w {
			e.f32(v)
		}
		for _, v := range m.alpha {
			e.f32(v)
		}
	}
	if e.err == nil {
		e.err = bw.Flush()
	}
	return e.n, e.err
}

type encoder struct {
	w   *bufio.Writer
	n   int64
	err error
	buf [binary.MaxVarintLen64]byte
}

func (e *encoder) raw(b []byte) {
	if e.err != nil {
		return
	}
	k, err := e.w.Write(b)
	e.n += int64(k)
	e.err = err
}

func (e *encoder) uint(v uint64) { e.raw(binary.AppendUvarint(e.buf[:0], v)) }
func (e *encoder) str(s string)  { e.uint(uint64(len(s))); e.raw([]byte(s)) }
func (e *encoder) f64(v float64) {
	e.raw(binary.LittleEndian.AppendUint64(e.buf[:0], math.Float64bits(v)))
}
func (e *encoder) f32(v float32) {
	e.raw(binary.LittleEndian.AppendUint32(e.buf[:0], math.Float32bits(v)))
}

// MaxModelBytes bounds the file ReadModel reads.
const MaxModelBytes = 4 << 30

// ReadModel reads a model WriteTo wrote. It checks every count against the
// bytes that remain and every index against its range, so a damaged or
// hostile file is refused with an error, never a panic or a huge
// allocation.
func ReadModel(r io.Reader) (*Model, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxModelBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	if len(data) > MaxModelBytes {
		return nil, fmt.Errorf("read model: more than %d bytes", MaxModelBytes)
	}
	m, err := decodeModel(&decoder{b: data})
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	return m, nil
}

var errTruncated = errors.New("truncated")

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(format string, a ...any) {
	if d.err == nil {
		d.err = fmt.Errorf(format, a...)
	}
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	v, k := binary.Uvarint(d.b)
	if k <= 0 {
		d.fail("bad or truncated number")
		return 0
	}
	d.b = d.b[k:]
	return v
}

// count reads a count of items each at least size bytes long and at most
// limit.
func (d *decoder) count(what string, size, limit int) int {
	v := d.uint()
	if d.err != nil {
		return 0
	}
	if v > uint64(limit) || v*uint64(size) > uint64(len(d.b)) {
		d.fail("%s: %d, more than the file or the bound %d allows", what, v, limit)
		return 0
	}
	return int(v)
}

func (d *decoder) str(what string, limit int) string {
	k := d.count(what+" length", 1, limit)
	if d.err != nil {
		return ""
	}
	s := string(d.b[:k])
	d.b = d.b[k:]
	if !utf8.ValidString(s) {
		d.fail("%s is not valid UTF-8", what)
	}
	return s
}

func (d *decoder) fixed(k int) []byte {
	if d.err != nil {
		return nil
	}
	if len(d.b) < k {
		d.err = errTruncated
		return nil
	}
	b := d.b[:k]
	d.b = d.b[k:]
	return b
}

func (d *decoder) f64() float64 {
	b := d.fixed(8)
	if b == nil {
		return 0
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b))
}

func (d *decoder) f32() float32 {
	b := d.fixed(4)
	if b == nil {
		return 0
	}
	return math.Float32frombits(binary.LittleEndian.Uint32(b))
}

func decodeModel(d *decoder) (*Model, error) {
	if string(d.fixed(len(modelMagic))) != modelMagic {
		return nil, errors.New("not a classify model file")
	}
	if v := d.uint(); d.err == nil && v != modelVersion {
		return nil, fmt.Errorf("format version %d, this program reads %d", v, modelVersion)
	}
	m := &Model{}
	m.kind = Kind(d.str("kind", 16))
	if d.err == nil && m.kind != KindLinear && m.kind != KindKNN {
		d.fail("unknown kind %q", m.kind)
	}
	m.buckets = int(d.uint())
	if d.err == nil && (m.buckets < 1 || m.buckets > MaxBuckets) {
		d.fail("buckets %d out of range", m.buckets)
	}
	m.k = int(d.uint())
	if d.err == nil && (m.k < 1 || m.k > 1000) {
		d.fail("k %d out of range", m.k)
	}
	m.l2 = d.f64()
	if d.err == nil && !(m.l2 > 0 && m.l2 <= 1) {
		d.fail("L2 %g out of range", m.l2)
	}
	C := d.count("labels", 2, MaxClasses)
	m.labels = make([]string, C)
	for c := range m.labels {
		m.labels[c] = d.str("label", MaxLabelBytes)
		if d.err == nil && (m.labels[c] == "" || c > 0 && m.labels[c] <= m.labels[c-1]) {
			d.fail("labels not sorted and distinct")
		}
	}
	if d.err == nil && C < 2 {
		d.fail("%d labels, want at least 2", C)
	}
	n := d.count("records", 3, MaxRecords)
	m.ids = make([]string, n)
	m.y = make([]int32, n)
	m.dropped = make([]bool, n)
	for r := range n {
		m.ids[r] = d.str("id", MaxIDBytes)
		y := d.uint()
		drop := d.uint()
		if d.err != nil {
			break
		}
		if m.ids[r] == "" || r > 0 && m.ids[r] <= m.ids[r-1] {
			d.fail("ids not sorted and distinct")
		}
		if y >= uint64(C) || drop > 1 {
			d.fail("record %d: label %d or removal flag %d out of range", r, y, drop)
		}
		m.y[r], m.dropped[r] = int32(y), drop == 1
	}
	if d.err == nil && n == 0 {
		d.fail("no records")
	}
	F := d.count("features", 2, m.buckets)
	m.x = matrix{n: n, feat: make([]uint32, F), start: make([]int64, F+1)}
	next := uint64(0)
	for c := range F {
		b := next + d.uint()
		k := d.uint()
		if d.err != nil {
			break
		}
		if b >= uint64(m.buckets) || k == 0 || k > uint64(n) {
			d.fail("feature %d: bucket %d or %d records out of range", c, b, k)
			break
		}
		m.x.feat[c] = uint32(b)
		m.x.start[c+1] = m.x.start[c] + int64(k)
		next = b + 1
	}
	if d.err != nil {
		return nil, d.err
	}
	nnz := m.x.start[F]
	if nnz > int64(len(d.b))/5 {
		return nil, fmt.Errorf("%d stored values, more than the file holds", nnz)
	}
	m.x.rows = make([]int32, nnz)
	m.x.vals = make([]float32, nnz)
	for c := range F {
		next := uint64(0)
		for p := m.x.start[c]; p < m.x.start[c+1]; p++ {
			r := next + d.uint()
			v := d.f32()
			if d.err != nil {
				return nil, d.err
			}
			if r >= uint64(n) || !finite(v) {
				return nil, fmt.Errorf("feature %d: record %d or value %v out of range", c, r, v)
			}
			m.x.rows[p], m.x.vals[p] = int32(r), v
			next = r + 1
		}
	}
	if m.kind == KindLinear {
		if int64(F)*int64(C)+int64(n)*int64(C) > int64(len(d.b))/4 {
			return nil, errors.New("weights truncated")
		}
		m.w = make([]float32, F*C)
		m.alpha = make([]float32, n*C)
		for _, s := range [][]float32{m.w, m.alpha} {
			for i := range s {
				s[i] = d.f32()
				if d.err == nil && !finite(s[i]) {
					d.fail("weight %v is not finite", s[i])
				}
			}
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("%d bytes after the model", len(d.b))
	}
	return m, nil
}

func finite(v float32) bool { return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) }

// sameModel reports whether two models answer alike (for tests).
func sameModel(a, b *Model) bool {
	return a.kind == b.kind && a.buckets == b.buckets && a.k == b.k && a.l2 == b.l2 &&
		slices.Equal(a.labels, b.labels) && slices.Equal(a.ids, b.ids) && slices.Equal(a.y, b.y) &&
		slices.Equal(a.dropped, b.dropped) && slices.Equal(a.x.feat, b.x.feat) &&
		slices.Equal(a.x.start, b.x.start) && slices.Equal(a.x.rows, b.x.rows) &&
		slices.Equal(a.x.vals, b.x.vals) && slices.Equal(a.w, b.w) && slices.Equal(a.alpha, b.alpha)
}
