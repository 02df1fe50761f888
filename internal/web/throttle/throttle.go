// Package throttle slows down password guessing at the doors where a
// member signs in or up, the pages and the API alike.
package throttle

import (
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
)

// Limiter slows down password guessing: each client address gets a token
// bucket, and so does each account at each client address. No bucket is
// the account's alone — wrong passwords from one address must never lock
// the owner out from another. Buckets live in memory, so with several
// replicas the limit is per replica — still far below what a guessing
// attack needs.
type Limiter struct {
	trusted []netip.Prefix // proxies whose X-Forwarded-For is believed

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// Sign-in allowances: an account may be tried from one client address 5
// times at once and then once every 12 seconds; a client address, for all
// accounts together, 20 times and then every 3 seconds (an office behind
// one address has many people).
var (
	perAccount = struct {
		every time.Duration
		burst int
	}{12 * time.Second, 5}
	perClient = struct {
		every time.Duration
		burst int
	}{3 * time.Second, 20}
)

// New is a limiter that believes X-Forwarded-For from the trusted
// proxies only.
func New(trusted []netip.Prefix) *Limiter {
	return &Limiter{trusted: trusted, buckets: map[string]*bucket{}}
}

func (l *Limiter) take(key string, every time.Duration, burst int, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			// A full bucket is the same as none: forgetting it bounds
			// the map by recent attempts, however many addresses an
			// attacker has.
			if b.lim.TokensAt(now) >= float64(b.lim.Burst()) || now.Sub(b.seen) > 30*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(rate.Every(every), burst)}
		l.buckets[key] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d
	}
	return 0
}

// SignIn takes one attempt from the client address's bucket and, for
// a sign-in, from the bucket of that account at that address, or returns
// a TooMany problem saying when to try again. Sign-up passes no email.
func (l *Limiter) SignIn(r *http.Request, email string) error {
	now := time.Now()
	client := request.ClientKey(request.ClientAddr(r, l.trusted))
	wait := l.take("client:"+client, perClient.every, perClient.burst, now)
	if wait == 0 && email != "" {
		wait = l.take("account:"+client+" "+email, perAccount.every, perAccount.burst, now)
	}
	if wait > 0 {
		return &problem.Error{Kind: problem.TooMany, Message: "too many attempts; wait " + strconv.Itoa(int(wait.Seconds()+0.999)) + " s and try again", RetryAfter: wait}
	}
	return nil
}
