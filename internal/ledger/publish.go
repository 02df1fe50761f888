package ledger

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/tlog"
)

// Publisher carries events from the outbox into the transparency log. It
// appends each committed event, waits until a signed checkpoint covers it,
// and then writes the log index back — so an event with an index always
// has a receipt.
//
// Exactly once, by event id, whatever happens: every append runs with the
// log's appends locked (tlog.Log.LockAppends), and first reads back every
// entry the log gained since this publisher last looked — appended by
// another publisher, or by one that died before writing the indexes back,
// or by an append of its own whose outcome was unknown. Those entries are
// matched to their events by the event id inside the entry and recorded,
// and the batch is appended without them and without any event the
// database meanwhile recorded. On start, the publisher reads the log from
// the first index the database has not recorded. Other processes are kept
// out of the log folder by its lock (tlog.Open).
type Publisher struct {
	ledger *Ledger
	log    *tlog.Log
	logger *slog.Logger

	// Batch is the most events appended in one go. It is a few of the
	// log's batches (1,024 entries on the server): when the publisher is
	// behind, Tessera then writes them back to back, as it does for a bulk
	// import, instead of waiting for this publisher's next read of the
	// outbox after each (4,096 rather than 1,024 took the log benchmark's
	// batched run on PostgreSQL, 30,000 events, one run each under load
	// 24-27, from 2,760 to 3,450 events/s).
	Batch int
	// Poll is how often the outbox is read when no local commit signals;
	// it picks up events committed by other replicas.
	Poll time.Duration
	// afterAppend, when set, runs between the append and the write-back;
	// the crash test kills the process there.
	afterAppend func()

	mu       sync.Mutex
	inflight map[string]bool // handed to the log, index not yet written back
	// found are the events of entries read back from the log whose
	// write-back is not done: a batch read ahead, before they were found,
	// may hold them, and must not append them again.
	found   map[string]bool
	lastSeq int64

	// seen is the log size below which this publisher knows the event of
	// every entry: recorded in the database, or in a write-back on its
	// way there. Only the append loop (and Reconcile before it) uses it.
	seen uint64
}

// NewPublisher returns a publisher from l's outbox to log.
func NewPublisher(l *Ledger, log *tlog.Log, logger *slog.Logger) *Publisher {
	return &Publisher{ledger: l, log: log, logger: logger, Batch: 4096, Poll: 500 * time.Millisecond, inflight: map[string]bool{}, found: map[string]bool{}}
}

// ErrLogBehind is returned when the database has recorded log indexes the
// log does not have: the log directory was rolled back or replaced, and
// publishing more would fork the public history.
var ErrLogBehind = errors.New("ledger: the transparency log is behind the database")

// ErrForeignEntry is returned when the log holds an entry that is not a
// ledger event: it is not this cooperative's log.
var ErrForeignEntry = errors.New("ledger: the transparency log holds an entry that is not a ledger event")

// writeBack is one appended batch waiting for its checkpoint.
type writeBack struct {
	indexes map[string]uint64
	size    uint64 // the tree size that covers the whole batch
	// found marks entries read back from the log rather than appended by
	// this publisher: one may be a second copy of an event, published by
	// an allmende before issue 11 was fixed, which is reported and kept
	// out of the database rather than stopping the publisher.
	found bool
}

// Run publishes until ctx is cancelled. It returns an error only when it
// cannot go on safely (the log and the database disagree).
func (p *Publisher) Run(ctx context.Context) error {
	if err := p.Reconcile(ctx); err != nil {
		return err
	}
	// Write-backs run in order on their own goroutine, so appending the
	// next batch does not wait for the previous batch's checkpoint.
	queue := make(chan writeBack, 16)
	errc := make(chan error, 1)
	go func() {
		for wb := range queue {
			if err := p.writeBack(ctx, wb); err != nil {
				errc <- err
				return
			}
		}
		errc <- nil
	}()
	err := p.appendLoop(ctx, queue)
	close(queue)
	if werr := <-errc; werr != nil && ctx.Err() == nil {
		err = errors.Join(err, werr)
	}
	if ctx.Err() != nil {
		return nil
	}
	return err
}

