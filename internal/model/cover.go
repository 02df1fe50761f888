package model

import (
	"context"
	"fmt"
	"runtime/trace"
	"sync"
	"time"

	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// Payment cover: a call is forwarded only once cover for the most it can
// cost is held against the payer's balance, so that concurrent calls — on
// every replica — cannot together spend more than the payer has.
//
// Cover used to be one row per call in cover_reservations: a write
// transaction more per call through SQLite's one writer, which with 100
// calls in flight queued behind the charges (BenchmarkProxyOverhead's
// p99). Now a replica holds one row per payer, a lease: a slice of the
// balance that the payer's calls on this replica draw their cover from in
// memory. The database still decides how a balance is cut. A lease grows
// only in a transaction that reads the balance and the payer's other live
// leases in one statement (under a lock on the payer's member row on
// PostgreSQL; SQLite's one writer serialises it), so the leases of all
// replicas never add up to more than the balance; and a charge takes what
// it charges out of the balance and out of its lease in one transaction,
// so that the sum stays within the balance.
//
// A lease grows beyond what the calls in flight need (slack, so that the
// next calls write nothing) only while the payer's free balance is far
// larger than that. Near the end of a balance a lease is exactly the
// covers of the calls in flight, as the reservations were, so that slack
// held by one replica does not refuse a call that the balance covers on
// another. The charge or failure of a lease's last call in flight deletes
// it, and a lease whose replica died stops counting at its expiry.

// leaseSlackCovers is a new lease's slack, in covers of the call that
// opens it. Every charge takes its amount out of the lease, so slack is
// spent as calls are charged: a lease that needs to grow again within
// leaseDoubling takes twice the slack it took last time, so that a payer
// calling fast needs few growths (a handful per second at most).
const leaseSlackCovers = 64

// leaseDoubling is how soon after its last growth a lease that grows
// again doubles its slack.
const leaseDoubling = 5 * time.Second

// leaseSlackShare: slack is at most a quarter of the free balance beyond
// what the calls need, and none when that is less than a cover.
const leaseSlackShare = 4

// coverBook is a replica's leases, one per payer with calls in flight.
type coverBook struct {
	mu     sync.Mutex
	payers map[int64]*payerCover
}

type payerCover struct {
	// mu is held across a lease's growth in the database: one growth per
	// payer at a time on this replica.
	mu    sync.Mutex
	lease *coverLease // nil: none held
}

// coverLease is one row of cover_reservations held by this replica.
type coverLease struct {
	id int64
	// amount is the row's amount plus what committed charges took from
	// it and have not yet been subtracted here: never less than the row.
	amount int64
	// inUse is the covers of the calls in flight on the lease, calls
	// their number.
	inUse   int64
	calls   int
	expires int64 // Unix ms, as in the row
	// slack is what the last growth took beyond the calls' need, at
	// grown (Unix ms).
	slack, grown int64
	// closing: the lease's last call deletes the row; no call draws on
	// it any more.
	closing bool
}

// coverHold is one call's cover, drawn on a lease.
type coverHold struct {
	c      Client
	p      *payerCover
	l      *coverLease
	amount int64
	// last: the call's charge deletes the lease's row (settling).
	last bool
}

func (b *coverBook) payer(memberID int64) *payerCover {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.payers == nil {
		b.payers = map[int64]*payerCover{}
	}
	p := b.payers[memberID]
	if p == nil {
		p = &payerCover{}
		b.payers[memberID] = p
	}
	return p
}

// forget drops a payer with no lease from the book; p.mu is held.
func (b *coverBook) forget(memberID int64, p *payerCover) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.payers[memberID] == p && p.lease == nil {
		delete(b.payers, memberID)
	}
}

