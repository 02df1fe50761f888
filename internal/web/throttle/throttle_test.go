package throttle

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// Two replicas on one database count one account's attempts together:
// five wrong passwords spread over both use up the account's burst as
// five on one would, and the sixth is refused on either, with the wait
// the allowance gives back one attempt in.
func TestReplicasShareTheBuckets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, b := New(db, nil), New(db, nil)
		now := time.Now()
		acct := attempt{"account:203.0.113.7 ada@example.org", perAccount}
		for i := range 5 {
			l := []*Limiter{a, b}[i%2]
			if wait, err := l.take(t.Context(), now, acct); err != nil || wait != 0 {
				t.Fatalf("attempt %d: wait %v, %v", i+1, wait, err)
			}
		}
		for _, l := range []*Limiter{a, b} {
			wait, err := l.take(t.Context(), now, acct)
			if err != nil || wait != perAccount.every {
				t.Fatalf("sixth attempt: wait %v, %v; want %v", wait, err, perAccount.every)
			}
		}
		// One attempt comes back every 12 s, on both replicas.
		later := now.Add(perAccount.every)
		if wait, err := b.take(t.Context(), later, acct); err != nil || wait != 0 {
			t.Fatalf("after 12 s: wait %v, %v", wait, err)
		}
		if wait, err := a.take(t.Context(), later, acct); err != nil || wait == 0 {
			t.Fatalf("a second attempt after 12 s: wait %v, %v", wait, err)
		}
		// Another account at the same address has its own bucket; the
		// address's bucket (20) was not touched by take above.
		other := attempt{"account:203.0.113.7 bob@example.org", perAccount}
		if wait, err := a.take(t.Context(), later, other); err != nil || wait != 0 {
			t.Fatalf("another account: wait %v, %v", wait, err)
		}
	})
}

// SignIn takes from the address's bucket and the account's in one go:
// the address's 20 attempts run out across accounts and replicas.
func TestSignInCountsTheAddressAcrossReplicas(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, b := New(db, nil), New(db, nil)
		req := httptest.NewRequest("POST", "/signin", nil)
		req.RemoteAddr = "203.0.113.7:4000"
		for i := range perClient.burst {
			l := []*Limiter{a, b}[i%2]
			email := []string{"ada@example.org", "bob@example.org", "carol@example.org", "dan@example.org", "eve@example.org"}[i%5]
			if err := l.SignIn(req, email); err != nil {
				t.Fatalf("attempt %d: %v", i+1, err)
			}
		}
		if err := a.SignIn(req, "zoe@example.org"); err == nil {
			t.Fatal("the 21st attempt from one address, over two replicas, was allowed")
		}
		req.RemoteAddr = "198.51.100.20:5000"
		if err := b.SignIn(req, "ada@example.org"); err != nil {
			t.Fatalf("another address: %v", err)
		}
	})
}

// Buckets that are full again are forgotten: the table holds recent
// attempts only, and nothing that names the address or the account.
func TestFullBucketsArePruned(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := New(db, nil)
		now := time.Now()
		if _, err := l.take(t.Context(), now, attempt{"client:203.0.113.7", perClient}); err != nil {
			t.Fatal(err)
		}
		count := func() int {
			var n int
			if err := db.Read().QueryRowContext(t.Context(), `SELECT count(*) FROM signin_limits`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(); n != 1 {
			t.Fatalf("%d rows after one attempt", n)
		}
		var key []byte
		if err := db.Read().QueryRowContext(t.Context(), `SELECT key_hash FROM signin_limits`).Scan(&key); err != nil || len(key) != 32 {
			t.Fatalf("key %q, %v: want a SHA-256", key, err)
		}
		// Two minutes on, the bucket is full and the next attempt prunes it.
		if _, err := l.take(t.Context(), now.Add(2*time.Minute), attempt{"client:198.51.100.20", perClient}); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 1 {
			t.Fatalf("%d rows after pruning, want only the new address's", n)
		}
	})
}
