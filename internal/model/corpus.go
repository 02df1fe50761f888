package model

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/allmende/allmende/internal/attrib"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/search"
	"github.com/allmende/allmende/internal/store"
)

// corpus holds one datanet's two indexes: the span index that traces an
// answer back to records (attrib, in the data folder), and the BM25 index
// the retrieval kind searches (in memory only, built on first use after a
// start). Both catch up with the database — new records, erasures —
// before every use, and an erasure reaches them before it reports success
// (Forget), so that no file of the data folder keeps erased text: the span
// index rewrites the segments that held it, and the BM25 index has no
// file.
type corpus struct {
	datanetID int64
	dir       string

	mu    sync.Mutex
	spans *attrib.Index
	state corpusState
	// bm25 is nil until a retrieval model first searches the datanet;
	// bm25Row and bm25Seen say how far it has caught up.
	bm25     *search.Index
	bm25Row  int64
	bm25Seen datanet.Watermark
}

// corpusState records how far the span index has caught up.
type corpusState struct {
	// Version is corpusVersion; a folder of another version is rebuilt.
	Version int   `json:"version"`
	MaxRow  int64 `json:"max_row"`
	// ErasedAt is where the next look for erasures starts (Unix ms),
	// whether a call's catch-up or the sweep looks.
	ErasedAt int64 `json:"erased_at"`
	// DecidedAt is where the next look for curated records accepted below
	// MaxRow starts (Unix ms).
	DecidedAt int64 `json:"decided_at,omitempty"`
	// Seen is the datanet's watermark when the indexes last caught up.
	Seen datanet.Watermark `json:"seen"`
}

// corpusVersion 2: the BM25 index left the disk (version 1 kept a bleve
// index, erased records' words and text included, in bm25/), and erased
// records leave the span segments at once.
const corpusVersion = 2

// spanSegmentBytes bounds a span segment's text. Erasing a record
// rewrites its segment (suffix array included), so this bounds the cost
// of an erasure — about 0.35 s of CPU for a full segment on the project's
// 2-core machine under load (attrib's BenchmarkPurgeOne) — while queries
// visit one more segment per 4 MiB of a datanet's text.
const spanSegmentBytes = 4 << 20

// corpus returns the datanet's indexes, caught up with the database; with
// bm25, the search index too.
func (s *Service) corpus(ctx context.Context, datanetID int64, bm25 bool) (*corpus, error) {
	c, err := s.openCorpus(datanetID, true)
	if err != nil {
		return nil, err
	}
	if err := s.catchUp(ctx, c, bm25); err != nil {
		return nil, err
	}
	return c, nil
}

