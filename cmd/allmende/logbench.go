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
// 1,000 events/s.
func runLogBench(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("log bench", "log bench [--events N] [--producers P] [--dir DIR]", io)
	events := fs.Int("events", 50000, "ledger events to publish end to end (and entries to append raw)")
	producers := fs.Int("producers", 4, "goroutines committing events")
	perTx := fs.Int("per-tx", 100, "events per transaction in the batched run (a payout run, a batch intake)")
	dir := fs.String("dir", "", "scratch folder (default: a temporary folder, removed afterwards)")
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
	single, err := ledger.MeasurePublishing(ctx, filepath.Join(scratch, "single"), *events, *producers, 1)
	if err != nil {
		return fmt.Errorf("end-to-end: %w", err)
	}
	batched, err := ledger.MeasurePublishing(ctx, filepath.Join(scratch, "batched"), *events, *producers, *perTx)
	if err != nil {
		return fmt.Errorf("end-to-end: %w", err)
	}
	raw, err := tlog.MeasureAppends(ctx, filepath.Join(scratch, "raw"), *events, single.EntrySize)
	if err != nil {
		return fmt.Errorf("raw appends: %w", err)
	}
	w := io.out
	fmt.Fprintf(w, "raw Tessera POSIX appends           %8.0f entries/s  %d entries of %d bytes in one call (batches of 1024)\n", raw, *events, single.EntrySize)
	for _, m := range []struct {
		name string
		t    ledger.Throughput
		per  int
	}{{"events end to end, 1 per tx", single, 1}, {fmt.Sprintf("events end to end, %d per tx", *perTx), batched, *perTx}} {
		fmt.Fprintf(w, "%-35s %8.0f events/s   %.0f %% of raw; %d events, %d producers, SQLite, commit + append + checkpoint + write-back in %.2f s\n",
			m.name, m.t.PerSecond, 100*m.t.PerSecond/raw, m.t.Events, *producers, m.t.Elapsed.Seconds())
	}
	fmt.Fprintln(w, "targets: end to end at least 1000 events/s and at least 50 % of raw")
	return nil
}