func (p *Publisher) appendLoop(ctx context.Context, queue chan<- writeBack) error {
	ticker := time.NewTicker(p.Poll)
	defer ticker.Stop()
	lastSweep := time.Now()
	var ahead chan fetched // the next batch, read while this one is appended
	for ctx.Err() == nil {
		var batch []Unlogged
		var err error
		if ahead != nil {
			f := <-ahead
			ahead = nil
			batch, err = f.batch, f.err
		} else {
			sweep := time.Since(lastSweep) > 5*p.Poll
			batch, err = p.next(ctx, sweep)
			if sweep {
				lastSweep = time.Now()
			}
		}
		if err != nil {
			p.logger.Error("read outbox", "err", err)
			sleep(ctx, time.Second)
			continue
		}
		if len(batch) == 0 {
			select {
			case <-ctx.Done():
			case <-p.ledger.Pending():
			case <-ticker.C:
				lastSweep = time.Time{} // idle: look for stragglers too
			}
			continue
		}
		if len(batch) == p.Batch {
			// Behind: more are waiting. Reading them overlaps with the
			// append, which is most of the time a batch takes.
			ahead = make(chan fetched, 1)
			go func() {
				b, err := p.next(ctx, false)
				ahead <- fetched{b, err}
			}()
		}
		wbs, err := p.appendOnce(ctx, batch)
		if appended := len(wbs) > 0 && !wbs[len(wbs)-1].found; appended && p.afterAppend != nil {
			p.afterAppend()
		}
		// Entries read back are queued even when the append failed.
		for _, wb := range wbs {
			select {
			case queue <- wb:
			case <-ctx.Done():
				return nil
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, ErrLogBehind) || errors.Is(err, ErrForeignEntry) {
				return err
			}
			// Some may be in the log: the next append reads them back
			// before appending anything.
			p.logger.Error("append to transparency log", "err", err)
			sleep(ctx, time.Second)
		}
	}
	return nil
}

// fetched is a batch read ahead.
type fetched struct {
	batch []Unlogged
	err   error
}

// next returns events to append: those committed after the last one seen,
// and — on a sweep — any older one still unlogged and not in flight. The
// sweep catches, on PostgreSQL, a transaction that took its sequence number
// early but committed late.
func (p *Publisher) next(ctx context.Context, sweep bool) ([]Unlogged, error) {
	p.mu.Lock()
	after, inflight := p.lastSeq, len(p.inflight)
	p.mu.Unlock()
	if sweep {
		after = 0
	}
	rows, err := p.ledger.db.Read().QueryContext(ctx, `
		SELECT seq, event_id, entry FROM ledger_events
		WHERE log_index IS NULL AND seq > $1 ORDER BY seq LIMIT $2`, after, p.Batch+inflight)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Unlogged
	for rows.Next() && len(out) < p.Batch {
		var u Unlogged
		if err := rows.Scan(&u.Seq, &u.EventID, &u.Entry); err != nil {
			return nil, err
		}
		if p.inflight[u.EventID] {
			continue
		}
		p.inflight[u.EventID] = true
		p.lastSeq = max(p.lastSeq, u.Seq)
		out = append(out, u)
	}
	return out, rows.Err()
}

func (p *Publisher) forget(batch []Unlogged) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, u := range batch {
		delete(p.inflight, u.EventID)
	}
}