// reserve holds cover for a call against the client's balance until the
// call is settled (the charge) or released.
func (s *Service) reserve(ctx context.Context, c Client, cover int64) (*coverHold, error) {
	p := s.cover.payer(c.MemberID)
	p.mu.Lock()
	defer p.mu.Unlock()
	// A lease a call draws on outlives the call: its replica renews it
	// before that is no longer sure.
	callEnd := store.Now() + s.reservationTTL().Milliseconds()
	if l := p.lease; l != nil && !l.closing && l.expires >= callEnd {
		if spare, err := points.Sub(l.amount, l.inUse); err == nil && spare >= cover {
			return p.hold(c, l, cover)
		}
	}
	if err := s.growLease(ctx, c, p, cover); err != nil {
		if !problem.Is(err, problem.PaymentRequired) {
			err = fmt.Errorf("model: reserve cover: %w", err)
		}
		return nil, err
	}
	return p.hold(c, p.lease, cover)
}

// hold draws cover on l; p.mu is held and l has room for it.
func (p *payerCover) hold(c Client, l *coverLease, cover int64) (*coverHold, error) {
	in, err := points.Add(l.inUse, cover)
	if err != nil {
		return nil, err
	}
	l.inUse, l.calls = in, l.calls+1
	return &coverHold{c: c, p: p, l: l, amount: cover}, nil
}

// growLease makes p's lease (a new one if it has none) hold cover more
// than its calls in flight and reach past the call's end, or refuses with
// PaymentRequired when the balance minus every other lease of the payer
// does not cover that. p.mu is held.
func (s *Service) growLease(ctx context.Context, c Client, p *payerCover, cover int64) error {
	defer trace.StartRegion(ctx, "model.growLease").End()
	l := p.lease
	if l != nil && l.closing {
		l = nil
	}
	var delta, expires, sl, grown int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if s.db.Dialect() == store.Postgres {
			// NO KEY UPDATE: rows that merely reference the member
			// (sessions, keys) are not held up. The lock is a statement
			// of its own: one that waited for it would go on reading
			// with the snapshot it began with, missing the lease the
			// lock's last holder grew.
			if _, err := tx.ExecContext(ctx, `SELECT id FROM members WHERE id = $1 FOR NO KEY UPDATE`, c.MemberID); err != nil {
				return err
			}
		}
		now := store.Now()
		var id int64
		if l != nil {
			id = l.id
		}
		// One statement, one snapshot: a charge takes the same amount
		// out of the balance and its lease, so what is free is the same
		// before and after any charge.
		var bal, others, own int64
		err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT balance FROM account_balances WHERE account = $1), 0),
			COALESCE((SELECT CAST(sum(amount) AS BIGINT) FROM cover_reservations WHERE member_id = $2 AND expires_at > $3 AND id <> $4), 0),
			COALESCE((SELECT amount FROM cover_reservations WHERE id = $4 AND expires_at > $3), -1)`,
			reward.MemberAccount(c.PublicID), c.MemberID, now, id).Scan(&bal, &others, &own)
		if err != nil {
			return err
		}
		if own < 0 {
			// The row is gone or expired (this replica stalled past
			// its expiry): its calls' covers no longer count, and a
			// new lease starts. Those calls' charges find no row.
			if l != nil {
				l.closing = true
			}
			l, own = nil, 0
		}
		free, err := points.Sub(bal, others)
		if err == nil {
			free, err = points.Sub(free, own)
		}
		if err != nil {
			return err
		}
		// need: what the lease must grow by to hold this call's cover
		// beside those in flight; l.amount is never less than the row,
		// so this is never too little.
		need := cover
		if l != nil {
			spare, err := points.Sub(l.amount, l.inUse)
			if err != nil {
				return err
			}
			need = max(0, cover-spare)
		}
		if free < need {
			// What this call could have: the free balance and what the
			// lease holds beyond the calls in flight.
			return problem.New(problem.PaymentRequired, "your balance of %s does not cover this call (up to %s); add funds first", pts(free+cover-need), pts(cover))
		}
		sl = slack(free-need, cover, l, now)
		delta, grown = need+sl, now
		expires = now + 2*s.reservationTTL().Milliseconds()
		if l != nil {
			_, err = tx.ExecContext(ctx, `UPDATE cover_reservations SET amount = amount + $2, expires_at = $3 WHERE id = $1`, l.id, delta, expires)
			return err
		}
		l = &coverLease{}
		return tx.QueryRowContext(ctx, `INSERT INTO cover_reservations (member_id, amount, expires_at) VALUES ($1, $2, $3) RETURNING id`,
			c.MemberID, delta, expires).Scan(&l.id)
	})
	if err != nil {
		return err
	}
	amount, err := points.Add(l.amount, delta)
	if err != nil {
		return err
	}
	l.amount, l.expires, l.slack, l.grown = amount, expires, sl, grown
	if p.lease != nil && p.lease != l {
		// The old lease's calls delete its row when they end.
		p.lease.closing = true
	}
	p.lease = l
	return nil
}

// slack is how much more than it needs a lease takes, of extra free
// points: none unless the payer's balance is far from its end — at most
// a quarter of the extra, and nothing if that is less than a cover.
func slack(extra, cover int64, l *coverLease, now int64) int64 {
	want, err := points.Mul(cover, leaseSlackCovers)
	if err != nil {
		return 0
	}
	if l != nil {
		want = max(want, l.inUse)
		if now-l.grown < leaseDoubling.Milliseconds() && l.slack <= extra {
			want = max(want, 2*l.slack)
		}
	}
	sl := min(want, extra/leaseSlackShare)
	if sl < cover {
		return 0
	}
	return sl
}

// settling tells a call's cover that its charge is being committed: if
// it is the last call in flight on its lease, the charge deletes the
// lease (h.last), and later calls draw on a new one.
func (h *coverHold) settling() {
	h.p.mu.Lock()
	defer h.p.mu.Unlock()
	if h.l.calls == 1 {
		h.last, h.l.closing = true, true
		if h.p.lease == h.l {
			h.p.lease = nil
		}
	}
}

// settleTx ends the call's cover in its charge's transaction: the
// charged amount leaves the lease as it leaves the balance, or the lease
// goes with its last call (and with it the payer's expired leases).
func (h *coverHold) settleTx(ctx context.Context, tx *store.Tx, charged int64, now int64) error {
	if h.last {
		_, err := tx.ExecContext(ctx, `DELETE FROM cover_reservations WHERE id = $1 OR (member_id = $2 AND expires_at <= $3)`, h.l.id, h.c.MemberID, now)
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE cover_reservations SET amount = amount - $2 WHERE id = $1`, h.l.id, charged)
	return err
}

