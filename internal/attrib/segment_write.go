package attrib

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"unsafe"
)

// A segmentBuilder collects the records of one new segment in memory and
// writes the segment file. Its text lives in memory reserved for the
// largest segment it may hold (see reserve), so it never moves while it
// grows.
type segmentBuilder struct {
	text    []byte
	release func()
	recOff  []uint32 // start of each record
	ids     []byte
	idOff   []uint32 // start of each id
}

func newSegmentBuilder(maxBytes int) *segmentBuilder {
	text, release := reserve(maxBytes)
	return &segmentBuilder{text: text, release: release}
}

// free returns the builder's memory; the builder is unusable afterwards.
func (b *segmentBuilder) free() {
	b.text = nil
	b.release()
}

func (b *segmentBuilder) records() int { return len(b.recOff) }

// fits reports whether a record of n bytes still fits.
func (b *segmentBuilder) fits(n int) bool { return n+1 <= cap(b.text)-len(b.text) }

// add appends a record; text must be valid UTF-8 and fit.
func add[S string | []byte](b *segmentBuilder, id string, text S) {
	b.recOff = append(b.recOff, uint32(len(b.text)))
	b.text = append(b.text, text...)
	b.text = append(b.text, separator)
	b.idOff = append(b.idOff, uint32(len(b.ids)))
	b.ids = append(b.ids, id...)
}

func (b *segmentBuilder) id(i int) []byte {
	end := len(b.ids)
	if i+1 < len(b.idOff) {
		end = int(b.idOff[i+1])
	}
	return b.ids[b.idOff[i]:end]
}

// idOrder returns the record numbers sorted by id (equal ids by record
// number), which is also how duplicates are found: they end up adjacent.
func (b *segmentBuilder) idOrder() []uint32 {
	order := make([]uint32, b.records())
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(x, y uint32) int {
		if c := bytes.Compare(b.id(int(x)), b.id(int(y))); c != 0 {
			return c
		}
		return int(x) - int(y)
	})
	return order
}

// find returns the first record with the given id, using order from
// idOrder.
func (b *segmentBuilder) find(order []uint32, id []byte) (int, bool) {
	k, ok := slices.BinarySearchFunc(order, id, func(r uint32, id []byte) int {
		return bytes.Compare(b.id(int(r)), id)
	})
	if !ok {
		return 0, false
	}
	return int(order[k]), true
}

// write builds the suffix array and writes the segment to dir/name: first
// to a temporary file, synced, then renamed, so that a crash leaves either
// nothing or a complete file. The caller syncs the directory.
func (b *segmentBuilder) write(ctx context.Context, dir, name string, order []uint32) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	n, r := len(b.text), b.records()
	h := segmentHeader{textLen: int64(n), records: int64(r), idBytes: int64(len(b.ids))}
	l := h.layout()

	saMem, release := reserve(4 * n)
	defer release()
	sa := int32s(saMem[:4*n], 0, n)
	buildSuffixArray(b.text, sa)
	for _, p := range sa[n-r:] {
		if b.text[p] != separator {
			return fmt.Errorf("build segment: suffix array does not end with the separators")
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	f, err := os.CreateTemp(dir, ".tmp-*.seg")
	if err != nil {
		return fmt.Errorf("create segment: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	written := int64(0)
	put := func(off int64, data []byte) {
		for written < off { // zero padding up to the section
			w.WriteByte(0)
			written++
		}
		w.Write(data)
		written += int64(len(data))
	}
	put(0, h.encode())
	put(l.text, b.text)
	put(l.recOff, uint32Bytes(append(b.recOff, uint32(n))))
	put(l.idOff, uint32Bytes(append(b.idOff, uint32(len(b.ids)))))
	put(l.ids, b.ids)
	put(l.idOrder, uint32Bytes(order))
	put(l.sa, saMem[:4*(n-r)])
	if written != l.size {
		return fmt.Errorf("build segment: wrote %d bytes, layout says %d", written, l.size)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write segment: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync segment: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close segment: %w", err)
	}
	if err := os.Rename(f.Name(), filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("install segment: %w", err)
	}
	return nil
}

func uint32Bytes(s []uint32) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), 4*len(s))
}

// syncDir makes renames and removals in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync index directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync index directory: %w", err)
	}
	return nil
}

// openSegment maps and checks the segment file dir/name, and keeps it
// open for the reads of queries.
func openSegment(dir, name string) (*segment, error) {
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return nil, fmt.Errorf("open segment: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open segment: %w", err)
	}
	if fi.Size() < segmentHeaderSize {
		f.Close()
		return nil, fmt.Errorf("segment %s: %w: %d bytes", name, ErrCorrupt, fi.Size())
	}
	data, unmap, err := mapFile(f, fi.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	src, closeSrc := segmentSource(f, data)
	s, err := parseSegment(data, src)
	if err != nil {
		closeSrc()
		unmap()
		return nil, fmt.Errorf("segment %s: %w", name, err)
	}
	freeSample := s.close
	s.name, s.mapped = name, data
	s.close = func() error {
		freeSample()
		return errors.Join(closeSrc(), unmap())
	}
	// Checking the file touched every page of its text: give them back.
	s.trim()
	return s, nil
}
