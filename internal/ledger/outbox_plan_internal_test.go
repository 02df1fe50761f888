package ledger

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// TestBatchStatementsLookUpEventsByID: SQLite runs the write-back and the
// logged query of a batch as a lookup of each event by its unique id, not
// as a scan of the outbox per event (which an UPDATE … FROM (VALUES …)
// was planned as).
func TestBatchStatementsLookUpEventsByID(t *testing.T) {
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "plan.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{markLoggedSQLite, loggedIndexesSQLite, loggedSQLite} {
		rows, err := db.Read().QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+q, `{"e":1}`, 0)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		p := strings.Join(plan, "; ")
		if !strings.Contains(p, "SEARCH ledger_events USING") || strings.Contains(p, "SCAN ledger_events") {
			t.Errorf("plan of %s\n= %s, want a search of ledger_events by event_id", q, p)
		}
	}
}
