package attrib

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"sort"
	"unsafe"
)

// A segment file holds one immutable part of the index, little-endian,
// every section starting at a multiple of 8 bytes:
//
//	header   64 bytes: magic, text length, records, id bytes, CRC-32C
//	text     the records' UTF-8 text, each followed by the separator 0xFF
//	recOff   records+1 uint32: record i is text[recOff[i]:recOff[i+1]]
//	idOff    records+1 uint32: the id of record i is ids[idOff[i]:idOff[i+1]]
//	ids      the ids, concatenated
//	idOrder  records uint32: record numbers in increasing order of id
//	sa       text length − records int32: the suffix array
//
// The suffixes that start at a separator sort after all others (0xFF is
// the largest byte) and can never be matched, so they are left out: the
// array costs 4 bytes per text byte rather than per byte plus separator.
// The whole file is about 5 bytes per text byte plus the ids.
//
// Opening a segment checks everything that costs O(records): sizes,
// offsets, separators, the id order. Suffix array entries are checked
// where they are read, so that opening a 1 GB segment does not touch 4 GB.

const (
	segmentMagic      = "ALMSEG01"
	segmentHeaderSize = 64
	// maxSegmentText is the largest text one segment can hold: positions
	// are int32.
	maxSegmentText = math.MaxInt32
)

// ErrCorrupt is wrapped by the errors for index files that are damaged or
// were not written by this package.
var ErrCorrupt = errors.New("corrupt index file")

var crcTable = crc32.MakeTable(crc32.Castagnoli)

type segmentHeader struct {
	textLen, records, idBytes int64
}

// segmentLayout gives the offset of each section and the file size.
type segmentLayout struct {
	text, recOff, idOff, ids, idOrder, sa, size int64
}

func align8(n int64) int64 { return (n + 7) &^ 7 }

func (h segmentHeader) layout() segmentLayout {
	var l segmentLayout
	off := int64(segmentHeaderSize)
	l.text, off = off, align8(off+h.textLen)
	l.recOff, off = off, align8(off+4*(h.records+1))
	l.idOff, off = off, align8(off+4*(h.records+1))
	l.ids, off = off, align8(off+h.idBytes)
	l.idOrder, off = off, align8(off+4*h.records)
	l.sa, off = off, off+4*(h.textLen-h.records)
	l.size = off
	return l
}

func (h segmentHeader) encode() []byte {
	b := make([]byte, segmentHeaderSize)
	copy(b, segmentMagic)
	binary.LittleEndian.PutUint64(b[8:], uint64(h.textLen))
	binary.LittleEndian.PutUint64(b[16:], uint64(h.records))
	binary.LittleEndian.PutUint64(b[24:], uint64(h.idBytes))
	binary.LittleEndian.PutUint32(b[32:], crc32.Checksum(b[:32], crcTable))
	return b
}

func decodeSegmentHeader(b []byte) (segmentHeader, error) {
	if len(b) < segmentHeaderSize || string(b[:8]) != segmentMagic {
		return segmentHeader{}, fmt.Errorf("%w: not a segment file", ErrCorrupt)
	}
	if crc32.Checksum(b[:32], crcTable) != binary.LittleEndian.Uint32(b[32:]) {
		return segmentHeader{}, fmt.Errorf("%w: header checksum mismatch", ErrCorrupt)
	}
	u := func(off int) uint64 { return binary.LittleEndian.Uint64(b[off:]) }
	textLen, records, idBytes := u(8), u(16), u(24)
	if textLen > maxSegmentText || records == 0 || records > textLen || idBytes > math.MaxUint32 {
		return segmentHeader{}, fmt.Errorf("%w: header sizes out of range", ErrCorrupt)
	}
	return segmentHeader{int64(textLen), int64(records), int64(idBytes)}, nil
}

// littleEndian is whether this machine stores integers as the segment files
// do, which mapping the files as []int32 and []uint32 relies on.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// A segment is one opened segment file. Its slices point into the file's
// memory mapping and are only valid until close. Queries read the suffix
// array and the text of a large index through src (pread) and the
// in-memory sample, not through the mapping (see sample.go); merges and
// the checks at opening read the text through the mapping.
type segment struct {
	text    []byte
	recOff  []uint32
	idOff   []uint32
	ids     []byte
	idOrder []uint32

	// saLen is the number of suffix array entries; the array is at saOff
	// in the file, the text at textOff.
	saLen          int
	saOff, textOff int64
	src            io.ReaderAt
	sample         sample
	// inMemory: queries read this segment through its mapping, not src
	// (see Options.MappedBytes). Set under Index.mu.
	inMemory bool

	// erased marks the tombstoned records (nil when there are none);
	// erasedBytes is their text length.
	erased      []uint64
	nErased     int
	erasedBytes int64

	name  string // file name within the index directory
	close func() error
	// mapped is the file's whole mapping (trim).
	mapped []byte
}

// trim drops the segment's mapped pages from the process's resident set;
// they stay in the page cache, so touching them again is a minor fault,
// not a disk read. Opening a segment checks every record's separator,
// which touched every page of the text: left mapped, those pages stayed
// resident for good (1 GB at 1 GB of text). Queries over a segment read
// with pread touch only its record and id tables through the mapping.
func (s *segment) trim() {
	if s.mapped != nil {
		adviseDontNeed(s.mapped)
	}
}

