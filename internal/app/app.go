// Package app wires the cooperative together: configuration → data folder
// → store → services → HTTP server and background jobs, and takes them down
// again in order on shutdown.
package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/bounty"
	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/egress"
	"github.com/allmende/allmende/internal/filelock"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/mail"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/tlog"
	"github.com/allmende/allmende/internal/vault"
	"github.com/allmende/allmende/internal/web"
	"github.com/allmende/allmende/internal/work"
)

// Config is everything a server needs to start.
type Config struct {
	// DataDir holds the SQLite database (unless DB is set), blobs and,
	// later, the transparency log and keys.
	DataDir string
	// DB is a PostgreSQL URL; empty means SQLite in DataDir.
	DB string
	// Blobs is where files are kept: empty means the folder blobs in
	// DataDir, s3://BUCKET?endpoint=HOST:PORT&region=R&insecure=1 an
	// S3-compatible bucket that replicas share (blobs.go).
	Blobs string
	// SecureCookies marks cookies Secure even on plain HTTP, for servers
	// behind a TLS-terminating proxy.
	SecureCookies bool
	// TrustedProxies are the reverse proxies in front of the server; only
	// from them is X-Forwarded-For believed, for limits per client address.
	TrustedProxies []netip.Prefix
	// LogOrigin names the transparency log in its checkpoints: the URL of
	// /log without the scheme. Empty means this host's name + "/log".
	LogOrigin string
	// LogCheckpointInterval is how often a new checkpoint is signed while
	// the log grows; zero means the log's default (one second).
	LogCheckpointInterval time.Duration
	// LogMySQL keeps the transparency log in MySQL/MariaDB (a
	// go-sql-driver DSN) instead of in DataDir, shared by every replica:
	// all serve it, the one holding the publisher lease appends.
	LogMySQL string
	// ReplayBrowser is the Chromium that runs automations: empty means
	// /usr/bin/chromium, "none" that this server runs none.
	ReplayBrowser string
	// ReplayAllowPrivate lets automations reach private and loopback
	// addresses (the demo's own practice pages); off, a recording cannot
	// make the server read its own network.
	ReplayAllowPrivate bool
	// UpstreamAllowPrivate lets models forward to upstreams on private,
	// loopback and link-local addresses (the cooperative's own LLM on its
	// LAN); off, registering a model cannot make the server reach its own
	// network.
	UpstreamAllowPrivate bool
	// EpochLength is how long an epoch runs before its points turn into
	// governance shares; zero means 30 days.
	EpochLength time.Duration
	// ModelCacheBytes bounds the memory of the model versions' adapters
	// loaded at once; zero means model.DefaultModelCacheBytes.
	ModelCacheBytes int64
	// Offline opens the cooperative for a command-line tool that runs
	// beside the server (export, backup, steward): the database and the
	// vault, but not the transparency log, which belongs to the server.
	// Without it, Open locks the data folder for the process's life: one
	// server per folder, since the log in it has exactly one writer.
	Offline bool
	// MustExist refuses a data folder (or PostgreSQL database) that holds
	// no cooperative, for tools that read one (backup, export), and creates
	// nothing: a mistyped --data is an error, not a new cooperative.
	MustExist bool
	// VaultKeyFile and LogKeyFile are the cooperative's two secrets, files
	// that must exist (allmende keys init writes them); empty means
	// vault.key and log.key in DataDir, made on first start. With DB both
	// are required (VaultKeyFile only, if Offline): replicas sharing a
	// database share the keys, and none makes its own (keys.go).
	VaultKeyFile, LogKeyFile string
	// Currency is what a point is worth, as every page, API answer and
	// export writes amounts; the zero value is points.DefaultCurrency.
	Currency points.Currency
	// SMTP is the server that sends the members' opt-in news digest; with
	// no Addr, members cannot ask for one and no e-mail is ever sent.
	SMTP mail.SMTP
}

// App is a running cooperative.
type App struct {
	cfg      Config
	log      *slog.Logger
	DB       *store.DB
	Blobs    store.Blobs
	Ledger   *ledger.Ledger
	Members  *member.Service
	Vault    *vault.Vault
	Params   *coop.Params
	Reward   *reward.Service
	Models   *model.Service
	Govern   *govern.Service
	Actions  *action.Service
	Bounties *bounty.Service
	browser  *action.Browser
	Datanets *datanet.Service
	Work     *work.Service
	Log      *tlog.Log
	Web      *web.Server
	registry *prometheus.Registry
	lock     *filelock.Lock // the data folder's, held unless Offline
	leading  atomic.Bool    // holds the publisher lease (publish.go)
}

// DataDir is the data folder the app runs on.
func (a *App) DataDir() string { return a.cfg.DataDir }

