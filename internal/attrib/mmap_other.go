//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package attrib

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// Without mmap the segment is read into memory: correct, but a large index
// then costs its full size in RAM.
func mapFile(f *os.File, size int64) ([]byte, func() error, error) {
	if int64(int(size)) != size {
		return nil, nil, fmt.Errorf("read %s: size %d", f.Name(), size)
	}
	words := make([]uint64, (size+7)/8) // 8-byte aligned, as a mapping is
	data := unsafeBytes(words)[:size]
	if _, err := io.ReadFull(io.NewSectionReader(f, 0, size), data); err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", f.Name(), err)
	}
	return data, func() error { return nil }, nil
}

// segmentSource returns the segment read into memory: the file can be
// closed (and, on Windows, removed by a merge).
func segmentSource(f *os.File, data []byte) (io.ReaderAt, func() error) {
	f.Close()
	return bytes.NewReader(data), func() error { return nil }
}

func reserve(n int) ([]byte, func()) {
	words := make([]uint64, (n+7)/8)
	return unsafeBytes(words)[:0:n], func() {}
}

// lockDir cannot lock on this system: only one process may write an index.
func lockDir(string) (func(), error) { return func() {}, nil }

// adviseDontNeed does nothing: the segment is in the heap, not mapped.
func adviseDontNeed([]byte) {}
