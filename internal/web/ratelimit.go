package web

import (
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/allmende/allmende/internal/problem"
)

// limiter slows down password guessing: each e-mail address and each
// client address gets a token bucket. Buckets live in memory, so with
// several replicas the limit is per replica — still far below what a
// guessing attack needs.
type limiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// Sign-in allowances: an account may be tried 5 times at once and then once
// every 12 seconds; a client address 20 times and then every 3 seconds (an
// office behind one address has many people).
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

func newLimiter() *limiter { return &limiter{buckets: map[string]*bucket{}} }

func (l *limiter) take(key string, every time.Duration, burst int, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > 30*time.Minute {
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

// allowSignIn takes one attempt from both the account's and the client's
// bucket, or returns a TooMany problem saying when to try again.
func (l *limiter) allowSignIn(r *http.Request, email string) error {
	now := time.Now()
	wait := l.take("client:"+clientIP(r), perClient.every, perClient.burst, now)
	if email != "" {
		wait = max(wait, l.take("account:"+email, perAccount.every, perAccount.burst, now))
	}
	if wait > 0 {
		return &problem.Error{Kind: problem.TooMany, Message: "too many attempts; wait " + retryAfter(wait) + " s and try again", RetryAfter: wait}
	}
	return nil
}

// clientIP is the address the connection came from. Forwarded headers are
// not trusted: anyone can set them to get a fresh bucket.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
