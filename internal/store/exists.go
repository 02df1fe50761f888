package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// ErrNoSchema is returned by Open with Options.MustExist when the database
// does not exist or was never migrated: it holds no cooperative.
var ErrNoSchema = errors.New("holds no allmende schema")

// versionQuery reads the schema version goose recorded; goose writes a row
// for version 0 when it creates its table, so a migrated schema has more.
const versionQuery = `SELECT coalesce(max(version_id), 0) FROM goose_db_version WHERE is_applied`

// checkSQLiteSchema looks, through a read-only connection that creates
// nothing (no file, no write-ahead log), for a migrated schema in the
// SQLite file at path.
func checkSQLiteSchema(ctx context.Context, path string) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("database %s: the file does not exist: %w", path, ErrNoSchema)
	}
	if err != nil {
		return fmt.Errorf("database %s: %w", path, err)
	}
	if st.Size() == 0 {
		return fmt.Errorf("database %s: the file is empty: %w", path, ErrNoSchema)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("database %s: %w", path, err)
	}
	defer db.Close()
	var tables int
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'`).Scan(&tables)
	if err != nil {
		return fmt.Errorf("database %s: %w", path, describeSQLiteError(err))
	}
	return schemaVersionAbove0(ctx, db, tables > 0, "database "+path)
}

// checkPostgresSchema looks for a migrated schema on the search path.
func (db *DB) checkPostgresSchema(ctx context.Context, where string) error {
	var exists bool
	if err := db.read.QueryRowContext(ctx, `SELECT to_regclass('goose_db_version') IS NOT NULL`).Scan(&exists); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	return schemaVersionAbove0(ctx, db.read, exists, where)
}

func schemaVersionAbove0(ctx context.Context, q Querier, haveTable bool, where string) error {
	if !haveTable {
		return fmt.Errorf("%s: %w", where, ErrNoSchema)
	}
	var v int64
	if err := q.QueryRowContext(ctx, versionQuery).Scan(&v); err != nil {
		return fmt.Errorf("%s: read schema version: %w", where, err)
	}
	if v <= 0 {
		return fmt.Errorf("%s: %w", where, ErrNoSchema)
	}
	return nil
}
