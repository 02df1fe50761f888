package ledger

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/tlog"
)

// Throughput is what MeasurePublishing found.
type Throughput struct {
	Events  int
	Elapsed time.Duration
	// Committed is when the producers' last transaction committed: the
	// rest of Elapsed is the publisher catching up. When it is most of
	// Elapsed, the database's commits are the limit, not the log.
	Committed time.Duration
	PerSecond float64
	EntrySize int // bytes of a typical entry
}

// MeasurePublishing measures events per second end to end, the way the
// server runs: producers commit perTx events per transaction (1 for
// interactive work, more for a payout run or a batch intake), each
// transaction's events in one RecordAll call, into a fresh database, the publisher appends them to a fresh log in dir (with the
// server's default batching and checkpoint interval), waits for the
// checkpoint and writes every index back. The clock stops when the last
// index is in the database.
//
// The database is SQLite in dir when server is empty; when server is a
// PostgreSQL URL, it is a scratch database created on that server and
// dropped afterwards.
func MeasurePublishing(ctx context.Context, dir, server string, events, producers, perTx int) (Throughput, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return Throughput{}, err
	}
	dbURL := filepath.Join(dir, "bench.db")
	if server != "" {
		scratch, drop, err := scratchPostgres(ctx, server)
		if err != nil {
			return Throughput{}, err
		}
		defer drop()
		dbURL = scratch
	}
	db, err := store.Open(ctx, dbURL, store.Options{})
	if err != nil {
		return Throughput{}, err
	}
	defer db.Close()
	tl, err := tlog.Open(ctx, tlog.Config{Dir: filepath.Join(dir, "log"), KeyFile: filepath.Join(dir, "log.key"), Origin: "bench.allmende.invalid/log", BatchMaxSize: 1024})
	if err != nil {
		return Throughput{}, err
	}
	defer tl.Close(context.WithoutCancel(ctx))
	l := New(db)
	var member int64
	err = db.InTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO members (public_id, email, name, password_hash, role, created_at)
			VALUES ('m-bench', 'bench@example.org', 'Bench', 'x', 'member', 0) RETURNING id`).Scan(&member)
	})
	if err != nil {
		return Throughput{}, err
	}

	pubCtx, stop := context.WithCancel(ctx)
	defer stop()
	pubDone := make(chan error, 1)
	go func() { pubDone <- NewPublisher(l, tl, slog.New(slog.NewTextHandler(io.Discard, nil))).Run(pubCtx) }()

	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, producers)
	for p := range producers {
		wg.Go(func() {
			for i := p * perTx; i < events; i += producers * perTx {
				err := db.InTx(ctx, func(tx *store.Tx) error {
					var evs []Event
					for j := i; j < min(i+perTx, events); j++ {
						evs = append(evs, Event{
							Type: TaskPaid, MemberID: member, Scope: "project:1",
							Postings: []Posting{{Account: "escrow:project:1", Amount: -40}, {Account: "member:m-bench", Amount: 40}},
							Content:  map[string]int{"task": j, "seconds": 61},
						})
					}
					_, err := l.RecordAll(ctx, tx, evs)
					return err
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	committed := time.Since(start)
	close(errs)
	if err := <-errs; err != nil {
		return Throughput{}, fmt.Errorf("record events: %w", err)
	}
	for {
		var pending int
		err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM ledger_events WHERE log_index IS NULL LIMIT 1) AS p`).Scan(&pending)
		if err != nil {
			return Throughput{}, err
		}
		if pending == 0 {
			break
		}
		select {
		case err := <-pubDone:
			return Throughput{}, fmt.Errorf("publisher stopped: %v", err)
		case <-ctx.Done():
			return Throughput{}, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	elapsed := time.Since(start)
	var size int
	_ = db.Read().QueryRowContext(ctx, `SELECT length(entry) FROM ledger_events LIMIT 1`).Scan(&size)
	return Throughput{Events: events, Elapsed: elapsed, Committed: committed, PerSecond: float64(events) / elapsed.Seconds(), EntrySize: size}, nil
}

// scratchPostgres creates an empty database on the PostgreSQL server that
// server points at and returns its URL and a function that drops it.
func scratchPostgres(ctx context.Context, server string) (string, func(), error) {
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, fmt.Errorf("bench database: %q is not a postgres:// URL", server)
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		return "", nil, fmt.Errorf("bench database: %w", err)
	}
	name := "allmende_logbench_" + strings.ToLower(rand.Text()[:12])
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("bench database: create %s: %w", name, err)
	}
	drop := func() {
		_, _ = admin.ExecContext(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	}
	u.Path = "/" + name
	return u.String(), drop, nil
}
