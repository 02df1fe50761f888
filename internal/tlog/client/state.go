package client

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/mod/sumdb/note"
)

// LoadState reads the checkpoint saved by SaveState. A missing file gives
// (nil, nil): the first run trusts what it sees. The saved checkpoint is
// verified again, so a state file edited by hand cannot steer the check.
func LoadState(path string, v note.Verifier) (*Checkpoint, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state file: %w", err)
	}
	cp, err := OpenCheckpoint(raw, v)
	if err != nil {
		return nil, fmt.Errorf("state file %s: %w", path, err)
	}
	return cp, nil
}

// SaveState writes the checkpoint's signed note to path, replacing it
// atomically so that a crash leaves the old state or the new one.
func SaveState(path string, cp *Checkpoint) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-state-*")
	if err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	defer os.Remove(f.Name()) // fails harmlessly after the rename
	if _, err := f.Write(cp.Note); err != nil {
		f.Close()
		return fmt.Errorf("state file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("state file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	return nil
}
