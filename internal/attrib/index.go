package attrib

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// ErrNotFound is returned by Erase for an id that no live record has.
var ErrNotFound = errors.New("no such record")

// A DuplicateIDError rejects a batch of records in which an id occurs twice,
// or that repeats the id of a live record already in the index.
type DuplicateIDError struct {
	ID string
	// Record is the position in the batch (0-based) of the offending record;
	// Previous is the position of the first one with the same id, or -1
	// when that one is already in the index.
	Record, Previous int
}

func (e *DuplicateIDError) Error() string {
	if e.Previous < 0 {
		return fmt.Sprintf("record %d: id %q is already in the index", e.Record, e.ID)
	}
	return fmt.Sprintf("record %d: id %q repeats record %d", e.Record, e.ID, e.Previous)
}

// Options configure Open.
type Options struct {
	// Create makes an empty index when dir holds none.
	Create bool
	// MaxSegmentBytes bounds the text of one segment, separators included;
	// zero means the most a segment can hold (2 GiB − 1).
	MaxSegmentBytes int
	// NoAutoMerge leaves segments as Add and Erase create them; Compact
	// still merges.
	NoAutoMerge bool
	// MappedBytes is how many bytes of segment files, newest segments
	// first, queries read through their memory mapping, where every page
	// read stays resident; the rest they read with pread, guided by an
	// in-memory sample (see sample.go), and hold none of. Reading a
	// mapping costs no system call, so small indexes stay fast, and the
	// resident set stays bounded however large the index grows. Zero
	// means DefaultMappedBytes; a negative value maps nothing for queries.
	MappedBytes int64
}

// DefaultMappedBytes is the default of Options.MappedBytes: 128 MB of
// segment files, about 25 MB of text. With the sample of a 1 GB index
// (125 MB) that stays under 300 MB resident; and a datanet of the server,
// kept in 4 MB segments, is read without system calls up to that size
// (queries over 24 MB in six segments: 32 ms of CPU mapped, 114 ms with
// half of them read by pread, 180 ms with all).
const DefaultMappedBytes = 128 << 20

// defaultMappedBytes is what Open takes for a zero MappedBytes: tests set
// it to run every query through pread.
var defaultMappedBytes int64 = DefaultMappedBytes

// An Index is a span index over a directory of segments. Queries may run
// concurrently with each other and with one writer; writers (Add, Erase,
// Compact) are serialised, across processes too, by a lock file.
type Index struct {
	dir  string
	opts Options

	// wmu is held by this process's writer, and by a query refreshing its
	// view; only holders of wmu change man, manFile and segs, under mu.
	wmu     sync.Mutex
	mu      sync.RWMutex
	man     manifest
	manFile os.FileInfo // of the manifest man was read from
	segs    []*segment
	closed  bool
}

// ErrClosed is returned for an Index used after Close.
var ErrClosed = errors.New("index closed")

