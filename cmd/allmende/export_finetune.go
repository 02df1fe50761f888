package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/datanet"
)

// exportFineTune writes a version of a datanet for an LLM trainer into
// dir (see datanet.Service.OperatorFineTune); with version 0 it first
// makes a new version of the datanet as it is now. The operator holds the
// data folder and its key, so acts for nobody.
func exportFineTune(ctx context.Context, f serverFlags, slug, format string, version int, dir string, std stdio) error {
	cfg, err := f.config()
	if err != nil {
		return err
	}
	cfg.Offline, cfg.MustExist = true, true
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(std.err, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	defer a.Close()
	d, err := a.Datanets.BySlug(ctx, slug)
	if err != nil {
		return fmt.Errorf("datanet %q: %w", slug, err)
	}
	// The format is checked before a version is made for nothing.
	if _, err := datanet.ParseFineTuneFormat(format, d.RecordKind); err != nil {
		return fmt.Errorf("%w: --finetune: %v", errUsage, err)
	}
	if version == 0 {
		v, err := a.Datanets.OperatorVersion(ctx, slug)
		if err != nil {
			return err
		}
		version = v.Number
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	man, err := a.Datanets.OperatorFineTune(ctx, slug, version, format, func(name string) (io.Writer, error) {
		file, err := os.Create(filepath.Join(dir, filepath.Base(name)))
		if err != nil {
			return nil, err
		}
		files = append(files, file)
		return file, nil
	})
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := f.Close(); err != nil {
			return err
		}
	}
	files = nil
	fmt.Fprintf(std.err, "exported version %d of %s (%s): %d records of %d (%d withheld since, %d with nothing to train on) to %s\ncommitment %s\n",
		man.Version, man.Datanet, man.Format, man.Exported, man.Records, man.Withheld, man.Skipped, filepath.Join(dir, man.File), man.Commitment)
	return nil
}
