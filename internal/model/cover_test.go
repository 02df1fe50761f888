package model_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// Two replicas on one database hold payment cover against one balance:
// concurrent calls on both that together cost more than the client has are
// never all forwarded — with cover kept in each process's memory, each
// replica let through what the whole balance covers.
func TestReplicasShareThePaymentCover(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		var forwarded atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			forwarded.Add(1)
			time.Sleep(300 * time.Millisecond) // every call is in flight at once
			json.NewEncoder(w).Encode(map[string]any{
				"choices": []map[string]any{{"message": map[string]string{"role": "assistant", "content": "Three months' notice."}}},
				"usage":   map[string]int{"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10},
			})
		}))
		t.Cleanup(srv.Close)
		// 3,000 points a call: rita's 10,000 cover three.
		if _, err := e.s.Create(ctx, e.as("stella"), model.Model{Slug: "tenancy-helper", Name: "LLM", Kind: model.OpenAI, UpstreamURL: srv.URL + "/v1", UpstreamModel: "llama3", UpstreamKey: "sk-upstream",
			PricePerCall: 3000, Datanets: []string{"tenancy"}}); err != nil {
			t.Fatal(err)
		}
		other := model.NewService(db, e.r, e.params, e.d, e.vault, filepath.Join(e.dir, "models-replica"))
		other.AllowPrivate = true
		t.Cleanup(func() { other.Close() })
		replicas := []*model.Service{e.s, other}

		var wg sync.WaitGroup
		var answered, refused atomic.Int32
		for i := range 8 {
			wg.Go(func() {
				_, err := replicas[i%2].Complete(ctx, e.client(), ask("How long is the notice period?"), nil)
				switch {
				case err == nil:
					answered.Add(1)
				case problem.Is(err, problem.PaymentRequired):
					refused.Add(1)
				default:
					t.Errorf("call %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		if n := forwarded.Load(); n > 3 {
			t.Fatalf("%d calls forwarded upstream; the balance covers 3", n)
		}
		if answered.Load() != 3 || refused.Load() != 5 {
			t.Fatalf("%d answered, %d refused; want 3 and 5", answered.Load(), refused.Load())
		}
		if b := e.balance(t, "member:m-rita"); b != 10000-3*3000 {
			t.Fatalf("balance %d after three calls, want %d", b, 10000-3*3000)
		}
		var held int
		if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM cover_reservations`).Scan(&held); err != nil || held != 0 {
			t.Fatalf("%d reservations left after every call ended (%v)", held, err)
		}
	})
}

// A reservation left by a replica that died holds the client's cover
// until it expires, and not after.
func TestOrphanedCoverExpires(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		if _, err := e.s.Create(ctx, e.as("stella"), model.Model{Slug: "tenancy-helper", Name: "Helper", Kind: model.Retrieval, PricePerCall: 3000, Datanets: []string{"tenancy"}}); err != nil {
			t.Fatal(err)
		}
		// A replica reserved 8,000 of rita's 10,000 and died.
		err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO cover_reservations (member_id, amount, expires_at) VALUES ($1, 8000, $2)`, e.ids["rita"], time.Now().Add(time.Minute).UnixMilli())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Complete(ctx, e.client(), ask("deposit?"), nil); !problem.Is(err, problem.PaymentRequired) {
			t.Fatalf("a call beside a live reservation of 8,000 of 10,000: %v", err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE cover_reservations SET expires_at = $1`, time.Now().Add(-time.Second).UnixMilli())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Complete(ctx, e.client(), ask("deposit?"), nil); err != nil {
			t.Fatalf("a call after the orphaned reservation expired: %v", err)
		}
		var held int
		if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM cover_reservations`).Scan(&held); err != nil || held != 0 {
			t.Fatalf("%d reservations left; the expired one is forgotten at the next release (%v)", held, err)
		}
	})
}

// BenchmarkCoverReservation is what holding and releasing a call's cover
// in the database costs, per call, with 16 calls at once: two short write
// transactions on the call path.
func BenchmarkCoverReservation(b *testing.B) {
	par, _ := strconv.Atoi(os.Getenv("COVER_PAR"))
	par = max(par, 1)
	dialects := []store.Dialect{store.SQLite}
	if os.Getenv(storetest.EnvPostgres) != "" {
		dialects = append(dialects, store.Postgres)
	}
	for _, d := range dialects {
		b.Run(string(d), func(b *testing.B) {
			e := newEnv(b, storetest.Open(b, d))
			b.SetParallelism(par)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := model.ReserveAndRelease(b.Context(), e.s, e.client(), 1); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
