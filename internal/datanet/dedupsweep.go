package datanet

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ForgetErased takes the records erased since it last looked out of every
// near-duplicate index in this server's data folder, whether or not an
// intake has used it since. An erasure on this server reaches its indexes
// at the next intake; with several servers on one PostgreSQL database each
// keeps its own index files, and this, run every little while
// (app.sweepErasures), bounds how long another server's disk keeps an
// erased record's fingerprint.
func (s *Service) ForgetErased(ctx context.Context) error {
	ix := s.dedup
	entries, err := os.ReadDir(ix.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("forget erased fingerprints: %w", err)
	}
	var errs []error
	for _, e := range entries {
		var id int64
		if _, err := fmt.Sscanf(e.Name(), "datanet-%d.idx", &id); err != nil || e.IsDir() || e.Name() != fmt.Sprintf("datanet-%d.idx", id) {
			continue
		}
		d, err := s.ByID(ctx, id)
		if err != nil {
			errs = append(errs, fmt.Errorf("forget erased fingerprints: %s: %w", filepath.Join(ix.dir, e.Name()), err))
			continue
		}
		li, err := s.openIndex(ctx, d)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		li.mu.Lock()
		err = li.forgetErased(ctx, s.db.Read(), d.ID)
		li.mu.Unlock()
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
