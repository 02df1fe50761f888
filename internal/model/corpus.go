package model

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/blevesearch/bleve/v2"

	"github.com/allmende/allmende/internal/attrib"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/store"
)

// corpus holds one datanet's two indexes: the span index that traces an
// answer back to records (attrib), and the BM25 index the retrieval kind
// searches (bleve). Both live in the data folder and catch up with the
// database — new records, erasures — before every use, so an erased record
// is never returned.
type corpus struct {
	datanetID int64
	dir       string

	mu    sync.Mutex
	spans *attrib.Index
	bm25  bleve.Index
	state corpusState
}

// corpusState records how far the indexes have caught up.
type corpusState struct {
	MaxRow   int64 `json:"max_row"`
	ErasedAt int64 `json:"erased_at"`
	// Seen is the datanet's watermark when the indexes last caught up.
	Seen datanet.Watermark `json:"seen"`
}

func (s *Service) corpus(ctx context.Context, datanetID int64) (*corpus, error) {
	s.mu.Lock()
	c := s.corpora[datanetID]
	if c == nil {
		var err error
		c, err = openCorpus(filepath.Join(s.dir, fmt.Sprintf("datanet-%d", datanetID)), datanetID)
		if err != nil {
			s.mu.Unlock()
			return nil, err
		}
		s.corpora[datanetID] = c
	}
	s.mu.Unlock()
	if err := s.catchUp(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

func openCorpus(dir string, datanetID int64) (*corpus, error) {
	c := &corpus{datanetID: datanetID, dir: dir}
	state, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err == nil {
		err = json.Unmarshal(state, &c.state)
	}
	if err != nil {
		// No state, or a damaged one: start the indexes over; they are
		// derived from the database and cost only a rebuild.
		c.state = corpusState{}
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("model index folder: %w", err)
	}
	if c.spans, err = attrib.Open(filepath.Join(dir, "spans"), attrib.Options{Create: true}); err != nil {
		return nil, fmt.Errorf("span index: %w", err)
	}
	bm25Dir := filepath.Join(dir, "bm25")
	if c.bm25, err = bleve.Open(bm25Dir); errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		c.bm25, err = bleve.New(bm25Dir, bleve.NewIndexMapping())
	}
	if err != nil {
		c.spans.Close()
		return nil, fmt.Errorf("search index: %w", err)
	}
	return c, nil
}

func (c *corpus) close() error {
	return errors.Join(c.spans.Close(), c.bm25.Close())
}

// catchUp adds the records accepted since the last look and forgets those
// erased since.
func (s *Service) catchUp(ctx context.Context, c *corpus) error {
	// One cheap query decides whether there is anything to do, without
	// the lock: calls to an unchanged datanet do not queue behind each
	// other.
	mark, err := s.datanets.Watermark(ctx, c.datanetID)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if mark == c.state.Seen {
		return nil
	}
	now := store.Now()
	changed := false
	for {
		recs, err := s.datanets.TextRecords(ctx, c.datanetID, c.state.MaxRow, 1000)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			break
		}
		var add []attrib.Record
		batch := c.bm25.NewBatch()
		for _, r := range recs {
			add = append(add, attrib.Record{ID: r.ID, Text: r.Text})
			if err := batch.Index(r.ID, map[string]string{"text": r.Text}); err != nil {
				return err
			}
			c.state.MaxRow = max(c.state.MaxRow, r.RowID)
		}
		if _, err := c.spans.Add(ctx, attrib.RecordsOf(add...)); err != nil {
			var dup *attrib.DuplicateIDError
			if !errors.As(err, &dup) {
				return fmt.Errorf("span index: %w", err)
			}
			// The index is ahead of its state file (a crash between the
			// two): add the records one by one, skipping those it has.
			for _, r := range add {
				if _, err := c.spans.Add(ctx, attrib.RecordsOf(r)); err != nil && !errors.As(err, &dup) {
					return fmt.Errorf("span index: %w", err)
				}
			}
		}
		if err := c.bm25.Batch(batch); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		changed = true
	}
	erased, err := s.datanets.ErasedSince(ctx, c.datanetID, c.state.ErasedAt)
	if err != nil {
		return err
	}
	if len(erased) > 0 {
		// The window overlaps the last one, and a record may be erased
		// before it was ever indexed: forget each that is there.
		for _, id := range erased {
			if err := c.spans.Erase(ctx, id); err != nil && !errors.Is(err, attrib.ErrNotFound) {
				return fmt.Errorf("span index: %w", err)
			}
		}
		batch := c.bm25.NewBatch()
		for _, id := range erased {
			batch.Delete(id)
		}
		if err := c.bm25.Batch(batch); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		changed = true
	}
	// Erasures committing while this ran are seen next time: they change
	// the watermark, and the window reaches back a minute.
	c.state.ErasedAt = now - 60_000
	c.state.Seen = mark
	if !changed {
		return nil
	}
	b, _ := json.Marshal(c.state)
	tmp := filepath.Join(c.dir, "state.json.tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(c.dir, "state.json"))
}
