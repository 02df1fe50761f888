package model

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/classify"
	"github.com/allmende/allmende/internal/store"
)

// BenchmarkServeManyVersions measures what serving from model versions
// adds to a call, with 1,000 registered versions (100 models of 10
// versions, each trained on its own 200 records of 4 labels) and 100
// concurrent clients spreading calls uniformly over them: finding the
// version a model serves, getting its adapter from the LRU (or reading it
// from its blob when it was evicted) and predicting with the influence of
// every training record. The cache holds about half the versions, so a
// good share of calls load. The charge's transaction, which every call
// pays whether or not a version answers it, is not part of it: each
// client spends a random 0-10 ms on it (serveRest) between calls, so the
// 100 clients load the CPU as a busy server would rather than saturating
// it (saturated, latency is queueing on the CPU, which ns/op reports).
//
// It prints p50 and p99 per call, the adapters held and their resident
// size, both as classify.Model.Bytes estimates and as the heap the loaded
// adapters took (measured by loading them all into an unbounded cache).
//
//	go test ./internal/model -run '^$' -bench ServeManyVersions -benchtime 20000x
func BenchmarkServeManyVersions(b *testing.B) {
	const (
		models, perModel = 100, 10
		records          = 200
	)
	s, ids, texts := serveBenchSetup(b, models, perModel, records)
	a, err := s.loadAdapter(b.Context(), ids[0])
	if err != nil {
		b.Fatal(err)
	}
	one := a.bytes
	// All versions in memory (the default bound holds ~1,100 of these),
	// and room for half of them, so that 40% of the calls read a blob.
	b.Run("all-cached", func(b *testing.B) {
		s.factory.cache = newAdapterCache(DefaultModelCacheBytes)
		for _, v := range ids {
			if _, err := s.loadAdapter(b.Context(), v); err != nil {
				b.Fatal(err)
			}
		}
		serveBench.run(b, s, ids, texts)
	})
	b.Run("half-cached", func(b *testing.B) {
		s.factory.cache = newAdapterCache(one * int64(len(ids)) / 2)
		serveBench.run(b, s, ids, texts)
	})
	b.Run("resident", func(b *testing.B) {
		// The heap a loaded adapter takes, measured: all of them loaded.
		s.factory.cache = newAdapterCache(1 << 40)
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for _, v := range ids {
			if _, err := s.loadAdapter(context.Background(), v); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap := (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / int64(len(ids))
		_, used, _ := s.factory.cache.stats()
		b.ReportMetric(float64(heap), "heap-bytes/adapter")
		b.ReportMetric(float64(used/int64(len(ids))), "est-bytes/adapter")
		b.Logf("%d adapters of %d training records loaded: %d bytes of heap each (classify's estimate %d)", len(ids), records, heap, used/int64(len(ids)))
	})
}

const serveClients = 100

// serveRest is the mean time a client spends on the rest of a call
// between two calls: what the HTTP request and the charge transaction
// (one SQLite write) take on this machine.
const serveRest = 5 * time.Millisecond

// run makes b.N calls from serveClients clients, each call a random
// version and text, and reports the latency the versions add.
func (sb *serveBenchState) run(b *testing.B, s *Service, ids []int64, texts []string) {
	clients := serveClients

	lat := make([]time.Duration, b.N)
	var next sync.Mutex
	i := 0
	b.ResetTimer()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			rnd := rand.New(rand.NewPCG(uint64(c), 7))
			for {
				next.Lock()
				n := i
				i++
				next.Unlock()
				if n >= b.N {
					return
				}
				v := ids[rnd.IntN(len(ids))]
				text := texts[rnd.IntN(len(texts))]
				start := time.Now()
				a, err := s.loadAdapter(context.Background(), v)
				if err != nil {
					b.Error(err)
					return
				}
				scores, infl := a.model.Explain(text, MaxInfluences)
				if len(scores) == 0 || len(infl) == 0 {
					b.Error("no prediction")
					return
				}
				lat[n] = time.Since(start)
				// The rest of a call — its HTTP request and the charge's
				// transaction — takes a client a few milliseconds more
				// before it calls again.
				time.Sleep(time.Duration(rnd.IntN(int(2 * serveRest))))
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	slices.Sort(lat)
	p := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
	held, used, loads := s.factory.cache.stats()
	b.ReportMetric(float64(p(0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p(0.99).Microseconds())/1000, "p99-ms")
	b.Logf("%d versions, %d clients, %d calls: p50 %v, p99 %v added per call; cache held %d adapters (%d bytes), %d loads from blobs",
		len(ids), clients, b.N, p(0.5), p(0.99), held, used, loads)
}

type serveBenchState struct {
	once  sync.Once
	s     *Service
	ids   []int64
	texts []string
	err   error
}

var serveBench serveBenchState

// serveBenchSetup registers the versions once per process: a model row
// per model and ready version rows pointing at real weights in blobs.
func serveBenchSetup(b *testing.B, models, perModel, records int) (*Service, []int64, []string) {
	sb := &serveBench
	sb.once.Do(func() {
		// The benchmark function runs several times with growing b.N;
		// the versions live for the process, in a folder of its own.
		dir, err := os.MkdirTemp("", "allmende-serve-bench-")
		if err != nil {
			sb.err = err
			return
		}
		db, err := store.Open(context.Background(), filepath.Join(dir, "allmende.db"), store.Options{})
		if err != nil {
			sb.err = err
			return
		}
		blobs, err := store.OpenBlobs(filepath.Join(dir, "blobs"))
		if err != nil {
			sb.err = err
			return
		}
		s := &Service{db: db, factory: newFactory()}
		s.factory.blobs = blobs
		words := [][]string{
			{"heating", "radiator", "boiler", "cold", "warm", "thermostat", "water"},
			{"deposit", "money", "return", "landlord", "account", "withheld", "months"},
			{"noise", "music", "neighbour", "night", "loud", "party", "drilling"},
			{"rent", "increase", "index", "percent", "letter", "agree", "cap"},
		}
		common := []string{"the", "my", "is", "and", "since", "we", "flat", "please", "help", "week"}
		rnd := rand.New(rand.NewPCG(1, 2))
		text := func(label int) string {
			var buf bytes.Buffer
			for range 12 {
				if rnd.IntN(2) == 0 {
					buf.WriteString(words[label][rnd.IntN(len(words[label]))])
				} else {
					buf.WriteString(common[rnd.IntN(len(common))])
				}
				buf.WriteByte(' ')
			}
			return buf.String()
		}
		for range 200 {
			sb.texts = append(sb.texts, text(rnd.IntN(4)))
		}
		ctx := context.Background()
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO members (id, public_id, email, name, password_hash, role, created_at) VALUES (1, 'm-b', 'b@example.org', 'b', 'x', 'requester', 0)`)
			return err
		})
		if err != nil {
			sb.err = err
			return
		}
		for m := range models {
			var modelID int64
			err := db.InTx(ctx, func(tx *store.Tx) error {
				return tx.QueryRowContext(ctx, `INSERT INTO models (slug, name, kind, owner_id, price_per_call, status, created_at) VALUES ($1, $1, 'retrieval', 1, 1, 'active', 0) RETURNING id`,
					fmt.Sprintf("m%d", m)).Scan(&modelID)
			})
			if err != nil {
				sb.err = err
				return
			}
			for n := range perModel {
				ex := make([]classify.Example, records)
				for r := range ex {
					l := rnd.IntN(4)
					ex[r] = classify.Example{ID: fmt.Sprintf("c-%d-%d-%d", m, n, r), Text: text(l), Label: fmt.Sprint("topic", l)}
				}
				kind := classify.KindLinear
				if n%2 == 1 {
					kind = classify.KindKNN
				}
				cm, _, err := classify.Train(ctx, ex, classify.Options{Kind: kind, Epochs: 5}, nil)
				if err != nil {
					sb.err = err
					return
				}
				var buf bytes.Buffer
				if _, err := cm.WriteTo(&buf); err != nil {
					sb.err = err
					return
				}
				hash, size, err := blobs.Put(&buf)
				if err != nil {
					sb.err = err
					return
				}
				var id int64
				err = db.InTx(ctx, func(tx *store.Tx) error {
					return tx.QueryRowContext(ctx, `INSERT INTO model_versions (model_id, number, kind, label_field, held_out, datanets, status, blob, size, records, created_at)
						VALUES ($1, $2, $3, 'topic', 0.2, '[]', 'ready', $4, $5, $6, 0) RETURNING id`, modelID, n+1, string(kind), hash, size, records).Scan(&id)
				})
				if err != nil {
					sb.err = err
					return
				}
				sb.ids = append(sb.ids, id)
			}
		}
		sb.s = s
	})
	if sb.err != nil {
		b.Fatal(sb.err)
	}
	return sb.s, sb.ids, sb.texts
}
