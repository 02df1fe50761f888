package tlog

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/transparency-dev/tessera"
	"github.com/transparency-dev/tessera/api/layout"
	"github.com/transparency-dev/tessera/storage/posix"

	"github.com/allmende/allmende/internal/filelock"
)

// ErrAlreadyOpen is returned by Open when this process already has the log
// directory open. Tessera's file locks are per process, so a second Log on
// the same directory would not be kept out by them.
var ErrAlreadyOpen = errors.New("log directory already open in this process")

// ErrInUse is returned by Open when another process has the log directory
// open: a log has exactly one writer, or it publishes entries twice.
var ErrInUse = errors.New("log directory in use by another process")

// lockFile, in the log directory, is held by the process that has the log
// open. Tessera's own locks serialise its writes but let two processes
// append side by side.
const lockFile = ".lock"

// awaitPoll is how often a waiting AwaitCheckpoint looks for a new
// checkpoint; reading the small checkpoint file is cheap.
const awaitPoll = 50 * time.Millisecond

// openDirs holds the absolute paths of the log directories open in this
// process.
var openDirs sync.Map

// A Log is an open transparency log. Its methods are safe for concurrent use.
type Log struct {
	cfg      Config
	key      *signingKey
	appender *tessera.Appender
	reader   tessera.LogReader
	shutdown func(context.Context) error
	awaiter  *tessera.PublicationAwaiter
	cancel   context.CancelFunc
	lock     *filelock.Lock

	// shared is set for a log on MySQL (mysql.go); appender is nil then
	// unless the Log came from Lead.
	shared *sharedLog
	// On a shared log the awaiter, which polls the database, is made on
	// first use (publicationAwaiter), on bg: readers seldom wait for
	// checkpoints.
	bg        context.Context
	awaitOnce sync.Once

	// appendTurn is held by the one caller of LockAppends at a time.
	appendTurn chan struct{}

	closeOnce sync.Once
	closeErr  error
}

// Open opens the log in cfg.Dir, creating the directory and the signing key
// on first start. It fails with a clear error, and leaves nothing behind that
// it created, when the data folder is missing or not writable, when the key
// does not belong to cfg.Origin, or when an existing log has lost its key.
//
// ctx bounds the opening only; the log keeps running until Close.
func Open(ctx context.Context, cfg Config) (l *Log, err error) {
	cfg, err = cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.MySQL != "" {
		return openMySQL(ctx, cfg)
	}
	if _, loaded := openDirs.LoadOrStore(cfg.Dir, true); loaded {
		return nil, fmt.Errorf("open log %s: %w", cfg.Dir, ErrAlreadyOpen)
	}
	// undo holds the steps that reverse what this call created, run in
	// reverse order when Open fails.
	undo := []func(){func() { openDirs.Delete(cfg.Dir) }}
	defer func() {
		if err != nil {
			for i := len(undo) - 1; i >= 0; i-- {
				undo[i]()
			}
		}
	}()

	created, err := prepareDir(cfg.Dir)
	if err != nil {
		return nil, err
	}
	if created {
		undo = append(undo, func() { os.RemoveAll(cfg.Dir) })
	}
	lock, err := filelock.Acquire(filepath.Join(cfg.Dir, lockFile))
	if errors.Is(err, filelock.ErrLocked) {
		return nil, fmt.Errorf("open log %s: %w (%w)", cfg.Dir, ErrInUse, err)
	}
	if err != nil {
		return nil, fmt.Errorf("open log %s: %w", cfg.Dir, err)
	}
	undo = append(undo, func() { lock.Release() })

	published, err := fileExists(filepath.Join(cfg.Dir, layout.CheckpointPath))
	if err != nil {
		return nil, fmt.Errorf("open log %s: %w", cfg.Dir, err)
	}
	haveKey, err := fileExists(cfg.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("open log %s: signing key: %w", cfg.Dir, err)
	}
	if !haveKey {
		if published {
			return nil, fmt.Errorf("open log %s: the log has published checkpoints but its signing key %s is missing; restore the key from a backup (a new key would be a different log)", cfg.Dir, cfg.KeyFile)
		}
		if err := createKey(cfg.KeyFile, cfg.Origin); err != nil {
			return nil, fmt.Errorf("open log %s: %w", cfg.Dir, err)
		}
		undo = append(undo, func() { os.Remove(cfg.KeyFile) })
	}
	key, err := loadKey(cfg.KeyFile, cfg.Origin)
	if err != nil {
		return nil, fmt.Errorf("open log %s: %w", cfg.Dir, err)
	}

	l = &Log{cfg: cfg, key: key, lock: lock, appendTurn: make(chan struct{}, 1)}
	if published {
		// A checkpoint signed by another key means the key file was
		// swapped; appending would publish a second, unrelated log.
		if _, err := l.readCheckpoint(ctx); err != nil {
			return nil, fmt.Errorf("open log %s: existing checkpoint does not verify with key %s: %w", cfg.Dir, cfg.KeyFile, err)
		}
	}

	// Tessera's background work (batching, checkpoint publishing, garbage
	// collection) lives until Close, not until the caller's ctx ends.
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	l.cancel = cancel
	undo = append(undo, cancel)

	driver, err := posix.New(bg, posix.Config{Path: cfg.Dir})
	if err != nil {
		return nil, fmt.Errorf("open log %s: %w", cfg.Dir, err)
	}
	opts := tessera.NewAppendOptions().
		WithCheckpointSigner(key.signer).
		WithBatching(cfg.BatchMaxSize, cfg.BatchMaxAge).
		WithCheckpointInterval(cfg.CheckpointInterval).
		// An unchanged checkpoint is re-signed now and then to show the log
		// is alive; Tessera wants that to be no more often than new ones.
		WithCheckpointRepublishInterval(max(tessera.DefaultCheckpointRepublishInterval, cfg.CheckpointInterval))
	l.appender, l.shutdown, l.reader, err = tessera.NewAppender(bg, driver, opts)
	if err != nil {
		return nil, fmt.Errorf("open log %s: %w", cfg.Dir, err)
	}

	size, err := l.reader.IntegratedSize(ctx)
	if err != nil {
		return nil, fmt.Errorf("open log %s: %w", cfg.Dir, err)
	}
	if err := removeStale(cfg.Dir, size); err != nil {
		return nil, fmt.Errorf("open log %s: removing leftovers of an interrupted batch: %w", cfg.Dir, err)
	}
	l.awaiter = tessera.NewPublicationAwaiter(bg, l.reader.ReadCheckpoint, awaitPoll)
	return l, nil
}