// parseSegment checks data as a segment file and returns the segment
// viewing it, with its sample read from src, which holds the same bytes
// as data. data must be 8-byte aligned, as a memory mapping is. The
// segment's close releases the sample.
func parseSegment(data []byte, src io.ReaderAt) (*segment, error) {
	if !littleEndian {
		return nil, errors.New("attrib: index files need a little-endian machine")
	}
	h, err := decodeSegmentHeader(data)
	if err != nil {
		return nil, err
	}
	l := h.layout()
	if int64(len(data)) != l.size {
		return nil, fmt.Errorf("%w: file is %d bytes, header says %d", ErrCorrupt, len(data), l.size)
	}
	r := int(h.records)
	s := &segment{
		text:    data[l.text : l.text+h.textLen],
		recOff:  uint32s(data, l.recOff, r+1),
		idOff:   uint32s(data, l.idOff, r+1),
		ids:     data[l.ids : l.ids+h.idBytes],
		idOrder: uint32s(data, l.idOrder, r),
		saLen:   int(h.textLen - h.records),
		saOff:   l.sa,
		textOff: l.text,
		src:     src,
	}
	if s.recOff[0] != 0 || s.recOff[r] != uint32(h.textLen) || s.idOff[0] != 0 || s.idOff[r] != uint32(h.idBytes) {
		return nil, fmt.Errorf("%w: offset table does not span its section", ErrCorrupt)
	}
	for i := range r {
		if s.recOff[i+1] <= s.recOff[i] || s.recOff[i+1] > uint32(h.textLen) || s.text[s.recOff[i+1]-1] != separator {
			return nil, fmt.Errorf("%w: record %d is not followed by a separator", ErrCorrupt, i)
		}
		if s.idOff[i+1] < s.idOff[i] || s.idOff[i+1] > uint32(h.idBytes) {
			return nil, fmt.Errorf("%w: id offsets decrease at record %d", ErrCorrupt, i)
		}
	}
	seen := make([]uint64, (r+63)/64)
	for k, i := range s.idOrder {
		if int(i) >= r || seen[i>>6]&(1<<(i&63)) != 0 {
			return nil, fmt.Errorf("%w: id order is not a permutation", ErrCorrupt)
		}
		seen[i>>6] |= 1 << (i & 63)
		if k > 0 && bytes.Compare(s.idBytes(int(s.idOrder[k-1])), s.idBytes(int(i))) >= 0 {
			return nil, fmt.Errorf("%w: ids out of order or repeated", ErrCorrupt)
		}
	}
	if err := s.loadSample(src, sampling); err != nil {
		return nil, err
	}
	s.close = func() error {
		s.sample.free()
		return nil
	}
	return s, nil
}

func uint32s(data []byte, off int64, n int) []uint32 {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*uint32)(unsafe.Pointer(&data[off])), n)
}

func int32s(data []byte, off int64, n int) []int32 {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*int32)(unsafe.Pointer(&data[off])), n)
}

func (s *segment) records() int { return len(s.recOff) - 1 }

func (s *segment) idBytes(i int) []byte { return s.ids[s.idOff[i]:s.idOff[i+1]] }

func (s *segment) id(i int) string { return string(s.idBytes(i)) }

// recordText is record i's text without its separator.
func (s *segment) recordText(i int) []byte { return s.text[s.recOff[i] : s.recOff[i+1]-1] }

// recordAt returns the record whose text contains byte position pos.
func (s *segment) recordAt(pos int) int {
	return sort.Search(s.records(), func(i int) bool { return int(s.recOff[i+1]) > pos })
}

// find returns the record with the given id, erased or not.
func (s *segment) find(id string) (int, bool) {
	key := []byte(id)
	k, ok := sort.Find(len(s.idOrder), func(k int) int {
		return bytes.Compare(key, s.idBytes(int(s.idOrder[k])))
	})
	if !ok {
		return 0, false
	}
	return int(s.idOrder[k]), true
}

func (s *segment) isErased(i int) bool {
	return s.erased != nil && s.erased[i>>6]&(1<<(i&63)) != 0
}

// setErased replaces the tombstones with the given record numbers, which
// must be valid, sorted and distinct.
func (s *segment) setErased(recs []int) {
	s.erased, s.nErased, s.erasedBytes = nil, 0, 0
	if len(recs) == 0 {
		return
	}
	s.erased = make([]uint64, (s.records()+63)/64)
	for _, i := range recs {
		s.erased[i>>6] |= 1 << (i & 63)
		s.erasedBytes += int64(s.recOff[i+1] - s.recOff[i])
	}
	s.nErased = len(recs)
}

// liveBytes is the text length of the records not erased.
func (s *segment) liveBytes() int64 { return int64(len(s.text)) - s.erasedBytes }

// unsafeUint64s views b, which must be 8-byte aligned, as words.
func unsafeUint64s(b []byte) []uint64 {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*uint64)(unsafe.Pointer(&b[0])), len(b)/8)
}

func unsafeBytes(words []uint64) []byte {
	if len(words) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&words[0])), 8*len(words))
}
