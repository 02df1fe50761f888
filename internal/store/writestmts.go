package store

import (
	"container/list"
	"context"
	"database/sql"
	"sync"
)

// writeStmts prepares the statements SQLite's transactions run, as
// stmtCache does for reads. A model call's charge runs some twenty
// statements, and parsing them was most of its time (a profile of the
// model-call benchmark: SQLite's parser 20 % of all CPU). A transaction
// holds SQLite's one write connection, so a statement cannot be prepared
// on the pool while it runs (database/sql would wait for a free
// connection): a text seen a second time is run as is and prepared after
// the transaction, and from then on transactions run it through
// Tx.StmtContext, which reuses the statement prepared on that connection.
// One-off texts (lists of varying length) are thus parsed once, not
// twice; the cache keeps the maxCachedStmts most recently used.
type writeStmts struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[string]*list.Element // of *writeStmt
	lru   list.List                // most recently used first
	seen  map[string]bool          // run once, unprepared
	want  []string                 // seen again: to prepare after the transaction
}

type writeStmt struct {
	query string
	st    *sql.Stmt
}

// maxSeenTexts bounds the texts remembered as seen once.
const maxSeenTexts = 4 * maxCachedStmts

func newWriteStmts(db *sql.DB) *writeStmts {
	return &writeStmts{db: db, stmts: map[string]*list.Element{}, seen: map[string]bool{}}
}

// get returns the statement prepared for query, or nil to run it as is.
func (w *writeStmts) get(query string) *sql.Stmt {
	w.mu.Lock()
	defer w.mu.Unlock()
	if e, ok := w.stmts[query]; ok {
		w.lru.MoveToFront(e)
		return e.Value.(*writeStmt).st
	}
	if w.seen[query] {
		delete(w.seen, query)
		w.want = append(w.want, query)
	} else {
		if len(w.seen) >= maxSeenTexts {
			clear(w.seen)
		}
		w.seen[query] = true
	}
	return nil
}

// prepareWanted prepares the texts seen again. It runs after a
// transaction, while its caller still holds the write turn, so the write
// connection is free.
func (w *writeStmts) prepareWanted(ctx context.Context) {
	w.mu.Lock()
	want := w.want
	w.want = nil
	w.mu.Unlock()
	for _, q := range want {
		st, err := w.db.PrepareContext(ctx, q)
		if err != nil {
			continue // the statement reports its error when run
		}
		w.mu.Lock()
		if _, ok := w.stmts[q]; ok {
			w.mu.Unlock()
			st.Close()
			continue
		}
		w.stmts[q] = w.lru.PushFront(&writeStmt{query: q, st: st})
		var old []*sql.Stmt
		for w.lru.Len() > maxCachedStmts {
			ws := w.lru.Remove(w.lru.Back()).(*writeStmt)
			delete(w.stmts, ws.query)
			old = append(old, ws.st)
		}
		w.mu.Unlock()
		for _, st := range old {
			st.Close() // database/sql keeps it until transactions using it end
		}
	}
}

// stmt returns query's prepared statement within tx, or nil.
func (tx *Tx) stmt(ctx context.Context, query string) *sql.Stmt {
	if tx.writes == nil {
		return nil
	}
	if st := tx.writes.get(query); st != nil {
		return tx.Tx.StmtContext(ctx, st)
	}
	return nil
}

// ExecContext runs query in the transaction, prepared once on SQLite.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := tx.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.Tx.ExecContext(ctx, query, args...)
}

// QueryContext runs query in the transaction, prepared once on SQLite.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := tx.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs query in the transaction, prepared once on SQLite.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := tx.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.Tx.QueryRowContext(ctx, query, args...)
}