// prepareDir makes sure dir exists and is writable, creating it (but not its
// parent) if needed. It probes writability itself because Tessera panics
// rather than returning an error when it cannot create its lock files.
func prepareDir(dir string) (created bool, err error) {
	parent := filepath.Dir(dir)
	fi, err := os.Stat(parent)
	if err != nil {
		return false, fmt.Errorf("open log %s: data folder: %w", dir, err)
	}
	if !fi.IsDir() {
		return false, fmt.Errorf("open log %s: data folder %s is not a directory", dir, parent)
	}
	fi, err = os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.Mkdir(dir, 0o755); err != nil {
			return false, fmt.Errorf("open log %s: creating the log directory: %w", dir, err)
		}
		created = true
	case err != nil:
		return false, fmt.Errorf("open log %s: %w", dir, err)
	case !fi.IsDir():
		return false, fmt.Errorf("open log %s: not a directory", dir)
	}
	for _, d := range []string{dir, filepath.Join(dir, ".state")} {
		if err := probeWritable(d); err != nil {
			if created {
				os.Remove(dir)
			}
			return false, fmt.Errorf("open log %s: directory is not writable: %w", dir, err)
		}
	}
	return created, nil
}

// probeWritable creates and removes a file in dir. A missing dir is fine:
// Tessera creates .state itself once its parent is writable.
func probeWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".tmp-probe-*")
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}

func fileExists(path string) (bool, error) {
	_, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// Close waits until a published checkpoint covers every entry appended
// through this Log (bounded by ctx), then stops the background work.
func (l *Log) Close(ctx context.Context) error {
	l.closeOnce.Do(func() {
		if l.shutdown != nil {
			if err := l.shutdown(ctx); err != nil {
				l.closeErr = fmt.Errorf("close log %s: waiting for the final checkpoint: %w", l.where(), err)
			}
		}
		l.cancel()
		if l.shared != nil {
			l.closeErr = errors.Join(l.closeErr, l.shared.db.Close())
			return
		}
		l.lock.Release()
		openDirs.Delete(l.cfg.Dir)
	})
	return l.closeErr
}

// publicationAwaiter returns the log's awaiter, making it on first use.
func (l *Log) publicationAwaiter() *tessera.PublicationAwaiter {
	l.awaitOnce.Do(func() {
		if l.awaiter == nil {
			l.awaiter = tessera.NewPublicationAwaiter(l.bg, l.reader.ReadCheckpoint, awaitPoll)
		}
	})
	return l.awaiter
}

// where names the log in messages: its directory or its MySQL database.
func (l *Log) where() string {
	if l.shared != nil {
		return "on MySQL " + l.shared.where
	}
	return l.cfg.Dir
}

// Origin returns the checkpoint origin line.
func (l *Log) Origin() string { return l.cfg.Origin }

// VerifierKey returns the note verifier key of the log's signing key
// ("<origin>+<hash>+<key>"), which clients need to check checkpoints and
// which the server publishes at /log/key.
func (l *Log) VerifierKey() string { return l.key.vkey }
