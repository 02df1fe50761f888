package ledger

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/allmende/allmende/internal/store"
)

// Record stores ev in tx. The event exists exactly when tx commits, so a
// change and the event it causes can never be seen apart. It returns the
// event id.
func (l *Ledger) Record(ctx context.Context, tx *store.Tx, ev Event) (string, error) {
	ids, err := l.RecordAll(ctx, tx, []Event{ev})
	if err != nil {
		return "", err
	}
	return ids[0], nil
}

// RecordAll stores evs in tx, in their order, as Record does one, and
// returns their ids. The events travel in one statement (a JSON array),
// so a payout run or a batch intake costs one round trip to PostgreSQL
// and one statement on SQLite's writer rather than two per event: the
// per-event statements were nearly all of the log benchmark's time.
func (l *Ledger) RecordAll(ctx context.Context, tx *store.Tx, evs []Event) ([]string, error) {
	if len(evs) == 0 {
		return nil, nil
	}
	names, err := l.publicIDs(ctx, tx, evs)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	rows := make([]eventRow, len(evs))
	ids := make([]string, len(evs))
	var shares []sealed
	for i, ev := range evs {
		s, err := seal(ev, names[ev.MemberID], now)
		if err != nil {
			return nil, err
		}
		rows[i] = eventRow{ID: s.id, Type: string(ev.Type), Entry: hex.EncodeToString(s.entry), Salt: hex.EncodeToString(s.salt), Content: hex.EncodeToString(s.content)}
		if ev.MemberID != 0 {
			rows[i].Member = &evs[i].MemberID
		}
		ids[i] = s.id
		if len(s.lines) > 0 {
			shares = append(shares, s)
		}
	}
	arg, err := json.Marshal(rows)
	if err != nil {
		return nil, fmt.Errorf("ledger: record: %w", err)
	}
	insert := insertEventsSQLite
	if l.db.Dialect() == store.Postgres {
		insert = insertEventsPostgres
	}
	if _, err := tx.ExecContext(ctx, insert, string(arg), store.Now()); err != nil {
		return nil, fmt.Errorf("ledger: record %s: %w", evs[0].Type, err)
	}
	// Only reward splits have share lines, one split to a transaction.
	for _, s := range shares {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_shares (event_id, lines) VALUES ($1, $2)`, s.id, joinLines(s.lines)); err != nil {
			return nil, fmt.Errorf("ledger: record share lines of %s: %w", s.id, err)
		}
	}
	tx.AfterCommit(l.signal)
	return ids, nil
}

// eventRow is one event as RecordAll's statement reads it; the bytes are
// in hex, which both databases turn back into exactly the same bytes.
type eventRow struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Member  *int64 `json:"member"`
	Entry   string `json:"entry"`
	Salt    string `json:"salt"`
	Content string `json:"content"`
}

// The insert takes $1, a JSON array of eventRow, and $2, the time: one
// text for any number of events, so SQLite prepares it once. Rows are
// inserted in array order, so seq (and the log) keep the caller's order.
const (
	insertEventsSQLite = `INSERT INTO ledger_events (event_id, type, member_id, entry, salt, content, created_at)
		SELECT v.value->>'id', v.value->>'type', v.value->>'member', unhex(v.value->>'entry'), unhex(v.value->>'salt'), unhex(v.value->>'content'), $2
		FROM json_each($1) AS v ORDER BY v.key`
	insertEventsPostgres = `INSERT INTO ledger_events (event_id, type, member_id, entry, salt, content, created_at)
		SELECT v.e->>'id', v.e->>'type', (v.e->>'member')::bigint, decode(v.e->>'entry', 'hex'), decode(v.e->>'salt', 'hex'), decode(v.e->>'content', 'hex'), $2
		FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS v(e, n) ORDER BY v.n`
)

// publicIDs returns the public pseudonym of each member evs name, from
// the cache or, for those not in it, in one query.
func (l *Ledger) publicIDs(ctx context.Context, tx *store.Tx, evs []Event) (map[int64]string, error) {
	names := map[int64]string{}
	var missing []int64
	for _, ev := range evs {
		if ev.MemberID == 0 {
			continue
		}
		if _, ok := names[ev.MemberID]; ok {
			continue
		}
		if name, ok := l.members.get(ev.MemberID); ok {
			names[ev.MemberID] = name
			continue
		}
		names[ev.MemberID] = ""
		missing = append(missing, ev.MemberID)
	}
	if len(missing) == 0 {
		return names, nil
	}
	arg, err := json.Marshal(missing)
	if err != nil {
		return nil, fmt.Errorf("ledger: members: %w", err)
	}
	query := membersSQLite
	if l.db.Dialect() == store.Postgres {
		query = membersPostgres
	}
	rows, err := tx.QueryContext(ctx, query, string(arg))
	if err != nil {
		return nil, fmt.Errorf("ledger: members: %w", err)
	}
	found := make(map[int64]string, len(missing))
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return nil, fmt.Errorf("ledger: members: %w", err)
		}
		found[id] = name
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: members: %w", err)
	}
	for _, id := range missing {
		if found[id] == "" {
			return nil, fmt.Errorf("ledger: member %d: %w", id, store.ErrNotFound)
		}
	}
	maps.Copy(names, found)
	// Remembered once the transaction commits: a member created in a
	// transaction that rolls back never existed, and SQLite may give its
	// id to the next member.
	tx.AfterCommit(func() { l.members.put(found) })
	return names, nil
}

const (
	membersSQLite   = `SELECT id, public_id FROM members WHERE id IN (SELECT value FROM json_each($1))`
	membersPostgres = `SELECT id, public_id FROM members WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint)`
)

// publicIDs remembers members' public pseudonyms, which never change and
// whose members are never deleted (erasure empties what a member wrote,
// not their row), so the ledger need not ask the database for them on
// every event — on PostgreSQL that was a round trip per event. It holds
// at most maxPublicIDs and starts over when full.
type publicIDs struct {
	mu  sync.Mutex
	ids map[int64]string
}

const maxPublicIDs = 1 << 14

func (c *publicIDs) get(id int64) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	name, ok := c.ids[id]
	return name, ok
}

func (c *publicIDs) put(found map[int64]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.ids)+len(found) > maxPublicIDs {
		clear(c.ids)
	}
	maps.Copy(c.ids, found)
}
