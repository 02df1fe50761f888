package store

import (
	"container/list"
	"context"
	"database/sql"
	"sync"
)

// stmtCache runs SQLite's read queries as prepared statements, prepared
// once per query text and connection instead of on every call: for the
// small indexed queries that pages make, parsing and planning the SQL cost
// more than running it (a third of the dashboard's time before). The
// texts are mostly the constants of the code; queries built with a
// varying number of parameters should not come here at all (the ledger
// pads its lists to one width), but if they do, the cache keeps the
// maxCachedStmts most recently used and closes the least recently used
// one once nobody is running it, so a burst of one-off texts costs a few
// preparations and never leaves later queries unprepared.
type stmtCache struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[string]*list.Element // of *cachedStmt
	lru   list.List                // most recently used first
}

type cachedStmt struct {
	query string
	st    *sql.Stmt
	// users counts the calls running st; an evicted statement is closed
	// when the last of them is done. Guarded by stmtCache.mu.
	users   int
	evicted bool
}

const maxCachedStmts = 512

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*list.Element{}}
}

// acquire returns the prepared statement for query, marked in use, or
// nil to run the query as is. Call release when done with it.
func (c *stmtCache) acquire(ctx context.Context, query string) *cachedStmt {
	c.mu.Lock()
	if e, ok := c.stmts[query]; ok {
		c.lru.MoveToFront(e)
		cs := e.Value.(*cachedStmt)
		cs.users++
		c.mu.Unlock()
		return cs
	}
	c.mu.Unlock()
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		// Let the query itself report the error.
		return nil
	}
	c.mu.Lock()
	if e, ok := c.stmts[query]; ok { // prepared meanwhile by another call
		c.lru.MoveToFront(e)
		cs := e.Value.(*cachedStmt)
		cs.users++
		c.mu.Unlock()
		st.Close()
		return cs
	}
	cs := &cachedStmt{query: query, st: st, users: 1}
	c.stmts[query] = c.lru.PushFront(cs)
	var idle []*sql.Stmt
	for c.lru.Len() > maxCachedStmts {
		old := c.lru.Remove(c.lru.Back()).(*cachedStmt)
		delete(c.stmts, old.query)
		old.evicted = true
		if old.users == 0 {
			idle = append(idle, old.st)
		}
	}
	c.mu.Unlock()
	for _, st := range idle {
		st.Close()
	}
	return cs
}

// release ends a use of cs. Rows read through the statement may stay
// open: database/sql keeps a closed statement alive until its rows close.
func (c *stmtCache) release(cs *cachedStmt) {
	c.mu.Lock()
	cs.users--
	done := cs.evicted && cs.users == 0
	c.mu.Unlock()
	if done {
		cs.st.Close()
	}
}

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if cs := c.acquire(ctx, query); cs != nil {
		defer c.release(cs)
		return cs.st.ExecContext(ctx, args...)
	}
	return c.db.ExecContext(ctx, query, args...)
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if cs := c.acquire(ctx, query); cs != nil {
		defer c.release(cs)
		return cs.st.QueryContext(ctx, args...)
	}
	return c.db.QueryContext(ctx, query, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if cs := c.acquire(ctx, query); cs != nil {
		defer c.release(cs)
		return cs.st.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

// len is how many statements the cache holds.
func (c *stmtCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// close closes the statements before the pool.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, e := range c.stmts {
		e.Value.(*cachedStmt).st.Close()
		delete(c.stmts, q)
	}
	c.lru.Init()
}
