package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/allmende/allmende/internal/store"
)

// Ledger records events in the database's outbox (the ledger_events table)
// in the caller's transaction, and tells whoever publishes them to the log
// that there is work.
type Ledger struct {
	db      *store.DB
	pending chan struct{}
	members publicIDs
}

// New returns a ledger over db.
func New(db *store.DB) *Ledger {
	return &Ledger{db: db, pending: make(chan struct{}, 1), members: publicIDs{ids: map[int64]string{}}}
}

// Pending signals, without blocking, each time a transaction that recorded
// events commits. The log publisher waits on it.
func (l *Ledger) Pending() <-chan struct{} { return l.pending }

func (l *Ledger) signal() {
	select {
	case l.pending <- struct{}{}:
	default:
	}
}

// Unlogged is an event that the log does not have yet.
type Unlogged struct {
	Seq     int64
	EventID string
	Entry   []byte
}

// Unpublished returns up to limit events not yet in the log, oldest first.
func (l *Ledger) Unpublished(ctx context.Context, limit int) ([]Unlogged, error) {
	rows, err := l.db.Read().QueryContext(ctx, `
		SELECT seq, event_id, entry FROM ledger_events
		WHERE log_index IS NULL ORDER BY seq LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("ledger: read outbox: %w", err)
	}
	defer rows.Close()
	var out []Unlogged
	for rows.Next() {
		var u Unlogged
		if err := rows.Scan(&u.Seq, &u.EventID, &u.Entry); err != nil {
			return nil, fmt.Errorf("ledger: read outbox: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ErrAlreadyLogged is returned by MarkLogged when an event already has a
// different log index: the log holds it twice, which must never happen.
var ErrAlreadyLogged = errors.New("ledger: event already has another log index")

// MarkLogged writes back the log index of each event, in one transaction.
// Writing the same index again is a no-op, so a publisher that restarts
// after a crash can replay its last batch safely.
func (l *Ledger) MarkLogged(ctx context.Context, indexes map[string]uint64) error {
	_, err := l.markLogged(ctx, indexes, false)
	return err
}

// A Duplicate is a second copy of an event in the log.
type Duplicate struct {
	EventID string
	Index   uint64 // the copy
	Logged  uint64 // the index the database has for the event
}

// markLogged is MarkLogged; with skipDuplicates, an event that already has
// another index is returned as a Duplicate instead of failing the whole
// transaction. That is for entries read back from the log, which may hold
// copies published before issue 11 was fixed: they stay in the log for
// good, and the first index is the one receipts are made for.
//
// The whole batch is one UPDATE (the indexes travel as one JSON object),
// so the write-back holds SQLite's one writer for a moment rather than for
// a statement per event; only when it updated fewer rows than it was given
// — an event unknown or already indexed, which is rare — does it look at
// the events one by one.
func (l *Ledger) markLogged(ctx context.Context, indexes map[string]uint64, skipDuplicates bool) (dups []Duplicate, err error) {
	if len(indexes) == 0 {
		return nil, nil
	}
	batch, err := json.Marshal(indexes)
	if err != nil {
		return nil, fmt.Errorf("ledger: mark logged: %w", err)
	}
	update, current := markLoggedSQLite, loggedIndexesSQLite
	if l.db.Dialect() == store.Postgres {
		update, current = markLoggedPostgres, loggedIndexesPostgres
	}
	now := store.Now()
	err = l.db.InTx(ctx, func(tx *store.Tx) error {
		dups = dups[:0]
		res, err := tx.ExecContext(ctx, update, string(batch), now)
		if err != nil {
			return fmt.Errorf("ledger: mark logged: %w", err)
		}
		if n, err := res.RowsAffected(); err == nil && n == int64(len(indexes)) {
			return nil
		}
		// Rare: some event is unknown or already has an index.
		rows, err := tx.QueryContext(ctx, current, string(batch))
		if err != nil {
			return fmt.Errorf("ledger: mark logged: %w", err)
		}
		have := make(map[string]sql.NullInt64, len(indexes))
		for rows.Next() {
			var id string
			var cur sql.NullInt64
			if err := rows.Scan(&id, &cur); err != nil {
				rows.Close()
				return fmt.Errorf("ledger: mark logged: %w", err)
			}
			have[id] = cur
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("ledger: mark logged: %w", err)
		}
		for id, idx := range indexes {
			cur, ok := have[id]
			if !ok {
				return fmt.Errorf("ledger: mark logged: event %s: %w", id, store.ErrNotFound)
			}
			if cur.Valid && uint64(cur.Int64) == idx {
				continue
			}
			if !skipDuplicates {
				return fmt.Errorf("%w: event %s at %d and %d", ErrAlreadyLogged, id, cur.Int64, idx)
			}
			dups = append(dups, Duplicate{EventID: id, Index: idx, Logged: uint64(cur.Int64)})
		}
		return nil
	})
	return dups, err
}

// The write-back's statements take $1, a JSON object from event id to log
// index. SQLite plans the UPDATE as a scan of the object and a lookup of
// each event by its unique event_id (EXPLAIN QUERY PLAN: SCAN v, SEARCH
// ledger_events USING INDEX).
const (
	markLoggedSQLite = `UPDATE ledger_events SET log_index = v.value, logged_at = $2
		FROM json_each($1) AS v
		WHERE ledger_events.event_id = v.key AND ledger_events.log_index IS NULL`
	markLoggedPostgres = `UPDATE ledger_events SET log_index = v.value::bigint, logged_at = $2
		FROM jsonb_each_text($1::jsonb) AS v
		WHERE ledger_events.event_id = v.key AND ledger_events.log_index IS NULL`
	loggedIndexesSQLite = `SELECT event_id, log_index FROM ledger_events
		WHERE event_id IN (SELECT key FROM json_each($1))`
	loggedIndexesPostgres = `SELECT event_id, log_index FROM ledger_events
		WHERE event_id IN (SELECT jsonb_object_keys($1::jsonb))`
)

// The query of logged takes $1, a JSON array of event ids: one text
// whatever the batch's size, so SQLite's statement cache holds it once,
// and one query per batch.
const (
	loggedSQLite = `SELECT event_id FROM ledger_events
		WHERE log_index IS NOT NULL AND event_id IN (SELECT value FROM json_each($1))`
	loggedPostgres = `SELECT event_id FROM ledger_events
		WHERE log_index IS NOT NULL AND event_id IN (SELECT jsonb_array_elements_text($1::jsonb))`
)

// logged returns which events of batch the database has a log index for.
func (l *Ledger) logged(ctx context.Context, batch []Unlogged) (map[string]bool, error) {
	out := map[string]bool{}
	if len(batch) == 0 {
		return out, nil
	}
	ids := make([]string, len(batch))
	for i, u := range batch {
		ids[i] = u.EventID
	}
	arg, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("ledger: read logged events: %w", err)
	}
	query := loggedSQLite
	if l.db.Dialect() == store.Postgres {
		query = loggedPostgres
	}
	rows, err := l.db.Read().QueryContext(ctx, query, string(arg))
	if err != nil {
		return nil, fmt.Errorf("ledger: read logged events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("ledger: read logged events: %w", err)
		}
		out[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: read logged events: %w", err)
	}
	return out, nil
}

// firstUnrecorded returns the lowest log index no event has, and one more
// than the highest index an event has (0 and 0 for none). They differ only
// when a publisher died with a batch unrecorded while another recorded a
// later one, or when the log holds copies of events.
func (l *Ledger) firstUnrecorded(ctx context.Context) (first, end uint64, err error) {
	var n int64
	var highest sql.NullInt64
	q := l.db.Read()
	if err := q.QueryRowContext(ctx, `SELECT count(log_index), max(log_index) FROM ledger_events WHERE log_index IS NOT NULL`).Scan(&n, &highest); err != nil {
		return 0, 0, err
	}
	if !highest.Valid {
		return 0, 0, nil
	}
	end = uint64(highest.Int64) + 1
	if uint64(n) == end {
		return end, end, nil
	}
	// A gap: the first index whose successor is missing, or 0 itself.
	var zero int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM ledger_events WHERE log_index = 0`).Scan(&zero); err != nil {
		return 0, 0, err
	}
	if zero == 0 {
		return 0, end, nil
	}
	var gap int64
	err = q.QueryRowContext(ctx, `
		SELECT min(e.log_index) + 1 FROM ledger_events e
		WHERE e.log_index IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM ledger_events f WHERE f.log_index = e.log_index + 1)`).Scan(&gap)
	if err != nil {
		return 0, 0, err
	}
	return uint64(gap), end, nil
}

// Forget deletes the private half of an event — its salt and content — so
// that its public entry can no longer be opened or linked to anyone. It is
// part of erasure and cannot be undone.
func (l *Ledger) Forget(ctx context.Context, tx *store.Tx, eventID string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE ledger_events SET salt = NULL, content = NULL WHERE event_id = $1`, eventID); err != nil {
		return fmt.Errorf("ledger: forget %s: %w", eventID, err)
	}
	return nil
}
