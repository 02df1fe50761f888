package model_test

import (
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// leaseStub is an upstream that takes up to maxDelay to answer and, on
// every call, runs check while the call holds its cover.
func leaseStub(t *testing.T, maxDelay time.Duration, check func()) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		check()
		time.Sleep(time.Duration(rand.Int64N(int64(maxDelay) + 1)))
		json.NewEncoder(w).Encode(map[string]any{
			"choices": []map[string]any{{"message": map[string]string{"role": "assistant", "content": "Three months' notice."}}},
			"usage":   map[string]int{"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10},
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// leases is rita's live leases: how many, what they hold together, and her
// balance, read in one statement.
func leases(t *testing.T, e *env) (n, held, balance int64) {
	t.Helper()
	err := e.db.Read().QueryRowContext(t.Context(), `SELECT count(*), COALESCE(CAST(sum(amount) AS BIGINT), 0),
		COALESCE((SELECT balance FROM account_balances WHERE account = 'member:m-rita'), 0)
		FROM cover_reservations WHERE member_id = $1 AND expires_at > $2`, e.ids["rita"], time.Now().UnixMilli()).Scan(&n, &held, &balance)
	if err != nil {
		t.Error(err)
	}
	return n, held, balance
}

// Two replicas draw cover for many concurrent calls from leases of one
// balance: at every moment the leases together hold no more than the
// balance, no lease is ever negative, the calls answered are exactly the
// calls charged, and once the calls stop no lease keeps any of the
// balance — sequential calls then spend it to the last call it covers.
func TestCoverLeasesNeverExceedTheBalance(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		const price = 70 // rita's 10,000 cover 142 calls
		var over atomic.Int32
		srv := leaseStub(t, 20*time.Millisecond, func() {
			if _, held, bal := leases(t, e); held > bal {
				over.Add(1)
				t.Errorf("leases hold %d of a balance of %d", held, bal)
			}
			var neg int
			if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM cover_reservations WHERE amount < 0`).Scan(&neg); err != nil || neg > 0 {
				t.Errorf("%d negative leases (%v)", neg, err)
			}
		})
		if _, err := e.s.Create(ctx, e.as("stella"), model.Model{Slug: "tenancy-helper", Name: "LLM", Kind: model.OpenAI, UpstreamURL: srv.URL + "/v1", UpstreamModel: "llama3", UpstreamKey: "sk-upstream",
			PricePerCall: price, Datanets: []string{"tenancy"}}); err != nil {
			t.Fatal(err)
		}
		other := model.NewService(db, e.r, e.params, e.d, e.vault, filepath.Join(e.dir, "models-replica"))
		other.AllowPrivate = true
		t.Cleanup(func() { other.Close() })
		replicas := []*model.Service{e.s, other}

		var answered atomic.Int64
		var wg sync.WaitGroup
		for g := range 24 {
			wg.Go(func() {
				for i := range 8 {
					_, err := replicas[(g+i)%2].Complete(ctx, e.client(), ask("How long is the notice period?"), nil)
					switch {
					case err == nil:
						answered.Add(1)
					case !problem.Is(err, problem.PaymentRequired):
						t.Errorf("call: %v", err)
					}
				}
			})
		}
		wg.Wait()
		if n, held, _ := leases(t, e); n != 0 || held != 0 {
			t.Fatalf("%d leases holding %d left after every call ended", n, held)
		}
		// Alone now, calls take what is left, one after another on
		// either replica, until the balance no longer covers one.
		for i := 0; ; i++ {
			_, err := replicas[i%2].Complete(ctx, e.client(), ask("How long is the notice period?"), nil)
			if problem.Is(err, problem.PaymentRequired) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			answered.Add(1)
		}
		if got := e.balance(t, "member:m-rita"); got != 10000-price*answered.Load() || got < 0 || got >= price {
			t.Fatalf("balance %d after %d calls of %d from 10,000: want %d, less than one call", got, answered.Load(), price, 10000-price*answered.Load())
		}
	})
}

// A payer far from the end of the balance holds one lease per replica,
// however many calls are in flight: the calls draw their cover in memory
// and write no reservation of their own.
func TestCoverLeaseServesConcurrentCallsWithOneRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		if _, err := e.s.Deposit(ctx, e.as("stella"), "m-rita", 10_000_000); err != nil {
			t.Fatal(err)
		}
		var most atomic.Int64
		srv := leaseStub(t, 30*time.Millisecond, func() {
			n, _, _ := leases(t, e)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
		})
		if _, err := e.s.Create(ctx, e.as("stella"), model.Model{Slug: "tenancy-helper", Name: "LLM", Kind: model.OpenAI, UpstreamURL: srv.URL + "/v1", UpstreamModel: "llama3", UpstreamKey: "sk-upstream",
			PricePerCall: 1, Datanets: []string{"tenancy"}}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 30 {
			wg.Go(func() {
				for range 4 {
					if _, err := e.s.Complete(ctx, e.client(), ask("How long is the notice period?"), nil); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		if m := most.Load(); m != 1 {
			t.Fatalf("%d cover rows at once for one payer on one replica, want 1", m)
		}
		if n, held, _ := leases(t, e); n != 0 || held != 0 {
			t.Fatalf("%d leases holding %d left after every call ended", n, held)
		}
		if got := e.balance(t, "member:m-rita"); got != 10_010_000-120 {
			t.Fatalf("balance %d after 120 calls of 1, want %d", got, 10_010_000-120)
		}
	})
}