// Open opens the index in dir, creating it if asked to.
func Open(dir string, opts Options) (*Index, error) {
	if opts.MaxSegmentBytes <= 0 || opts.MaxSegmentBytes > maxSegmentText {
		opts.MaxSegmentBytes = maxSegmentText
	}
	if opts.MappedBytes == 0 {
		opts.MappedBytes = defaultMappedBytes
	}
	x := &Index{dir: dir, opts: opts}
	_, err := os.Stat(filepath.Join(dir, manifestName))
	if errors.Is(err, fs.ErrNotExist) && opts.Create {
		err = x.create()
	}
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	if err := x.refresh(); err != nil {
		x.Close()
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	return x, nil
}

func (x *Index) create() error {
	if err := os.MkdirAll(x.dir, 0o755); err != nil {
		return err
	}
	unlock, err := lockDir(filepath.Join(x.dir, lockName))
	if err != nil {
		return err
	}
	defer unlock()
	if _, err := os.Stat(filepath.Join(x.dir, manifestName)); err == nil {
		return nil // created by someone else meanwhile
	}
	return writeManifest(x.dir, manifest{Version: manifestVersion, Generation: 1, Next: 1})
}

// Close unmaps the segments. Spans returned earlier stay valid: they hold
// copies.
func (x *Index) Close() error {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	x.closed = true
	var errs []error
	for _, s := range x.segs {
		errs = append(errs, s.close())
	}
	x.segs = nil
	return errors.Join(errs...)
}

// refresh loads the manifest on disk if it changed since we last read it,
// reusing the segments already open (segment files never change). The
// manifest is only ever replaced by rename, so a change shows in its
// file identity, time or size, and the common case costs one stat.
func (x *Index) refresh() error {
	path := filepath.Join(x.dir, manifestName)
	// A merge in another process may remove a segment between our reading
	// the manifest and opening the segment; the next manifest names its
	// replacement.
	for attempt := 0; ; attempt++ {
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		x.mu.RLock()
		old, gen, closed := x.manFile, x.man.Generation, x.closed
		x.mu.RUnlock()
		if closed {
			return ErrClosed
		}
		if old != nil && os.SameFile(fi, old) && fi.ModTime().Equal(old.ModTime()) && fi.Size() == old.Size() {
			return nil
		}
		m, err := readManifest(x.dir)
		switch {
		case err == nil && m.Generation == gen && x.segs != nil:
			x.mu.Lock()
			x.manFile = fi // what we wrote ourselves
			x.mu.Unlock()
		case err == nil:
			err = x.install(m, nil, fi)
		}
		if err == nil || !errors.Is(err, fs.ErrNotExist) || attempt == 3 {
			return err
		}
	}
}

// install makes m, read from the manifest file fi (nil when we wrote it),
// the current state. fresh holds segments just written (already open);
// others are taken from the current set or opened.
func (x *Index) install(m manifest, fresh []*segment, fi os.FileInfo) error {
	x.mu.RLock()
	open := map[string]*segment{}
	for _, s := range x.segs {
		open[s.name] = s
	}
	x.mu.RUnlock()
	for _, s := range fresh {
		open[s.name] = s
	}
	segs := make([]*segment, len(m.Segments))
	var opened []*segment
	for i, ms := range m.Segments {
		s := open[ms.File]
		if s == nil {
			var err error
			if s, err = openSegment(x.dir, ms.File); err != nil {
				for _, o := range opened {
					o.close()
				}
				return err
			}
			opened = append(opened, s)
		}
		if s.records() != ms.Records || int64(len(s.text)) != ms.TextBytes {
			for _, o := range opened {
				o.close()
			}
			return fmt.Errorf("%w: segment %s does not match the manifest", ErrCorrupt, ms.File)
		}
		segs[i] = s
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	keep := map[*segment]bool{}
	for i, s := range segs {
		s.setErased(m.Segments[i].Erased)
		keep[s] = true
	}
	// The newest segments are the smallest: mapping them spares the most
	// reads per byte kept resident.
	budget := x.opts.MappedBytes
	for _, s := range slices.Backward(segs) {
		size := int64(len(s.mapped))
		was := s.inMemory
		s.inMemory = size <= budget && s.mapped != nil
		if s.inMemory {
			budget -= size
		} else {
			budget = 0 // only the newest, without gaps
			if was {
				s.trim()
			}
		}
	}
	for _, s := range x.segs {
		if !keep[s] {
			s.close()
		}
	}
	for _, s := range fresh {
		if !keep[s] {
			s.close()
		}
	}
	x.man, x.segs, x.manFile = m, segs, fi
	return nil
}

// writing runs fn holding the directory lock, on an up-to-date view.
func (x *Index) writing(fn func() error) error {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	unlock, err := lockDir(filepath.Join(x.dir, lockName))
	if err != nil {
		return err
	}
	defer unlock()
	if err := x.refresh(); err != nil {
		return err
	}
	// A stray file that cannot go now is tried again by the next write;
	// only Purge, which promises that erased text is gone, must fail on it.
	_ = x.removeOrphans()
	return fn()
}

// removeOrphans deletes what an interrupted writer left behind, and old
// segments a merge could not remove: temporary files and segments no
// manifest names. Called with the lock held.
func (x *Index) removeOrphans() error {
	entries, err := os.ReadDir(x.dir)
	if err != nil {
		return err
	}
	named := map[string]bool{}
	for _, s := range x.man.Segments {
		named[s.File] = true
	}
	var errs []error
	for _, e := range entries {
		name := e.Name()
		_, isSeg := segmentNumber(name)
		if strings.HasPrefix(name, ".tmp-") || isSeg && !named[name] {
			if err := os.Remove(filepath.Join(x.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// Add appends the records as new segments (more than one only when they
// exceed MaxSegmentBytes) and then merges segments as the merge policy
// asks. Text that is not valid UTF-8 is stored with U+FFFD in place of each
// invalid byte sequence. The batch is added entirely or not at all; it
// fails with a *DuplicateIDError if an id repeats, and with the iterator's
// error if that yields one. Add returns the number of records added, which
// is not zero with an error only when the merge after adding failed (the
// records are in the index all the same).
func (x *Index) Add(ctx context.Context, records iter.Seq2[Record, error]) (int, error) {
	added := 0
	err := x.writing(func() error {
		var err error
		if added, err = x.add(ctx, records); err != nil {
			return err
		}
		if x.opts.NoAutoMerge {
			return nil
		}
		if err := x.autoMerge(ctx); err != nil {
			return fmt.Errorf("records added, but merging segments failed: %w", err)
		}
		return nil
	})
	if err != nil {
		return added, fmt.Errorf("add to index %s: %w", x.dir, err)
	}
	return added, nil
}

func (x *Index) add(ctx context.Context, records iter.Seq2[Record, error]) (int, error) {
	var builders []*segmentBuilder
	defer func() {
		for _, b := range builders {
			if b != nil {
				b.free()
			}
		}
	}()
	n := 0
	for rec, err := range records {
		if err != nil {
			return 0, err
		}
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		if rec.ID == "" {
			return 0, fmt.Errorf("record %d: empty id", n)
		}
		text := rec.Text
		if !utf8.ValidString(text) {
			text = strings.ToValidUTF8(text, "\uFFFD")
		}
		if len(text)+1 > x.opts.MaxSegmentBytes {
			return 0, fmt.Errorf("record %d (id %q): %d bytes of text, more than a segment holds", n, rec.ID, len(text))
		}
		if len(builders) == 0 || !builders[len(builders)-1].fits(len(text)) {
			builders = append(builders, newSegmentBuilder(x.opts.MaxSegmentBytes))
		}
		add(builders[len(builders)-1], rec.ID, text)
		n++
	}
	if n == 0 {
		return 0, nil
	}
	orders, err := x.checkIDs(builders)
	if err != nil {
		return 0, err
	}

	m := x.man.clone()
	var fresh []*segment
	fail := func(err error) (int, error) {
		for _, s := range fresh {
			s.close()
			os.Remove(filepath.Join(x.dir, s.name))
		}
		return 0, err
	}
	for i, b := range builders {
		name := segmentFileName(m.Next)
		m.Next++
		if err := b.write(ctx, x.dir, name, orders[i]); err != nil {
			return fail(err)
		}
		s, err := openSegment(x.dir, name)
		if err != nil {
			return fail(err)
		}
		fresh = append(fresh, s)
		m.Segments = append(m.Segments, manifestSegment{File: name, Records: s.records(), TextBytes: int64(len(s.text))})
		b.free() // before the next suffix array needs the memory
		builders[i] = nil
	}
	m.Generation++
	if err := syncDir(x.dir); err != nil {
		return fail(err)
	}
	if err := writeManifest(x.dir, m); err != nil {
		return fail(err)
	}
	return n, x.install(m, fresh, nil)
}

// checkIDs finds repeated ids within the batch and ids of live records
// already indexed, before any suffix array is built. It returns each
// builder's records in id order.
func (x *Index) checkIDs(builders []*segmentBuilder) ([][]uint32, error) {
	orders := make([][]uint32, len(builders))
	base := 0
	for bi, b := range builders {
		order := b.idOrder()
		orders[bi] = order
		for k := 1; k < len(order); k++ {
			if id := b.id(int(order[k])); string(id) == string(b.id(int(order[k-1]))) {
				return nil, &DuplicateIDError{ID: string(id), Record: base + int(order[k]), Previous: base + int(order[k-1])}
			}
		}
		for i := range b.records() {
			id := b.id(i)
			prevBase := 0
			for pj, p := range builders[:bi] {
				if j, ok := p.find(orders[pj], id); ok {
					return nil, &DuplicateIDError{ID: string(id), Record: base + i, Previous: prevBase + j}
				}
				prevBase += p.records()
			}
			for _, s := range x.segs {
				if r, ok := s.find(string(id)); ok && !s.isErased(r) {
					return nil, &DuplicateIDError{ID: string(id), Record: base + i, Previous: -1}
				}
			}
		}
		base += b.records()
	}
	return orders, nil
}

// Erase tombstones the records with the given ids: from the moment Erase
// returns, no query counts or returns them, in this process or any other
// (every query first checks whether the manifest changed). Their text leaves
// the disk when their segment is next merged; the merge policy rewrites a
// segment once a quarter of its text is erased, and Compact rewrites all.
// If any id names no live record, nothing is erased and the error wraps
// ErrNotFound.
func (x *Index) Erase(ctx context.Context, ids ...string) error {
	err := x.writing(func() error {
		m := x.man.clone()
		if _, missing := x.tombstone(&m, ids); len(missing) > 0 {
			return fmt.Errorf("%w: id %q", ErrNotFound, missing[0])
		}
		m.Generation++
		if err := writeManifest(x.dir, m); err != nil {
			return err
		}
		if err := x.install(m, nil, nil); err != nil {
			return err
		}
		if x.opts.NoAutoMerge {
			return nil
		}
		if err := x.autoMerge(ctx); err != nil {
			return fmt.Errorf("records erased, but merging segments failed: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("erase from index %s: %w", x.dir, err)
	}
	return nil
}

// Purge erases the records with the given ids that the index holds —
// ids it does not hold are ignored — and then rewrites every segment that
// holds an erased record (these, or earlier tombstones) without it, and
// deletes the old segment files, before it returns: the erased text is in
// no file of the index any more. It costs rebuilding the suffix array of
// each such segment, so the time is bounded by MaxSegmentBytes. It returns
// how many of ids it found. It fails if an old segment file cannot be
// removed, which may hold erased text. If it fails, the tombstones it
// wrote still hold (no query returns the records), and calling it again
// finishes the rewrite and removes what the last call could not.
func (x *Index) Purge(ctx context.Context, ids ...string) (int, error) {
	found := 0
	err := x.writing(func() error {
		m := x.man.clone()
		if found, _ = x.tombstone(&m, ids); found > 0 {
			m.Generation++
			if err := writeManifest(x.dir, m); err != nil {
				return err
			}
			if err := x.install(m, nil, nil); err != nil {
				return err
			}
		}
		// From the last segment back, so that the positions of those
		// still to do hold. A segment that fails does not keep the others
		// from being rewritten.
		var errs []error
		for i := len(x.segs) - 1; i >= 0; i-- {
			if x.segs[i].nErased > 0 {
				errs = append(errs, x.merge(ctx, i, i+1))
			}
		}
		if err := errors.Join(errs...); err != nil {
			return err
		}
		// Old segments an earlier purge could not remove hold erased
		// text as well.
		if err := x.removeOrphans(); err != nil {
			return fmt.Errorf("a segment the index no longer uses stays on disk: %w", err)
		}
		return nil
	})
	if err != nil {
		return found, fmt.Errorf("purge index %s: %w", x.dir, err)
	}
	return found, nil
}

// tombstone marks, in m, the live records among ids as erased. It returns
// how many it marked and the ids that name no live record.
func (x *Index) tombstone(m *manifest, ids []string) (marked int, missing []string) {
	for _, id := range ids {
		found := false
		for si, s := range x.segs {
			if r, ok := s.find(id); ok && !s.isErased(r) {
				ms := &m.Segments[si]
				if k, dup := slices.BinarySearch(ms.Erased, r); !dup {
					ms.Erased = slices.Insert(ms.Erased, k, r)
					marked++
				}
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, id)
		}
	}
	return marked, missing
}

// Compact merges all segments into as few as MaxSegmentBytes allows,
// leaving out erased records.
func (x *Index) Compact(ctx context.Context) error {
	err := x.writing(func() error {
		// Plan groups of neighbours first, then merge from the last group
		// back, so that the positions of the groups still to do hold.
		type group struct{ i, j int }
		var groups []group
		for i := 0; i < len(x.segs); {
			j, size := i+1, x.segs[i].liveBytes()
			for j < len(x.segs) && size+x.segs[j].liveBytes() <= int64(x.opts.MaxSegmentBytes) {
				size += x.segs[j].liveBytes()
				j++
			}
			if j-i > 1 || x.segs[i].nErased > 0 {
				groups = append(groups, group{i, j})
			}
			i = j
		}
		for _, g := range slices.Backward(groups) {
			if err := x.merge(ctx, g.i, g.j); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("compact index %s: %w", x.dir, err)
	}
	return nil
}

// Stats describes an index.
type Stats struct {
	Segments  int
	Records   int   // live records
	Erased    int   // tombstoned records whose text is still on disk
	TextBytes int64 // text of the live records, separators included
	FileBytes int64 // size of the segment files
}

func (x *Index) Stats() Stats {
	x.mu.RLock()
	defer x.mu.RUnlock()
	st := Stats{Segments: len(x.segs)}
	for _, s := range x.segs {
		st.Records += s.records() - s.nErased
		st.Erased += s.nErased
		st.TextBytes += s.liveBytes()
		st.FileBytes += segmentHeader{int64(len(s.text)), int64(s.records()), int64(len(s.ids))}.layout().size
	}
	return st
}
