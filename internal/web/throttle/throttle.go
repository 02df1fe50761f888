// Package throttle slows down password guessing at the doors where a
// member signs in or up, the pages and the API alike.
package throttle

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/web/request"
)

// Limiter slows down password guessing: each client address gets a token
// bucket, and so does each account at each client address. No bucket is
// the account's alone — wrong passwords from one address must never lock
// the owner out from another. The buckets live in the database
// (signin_limits), so that replicas behind one load balancer count the
// attempts together: five wrong passwords spread over two replicas are
// five, not two and three.
type Limiter struct {
	db      *store.DB
	trusted []netip.Prefix // proxies whose X-Forwarded-For is believed

	mu    sync.Mutex
	swept time.Time
}

// A bucket's allowance: burst attempts at once, then one every every.
type allowance struct {
	every time.Duration
	burst int64
}

// Sign-in allowances: an account may be tried from one client address 5
// times at once and then once every 12 seconds; a client address, for all
// accounts together, 20 times and then every 3 seconds (an office behind
// one address has many people).
var (
	perAccount = allowance{12 * time.Second, 5}
	perClient  = allowance{3 * time.Second, 20}
)

// New is a limiter that counts in db and believes X-Forwarded-For from the
// trusted proxies only.
func New(db *store.DB, trusted []netip.Prefix) *Limiter {
	return &Limiter{db: db, trusted: trusted}
}

// attempt is one bucket an attempt takes from.
type attempt struct {
	key string
	allowance
}

// take takes one attempt from each bucket in one statement (the generic
// cell rate algorithm: a bucket is the time tat at which it is full
// again) and returns how long to wait if any bucket was empty. Every
// bucket that had room is taken from, as the in-memory limiter did with
// the client's bucket when the account's was empty.
func (l *Limiter) take(ctx context.Context, now time.Time, as ...attempt) (time.Duration, error) {
	l.prune(ctx, now)
	ms := now.UnixMilli()
	q := `INSERT INTO signin_limits (key_hash, tat, every_ms, limit_ms, ok) VALUES `
	args := []any{ms}
	for i, a := range as {
		if i > 0 {
			q += ", "
		}
		n := len(args)
		q += fmt.Sprintf("($%d, $%d, $%d, $%d, 1)", n+1, n+2, n+3, n+4)
		h := sha256.Sum256([]byte(a.key))
		every := a.every.Milliseconds()
		args = append(args, h[:], ms+every, every, every*a.burst)
	}
	// In SET, signin_limits.* are the row's values before the update in
	// both dialects; excluded.* are the ones this attempt would insert.
	const base = `(CASE WHEN signin_limits.tat > $1 THEN signin_limits.tat ELSE $1 END)`
	const room = base + ` + excluded.every_ms - $1 <= excluded.limit_ms`
	q += ` ON CONFLICT (key_hash) DO UPDATE SET
		tat = CASE WHEN ` + room + ` THEN ` + base + ` + excluded.every_ms ELSE signin_limits.tat END,
		every_ms = excluded.every_ms, limit_ms = excluded.limit_ms,
		ok = CASE WHEN ` + room + ` THEN 1 ELSE 0 END
		RETURNING tat, every_ms, limit_ms, ok`
	var wait int64
	err := l.db.InTx(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var tat, every, limit, ok int64
			if err := rows.Scan(&tat, &every, &limit, &ok); err != nil {
				return err
			}
			if ok == 0 {
				wait = max(wait, tat+every-ms-limit)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("throttle: count a sign-in attempt: %w", err)
	}
	return time.Duration(wait) * time.Millisecond, nil
}

// prune forgets, at most once a minute per replica, the buckets that are
// full again: a full bucket is the same as none, and forgetting it bounds
// the table by recent attempts, however many addresses an attacker has.
func (l *Limiter) prune(ctx context.Context, now time.Time) {
	l.mu.Lock()
	due := now.Sub(l.swept) > time.Minute
	if due {
		l.swept = now
	}
	l.mu.Unlock()
	if !due {
		return
	}
	// A failed prune is tried again a minute later; the attempt is
	// counted either way.
	_ = l.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM signin_limits WHERE tat < $1`, now.UnixMilli())
		return err
	})
}

// SignIn takes one attempt from the client address's bucket and, for
// a sign-in, from the bucket of that account at that address, or returns
// a TooMany problem saying when to try again. Sign-up passes no email.
func (l *Limiter) SignIn(r *http.Request, email string) error {
	client := request.ClientKey(request.ClientAddr(r, l.trusted))
	as := []attempt{{"client:" + client, perClient}}
	if email != "" {
		as = append(as, attempt{"account:" + client + " " + email, perAccount})
	}
	wait, err := l.take(r.Context(), time.Now(), as...)
	if err != nil {
		return err
	}
	if wait > 0 {
		return &problem.Error{Kind: problem.TooMany, Message: "too many attempts; wait " + strconv.Itoa(int(wait.Seconds()+0.999)) + " s and try again", RetryAfter: wait}
	}
	return nil
}