// indexes returns the indexes of the datanets, each caught up once; with
// bm25, the search indexes too.
func (s *Service) indexes(ctx context.Context, datanetIDs []int64, bm25 bool) ([]*corpus, error) {
	out := make([]*corpus, len(datanetIDs))
	for i, id := range datanetIDs {
		c, err := s.corpus(ctx, id, bm25)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// openCorpus returns the datanet's corpus, opening it if needed. Unless
// create is set, a datanet with no index folder has no corpus (nil).
func (s *Service) openCorpus(datanetID int64, create bool) (*corpus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.corpora[datanetID]; c != nil {
		return c, nil
	}
	dir := filepath.Join(s.dir, fmt.Sprintf("datanet-%d", datanetID))
	if !create {
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
	}
	c, err := openCorpus(dir, datanetID)
	if err != nil {
		return nil, err
	}
	s.corpora[datanetID] = c
	return c, nil
}

func openCorpus(dir string, datanetID int64) (*corpus, error) {
	c := &corpus{datanetID: datanetID, dir: dir}
	state, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err == nil {
		err = json.Unmarshal(state, &c.state)
	}
	if err != nil || c.state.Version != corpusVersion {
		// No state, a damaged one or an older layout: start the indexes
		// over; they are derived from the database and cost only a
		// rebuild. An older layout may hold erased text: it goes.
		c.state = corpusState{Version: corpusVersion}
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("model index folder: %w", err)
	}
	if c.spans, err = attrib.Open(filepath.Join(dir, "spans"), attrib.Options{Create: true, MaxSegmentBytes: spanSegmentBytes}); err != nil {
		return nil, fmt.Errorf("span index: %w", err)
	}
	return c, nil
}

func (c *corpus) close() error {
	return c.spans.Close()
}

// search returns the datanet's BM25 index, which corpus(ctx, id, true)
// built.
func (c *corpus) search() *search.Index {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bm25
}

// catchUp adds the records accepted since the last look and forgets those
// erased since.
func (s *Service) catchUp(ctx context.Context, c *corpus, bm25 bool) error {
	// One cheap query decides whether there is anything to do, without
	// the lock: calls to an unchanged datanet do not queue behind each
	// other.
	mark, err := s.datanets.Watermark(ctx, c.datanetID)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if bm25 && c.bm25 == nil {
		c.bm25, c.bm25Row, c.bm25Seen = search.New(), 0, datanet.Watermark{}
	}
	if mark == c.state.Seen && (c.bm25 == nil || mark == c.bm25Seen) {
		return nil
	}
	changed := false
	start, fresh := store.Now(), c.state.MaxRow == 0
	from := c.state.MaxRow
	if c.bm25 != nil {
		from = min(from, c.bm25Row)
	}
	for {
		recs, err := s.datanets.TextRecords(ctx, c.datanetID, from, 1000)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			break
		}
		var add []attrib.Record
		for _, r := range recs {
			if r.RowID > c.state.MaxRow {
				add = append(add, attrib.Record{ID: r.ID, Text: r.Text})
			}
			if c.bm25 != nil && r.RowID > c.bm25Row {
				c.bm25.Add(r.ID, r.Text)
				c.bm25Row = r.RowID
			}
			from = r.RowID
		}
		if len(add) > 0 {
			if err := s.addSpans(ctx, c, add); err != nil {
				return err
			}
			c.state.MaxRow = max(c.state.MaxRow, recs[len(recs)-1].RowID)
			changed = true
		}
	}
	late, err := s.acceptedLate(ctx, c, mark, start, fresh)
	if err != nil {
		return err
	}
	purged, err := s.forgetErased(ctx, c)
	if err != nil {
		return err
	}
	changed = changed || late || purged
	c.state.Seen = mark
	if c.bm25 != nil {
		c.bm25Seen = mark
	}
	if !changed {
		return nil
	}
	return c.saveState()
}

// acceptedLate adds the curated records a curator accepted since the last
// look whose rows lie below what the indexes have read: the high-water
// mark passed them while they waited. The window overlaps the last one by
// a minute, as forgetErased's does, and adding a record an index holds
// changes nothing (the span index refuses it; the few in the overlap are
// then added one by one). A span index read from row 0 in this catch-up
// (fresh) has every record accepted before start: only the cursor moves.
// It reports whether the span index changed; c.mu must be held.
func (s *Service) acceptedLate(ctx context.Context, c *corpus, mark datanet.Watermark, start int64, fresh bool) (bool, error) {
	if mark.Decided == c.state.Seen.Decided && (c.bm25 == nil || mark.Decided == c.bm25Seen.Decided) {
		return false, nil
	}
	if fresh {
		c.state.DecidedAt = start - 60_000
		return false, nil
	}
	now := store.Now()
	recs, err := s.datanets.AcceptedLate(ctx, c.datanetID, c.state.DecidedAt, max(c.state.MaxRow, c.bm25Row))
	if err != nil {
		return false, err
	}
	var add []attrib.Record
	for _, r := range recs {
		if r.RowID <= c.state.MaxRow {
			add = append(add, attrib.Record{ID: r.ID, Text: r.Text})
		}
		if c.bm25 != nil && r.RowID <= c.bm25Row {
			c.bm25.Add(r.ID, r.Text)
		}
	}
	if len(add) > 0 {
		if err := s.addSpans(ctx, c, add); err != nil {
			return false, err
		}
	}
	c.state.DecidedAt = now - 60_000
	return len(add) > 0, nil
}

func (s *Service) addSpans(ctx context.Context, c *corpus, add []attrib.Record) error {
	_, err := c.spans.Add(ctx, attrib.RecordsOf(add...))
	var dup *attrib.DuplicateIDError
	if err == nil || !errors.As(err, &dup) {
		if err != nil {
			return fmt.Errorf("span index: %w", err)
		}
		return nil
	}
	// The index is ahead of its state file (a crash between the two): add
	// the records one by one, skipping those it has.
	for _, r := range add {
		if _, err := c.spans.Add(ctx, attrib.RecordsOf(r)); err != nil && !errors.As(err, &dup) {
			return fmt.Errorf("span index: %w", err)
		}
	}
	return nil
}

func (c *corpus) saveState() error {
	b, _ := json.Marshal(c.state)
	tmp := filepath.Join(c.dir, "state.json.tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(c.dir, "state.json"))
}

// Forget takes erased records out of a datanet's indexes before it
// returns: the span index rewrites the segments that held them, and the
// BM25 index drops them from memory. A datanet no model has indexed in
// this data folder has nothing to forget. It makes Service a
// datanet.Copy, which erasure calls.
func (s *Service) Forget(ctx context.Context, datanetID int64, ids []string) error {
	s.forgetInAdapters(ids) // model versions: never named or paid again
	c, err := s.openCorpus(datanetID, false)
	if err != nil || c == nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bm25 != nil {
		c.bm25.Remove(ids...)
	}
	if _, err := c.spans.Purge(ctx, ids...); err != nil {
		return fmt.Errorf("forget erased records: span index: %w", err)
	}
	return nil
}

// ForgetErased makes every index in this server's data folder forget the
// records erased since it last looked, whether or not a model has used it
// since. An erasure reaches the indexes of the server it ran on at once
// (Forget); with several servers on one PostgreSQL database, each keeps its
// own indexes, and this, run every little while, reaches the others'.
func (s *Service) ForgetErased(ctx context.Context) error {
	if err := s.sweepAdapters(ctx); err != nil {
		return err
	}
	entries, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("forget erased records: %w", err)
	}
	var errs []error
	for _, e := range entries {
		var id int64
		if _, err := fmt.Sscanf(e.Name(), "datanet-%d", &id); err != nil || !e.IsDir() || e.Name() != fmt.Sprintf("datanet-%d", id) {
			continue
		}
		c, err := s.openCorpus(id, false)
		if err != nil || c == nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, s.sweep(ctx, c))
	}
	return errors.Join(errs...)
}

