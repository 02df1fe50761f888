package tlog

import (
	"context"
	"fmt"
	"iter"

	"github.com/transparency-dev/tessera/api"
	"github.com/transparency-dev/tessera/api/layout"
)

// An Entry is a log entry and its index.
type Entry struct {
	Index uint64
	Data  []byte
}

// IntegratedSize returns the number of entries in the tree on disk. It
// counts entries that no published checkpoint covers yet, so it is for the
// server's own bookkeeping (the outbox's crash recovery), never for proofs
// given to others.
func (l *Log) IntegratedSize(ctx context.Context) (uint64, error) {
	n, err := l.reader.IntegratedSize(ctx)
	if err != nil {
		return 0, fmt.Errorf("log size: %w", err)
	}
	return n, nil
}

// Entries yields the entries with indices from through to-1, reading the
// entry bundles on disk. It includes entries that are integrated but not yet
// covered by a published checkpoint, which is what the outbox needs after a
// crash to find the events the database has not recorded. to may not exceed
// IntegratedSize.
func (l *Log) Entries(ctx context.Context, from, to uint64) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		size, err := l.IntegratedSize(ctx)
		if err != nil {
			yield(Entry{}, err)
			return
		}
		if from > to || to > size {
			yield(Entry{}, fmt.Errorf("read entries [%d, %d): the log holds %d", from, to, size))
			return
		}
		for ri := range layout.Range(from, to-from, size) {
			raw, err := l.reader.ReadEntryBundle(ctx, ri.Index, ri.Partial)
			if err != nil {
				yield(Entry{}, fmt.Errorf("read entry bundle %d: %w", ri.Index, err))
				return
			}
			var b api.EntryBundle
			if err := b.UnmarshalText(raw); err != nil {
				yield(Entry{}, fmt.Errorf("read entry bundle %d: %w", ri.Index, err))
				return
			}
			if uint(len(b.Entries)) < ri.First+ri.N {
				yield(Entry{}, fmt.Errorf("read entry bundle %d: holds %d entries, want at least %d", ri.Index, len(b.Entries), ri.First+ri.N))
				return
			}
			for i := ri.First; i < ri.First+ri.N; i++ {
				e := Entry{Index: ri.Index*layout.EntryBundleWidth + uint64(i), Data: b.Entries[i]}
				if !yield(e, nil) {
					return
				}
			}
		}
	}
}
