package ledger_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/tlog"
	"github.com/allmende/allmende/internal/tlog/mysqltest"
)

// openShared opens a reader of the log on MySQL at dsn with the key in
// keyDir, and the appending side of it, both closed when the test ends.
func openShared(t *testing.T, dsn, keyDir string) (reader, leader *tlog.Log) {
	t.Helper()
	reader, err := tlog.Open(t.Context(), tlog.Config{
		MySQL:              dsn,
		KeyFile:            filepath.Join(keyDir, "log.key"),
		Origin:             "coop.example/log",
		BatchMaxAge:        5 * time.Millisecond,
		CheckpointInterval: tlog.MinMySQLCheckpointInterval,
	})
	if err != nil {
		t.Fatal(err)
	}
	leader, err = reader.Lead(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		leader.Close(ctx)
		reader.Close(ctx)
	})
	return reader, leader
}

// TestTwoLeadersOnASharedLogLogEachEventOnce: two replicas that both
// believe they lead — the old leader has not noticed yet that it lost its
// lease — append to one log on MySQL at once, each through its own
// connection. The log's appends are locked across servers, so each event
// is in the log once, at the index the database recorded.
func TestTwoLeadersOnASharedLogLogEachEventOnce(t *testing.T) {
	dsn := mysqltest.DSN(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		dsn := dsn
		if db.Dialect() == store.Postgres {
			dsn = mysqltest.DSN(t) // a log of its own for each database
		}
		l := ledger.New(db)
		ada := addMember(t, db, "m-ada", "ada@example.org")
		dirA, dirB := t.TempDir(), t.TempDir()
		reader, leaderA := openShared(t, dsn, dirA)
		key, err := os.ReadFile(filepath.Join(dirA, "log.key"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dirB, "log.key"), key, 0o600); err != nil {
			t.Fatal(err)
		}
		_, leaderB := openShared(t, dsn, dirB)

		var stops []func()
		for _, tl := range []*tlog.Log{leaderA, leaderB} {
			p := ledger.NewPublisher(ledger.New(db), tl, quiet)
			p.Poll = 5 * time.Millisecond
			stops = append(stops, startPublisher(t, p))
		}
		recordEvents(t, db, l, ada, 600)
		waitPublished(t, l)
		for _, stop := range stops {
			stop()
		}
		checkLogMatchesDB(t, db, reader, 600)
	})
}
