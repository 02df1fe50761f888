package model

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/allmende/allmende/internal/store"
)

// maxChargeBatch bounds the charges one transaction commits, so that the
// first of them does not wait for an unbounded queue behind it.
const maxChargeBatch = 64

// chargeBatch commits the charges of concurrent calls together (group
// commit). SQLite has one writer: with a hundred calls in flight, each
// charge in a transaction of its own queued behind all the others, and
// that queue, not the work, was the overhead's p99. Here the first caller
// to find no batch running becomes the leader: it takes every charge
// waiting (its own among them), runs each in a savepoint of one
// transaction, commits once, and hands the lead to the first charge that
// arrived meanwhile. A charge that fails is rolled back to its savepoint
// and fails alone; a commit that fails fails them all, and none is paid.
// Each charge still commits together with its ledger event, as before.
type chargeBatch struct {
	mu      sync.Mutex
	pending []*chargeJob
	busy    bool // a leader is running batches
}

type chargeJob struct {
	fn  func(tx *store.Tx) error
	err error
	// done receives true once the job ran (err is its result), or false
	// when the job's caller is to lead the next batch.
	done chan bool
}

// do runs fn in a transaction shared with other charges, and returns its
// result once that transaction committed or rolled back.
func (b *chargeBatch) do(ctx context.Context, db *store.DB, fn func(tx *store.Tx) error) error {
	j := &chargeJob{fn: fn, done: make(chan bool, 1)}
	b.mu.Lock()
	b.pending = append(b.pending, j)
	lead := !b.busy
	b.busy = true
	b.mu.Unlock()
	if !lead {
		if ran := <-j.done; ran {
			return j.err
		}
	}
	for {
		b.mu.Lock()
		n := min(len(b.pending), maxChargeBatch)
		batch := b.pending[:n:n]
		b.pending = b.pending[n:]
		b.mu.Unlock()
		mine := b.run(ctx, db, batch, j)
		b.mu.Lock()
		if !mine {
			b.mu.Unlock()
			continue
		}
		if len(b.pending) > 0 {
			b.pending[0].done <- false
		} else {
			b.busy = false
			b.mu.Unlock()
			return j.err
		}
		b.mu.Unlock()
		return j.err
	}
}

// run commits batch and tells its jobs, other than own, that they ran. It
// reports whether own was in the batch.
func (b *chargeBatch) run(ctx context.Context, db *store.DB, batch []*chargeJob, own *chargeJob) (mine bool) {
	finished := false
	defer func() {
		if finished {
			return
		}
		// fn panicked: the transaction rolled back; the others learn it
		// and the panic goes on in the leader.
		for _, j := range batch {
			if j.err == nil {
				j.err = errors.New("charge: another charge in the same transaction panicked; nothing was charged")
			}
			if j != own {
				j.done <- true
			}
		}
		b.mu.Lock()
		if len(b.pending) > 0 {
			b.pending[0].done <- false
		} else {
			b.busy = false
		}
		b.mu.Unlock()
	}()
	ctx = context.WithoutCancel(ctx)
	var err error
	if len(batch) == 1 {
		err = db.InTx(ctx, batch[0].fn)
		batch[0].err = err
	} else {
		err = db.InTx(ctx, func(tx *store.Tx) error {
			for i, j := range batch {
				sp := fmt.Sprintf("charge_%d", i)
				if _, err := tx.ExecContext(ctx, `SAVEPOINT `+sp); err != nil {
					return err
				}
				if j.err = j.fn(tx); j.err != nil {
					if _, err := tx.ExecContext(ctx, `ROLLBACK TO `+sp); err != nil {
						return err
					}
				}
				if _, err := tx.ExecContext(ctx, `RELEASE `+sp); err != nil {
					return err
				}
			}
			return nil
		})
	}
	finished = true
	for _, j := range batch {
		if err != nil && j.err == nil {
			j.err = err
		}
		if j == own {
			mine = true
		} else {
			j.done <- true
		}
	}
	return mine
}
