package attrib

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// Segments are merged in the manner of a log-structured merge tree: new
// records always go into a new segment, and a segment is merged with the
// one before it once it holds at least half as much live text. Segment
// sizes therefore fall geometrically from oldest to newest, a query visits
// O(log n) segments, and each byte is re-sorted O(log n) times over the
// life of the index. A merge is also where tombstones become physical: the
// merged segment simply leaves erased records out, and a segment of which a
// quarter is erased is rewritten on its own.

// mergePlan returns the next run of segments [i, j) to merge, if any.
// Called with the lock held.
func (x *Index) mergePlan() (i, j int, ok bool) {
	for i, s := range x.segs {
		if s.nErased > 0 && 4*s.erasedBytes >= int64(len(s.text)) {
			return i, i + 1, true
		}
	}
	if n := len(x.segs); n >= 2 {
		a, b := x.segs[n-2].liveBytes(), x.segs[n-1].liveBytes()
		if 2*b >= a && a+b <= int64(x.opts.MaxSegmentBytes) {
			return n - 2, n, true
		}
	}
	return 0, 0, false
}

func (x *Index) autoMerge(ctx context.Context) error {
	for {
		i, j, ok := x.mergePlan()
		if !ok {
			return nil
		}
		if err := x.merge(ctx, i, j); err != nil {
			return err
		}
	}
}

// merge replaces segments [i, j) with one segment of their live records, in
// the same order, or with none when every record is erased. Called with the
// lock held.
func (x *Index) merge(ctx context.Context, i, j int) error {
	b := newSegmentBuilder(x.opts.MaxSegmentBytes)
	defer b.free()
	for _, s := range x.segs[i:j] {
		for r := range s.records() {
			if s.isErased(r) {
				continue
			}
			text := s.recordText(r)
			if !b.fits(len(text)) {
				return fmt.Errorf("merge: segments %d to %d hold more than %d bytes", i, j-1, x.opts.MaxSegmentBytes)
			}
			add(b, s.id(r), text)
		}
	}
	m := x.man.clone()
	var fresh []*segment
	var replacement []manifestSegment
	if b.records() > 0 {
		name := segmentFileName(m.Next)
		m.Next++
		if err := b.write(ctx, x.dir, name, b.idOrder()); err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		s, err := openSegment(x.dir, name)
		if err != nil {
			os.Remove(filepath.Join(x.dir, name))
			return fmt.Errorf("merge: %w", err)
		}
		fresh = append(fresh, s)
		replacement = append(replacement, manifestSegment{File: name, Records: s.records(), TextBytes: int64(len(s.text))})
	}
	var old []string
	for _, s := range x.segs[i:j] {
		old = append(old, s.name)
	}
	m.Segments = slices.Concat(m.Segments[:i], replacement, m.Segments[j:])
	m.Generation++
	err := syncDir(x.dir)
	if err == nil {
		err = writeManifest(x.dir, m)
	}
	if err != nil {
		for _, s := range fresh {
			s.close()
			os.Remove(filepath.Join(x.dir, s.name))
		}
		return fmt.Errorf("merge: %w", err)
	}
	if err := x.install(m, fresh, nil); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	// Processes that still map the old files keep reading them: on POSIX
	// systems a removed file lives on until its last mapping goes. An old
	// file that cannot be removed may hold erased text: that is an error
	// (Purge promises the text is gone), and the next write removes it as
	// an orphan.
	var errs []error
	for _, name := range old {
		if err := os.Remove(filepath.Join(x.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("merge: the replaced segment stays on disk: %w", err))
		}
	}
	return errors.Join(append(errs, syncDir(x.dir))...)
}
