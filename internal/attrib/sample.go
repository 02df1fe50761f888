package attrib

import (
	"encoding/binary"
	"fmt"
	"io"
	"slices"
)

// A segment's suffix array and text are not read through its memory
// mapping when querying. A binary search touches a page of each at every
// step, the kernel maps up to 16 neighbouring pages with every touch
// (fault-around), and every page mapped counts as resident until the
// mapping goes: one 8 KB query mapped most of a 500 MB index, and a 1 GB
// index kept 4.5 GB resident. Instead each segment keeps a sample of its
// suffix array in memory, outside the Go heap: every stride-th suffix,
// with its position and first bytes. A search runs over the sample first,
// in memory, down to two neighbouring samples, and then reads with pread
// only the stride array entries between them and the text of the few
// suffixes that the rest of the search compares with (see segment_read.go).
// Pages read with pread stay in the page cache, which the kernel may take
// back, and never count as the process's.
//
// This is the sampled suffix array of compressed text indexes (G. Navarro
// and V. Mäkinen, "Compressed Full-Text Indexes", ACM Computing Surveys
// 39(1), 2007, §3.3), with the sampled suffixes' first bytes kept beside
// them so that most comparisons of the first phase need no text at all.

// A sampleShape says which suffixes are sampled and how much of each is
// kept.
type sampleShape struct {
	// stride: the suffixes of rank 0, stride, 2·stride, … are sampled. It
	// is also the size of the window of array entries one read fetches
	// (saAt), so the entries between two samples come in one read.
	stride int
	// prefix: the bytes of each sampled suffix kept, after its 4-byte
	// position.
	prefix int
}

func (sh sampleShape) record() int { return 4 + sh.prefix }

// sampling is the shape of new samples. 256 and 28 keep 0.125 bytes per
// byte of text (125 MB at 1 GB), and leave 8 steps of a search to pread.
// Tests shrink it to make every path of the search run on small corpora.
var sampling = sampleShape{stride: 256, prefix: 28}

// A sample holds one record per sampled suffix: its position (uint32) and
// its first prefix bytes, zero after the end of the text.
type sample struct {
	shape   sampleShape
	recs    []byte
	release func()
}

func (sm *sample) len() int { return len(sm.recs) / sm.shape.record() }

// at returns the position and kept bytes of sample j (the suffix of rank
// j·stride).
func (sm *sample) at(j int) (uint32, []byte) {
	r := sm.recs[j*sm.shape.record() : (j+1)*sm.shape.record()]
	return binary.LittleEndian.Uint32(r), r[4:]
}

func (sm *sample) free() {
	if sm.release != nil {
		sm.release()
		sm.recs, sm.release = nil, nil
	}
}

// loadSample reads the sample of segment s from src, which holds the
// segment file: the whole suffix array in order, in large reads, and the
// sampled suffixes' text in order of position, so that both are read
// sequentially. Opening a 1 GB segment so reads its 4 GB array once;
// nothing of it stays resident. A sampled entry outside the text is an
// error here, where an unsampled one is found when a query reads it.
func (s *segment) loadSample(src io.ReaderAt, shape sampleShape) error {
	n := s.saLen
	count := (n + shape.stride - 1) / shape.stride
	if count == 0 {
		s.sample = sample{shape: shape}
		return nil
	}
	mem, release := reserve(count * shape.record())
	recs := mem[:count*shape.record()]
	ok := false
	defer func() {
		if !ok {
			release()
		}
	}()
	// Pairs of position and sample number, to read the text in order.
	pairMem, releasePairs := reserve(8 * count)
	defer releasePairs()
	pairs := unsafeUint64s(pairMem[:8*count])

	const chunk = 1 << 20 // bytes of array per read: a multiple of 4·stride
	buf := make([]byte, max(chunk, 4*shape.stride))
	step := len(buf) / (4 * shape.stride) * (4 * shape.stride)
	textLen := uint32(len(s.text))
	j := 0
	for off := int64(0); off < int64(4*n); off += int64(step) {
		b := buf[:min(int64(step), int64(4*n)-off)]
		if _, err := src.ReadAt(b, s.saOff+off); err != nil {
			return fmt.Errorf("read suffix array: %w", err)
		}
		for i := 0; i < len(b); i += 4 * shape.stride {
			pos := binary.LittleEndian.Uint32(b[i:])
			if pos >= textLen {
				return fmt.Errorf("%w: suffix array entry %d out of range", ErrCorrupt, j*shape.stride)
			}
			pairs[j] = uint64(pos)<<32 | uint64(j)
			j++
		}
	}
	slices.Sort(pairs)
	// Read the text in windows that each cover many sampled positions.
	var win []byte
	winOff := int64(-1)
	for _, pr := range pairs {
		pos, j := int64(pr>>32), int(uint32(pr))
		end := min(pos+int64(shape.prefix), int64(len(s.text)))
		if winOff < 0 || end > winOff+int64(len(win)) {
			winOff = pos
			win = buf[:min(int64(len(buf)), int64(len(s.text))-pos)]
			if _, err := src.ReadAt(win, s.textOff+pos); err != nil {
				return fmt.Errorf("read text: %w", err)
			}
		}
		r := recs[j*shape.record():]
		binary.LittleEndian.PutUint32(r, uint32(pos))
		copy(r[4:shape.record()], win[pos-winOff:end-winOff])
	}
	s.sample = sample{shape: shape, recs: recs, release: release}
	ok = true
	return nil
}
