package ledger_test

import (
	"database/sql"
	"os"
	"testing"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestMeasurePublishing runs the log benchmark small on SQLite and, when
// ALLMENDE_TEST_POSTGRES is set, on PostgreSQL: every event is published
// and the scratch PostgreSQL database is gone afterwards. (No timed
// assertion: the figures are for people, printed by allmende log bench.)
func TestMeasurePublishing(t *testing.T) {
	engines := map[string]string{"sqlite": ""}
	if pg := os.Getenv(storetest.EnvPostgres); pg != "" {
		engines["postgres"] = pg
	}
	for name, server := range engines {
		t.Run(name, func(t *testing.T) {
			before := benchDatabases(t, server)
			th, err := ledger.MeasurePublishing(t.Context(), t.TempDir(), server, 300, 3, 7)
			if err != nil {
				t.Fatal(err)
			}
			if th.Events != 300 || th.PerSecond <= 0 || th.Committed <= 0 || th.Committed > th.Elapsed || th.EntrySize < 100 {
				t.Fatalf("throughput = %+v", th)
			}
			if after := benchDatabases(t, server); after != before {
				t.Fatalf("scratch databases on the server: %d before, %d after", before, after)
			}
		})
	}
	if _, err := ledger.MeasurePublishing(t.Context(), t.TempDir(), "mysql://x", 300, 1, 1); err == nil {
		t.Fatal("a server that is not PostgreSQL was accepted")
	}
}

// benchDatabases counts the log benchmark's scratch databases on server.
func benchDatabases(t *testing.T, server string) int {
	t.Helper()
	if server == "" {
		return 0
	}
	db, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(t.Context(), `SELECT count(*) FROM pg_database WHERE datname LIKE 'allmende_logbench_%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
