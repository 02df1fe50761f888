package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/app"
)

// serverFlags are the flags serve and demo share.
type serverFlags struct {
	data, db, addr string
	secureCookies  bool
	logLevel       string
	logFormat      string
	logOrigin      string
	epochLength    time.Duration
	replayBrowser  string
	replayPrivate  bool
	upstreamLAN    bool
}

func (f *serverFlags) register(fs *flag.FlagSet, defaultData string) {
	fs.StringVar(&f.data, "data", defaultData, "data folder: SQLite database, blobs, log, keys (created if missing)")
	fs.StringVar(&f.db, "db", "", "PostgreSQL URL (postgres://user@host/db) to keep state there instead of SQLite in --data")
	fs.StringVar(&f.addr, "addr", ":8080", "address to listen on, host:port")
	fs.BoolVar(&f.secureCookies, "secure-cookies", false, "mark cookies Secure even over plain HTTP (set this behind a TLS proxy)")
	fs.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&f.replayBrowser, "replay-browser", "", `Chromium that runs automations (default /usr/bin/chromium; "none" runs none)`)
	fs.BoolVar(&f.replayPrivate, "replay-allow-private", false, "let automations reach private and loopback addresses (only for pages on this machine you trust)")
	fs.BoolVar(&f.upstreamLAN, "upstream-allow-private", false, "let models forward to upstreams on private, loopback and link-local addresses (your own LLM on your LAN)")
	fs.DurationVar(&f.epochLength, "epoch-length", 30*24*time.Hour, "how long an epoch runs before points earned turn into governance shares")
	fs.StringVar(&f.logOrigin, "log-origin", "", "name of the transparency log in its checkpoints, e.g. coop.example/log (default: this host's name + /log; fixed once the log exists)")
}

func (f *serverFlags) config() (app.Config, error) {
	if f.db != "" && !strings.HasPrefix(f.db, "postgres://") && !strings.HasPrefix(f.db, "postgresql://") {
		return app.Config{}, fmt.Errorf("%w: --db must be a postgres:// URL (leave it out to use SQLite in --data)", errUsage)
	}
	if f.epochLength < time.Minute {
		return app.Config{}, fmt.Errorf("%w: --epoch-length must be at least 1m", errUsage)
	}
	return app.Config{DataDir: f.data, DB: f.db, SecureCookies: f.secureCookies, LogOrigin: f.logOrigin, EpochLength: f.epochLength,
		ReplayBrowser: f.replayBrowser, ReplayAllowPrivate: f.replayPrivate, UpstreamAllowPrivate: f.upstreamLAN}, nil
}

func (f *serverFlags) logger(io stdio) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.logLevel)); err != nil {
		return nil, fmt.Errorf("%w: --log-level must be debug, info, warn or error", errUsage)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch f.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(io.err, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(io.err, opts)), nil
	}
	return nil, fmt.Errorf("%w: --log-format must be text or json", errUsage)
}

func runServe(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("serve", "serve [--data DIR] [--db postgres://...] [--addr :8080]", io)
	var f serverFlags
	f.register(fs, "allmende-data")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	cfg, err := f.config()
	if err != nil {
		return err
	}
	log, err := f.logger(io)
	if err != nil {
		return err
	}
	ln, err := app.Listen(f.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if n, err := a.Members.Count(ctx); err == nil && n == 0 {
		log.Warn("this cooperative has no members yet; create the first steward with: allmende steward --data " + cfg.DataDir + " --email you@example.org --name 'Your Name'")
	}
	return a.Serve(ctx, ln, func(url string) {
		log.Info("allmende is serving", "url", url, "data", cfg.DataDir, "db", dialectName(cfg))
	})
}

func dialectName(cfg app.Config) string {
	if cfg.DB != "" {
		return "postgres"
	}
	return "sqlite"
}
