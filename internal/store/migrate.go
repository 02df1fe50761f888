package store

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// The schema is written once per dialect because the two differ in types
// (INTEGER PRIMARY KEY vs identity columns, BLOB vs BYTEA); each directory
// holds the same numbered steps, and a test checks they stay in step.
//
//go:embed migrations
var migrations embed.FS

// ErrSchemaTooNew is returned when the database was migrated by a newer
// allmende than this one: running old code on a newer schema could corrupt it.
var ErrSchemaTooNew = errors.New("database schema is newer than this allmende")

func (db *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(db.dialect))
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if db.dialect == Postgres {
		dialect = goose.DialectPostgres
		// Replicas starting together must not migrate at the same time.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, db.write, sub, opts...)
}

// migrate brings the schema up to the newest version this binary knows, and
// refuses to touch a schema that is newer.
func (db *DB) migrate(ctx context.Context) error {
	p, err := db.provider()
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if known := SchemaVersion(); current > known {
		return fmt.Errorf("%w: the database is at schema version %d, this binary knows up to %d; run a newer allmende", ErrSchemaTooNew, current, known)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate %s schema: %w", db.dialect, err)
	}
	return nil
}

// SchemaVersion is the newest schema version this binary can migrate to:
// the highest step number, which is what goose records, and not the number
// of files — steps are numbered when they are written, so the numbers can
// have gaps.
func SchemaVersion() int64 {
	entries, _ := fs.ReadDir(migrations, "migrations/sqlite")
	var newest int64
	for _, e := range entries {
		n, err := goose.NumericComponent(e.Name())
		if err == nil && n > newest {
			newest = n
		}
	}
	return newest
}

// Version reports the schema version the database is at.
func (db *DB) Version(ctx context.Context) (int64, error) {
	p, err := db.provider()
	if err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}

// MigrationsDigest names the schema this binary migrates to, by the
// SHA-256 of every migration file of both dialects: two binaries with the
// same digest build the same database. Tests use it to share one migrated
// PostgreSQL template among runs (storetest).
func MigrationsDigest() string {
	h := sha256.New()
	_ = fs.WalkDir(migrations, "migrations", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := migrations.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", path, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))
}
