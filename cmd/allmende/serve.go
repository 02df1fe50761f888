package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/mail"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/web"
)

// serverFlags are the flags serve and demo share.
type serverFlags struct {
	data, db, addr string
	blobs          string
	metricsAddr    string
	secureCookies  bool
	trustedProxies string
	logLevel       string
	logFormat      string
	logOrigin      string
	vaultKey       string
	logKey         string
	epochLength    time.Duration
	replayBrowser  string
	replayPrivate  bool
	upstreamLAN    bool
	modelCache     int64
	currency       string
	pointValue     string
	smtpAddr       string
	smtpFrom       string
	smtpUser       string
	logMySQL       string // serve only
}

func (f *serverFlags) register(fs *flag.FlagSet, defaultData string) {
	fs.StringVar(&f.data, "data", defaultData, "data folder: SQLite database, blobs, log, keys (created if missing)")
	fs.StringVar(&f.db, "db", "", "PostgreSQL URL (postgres://user@host/db) to keep state there instead of SQLite in --data")
	fs.StringVar(&f.blobs, "blobs", "", "where files are kept: s3://BUCKET[/PREFIX]?endpoint=HOST:PORT&region=R&insecure=1 for an S3-compatible bucket that replicas share, with the credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (default: the folder blobs in --data)")
	fs.StringVar(&f.addr, "addr", ":8080", "address to listen on, host:port")
	fs.StringVar(&f.metricsAddr, "metrics-addr", "", "address for Prometheus metrics at /metrics, e.g. 127.0.0.1:9090 (default: none; never on --addr)")
	fs.BoolVar(&f.secureCookies, "secure-cookies", false, "mark cookies Secure even over plain HTTP (set this behind a TLS proxy)")
	fs.StringVar(&f.trustedProxies, "trusted-proxies", "", "reverse proxies in front of this server, as addresses or CIDRs (10.0.0.0/8,127.0.0.1): only from them is X-Forwarded-For believed (default: none)")
	fs.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&f.replayBrowser, "replay-browser", "", `Chromium that runs automations (default /usr/bin/chromium; "none": this replica runs none and leaves them to replicas with one)`)
	fs.BoolVar(&f.replayPrivate, "replay-allow-private", false, "let automations reach private and loopback addresses (only for pages on this machine you trust)")
	fs.BoolVar(&f.upstreamLAN, "upstream-allow-private", false, "let models forward to upstreams on private, loopback and link-local addresses (your own LLM on your LAN)")
	fs.Int64Var(&f.modelCache, "model-cache-bytes", 256<<20, "memory bound of the trained model versions (adapters) loaded at once; the least recently used are unloaded beyond it")
	fs.DurationVar(&f.epochLength, "epoch-length", 30*24*time.Hour, "how long an epoch runs before points earned turn into governance shares")
	fs.StringVar(&f.currency, "currency", points.DefaultCurrency.Code, "the currency the cooperative pays in (ISO 4217 code), as every page, API answer and export writes amounts")
	fs.StringVar(&f.pointValue, "point-value", points.DefaultCurrency.Number(1), "what one point, the unit the ledger counts in, is worth in --currency: 1, 0.1, 0.01, … 0.000001")
	fs.StringVar(&f.smtpAddr, "smtp-addr", "", "SMTP server (host:port) for the members' opt-in daily news digest (default: none, and no e-mail is ever sent); the password is read from ALLMENDE_SMTP_PASSWORD")
	fs.StringVar(&f.smtpFrom, "smtp-from", "", "sender address of the news digest (needed with --smtp-addr)")
	fs.StringVar(&f.smtpUser, "smtp-user", "", "SMTP login name, if the server needs one (sent only over TLS or to localhost)")
	fs.StringVar(&f.logOrigin, "log-origin", "", "name of the transparency log in its checkpoints, e.g. coop.example/log (default: this host's name + /log; fixed once the log exists)")
	fs.StringVar(&f.vaultKey, "vault-key", "", "the cooperative's vault key `FILE`, given to every replica (default: $ALLMENDE_VAULT_KEY_FILE, else vault.key in --data, made on first start); required with --db; write it with 'allmende keys init'")
	fs.StringVar(&f.logKey, "log-key", "", "the transparency log's signing key `FILE`, given to every replica (default: $ALLMENDE_LOG_KEY_FILE, else log.key in --data, made on first start); required with --db")
}