// sweep makes the corpus forget what was erased since it last looked.
func (s *Service) sweep(ctx context.Context, c *corpus) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	purged, err := s.forgetErased(ctx, c)
	if err != nil || !purged {
		return err
	}
	return c.saveState()
}

// forgetErased takes the records erased since state.ErasedAt out of the
// corpus's indexes and moves that cursor to a minute before it looked:
// erasures committing while it runs are seen next time (the window
// overlaps the last one, and Purge ignores records it does not hold, such
// as one erased before it was ever indexed). Erasure itself went through
// Forget already; this catches erasures by another server on another data
// folder, for a call's catch-up and for the sweep alike. It reports
// whether the span index changed; c.mu must be held.
func (s *Service) forgetErased(ctx context.Context, c *corpus) (bool, error) {
	now := store.Now()
	erased, err := s.datanets.ErasedSince(ctx, c.datanetID, c.state.ErasedAt)
	if err != nil {
		return false, err
	}
	n := 0
	if len(erased) > 0 {
		if c.bm25 != nil {
			c.bm25.Remove(erased...)
		}
		if n, err = c.spans.Purge(ctx, erased...); err != nil {
			return false, fmt.Errorf("forget erased records: span index: %w", err)
		}
	}
	c.state.ErasedAt = now - 60_000
	return n > 0, nil
}
