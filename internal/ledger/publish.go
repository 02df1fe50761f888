package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/allmende/allmende/internal/tlog"
)

// Publisher carries events from the outbox into the transparency log. It
// appends each committed event, waits until a signed checkpoint covers it,
// and then writes the log index back — so an event with an index always
// has a receipt.
//
// Exactly once: the publisher is the log's only writer, and on start it
// reconciles — every entry the log holds beyond the highest index the
// database knows was appended by a publisher that died before writing the
// index back; it is matched to its event by the event id inside the entry
// and recorded, not appended again. Write-backs happen in log order, so the
// highest known index is a safe place to start. While running, events
// already handed to the log are remembered in memory and not handed again.
type Publisher struct {
	ledger *Ledger
	log    *tlog.Log
	logger *slog.Logger

	// Batch is the most events appended in one go.
	Batch int
	// Poll is how often the outbox is read when no local commit signals;
	// it picks up events committed by other replicas.
	Poll time.Duration
	// afterAppend, when set, runs between the append and the write-back;
	// the crash test kills the process there.
	afterAppend func()

	mu       sync.Mutex
	inflight map[string]bool // handed to the log, index not yet written back
	lastSeq  int64
}

// NewPublisher returns a publisher from l's outbox to log.
func NewPublisher(l *Ledger, log *tlog.Log, logger *slog.Logger) *Publisher {
	return &Publisher{ledger: l, log: log, logger: logger, Batch: 1024, Poll: 500 * time.Millisecond, inflight: map[string]bool{}}
}

// ErrLogBehind is returned when the database has recorded log indexes the
// log does not have: the log directory was rolled back or replaced, and
// publishing more would fork the public history.
var ErrLogBehind = errors.New("ledger: the transparency log is behind the database")

// writeBack is one appended batch waiting for its checkpoint.
type writeBack struct {
	indexes map[string]uint64
	size    uint64 // the tree size that covers the whole batch
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
	for ctx.Err() == nil {
		sweep := time.Since(lastSweep) > 5*p.Poll
		batch, err := p.next(ctx, sweep)
		if sweep {
			lastSweep = time.Now()
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
		entries := make([][]byte, len(batch))
		for i, u := range batch {
			entries[i] = u.Entry
		}
		idx, err := p.log.Append(ctx, entries)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			// Some may be in the log: find out which before trying again.
			p.logger.Error("append to transparency log", "err", err)
			p.forget(batch)
			sleep(ctx, time.Second)
			if err := p.Reconcile(ctx); err != nil {
				return err
			}
			continue
		}
		if p.afterAppend != nil {
			p.afterAppend()
		}
		wb := writeBack{indexes: make(map[string]uint64, len(batch))}
		for i, u := range batch {
			wb.indexes[u.EventID] = idx[i]
			wb.size = max(wb.size, idx[i]+1)
		}
		select {
		case queue <- wb:
		case <-ctx.Done():
			return nil
		}
	}
	return nil
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

func (p *Publisher) writeBack(ctx context.Context, wb writeBack) error {
	for {
		_, err := p.log.AwaitCheckpoint(ctx, wb.size)
		if err == nil {
			err = p.ledger.MarkLogged(ctx, wb.indexes)
		}
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, ErrAlreadyLogged) {
			return err
		}
		p.logger.Error("write log indexes back", "err", err)
		sleep(ctx, time.Second)
	}
	p.mu.Lock()
	for id := range wb.indexes {
		delete(p.inflight, id)
	}
	p.mu.Unlock()
	return nil
}

// Reconcile records the index of every entry that the log holds but the
// database does not know about yet, and refuses to go on if the database
// knows of entries the log has lost.
func (p *Publisher) Reconcile(ctx context.Context) error {
	var known sql.NullInt64
	if err := p.ledger.db.Read().QueryRowContext(ctx, `SELECT max(log_index) FROM ledger_events WHERE log_index IS NOT NULL`).Scan(&known); err != nil {
		return fmt.Errorf("ledger: reconcile: %w", err)
	}
	size, err := p.log.IntegratedSize(ctx)
	if err != nil {
		return fmt.Errorf("ledger: reconcile: %w", err)
	}
	from := uint64(0)
	if known.Valid {
		from = uint64(known.Int64) + 1
	}
	if from > size {
		return fmt.Errorf("%w: the database recorded index %d, the log holds %d entries; restore the log folder from the same backup as the database", ErrLogBehind, from-1, size)
	}
	if from == size {
		return nil
	}
	found := map[string]uint64{}
	for e, err := range p.log.Entries(ctx, from, size) {
		if err != nil {
			return fmt.Errorf("ledger: reconcile: %w", err)
		}
		entry, err := ParseEntry(e.Data)
		if err != nil {
			return fmt.Errorf("ledger: reconcile: log entry %d: %w", e.Index, err)
		}
		found[entry.ID] = e.Index
	}
	if _, err := p.log.AwaitCheckpoint(ctx, size); err != nil {
		return fmt.Errorf("ledger: reconcile: %w", err)
	}
	if err := p.ledger.MarkLogged(ctx, found); err != nil {
		return fmt.Errorf("ledger: reconcile: %w", err)
	}
	p.logger.Info("reconciled events appended before a restart", "count", len(found))
	return nil
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