// appendOnce appends those events of batch that the log does not hold yet
// and returns the write-backs to queue — one for the entries other appends
// added since the last look, one for the batch — also when it returns an
// error. The events of batch are in flight; when it returns, those not in
// a returned write-back are no longer in flight.
func (p *Publisher) appendOnce(ctx context.Context, batch []Unlogged) (wbs []writeBack, err error) {
	defer func() {
		if err != nil {
			p.forget(batch)
		}
	}()
	unlock, err := p.log.LockAppends(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	size, err := p.log.IntegratedSize(ctx)
	if err != nil {
		return nil, err
	}
	if size < p.seen {
		return nil, fmt.Errorf("%w: it held %d entries and now holds %d", ErrLogBehind, p.seen, size)
	}
	drop := map[string]bool{}
	if size > p.seen {
		found, err := p.readBack(ctx, p.seen, size)
		if err != nil {
			return nil, err
		}
		p.seen = size
		p.mu.Lock()
		for id := range found.indexes {
			p.inflight[id] = true
			p.found[id] = true
			drop[id] = true
		}
		p.mu.Unlock()
		wbs = append(wbs, found)
	}
	// Those are a found write-back's now.
	p.mu.Lock()
	batch = slices.DeleteFunc(batch, func(u Unlogged) bool { return drop[u.EventID] || p.found[u.EventID] })
	p.mu.Unlock()
	logged, err := p.ledger.logged(ctx, batch)
	if err != nil {
		return wbs, err
	}
	var rest []Unlogged
	var done []Unlogged // recorded meanwhile: no longer in flight
	for _, u := range batch {
		if logged[u.EventID] {
			done = append(done, u)
		} else {
			rest = append(rest, u)
		}
	}
	p.forget(done)
	if len(rest) == 0 {
		return wbs, nil
	}
	entries := make([][]byte, len(rest))
	for i, u := range rest {
		entries[i] = u.Entry
	}
	idx, err := p.log.Append(ctx, entries)
	if err != nil {
		return wbs, err
	}
	wb := writeBack{indexes: make(map[string]uint64, len(rest))}
	contiguous := true
	for i, u := range rest {
		wb.indexes[u.EventID] = idx[i]
		wb.size = max(wb.size, idx[i]+1)
		contiguous = contiguous && idx[i] == size+uint64(i)
	}
	// With the appends locked the batch follows the old end directly; if
	// not, the next look reads it back.
	if contiguous {
		p.seen = size + uint64(len(rest))
	}
	return append(wbs, wb), nil
}

// readBack reads the entries [from, to) and returns them as a write-back
// of found entries. An event the range holds twice keeps its first index.
func (p *Publisher) readBack(ctx context.Context, from, to uint64) (writeBack, error) {
	wb := writeBack{indexes: map[string]uint64{}, size: to, found: true}
	for e, err := range p.log.Entries(ctx, from, to) {
		if err != nil {
			return wb, fmt.Errorf("ledger: read back the log: %w", err)
		}
		entry, err := ParseEntry(e.Data)
		if err != nil {
			return wb, fmt.Errorf("%w: entry %d: %w", ErrForeignEntry, e.Index, err)
		}
		if first, dup := wb.indexes[entry.ID]; dup {
			p.logger.Error("the transparency log holds an event twice; the copy stays in the log for good and log verify reports it", "event", entry.ID, "first", first, "copy", e.Index)
			continue
		}
		wb.indexes[entry.ID] = e.Index
	}
	return wb, nil
}

func (p *Publisher) writeBack(ctx context.Context, wb writeBack) error {
	for {
		_, err := p.log.AwaitCheckpoint(ctx, wb.size)
		if err == nil {
			err = p.record(ctx, wb)
		}
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, ErrAlreadyLogged) || errors.Is(err, store.ErrNotFound) {
			return err
		}
		p.logger.Error("write log indexes back", "err", err)
		sleep(ctx, time.Second)
	}
	p.mu.Lock()
	for id := range wb.indexes {
		delete(p.inflight, id)
		if wb.found {
			delete(p.found, id)
		}
	}
	p.mu.Unlock()
	return nil
}

// Reconcile records the index of every entry that the log holds but the
// database does not know about yet, and refuses to go on if the database
// knows of entries the log has lost. It reads the log from the first index
// the database has not recorded: every entry below it belongs to an event
// that has its index already. Run calls it first; call it only while the
// publisher is not running.
func (p *Publisher) Reconcile(ctx context.Context) error {
	first, known, err := p.ledger.firstUnrecorded(ctx)
	if err != nil {
		return fmt.Errorf("ledger: reconcile: %w", err)
	}
	size, err := p.log.IntegratedSize(ctx)
	if err != nil {
		return fmt.Errorf("ledger: reconcile: %w", err)
	}
	if known > size {
		return fmt.Errorf("%w: the database recorded index %d, the log holds %d entries; restore the log folder from the same backup as the database", ErrLogBehind, known-1, size)
	}
	p.seen = first
	if first == size {
		return nil
	}
	found, err := p.readBack(ctx, first, size)
	if err != nil {
		return fmt.Errorf("ledger: reconcile: %w", err)
	}
	if _, err := p.log.AwaitCheckpoint(ctx, size); err != nil {
		return fmt.Errorf("ledger: reconcile: %w", err)
	}
	if err := p.record(ctx, found); err != nil {
		return fmt.Errorf("ledger: reconcile: %w", err)
	}
	p.seen = size
	p.logger.Info("reconciled events appended before a restart", "count", len(found.indexes))
	return nil
}

// record writes a write-back's indexes to the database. Found entries that
// are second copies of an event are reported, not recorded.
func (p *Publisher) record(ctx context.Context, wb writeBack) error {
	if !wb.found {
		return p.ledger.MarkLogged(ctx, wb.indexes)
	}
	dups, err := p.ledger.markLogged(ctx, wb.indexes, true)
	for _, d := range dups {
		p.logger.Error("the transparency log holds an event twice; the copy stays in the log for good and log verify reports it", "event", d.EventID, "first", d.Logged, "copy", d.Index)
	}
	return err
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