// Open prepares the data folder and database and builds the services. It
// either returns a ready App or an error and leaves nothing behind that it
// created.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (a *App, err error) {
	if cfg.DataDir == "" {
		return nil, errors.New("no data folder: pass --data DIR")
	}
	// Tessera logs through klog; send it to our structured log.
	routeKlog(log)
	if err := checkKeyConfig(cfg); err != nil {
		return nil, err
	}
	if cfg.MustExist {
		if err := checkCooperative(cfg); err != nil {
			return nil, err
		}
	}
	created, err := prepareDataDir(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil && created {
			// Leave no half-made data folder behind.
			os.RemoveAll(cfg.DataDir)
		}
	}()
	var lock *filelock.Lock
	if !cfg.Offline {
		if lock, err = lockDataDir(cfg.DataDir); err != nil {
			return nil, err
		}
		defer func() {
			if err != nil {
				lock.Release()
			}
		}()
	}
	dbURL := cfg.DB
	if dbURL == "" {
		dbURL = filepath.Join(cfg.DataDir, "allmende.db")
	}
	db, err := store.Open(ctx, dbURL, store.Options{MustExist: cfg.MustExist})
	if err != nil {
		return nil, noSchema(cfg, err)
	}
	defer func() {
		if err != nil {
			db.Close()
		}
	}()
	blobs, err := openBlobs(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	// The vault before the log: a server with the wrong vault key must
	// not get as far as signing anything.
	v, err := openVault(db, cfg)
	if err != nil {
		return nil, err
	}
	var tl *tlog.Log
	if !cfg.Offline {
		if tl, err = openLog(ctx, cfg, db); err != nil {
			return nil, err
		}
	}
	defer func() {
		if err != nil && tl != nil {
			tl.Close(context.WithoutCancel(ctx))
		}
	}()
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	a = &App{cfg: cfg, log: log, DB: db, Blobs: blobs, Log: tl, registry: reg, lock: lock}
	a.Ledger = ledger.New(db)
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "allmende_ledger_events_pending",
		Help: "Ledger events committed but not yet in the transparency log.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		s, err := a.Ledger.Stats(ctx)
		if err != nil {
			return -1
		}
		return float64(s.Pending)
	}))
	a.Members = member.NewService(db, a.Ledger)
	a.Vault = v
	a.Datanets = datanet.NewService(db, a.Ledger, v, blobs, filepath.Join(cfg.DataDir, "dedup"))
	a.Datanets.Log = log
	a.Params = coop.New(db)
	a.Reward = reward.NewService(db, a.Ledger)
	a.Work = work.NewService(db, blobs, a.Reward, a.Params)
	a.Work.SetCurrency(cmp.Or(cfg.Currency, points.DefaultCurrency))
	if cfg.SMTP.Addr != "" {
		a.Work.SetMailer(cfg.SMTP)
	}
	a.Models = model.NewService(db, a.Reward, a.Params, a.Datanets, a.Vault, filepath.Join(cfg.DataDir, "models"))
	a.Models.AllowPrivate, a.Models.Log = cfg.UpstreamAllowPrivate, log
	a.Models.UseFactory(a.Ledger, blobs, cfg.ModelCacheBytes)
	a.Models.UseProjects(a.Work)
	a.Datanets.KeepCopy(a.Models) // erasure reaches the models' indexes
	a.Govern = govern.NewService(db, a.Ledger, a.Params)
	a.Actions = action.NewService(db, a.Ledger, a.Reward, a.Params, a.Vault, a.Datanets, log)
	a.Actions.Currency = cmp.Or(cfg.Currency, points.DefaultCurrency)
	a.Bounties = bounty.NewService(db, a.Reward, a.Actions)
	a.Bounties.Currency = a.Actions.Currency
	if cfg.ReplayBrowser != "none" {
		a.browser = &action.Browser{ExecPath: cfg.ReplayBrowser, Guard: egress.Guard{AllowPrivate: cfg.ReplayAllowPrivate}, Log: log}
		a.Actions.Replayer = a.browser
		a.Actions.Actor = a.browser
	}
	a.Web = web.New(web.Deps{
		DB: db, Blobs: blobs, Members: a.Members, Datanets: a.Datanets, Work: a.Work, Ledger: a.Ledger, TLog: tl,
		Reward: a.Reward, Params: a.Params, Models: a.Models, Vault: a.Vault, Govern: a.Govern, Actions: a.Actions,
		Log: log, Registry: reg, SecureCookies: cfg.SecureCookies, TrustedProxies: cfg.TrustedProxies,
		Currency: cmp.Or(cfg.Currency, points.DefaultCurrency),
		Bounties: a.Bounties,
	})
	return a, nil
}