// settled tells the book that the call's charge committed.
func (s *Service) settled(ctx context.Context, h *coverHold, charged int64) {
	h.p.mu.Lock()
	h.l.amount -= charged // charged ≤ h.amount ≤ l.amount: no overflow
	s.endHold(ctx, h)
}

// release gives a call's cover back to its lease: the call failed or was
// not charged.
func (s *Service) release(ctx context.Context, h *coverHold) {
	h.p.mu.Lock()
	h.last = false // a charge that was to delete the lease did not commit
	s.endHold(ctx, h)
}

// endHold ends a call's hold on its lease; h.p.mu is held, and unlocked
// here. A lease left with no calls in flight is deleted (with the
// payer's expired leases), unless the call's charge deleted it: a
// replica keeps no slack for a payer who stopped calling. A deletion that
// fails leaves the lease to expire: the client's cover is held a little
// longer, never overdrawn.
func (s *Service) endHold(ctx context.Context, h *coverHold) {
	p, l := h.p, h.l
	l.inUse -= h.amount
	l.calls--
	idle := l.calls == 0
	if idle {
		l.closing = true
		if p.lease == l {
			p.lease = nil
		}
		s.cover.forget(h.c.MemberID, p)
	}
	p.mu.Unlock()
	if !idle || h.last {
		return
	}
	ctx = context.WithoutCancel(ctx)
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM cover_reservations WHERE id = $1 OR (member_id = $2 AND expires_at <= $3)`, l.id, h.c.MemberID, store.Now())
		return err
	})
	if err != nil {
		s.logger().Warn("model: release cover", "lease", l.id, "err", err)
	}
}
