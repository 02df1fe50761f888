package tlog

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"

	mysqldrv "github.com/go-sql-driver/mysql"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/tessera"
	"github.com/transparency-dev/tessera/api/layout"
	"github.com/transparency-dev/tessera/storage/mysql"
)

// The log on a shared engine. With Config.MySQL set, the tiles, entry
// bundles, tree state and checkpoint live in a MySQL or MariaDB database,
// written by Tessera's MySQL driver, and several servers share them:
//
//   - Open gives every server a reader: it serves /log/, reads entries and
//     builds proofs and receipts from the database, and never appends.
//   - Lead gives the one server that holds the leader lease (a PostgreSQL
//     advisory lock, internal/app) an appender: a second Log whose Tessera
//     Appender sequences entries and publishes checkpoints.
//   - LockAppends also takes a MySQL named lock, so that appends stay
//     exactly once even if two servers believe for a moment that they lead
//     (the old leader has not yet noticed that it lost its lease): each
//     reads back what the other appended before appending itself.
//   - Every server must have the same signing key. The first one to open
//     the database records the key's verifier in it; a server with another
//     key is refused (ErrOtherKey) rather than signing a second log.

// ErrNotLeader is returned by Append on a log opened from MySQL: only the
// Log returned by Lead appends.
var ErrNotLeader = errors.New("this log is a reader of a shared log; append through the Log that Lead returns")

// ErrOtherKey is returned by Open when the shared log is signed with
// another key than this server's: it would publish a second, unrelated log.
var ErrOtherKey = errors.New("the shared log is signed with another key")

// mysqlSchema is Tessera v1.0.4's storage/mysql/schema.sql (Apache-2.0,
// which the driver does not apply itself) plus the table that records the
// log's verifier key. Every statement may run again on every start.
var mysqlSchema = []string{
	"CREATE TABLE IF NOT EXISTS `Tessera` (`id` TINYINT UNSIGNED NOT NULL, `compatibilityVersion` BIGINT UNSIGNED NOT NULL, PRIMARY KEY (`id`))",
	"INSERT IGNORE INTO `Tessera` (`id`, `compatibilityVersion`) VALUES (0, 1)",
	"CREATE TABLE IF NOT EXISTS `Checkpoint` (`id` TINYINT UNSIGNED NOT NULL, `note` MEDIUMBLOB NOT NULL, `published_at` BIGINT NOT NULL, PRIMARY KEY(`id`))",
	"CREATE TABLE IF NOT EXISTS `TreeState` (`id` TINYINT UNSIGNED NOT NULL, `size` BIGINT UNSIGNED NOT NULL, `root` TINYBLOB NOT NULL, PRIMARY KEY(`id`))",
	"CREATE TABLE IF NOT EXISTS `Subtree` (`level` TINYINT UNSIGNED NOT NULL, `index` BIGINT UNSIGNED NOT NULL, `nodes` MEDIUMBLOB NOT NULL, PRIMARY KEY(`level`, `index`))",
	"CREATE TABLE IF NOT EXISTS `TiledLeaves` (`tile_index` BIGINT UNSIGNED NOT NULL, `size` SMALLINT UNSIGNED NOT NULL, `data` LONGBLOB NOT NULL, PRIMARY KEY(`tile_index`))",
	// Allmende's own: the verifier key every server must sign with.
	"CREATE TABLE IF NOT EXISTS `AllmendeLogKey` (`id` TINYINT UNSIGNED NOT NULL, `verifier_key` VARCHAR(1024) NOT NULL, PRIMARY KEY(`id`))",
}

// sharedLog is what a Log on MySQL holds besides the common fields.
type sharedLog struct {
	db       *sql.DB
	where    string // user@host:port/db, for messages (never the password)
	lockName string // the MySQL named lock that serialises appends
}