// prepareDataDir creates the folder if needed and proves it is writable
// before anything is put into it.
func prepareDataDir(dir string) (created bool, err error) {
	if st, err := os.Stat(dir); err == nil {
		if !st.IsDir() {
			return false, fmt.Errorf("data folder %s is a file, not a folder: choose another --data", dir)
		}
	} else if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return false, fmt.Errorf("cannot create data folder %s: %v; choose another --data or fix the permissions", dir, unwrapPathError(err))
		}
		created = true
	} else {
		return false, fmt.Errorf("cannot use data folder %s: %v; choose another --data", dir, unwrapPathError(err))
	}
	probe := filepath.Join(dir, ".allmende-write-test")
	if err := os.WriteFile(probe, nil, 0o600); err != nil {
		if created {
			os.RemoveAll(dir)
		}
		return false, fmt.Errorf("data folder %s is not writable: %v; choose another --data or fix the permissions", dir, unwrapPathError(err))
	}
	os.Remove(probe)
	return created, nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Close releases the log and the database.
func (a *App) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var logErr error
	if a.Log != nil {
		logErr = a.Log.Close(ctx)
	}
	if a.browser != nil {
		a.browser.Close()
	}
	err := errors.Join(a.Models.Close(), a.Datanets.Close(), logErr, a.DB.Close())
	// Last: another server may take the folder only once this one has
	// finished writing to it.
	return errors.Join(err, a.lock.Release())
}

func openLog(ctx context.Context, cfg Config, db *store.DB) (*tlog.Log, error) {
	if err := checkLogKey(ctx, db, cfg); err != nil {
		return nil, err
	}
	keyFile := cfg.logKeyFile()
	origin := cfg.LogOrigin
	if origin == "" {
		// Keep the origin the log was created with; name a new log after
		// this host.
		if o, err := tlog.KeyOrigin(keyFile); err == nil {
			origin = o
		} else {
			origin = DefaultLogOrigin()
		}
	}
	tl, err := tlog.Open(ctx, tlog.Config{
		Dir:     filepath.Join(cfg.DataDir, "log"),
		KeyFile: keyFile,
		// The publisher appends up to 1024 events at a time; let one
		// append be one batch on disk (fewer fsyncs per event).
		BatchMaxSize:       1024,
		Origin:             origin,
		CheckpointInterval: cfg.LogCheckpointInterval,
		MySQL:              cfg.LogMySQL,
	})
	if err != nil {
		return nil, fmt.Errorf("transparency log: %w", err)
	}
	if err := recordLogKey(ctx, db, cfg, tl.VerifierKey()); err != nil {
		tl.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	return tl, nil
}

// DefaultLogOrigin is the checkpoint origin when none is configured: this
// host's name followed by /log, the path the log is served at.
func DefaultLogOrigin() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	return strings.ToLower(host) + "/log"
}

// Listen opens the server's address. Commands call it before Open, so
// that a busy port is reported before anything is created on disk.
func Listen(addr string) (net.Listener, error) { return listen(addr, "--addr") }

// ListenMetrics opens the operator's metrics address, as Listen does.
func ListenMetrics(addr string) (net.Listener, error) { return listen(addr, "--metrics-addr") }

func listen(addr, flag string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("address %s is already in use: stop the other server or choose another %s", addr, flag)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %v; choose another %s", addr, err, flag)
	}
	return ln, nil
}

// ServeMetrics serves the Prometheus metrics, and nothing else, on ln
// until ctx is cancelled. The public address does not serve them.
func (a *App) ServeMetrics(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.Web.MetricsHandler(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	stop := context.AfterFunc(ctx, func() {
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdownCtx)
	})
	defer stop()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("metrics: %w", err)
	}
	return nil
}

// Serve serves on ln until ctx is cancelled, then shuts down gracefully:
// in-flight requests get ten seconds to finish, background jobs stop, and
// the database is left consistent. ready is called with the server's URL
// once it accepts connections.
func (a *App) Serve(ctx context.Context, ln net.Listener, ready func(url string)) error {
	var err error
	srv := &http.Server{
		Handler:           a.Web,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	jobsCtx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() { a.Background(jobsCtx) })

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	if ready != nil {
		ready(URL(ln.Addr()))
	}
	select {
	case err = <-serveErr:
	case <-ctx.Done():
		a.log.Info("shutting down")
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = srv.Shutdown(shutdownCtx)
		cancel()
	}
	stopJobs()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// Background runs what works behind the web server — the job runner, the
// ledger publisher and the erasure sweep — until ctx is cancelled.
func (a *App) Background(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { a.runJobs(ctx) })
	wg.Go(func() { a.publish(ctx) })
	wg.Go(func() { a.sweepErasures(ctx) })
	wg.Wait()
}

// URL is how a person reaches a listener: "localhost" for an address that
// listens everywhere.
func URL(addr net.Addr) string {
	host, port, _ := net.SplitHostPort(addr.String())
	if host == "" || host == "::" || host == "0.0.0.0" || strings.HasPrefix(host, "[::]") {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
