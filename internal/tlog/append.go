package tlog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/transparency-dev/tessera"
)

// ErrEntryTooLarge is returned by Append for an entry longer than
// MaxEntrySize; no entry of that call is appended.
var ErrEntryTooLarge = errors.New("log entry too large")

// ErrOutcomeUnknown is wrapped by Append's error when the entries were handed
// to the log but it cannot say whether they were appended (the context ended
// first, or the write failed half-way). Some may be in the log: reconcile
// with Entries before appending them again.
var ErrOutcomeUnknown = errors.New("outcome of append unknown")

// Append adds entries to the log, in the order given, and returns the index
// of each. It returns once every entry is durably in the tree: the entry
// bundles, tiles and tree state are written and fsynced, so the entries
// survive a crash and will be in the next checkpoint. Use AwaitCheckpoint to
// wait for that checkpoint.
//
// Concurrent calls are batched together; entries of one call stay in order
// but may interleave with those of other calls. Append copies the entries.
func (l *Log) Append(ctx context.Context, entries [][]byte) ([]uint64, error) {
	if l.appender == nil {
		return nil, fmt.Errorf("append: %w", ErrNotLeader)
	}
	for i, e := range entries {
		if len(e) > MaxEntrySize {
			return nil, fmt.Errorf("append: entry %d has %d bytes (at most %d): %w", i, len(e), MaxEntrySize, ErrEntryTooLarge)
		}
	}
	futures := make([]tessera.IndexFuture, len(entries))
	for i, e := range entries {
		// Tessera hashes the entry now but writes it later, so the caller
		// must not be able to change it in between.
		futures[i] = l.appender.Add(ctx, tessera.NewEntry(bytes.Clone(e)))
	}

	indices := make([]uint64, len(entries))
	done := make(chan error, 1)
	go func() {
		for i, f := range futures {
			idx, err := f()
			if err != nil {
				done <- fmt.Errorf("entry %d: %w", i, err)
				return
			}
			indices[i] = idx.Index
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			return nil, fmt.Errorf("append: %w: %w", ErrOutcomeUnknown, err)
		}
		return indices, nil
	case <-ctx.Done():
		if l.shared != nil {
			// Another server appends once this one lets go of the appends;
			// a batch of ours committing after that could hold an event it
			// appends too. Tessera finishes the batch on its own context,
			// so wait a while for its outcome.
			select {
			case err := <-done:
				if err == nil {
					return indices, nil
				}
			case <-time.After(l.cfg.BatchMaxAge + settleTimeout):
			}
		}
		return nil, fmt.Errorf("append: %w: %w", ErrOutcomeUnknown, ctx.Err())
	}
}

// settleTimeout bounds how long Append on a shared log waits, after its
// context ended, for a batch already handed to Tessera to commit or fail.
const settleTimeout = 30 * time.Second

// LockAppends waits until no other caller holds the log's appends, and
// returns the release. While holding them, a caller can read what the log
// holds (IntegratedSize, Entries) and then Append knowing that nobody added
// to it in between: that is how the ledger publisher appends each event
// once, however many publishers share the log. Append itself does not take
// the lock, so it orders only those appenders that use it. Other processes
// are kept out of the log folder by the lock Open takes.
//
// On a shared log (MySQL) it also takes a named lock in the database, so
// that the same holds across servers.
func (l *Log) LockAppends(ctx context.Context) (unlock func(), err error) {
	select {
	case l.appendTurn <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("lock appends: %w", ctx.Err())
	}
	if l.shared == nil {
		return func() { <-l.appendTurn }, nil
	}
	unlockShared, err := l.shared.lockShared(ctx)
	if err != nil {
		<-l.appendTurn
		return nil, err
	}
	return func() {
		unlockShared()
		<-l.appendTurn
	}, nil
}

// AwaitCheckpoint waits until the published checkpoint covers the first size
// entries, that is, every index below size, and returns it.
func (l *Log) AwaitCheckpoint(ctx context.Context, size uint64) (*Checkpoint, error) {
	if size == 0 {
		return l.Checkpoint(ctx)
	}
	last := func() (tessera.Index, error) { return tessera.Index{Index: size - 1}, nil }
	_, raw, err := l.publicationAwaiter().Await(ctx, last)
	if err != nil {
		return nil, fmt.Errorf("await checkpoint of size %d: %w", size, err)
	}
	cp, err := l.openCheckpoint(raw)
	if err != nil {
		return nil, fmt.Errorf("await checkpoint of size %d: %w", size, err)
	}
	return cp, nil
}