// openMySQL is Open for Config.MySQL: it prepares the database and returns
// a reader.
func openMySQL(ctx context.Context, cfg Config) (l *Log, err error) {
	db, where, err := connectMySQL(ctx, cfg.MySQL)
	if err != nil {
		return nil, err
	}
	var undo []func()
	defer func() {
		if err != nil {
			for i := len(undo) - 1; i >= 0; i-- {
				undo[i]()
			}
			db.Close()
		}
	}()
	for _, stmt := range mysqlSchema {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return nil, fmt.Errorf("open log on MySQL %s: creating the tables: %w", where, err)
		}
	}
	// Tessera writes the empty tree only when an appender starts; readers
	// that start first need it to report size 0.
	if _, err := db.ExecContext(ctx, "INSERT IGNORE INTO `TreeState` (`id`, `size`, `root`) VALUES (0, 0, ?)", rfc6962.DefaultHasher.EmptyRoot()); err != nil {
		return nil, fmt.Errorf("open log on MySQL %s: %w", where, err)
	}
	storage, err := mysql.New(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("open log on MySQL %s: %w", where, err)
	}

	var recorded string
	err = db.QueryRowContext(ctx, "SELECT `verifier_key` FROM `AllmendeLogKey` WHERE `id` = 0").Scan(&recorded)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("open log on MySQL %s: %w", where, err)
	}
	_, cpErr := storage.ReadCheckpoint(ctx)
	published := cpErr == nil
	if cpErr != nil && !errors.Is(cpErr, fs.ErrNotExist) {
		return nil, fmt.Errorf("open log on MySQL %s: %w", where, cpErr)
	}
	haveKey, err := fileExists(cfg.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("open log on MySQL %s: signing key: %w", where, err)
	}
	if !haveKey {
		if published || recorded != "" {
			return nil, fmt.Errorf("open log on MySQL %s: the shared log exists (key %s) but this server has no signing key %s; give every server the same log key", where, recorded, cfg.KeyFile)
		}
		if err := createKey(cfg.KeyFile, cfg.Origin); err != nil {
			return nil, fmt.Errorf("open log on MySQL %s: %w", where, err)
		}
		undo = append(undo, func() { os.Remove(cfg.KeyFile) })
	}
	key, err := loadKey(cfg.KeyFile, cfg.Origin)
	if err != nil {
		return nil, fmt.Errorf("open log on MySQL %s: %w", where, err)
	}
	// The first server records its key; INSERT IGNORE lets two first
	// servers race, and the loser reads the winner's key and is refused.
	if _, err := db.ExecContext(ctx, "INSERT IGNORE INTO `AllmendeLogKey` (`id`, `verifier_key`) VALUES (0, ?)", key.vkey); err != nil {
		return nil, fmt.Errorf("open log on MySQL %s: recording the log key: %w", where, err)
	}
	if err := db.QueryRowContext(ctx, "SELECT `verifier_key` FROM `AllmendeLogKey` WHERE `id` = 0").Scan(&recorded); err != nil {
		return nil, fmt.Errorf("open log on MySQL %s: %w", where, err)
	}
	if recorded != key.vkey {
		return nil, fmt.Errorf("open log on MySQL %s: %w: the log's key is %s, this server's (%s) is %s; give every server the same log key", where, ErrOtherKey, recorded, cfg.KeyFile, key.vkey)
	}

	// Named locks are per server, not per database: name it after the
	// database, as the server sees it whatever DSN reached it.
	var dbHash string
	if err := db.QueryRowContext(ctx, "SELECT SHA1(DATABASE())").Scan(&dbHash); err != nil {
		return nil, fmt.Errorf("open log on MySQL %s: %w", where, err)
	}
	l = &Log{
		cfg:        cfg,
		key:        key,
		reader:     exactReader{storage},
		shared:     &sharedLog{db: db, where: where, lockName: "allmende-tlog-" + dbHash},
		appendTurn: make(chan struct{}, 1),
	}
	if published {
		if _, err := l.readCheckpoint(ctx); err != nil {
			return nil, fmt.Errorf("open log on MySQL %s: existing checkpoint does not verify with key %s: %w", where, cfg.KeyFile, err)
		}
	}
	l.bg, l.cancel = context.WithCancel(context.WithoutCancel(ctx))
	return l, nil
}

// connectMySQL opens a connection pool for dsn and checks that the server
// answers. Errors name the user, address and database, never the password.
func connectMySQL(ctx context.Context, dsn string) (*sql.DB, string, error) {
	mc, err := mysqldrv.ParseDSN(dsn)
	if err != nil {
		return nil, "", fmt.Errorf("open log on MySQL: the DSN is not valid (user:password@tcp(host:port)/database): %w", err)
	}
	if mc.DBName == "" {
		return nil, "", errors.New("open log on MySQL: the DSN names no database (user:password@tcp(host:port)/database)")
	}
	where := fmt.Sprintf("%s@%s/%s", mc.User, mc.Addr, mc.DBName)
	conn, err := mysqldrv.NewConnector(mc)
	if err != nil {
		return nil, "", fmt.Errorf("open log on MySQL %s: %w", where, err)
	}
	db := sql.OpenDB(conn)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, "", fmt.Errorf("open log on MySQL %s: cannot reach the database: %w", where, err)
	}
	return db, where, nil
}

// Shared reports whether the log lives on a shared engine (MySQL), where
// only the Log that Lead returns appends.
func (l *Log) Shared() bool { return l.shared != nil }

