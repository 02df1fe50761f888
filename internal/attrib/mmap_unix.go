//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package attrib

import (
	"fmt"
	"io"
	"os"
	"syscall"
)

// mapFile maps the whole file read-only. Queries jump around the suffix
// array and the text, so read-ahead would only fill memory with pages
// nobody asked for: the mapping is advised as random access.
func mapFile(f *os.File, size int64) ([]byte, func() error, error) {
	if size == 0 || int64(int(size)) != size {
		return nil, nil, fmt.Errorf("map %s: size %d", f.Name(), size)
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, fmt.Errorf("map %s: %w", f.Name(), err)
	}
	adviseRandom(data)
	return data, func() error { return syscall.Munmap(data) }, nil
}

// segmentSource returns what queries read a segment through: the file
// itself, kept open (pread), so that what they read is never mapped into
// the process (see sample.go).
func segmentSource(f *os.File, _ []byte) (io.ReaderAt, func() error) {
	return f, f.Close
}

// reserve returns an empty slice with capacity n backed by anonymous memory
// outside the Go heap, and its release. Pages are only allocated when
// written, so a builder can reserve room for the largest segment up front
// and never copy its text while it grows; and the garbage collector neither
// scans nor counts the gigabytes a large suffix array needs.
func reserve(n int) ([]byte, func()) {
	if n == 0 {
		return nil, func() {}
	}
	mem, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE|mapNoReserve)
	if err != nil {
		return make([]byte, 0, n), func() {}
	}
	adviseHugePages(mem)
	return mem[:0], func() { _ = syscall.Munmap(mem) }
}

// lockDir takes an exclusive lock on the index directory's lock file, so
// that two processes never write segments or the manifest at once. Readers
// take no lock: files are only ever replaced by rename.
func lockDir(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock index: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock index: %w", err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
