package tlog

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Defaults chosen for a small cooperative: an event reaches the tree within
// a few tens of milliseconds and a signed checkpoint within about a second.
// BenchmarkAppend and README.md record the measurements behind them.
const (
	// DefaultBatchMaxSize flushes a batch as soon as this many entries wait,
	// so a large Append does not wait for DefaultBatchMaxAge.
	DefaultBatchMaxSize = 256
	// DefaultBatchMaxAge is the longest an entry waits for others to share
	// its batch (each batch costs a handful of fsyncs).
	DefaultBatchMaxAge = 20 * time.Millisecond
	// DefaultCheckpointInterval is how often a new checkpoint is signed and
	// published when the tree has grown.
	DefaultCheckpointInterval = time.Second
	// MinCheckpointInterval is the smallest interval Tessera's POSIX driver
	// accepts.
	MinCheckpointInterval = 100 * time.Millisecond
	// MinMySQLCheckpointInterval is the smallest interval its MySQL driver
	// accepts.
	MinMySQLCheckpointInterval = time.Second
)

// MaxEntrySize is the largest entry tlog-tiles can hold: entry bundles use a
// 16-bit length prefix.
const MaxEntrySize = 1<<16 - 1

// Config says where the log lives and how it batches.
type Config struct {
	// Dir is the log directory of the POSIX driver. Its parent (the
	// server's data folder) must exist; Dir itself is created on first
	// start. It is not used when MySQL is set.
	Dir string
	// MySQL, when set, keeps the log in a MySQL or MariaDB database
	// through Tessera's MySQL driver instead of in Dir: a go-sql-driver
	// DSN such as "user:pass@tcp(db:3306)/allmende_log". Several servers
	// share such a log; Open gives each a reader, and only the one that
	// holds the leader lease calls Lead to append (see mysql.go).
	MySQL string
	// KeyFile is the note signing key. It is created with mode 0600 on
	// first start; a key readable by others is refused. Keep it out of Dir
	// so that nobody serves it by accident.
	KeyFile string
	// Origin is the checkpoint's first line and the key's name, e.g.
	// "coop.example/log": the URL prefix of the log without scheme.
	Origin string

	// BatchMaxSize and BatchMaxAge bound a batch: it is written when it
	// holds BatchMaxSize entries or its oldest entry is BatchMaxAge old.
	// Zero means the default.
	BatchMaxSize uint
	BatchMaxAge  time.Duration
	// CheckpointInterval is the time between published checkpoints while
	// the log grows. Zero means the default; it may not be below
	// MinCheckpointInterval.
	CheckpointInterval time.Duration
}

// withDefaults fills in zero fields and checks the rest.
func (c Config) withDefaults() (Config, error) {
	var errs []error
	if c.Dir == "" && c.MySQL == "" {
		errs = append(errs, errors.New("no log directory (Dir) and no MySQL database (MySQL)"))
	}
	if c.KeyFile == "" {
		errs = append(errs, errors.New("no signing key file (KeyFile)"))
	}
	if err := checkOrigin(c.Origin); err != nil {
		errs = append(errs, err)
	}
	if c.BatchMaxSize == 0 {
		c.BatchMaxSize = DefaultBatchMaxSize
	}
	if c.BatchMaxAge == 0 {
		c.BatchMaxAge = DefaultBatchMaxAge
	}
	if c.BatchMaxAge < 0 {
		errs = append(errs, fmt.Errorf("batch max age %v is negative", c.BatchMaxAge))
	}
	if c.CheckpointInterval == 0 {
		c.CheckpointInterval = DefaultCheckpointInterval
	}
	if c.MySQL != "" && c.CheckpointInterval < MinMySQLCheckpointInterval {
		errs = append(errs, fmt.Errorf("checkpoint interval %v is below the MySQL driver's minimum %v", c.CheckpointInterval, MinMySQLCheckpointInterval))
	} else if c.CheckpointInterval < MinCheckpointInterval {
		errs = append(errs, fmt.Errorf("checkpoint interval %v is below the minimum %v", c.CheckpointInterval, MinCheckpointInterval))
	}
	if err := errors.Join(errs...); err != nil {
		return c, fmt.Errorf("tlog config: %w", err)
	}
	var err error
	if c.MySQL != "" {
		c.Dir = "" // not used; keeps openDirs and the folder checks out of it
	} else if c.Dir, err = filepath.Abs(c.Dir); err != nil {
		return c, fmt.Errorf("tlog config: %w", err)
	}
	if c.KeyFile, err = filepath.Abs(c.KeyFile); err != nil {
		return c, fmt.Errorf("tlog config: %w", err)
	}
	return c, nil
}

// checkOrigin applies the signed-note rules for key names, because the
// origin is also the name of the signing key: non-empty UTF-8 without
// spaces or plus signs.
func checkOrigin(origin string) error {
	if origin == "" {
		return errors.New("no checkpoint origin (Origin)")
	}
	if !utf8.ValidString(origin) || strings.ContainsFunc(origin, func(r rune) bool { return r == '+' || unicode.IsSpace(r) }) {
		return fmt.Errorf("origin %q must be UTF-8 without spaces or '+'", origin)
	}
	return nil
}
