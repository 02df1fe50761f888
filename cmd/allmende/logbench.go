package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/tlog"
)

// runLogBench measures, in one run, the raw append rate of Tessera's POSIX
// driver on this machine and the end-to-end rate of ledger events through
// the outbox (commit, append, checkpoint, index write-back), and prints the
// ratio — the target is at least half the raw rate and at least
// 1,000 events/s. With --db it measures on PostgreSQL too.
func runLogBench(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("log bench", "log bench [--events N] [--producers P] [--per-tx N] [--dir DIR] [--db postgres://…]", io)
	events := fs.Int("events", 50000, "ledger events to publish end to end (and entries to append raw)")
	producers := fs.Int("producers", 4, "goroutines committing events")
	perTx := fs.Int("per-tx", 100, "events per transaction in the batched run, recorded with one Ledger.RecordAll call (a payout run, a batch intake)")
	dir := fs.String("dir", "", "scratch folder (default: a temporary folder, removed afterwards)")
	pg := fs.String("db", "", "PostgreSQL server URL: measure end to end on a scratch database there too (created and dropped)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *events < 1000 || *producers < 1 || *perTx < 1 {
		return fmt.Errorf("%w: --events must be at least 1000, --producers and --per-tx at least 1", errUsage)
	}
	scratch := *dir
	if scratch == "" {
		tmp, err := os.MkdirTemp("", "allmende-log-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		scratch = tmp
	}
	type run struct {
		name string
		t    ledger.Throughput
	}
	var runs []run
	engines := []struct{ name, server string }{{"SQLite", ""}}
	if *pg != "" {
		engines = append(engines, struct{ name, server string }{"PostgreSQL", *pg})
	}
	for _, e := range engines {
		for _, per := range []int{1, *perTx} {
			t, err := ledger.MeasurePublishing(ctx, filepath.Join(scratch, fmt.Sprintf("%s-%d", e.name, per)), e.server, *events, *producers, per)
			if err != nil {
				return fmt.Errorf("end-to-end on %s, %d per tx: %w", e.name, per, err)
			}
			runs = append(runs, run{fmt.Sprintf("%s, %d per tx", e.name, per), t})
		}
	}
	raw, err := tlog.MeasureAppends(ctx, filepath.Join(scratch, "raw"), *events, runs[0].t.EntrySize)
	if err != nil {
		return fmt.Errorf("raw appends: %w", err)
	}
	w := io.out
	fmt.Fprintf(w, "raw Tessera POSIX appends           %8.0f entries/s  %d entries of %d bytes in one call (batches of 1024)\n", raw, *events, runs[0].t.EntrySize)
	for _, r := range runs {
		fmt.Fprintf(w, "end to end, %-23s %8.0f events/s   %.0f %% of raw; %d events, %d producers, commit + append + checkpoint + write-back in %.2f s, of which committing alone %.2f s\n",
			r.name, r.t.PerSecond, 100*r.t.PerSecond/raw, r.t.Events, *producers, r.t.Elapsed.Seconds(), r.t.Committed.Seconds())
	}
	fmt.Fprintln(w, "targets: end to end at least 1000 events/s and at least 50 % of raw")
	return nil
}
