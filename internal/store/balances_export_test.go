package store

import "context"

// MigrateDownTo takes the schema back to version v, so that a test can
// build a database as an older allmende left it and migrate it up again.
func (db *DB) MigrateDownTo(ctx context.Context, v int64) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, v)
	return err
}

// MigrateUp brings the schema to the newest version, as Open does.
func (db *DB) MigrateUp(ctx context.Context) error { return db.migrate(ctx) }
