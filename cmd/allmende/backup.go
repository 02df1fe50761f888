package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/allmende/allmende/internal/app"
)

// runBackup writes a backup of a SQLite cooperative: database, blobs and
// log, without keys (see app.Backup for why).
func runBackup(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("backup", "backup --out FILE.tar.gz [--data DIR]", io)
	var f serverFlags
	f.register(fs, "allmende-data")
	fs.Lookup("data").Usage = "data folder of an existing cooperative (refused if it holds none)"
	out := fs.String("out", "", "the backup file to write (a .tar.gz; required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%w: --out is required", errUsage)
	}
	cfg, err := f.config()
	if err != nil {
		return err
	}
	cfg.Offline, cfg.MustExist = true, true
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.err, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	defer a.Close()
	sum, err := a.Backup(ctx, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.out, "backup written to %s: %d files, %d bytes\n", *out, sum.Files, sum.Bytes)
	fmt.Fprintln(io.out, "It holds no keys: keep vault.key and log.key (and a key export) safe elsewhere; see docs/backup.md.")
	return nil
}
