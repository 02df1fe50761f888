package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// writeAtomically writes path through a temporary file in the same folder
// and renames it into place, so that an interrupted command leaves no half
// file (a recording, a model, its card) behind.
func writeAtomically(path string, write func(*os.File) (int64, error)) (int64, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return 0, err
	}
	n, err := write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	return n, nil
}

// writeFileAtomically writes data to path as writeAtomically does.
func writeFileAtomically(path string, data []byte) error {
	_, err := writeAtomically(path, func(f *os.File) (int64, error) {
		n, err := f.Write(data)
		return int64(n), err
	})
	return err
}