// Lead opens the appending side of a shared log: a Log with a Tessera
// Appender that sequences entries and publishes checkpoints. Call it only
// while holding the leader lease, and Close the returned Log as soon as the
// lease ends. It fails on a log that is not shared.
func (l *Log) Lead(ctx context.Context) (w *Log, err error) {
	if l.shared == nil {
		return nil, errors.New("lead: the log is not shared; it appends itself")
	}
	db, where, err := connectMySQL(ctx, l.cfg.MySQL)
	if err != nil {
		return nil, fmt.Errorf("lead: %w", err)
	}
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer func() {
		if err != nil {
			cancel()
			db.Close()
		}
	}()
	storage, err := mysql.New(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("lead: log on MySQL %s: %w", where, err)
	}
	w = &Log{
		cfg:        l.cfg,
		key:        l.key,
		reader:     exactReader{storage},
		shared:     &sharedLog{db: db, where: where, lockName: l.shared.lockName},
		appendTurn: make(chan struct{}, 1),
		bg:         bg,
		cancel:     cancel,
	}
	// The key was checked against the database when l was opened; check
	// the latest checkpoint again before signing more.
	if _, err := w.readCheckpoint(ctx); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("lead: log on MySQL %s: the latest checkpoint does not verify with this server's key: %w", where, err)
	}
	opts := tessera.NewAppendOptions().
		WithCheckpointSigner(l.key.signer).
		WithBatching(l.cfg.BatchMaxSize, l.cfg.BatchMaxAge).
		WithCheckpointInterval(l.cfg.CheckpointInterval).
		WithCheckpointRepublishInterval(max(tessera.DefaultCheckpointRepublishInterval, l.cfg.CheckpointInterval))
	w.appender, w.shutdown, _, err = tessera.NewAppender(bg, storage, opts)
	if err != nil {
		return nil, fmt.Errorf("lead: log on MySQL %s: %w", where, err)
	}
	return w, nil
}

// lockShared takes the MySQL named lock that serialises appends across
// servers. A named lock belongs to its connection: a server that dies
// loses it with its connection.
func (s *sharedLog) lockShared(ctx context.Context) (unlock func(), err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock appends on MySQL %s: %w", s.where, err)
	}
	for {
		// Wait at most a second at a time, so that ctx is looked at.
		var got sql.NullInt64
		err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, 1)", s.lockName).Scan(&got)
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("lock appends on MySQL %s: %w", s.where, err)
		}
		if got.Valid && got.Int64 == 1 {
			break
		}
		if ctx.Err() != nil {
			conn.Close()
			return nil, fmt.Errorf("lock appends: %w", ctx.Err())
		}
	}
	return func() {
		if _, err := conn.ExecContext(context.Background(), "DO RELEASE_LOCK(?)", s.lockName); err != nil {
			// A connection that may still hold the lock must not go back
			// to the pool: ErrBadConn makes database/sql close it, and the
			// server drops the lock with it.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}, nil
}

// exactReader answers tile and entry bundle reads with exactly the width
// asked for, as the POSIX driver and tlog-tiles do. Tessera's MySQL driver
// keeps one row per tile that grows in place, and answers a partial read
// with the whole row.
type exactReader struct {
	*mysql.Storage
}

func (r exactReader) ReadTile(ctx context.Context, level, index uint64, p uint8) ([]byte, error) {
	t, err := r.Storage.ReadTile(ctx, level, index, p)
	if err != nil {
		return nil, err
	}
	w := int(p)
	if w == 0 {
		w = layout.TileWidth
	}
	if len(t) < w*sha256.Size {
		return nil, fmt.Errorf("tile %d/%d holds %d bytes, want %d: %w", level, index, len(t), w*sha256.Size, fs.ErrNotExist)
	}
	return t[:w*sha256.Size], nil
}

func (r exactReader) ReadEntryBundle(ctx context.Context, index uint64, p uint8) ([]byte, error) {
	b, err := r.Storage.ReadEntryBundle(ctx, index, p)
	if err != nil {
		return nil, err
	}
	w := int(p)
	if w == 0 {
		w = layout.EntryBundleWidth
	}
	n, err := bundlePrefix(b, w)
	if err != nil {
		return nil, fmt.Errorf("entry bundle %d: %w", index, err)
	}
	return b[:n], nil
}

// bundlePrefix returns the length of the first w entries of an entry
// bundle (16-bit big-endian length, then the entry, per tlog-tiles).
func bundlePrefix(b []byte, w int) (int, error) {
	off := 0
	for i := range w {
		if len(b)-off < 2 {
			return 0, fmt.Errorf("holds %d entries, want %d", i, w)
		}
		n := int(binary.BigEndian.Uint16(b[off:]))
		if len(b)-off-2 < n {
			return 0, fmt.Errorf("entry %d is cut short", i)
		}
		off += 2 + n
	}
	return off, nil
}
