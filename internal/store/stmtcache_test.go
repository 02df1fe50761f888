package store_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestStatementCacheKeepsRecentQueries: SQLite's read cache holds at most
// MaxCachedStmts prepared statements, and once full it evicts the least
// recently used instead of refusing newcomers: a query text first seen
// after a burst of one-off queries (a list built with a varying number of
// parameters) is still prepared once and reused, not parsed on every call
// for the life of the process.
func TestStatementCacheKeepsRecentQueries(t *testing.T) {
	ctx := t.Context()
	db := storetest.Open(t, store.SQLite)
	insertMember(t, db, "a@example.org")
	hot := `SELECT count(*) FROM members WHERE email <> $1`
	for i := range store.MaxCachedStmts + 100 {
		var n int
		if err := db.Read().QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM members WHERE id > -%d`, i)).Scan(&n); err != nil || n != 1 {
			t.Fatalf("query %d: %d, %v", i, n, err)
		}
		if i%50 == 0 {
			// A query in steady use stays, however many pass by.
			if err := db.Read().QueryRowContext(ctx, hot, "x").Scan(&n); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := db.PreparedStatements(); n > store.MaxCachedStmts {
		t.Fatalf("the cache holds %d statements, more than %d", n, store.MaxCachedStmts)
	}
	if !store.IsCached(db, hot) {
		t.Fatal("a query in steady use was evicted by one-off queries")
	}
	fresh := `SELECT count(*) FROM members WHERE name <> $1`
	var n int
	if err := db.Read().QueryRowContext(ctx, fresh, "x").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if !store.IsCached(db, fresh) {
		t.Fatal("a query first seen after the cache filled up is not prepared and kept")
	}
}

// TestStatementCacheEvictsSafely: statements are evicted while other
// goroutines use them and while rows read through them are still open;
// neither may fail ("statement is closed") or read wrong rows.
func TestStatementCacheEvictsSafely(t *testing.T) {
	ctx := t.Context()
	db := storetest.Open(t, store.SQLite)
	insertMember(t, db, "a@example.org")
	insertMember(t, db, "b@example.org")
	// Rows opened before their statement is evicted stay readable.
	rows, err := db.Read().QueryContext(ctx, `SELECT email FROM members ORDER BY email`)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range store.MaxCachedStmts / 2 {
				q := fmt.Sprintf(`SELECT count(*) FROM members WHERE id > -%d`, (g*store.MaxCachedStmts/2+i)%(store.MaxCachedStmts+40))
				var n int
				if err := db.Read().QueryRowContext(ctx, q).Scan(&n); err != nil || n != 2 {
					errs <- fmt.Errorf("%s: %d, %v", q, n, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var got []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	if err := rows.Close(); err != nil || fmt.Sprint(got) != "[a@example.org b@example.org]" {
		t.Fatalf("rows read across an eviction: %v, %v", got, err)
	}
}