func (f *serverFlags) baseConfig() (app.Config, error) {
	if f.db != "" && !strings.HasPrefix(f.db, "postgres://") && !strings.HasPrefix(f.db, "postgresql://") {
		return app.Config{}, fmt.Errorf("%w: --db must be a postgres:// URL (leave it out to use SQLite in --data)", errUsage)
	}
	if f.modelCache < 1<<20 {
		return app.Config{}, fmt.Errorf("%w: --model-cache-bytes must be at least 1048576 (1 MiB)", errUsage)
	}
	if f.epochLength < time.Minute {
		return app.Config{}, fmt.Errorf("%w: --epoch-length must be at least 1m", errUsage)
	}
	cur, err := points.NewCurrency(f.currency, f.pointValue)
	if err != nil {
		return app.Config{}, fmt.Errorf("%w: --currency, --point-value: %v", errUsage, err)
	}
	if f.smtpAddr != "" && !strings.Contains(f.smtpFrom, "@") {
		return app.Config{}, fmt.Errorf("%w: --smtp-from must be an e-mail address when --smtp-addr is set", errUsage)
	}
	if f.blobs != "" {
		if _, err := store.ParseS3URL(f.blobs); err != nil {
			return app.Config{}, fmt.Errorf("%w: --blobs: %v", errUsage, err)
		}
	}
	proxies, err := web.ParseProxies(f.trustedProxies)
	if err != nil {
		return app.Config{}, fmt.Errorf("%w: --trusted-proxies: %v", errUsage, err)
	}
	return app.Config{DataDir: f.data, Blobs: f.blobs, TrustedProxies: proxies, DB: f.db, SecureCookies: f.secureCookies, LogOrigin: f.logOrigin, EpochLength: f.epochLength,
		ReplayBrowser: f.replayBrowser, ReplayAllowPrivate: f.replayPrivate, UpstreamAllowPrivate: f.upstreamLAN, ModelCacheBytes: f.modelCache, Currency: cur,
		SMTP: mail.SMTP{Addr: f.smtpAddr, From: f.smtpFrom, Username: f.smtpUser, Password: os.Getenv("ALLMENDE_SMTP_PASSWORD")}}, nil
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
	fs := newFlags("serve", "serve [--data DIR] [--db postgres://... --vault-key FILE --log-key FILE] [--addr :8080]", io)
	var f serverFlags
	f.register(fs, "allmende-data")
	fs.StringVar(&f.logMySQL, "log-mysql", "", "keep the transparency log in MySQL/MariaDB, shared by every replica: a DSN user:password@tcp(host:3306)/database (default: files in --data; or set ALLMENDE_LOG_MYSQL, which keeps the password off the command line)")
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
	cfg.LogMySQL = cmp.Or(f.logMySQL, os.Getenv("ALLMENDE_LOG_MYSQL"))
	log, err := f.logger(io)
	if err != nil {
		return err
	}
	ln, err := app.Listen(f.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	mln, err := f.listenMetrics()
	if err != nil {
		return err
	}
	if mln != nil {
		defer mln.Close()
	}
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if n, err := a.Members.Count(ctx); err == nil && n == 0 {
		log.Warn("this cooperative has no members yet; create the first steward with: allmende steward --data " + cfg.DataDir + " --email you@example.org --name 'Your Name'")
	}
	return serve(ctx, a, log, ln, mln, func(url string) {
		log.Info("allmende is serving", "url", url, "data", cfg.DataDir, "db", dialectName(cfg))
	})
}

// listenMetrics opens --metrics-addr, if given, before anything is
// created on disk.
func (f *serverFlags) listenMetrics() (net.Listener, error) {
	if f.metricsAddr == "" {
		return nil, nil
	}
	return app.ListenMetrics(f.metricsAddr)
}

// serve runs the cooperative on ln and, if mln is set, its metrics there,
// until ctx is cancelled or either fails.
func serve(ctx context.Context, a *app.App, log *slog.Logger, ln, mln net.Listener, ready func(url string)) error {
	if mln == nil {
		return a.Serve(ctx, ln, ready)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	metricsErr := make(chan error, 1)
	go func() {
		err := a.ServeMetrics(ctx, mln)
		if err != nil {
			cancel()
		}
		metricsErr <- err
	}()
	err := a.Serve(ctx, ln, func(url string) {
		log.Info("metrics", "url", app.URL(mln.Addr())+"/metrics")
		ready(url)
	})
	cancel()
	return errors.Join(err, <-metricsErr)
}

func dialectName(cfg app.Config) string {
	if cfg.DB != "" {
		return "postgres"
	}
	return "sqlite"
}
