package tlog

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/transparency-dev/tessera/api/layout"
)

// removeStale deletes tiles and entry bundles beyond the integrated tree of
// the given size. Tessera writes a batch's bundles and tiles before it
// records the new tree size, so a crash in between leaves files that are not
// part of the tree. Tessera itself ignores and later overwrites them, but a
// leftover partial file can have the very name of a future legitimate one,
// and must not be served (and cached for a year) in the meantime.
//
// It runs in Open before any Append, when only the integrating batch would
// write these paths.
func removeStale(root string, size uint64) error {
	for level := uint64(0); level < 64; level++ {
		n := size >> (8 * level) // complete hashes at this level
		seen := false
		for _, entries := range []bool{false, true} {
			if entries && level > 0 {
				continue
			}
			// Tiles from the first incomplete one on are suspect; a crashed
			// batch can only have reached a few of them.
			for index := n / layout.TileWidth; ; index++ {
				t := tileAddr{entries: entries, level: level, index: index}
				found, err := removeStaleTile(root, t, size)
				if err != nil {
					return err
				}
				if !found {
					break
				}
				seen = true
			}
		}
		if !seen && n == 0 {
			return nil
		}
	}
	return nil
}

// removeStaleTile removes the full file and the partial files of tile t that
// the tree of the given size does not contain. It reports whether anything
// existed for t at all.
func removeStaleTile(root string, t tileAddr, size uint64) (found bool, err error) {
	full := filepath.Join(root, filepath.FromSlash(t.path()))
	if _, err := os.Lstat(full); err == nil {
		found = true
		if !t.coveredBy(size) {
			if err := os.Remove(full); err != nil {
				return found, err
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return found, err
	}

	partials := full + ".p"
	des, err := os.ReadDir(partials)
	if errors.Is(err, fs.ErrNotExist) {
		return found, nil
	}
	if err != nil {
		return found, err
	}
	found = true
	for _, de := range des {
		w, err := strconv.ParseUint(de.Name(), 10, 8)
		keep := err == nil && w > 0 && w < layout.TileWidth && !strings.HasPrefix(de.Name(), "0")
		if keep {
			pt := t
			pt.width = uint8(w)
			keep = pt.coveredBy(size)
		}
		if !keep {
			if err := os.RemoveAll(filepath.Join(partials, de.Name())); err != nil {
				return found, fmt.Errorf("remove %s: %w", filepath.Join(partials, de.Name()), err)
			}
		}
	}
	return found, nil
}
