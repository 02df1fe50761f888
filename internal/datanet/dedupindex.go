package datanet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/allmende/allmende/internal/dedup"
	"github.com/allmende/allmende/internal/store"
)

// dedupIndexes holds one near-duplicate index per datanet, persisted in the
// data folder so that a restart does not have to rebuild it.
//
// The database is the truth: before each use an index catches up with
// contributions accepted or erased since it last looked — by another
// replica, or by this process before a crash between commit and index
// update — so it never misses a record for long and never keeps an erased
// one.
type dedupIndexes struct {
	db  *store.DB
	dir string

	mu   sync.Mutex
	live map[int64]*liveIndex
}

type liveIndex struct {
	mu       sync.Mutex
	x        *dedup.Index
	maxID    int64 // highest contribution id added
	erasedAt int64 // erasures up to this time are applied
	// decidedAt: curators' decisions up to this time are applied. A cursor
	// of its own, as the sweep (ForgetErased) moves erasedAt alone.
	decidedAt int64
}

func newDedupIndexes(db *store.DB, dir string) *dedupIndexes {
	return &dedupIndexes{db: db, dir: dir, live: map[int64]*liveIndex{}}
}

// index returns the datanet's near-duplicate index, opened and caught up
// with the database.
func (s *Service) index(ctx context.Context, d Datanet) (*liveIndex, error) {
	li, err := s.openIndex(ctx, d)
	if err != nil {
		return nil, err
	}
	if err := s.catchUp(ctx, s.db.Read(), li, d); err != nil {
		return nil, err
	}
	return li, nil
}

// openIndex returns the datanet's near-duplicate index as its file has
// it, opening the file if needed.
func (s *Service) openIndex(ctx context.Context, d Datanet) (*liveIndex, error) {
	ix := s.dedup
	ix.mu.Lock()
	li := ix.live[d.ID]
	if li == nil {
		if err := os.MkdirAll(ix.dir, 0o750); err != nil {
			ix.mu.Unlock()
			return nil, fmt.Errorf("dedup index folder: %w", err)
		}
		x, err := dedup.Open(ctx, filepath.Join(ix.dir, fmt.Sprintf("datanet-%d.idx", d.ID)), dedup.Options{Jaccard: d.NearDuplicate})
		if err != nil {
			ix.mu.Unlock()
			return nil, fmt.Errorf("dedup index of %s: %w", d.Slug, err)
		}
		li = &liveIndex{x: x}
		ids := x.IDs()
		if len(ids) > 0 {
			li.maxID = ids[len(ids)-1]
		}
		ix.live[d.ID] = li
	}
	ix.mu.Unlock()
	return li, nil
}

// close closes every open index.
func (ix *dedupIndexes) close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var errs []error
	for id, li := range ix.live {
		errs = append(errs, li.x.Close())
		delete(ix.live, id)
	}
	return errors.Join(errs...)
}

// catchUp adds contributions accepted since the index last looked, and
// removes those erased since, reading through q (the storing transaction
// when an intake re-checks, so that it needs no second connection).
// Adding needs the fingerprint, which is recomputed from the sealed
// content.
func (s *Service) catchUp(ctx context.Context, q store.Querier, li *liveIndex, d Datanet) error {
	li.mu.Lock()
	defer li.mu.Unlock()
	start := store.Now()
	rows, err := q.QueryContext(ctx, `
		SELECT id, public_id, key_id, content, blob FROM contributions
		WHERE datanet_id = $1 AND status IN ('accepted', 'pending') AND id > $2 ORDER BY id`, d.ID, li.maxID)
	if err != nil {
		return fmt.Errorf("dedup catch-up: %w", err)
	}
	type row struct {
		id       int64
		publicID string
		keyID    int64
		content  []byte
		blob     *string
	}
	var missing []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.publicID, &r.keyID, &r.content, &r.blob); err != nil {
			rows.Close()
			return fmt.Errorf("dedup catch-up: %w", err)
		}
		missing = append(missing, r)
	}
	rows.Close()
	// Curators' decisions since the last look: a rejected record leaves the
	// index (it no longer holds its place), one accepted on appeal comes
	// back, though its id is below the rows read above.
	var rejected, decided []int64
	changes, err := q.QueryContext(ctx, `
		SELECT c.id, c.status FROM curations k JOIN contributions c ON c.id = k.contribution_id
		WHERE k.datanet_id = $1 AND k.changed_at >= $2 AND c.id <= $3`, d.ID, li.decidedAt, li.maxID)
	if err != nil {
		return fmt.Errorf("dedup catch-up: %w", err)
	}
	for changes.Next() {
		var id int64
		var status string
		if err := changes.Scan(&id, &status); err != nil {
			changes.Close()
			return fmt.Errorf("dedup catch-up: %w", err)
		}
		switch status {
		case "rejected":
			rejected = append(rejected, id)
		case "accepted", "pending":
			decided = append(decided, id)
		}
	}
	changes.Close()
	if len(rejected) > 0 {
		if _, err := li.x.Remove(rejected...); err != nil {
			return fmt.Errorf("dedup catch-up: %w", err)
		}
	}
	// Only those the index lacks are read and opened: after a start every
	// accepted one is listed, and nearly all are in the index already.
	if len(decided) > 0 {
		held := map[int64]bool{}
		for _, id := range li.x.IDs() {
			held[id] = true
		}
		for _, id := range decided {
			if held[id] {
				continue
			}
			r := row{id: id}
			err := q.QueryRowContext(ctx, `SELECT public_id, COALESCE(key_id, 0), content, blob FROM contributions WHERE id = $1`, id).
				Scan(&r.publicID, &r.keyID, &r.content, &r.blob)
			if err != nil {
				return fmt.Errorf("dedup catch-up: %w", err)
			}
			missing = append(missing, r)
		}
	}
	known := map[int64]bool{}
	if len(missing) > 0 {
		for _, id := range li.x.IDs() {
			known[id] = true
		}
	}
	for _, r := range missing {
		li.maxID = max(li.maxID, r.id)
		if known[r.id] {
			continue
		}
		rec, img, err := s.open(ctx, r.publicID, r.keyID, r.content, r.blob)
		if err != nil {
			return fmt.Errorf("dedup catch-up: contribution %s: %w", r.publicID, err)
		}
		fp, err := fingerprint(ctx, d, rec, img)
		if err != nil {
			return fmt.Errorf("dedup catch-up: contribution %s: %w", r.publicID, err)
		}
		if err := li.x.Add(r.id, fp); err != nil && !errors.Is(err, dedup.ErrDuplicateID) {
			return fmt.Errorf("dedup catch-up: %w", err)
		}
	}

	if err := li.forgetErased(ctx, q, d.ID); err != nil {
		return err
	}
	li.decidedAt = start - 60_000
	return nil
}

// forgetErased removes the datanet's records erased since the index last
// looked; li.mu must be held. Removing overwrites a fingerprint in the
// file, so none of an erased record stays on this replica's disk.
func (li *liveIndex) forgetErased(ctx context.Context, q store.Querier, datanetID int64) error {
	now := store.Now()
	erased, err := q.QueryContext(ctx, `SELECT id FROM contributions WHERE datanet_id = $1 AND status = 'erased' AND erased_at >= $2`, datanetID, li.erasedAt)
	if err != nil {
		return fmt.Errorf("dedup catch-up: %w", err)
	}
	var gone []int64
	for erased.Next() {
		var id int64
		if err := erased.Scan(&id); err != nil {
			erased.Close()
			return err
		}
		gone = append(gone, id)
	}
	erased.Close()
	if len(gone) > 0 {
		if _, err := li.x.Remove(gone...); err != nil {
			return fmt.Errorf("dedup catch-up: %w", err)
		}
	}
	// Erasures that commit while this ran are picked up next time: the
	// window starts a little before now.
	li.erasedAt = now - 60_000
	return nil
}

// best returns the most similar stored record that fp duplicates: the
// index answers only matches at or above the datanet's threshold.
func (li *liveIndex) best(fp dedup.Fingerprint) (dedup.Match, bool) {
	if ms := li.x.Query(fp); len(ms) > 0 {
		return ms[0], true
	}
	return dedup.Match{}, false
}

func (li *liveIndex) addAll(stored []*prepared) error {
	if len(stored) == 0 {
		return nil
	}
	li.mu.Lock()
	defer li.mu.Unlock()
	ids := make([]int64, len(stored))
	fps := make([]dedup.Fingerprint, len(stored))
	for i, p := range stored {
		ids[i], fps[i] = p.id(), p.fp
	}
	if err := li.x.AddAll(ids, fps); err != nil {
		return err
	}
	li.maxID = max(li.maxID, ids[len(ids)-1])
	return nil
}

func (li *liveIndex) remove(ids ...int64) error {
	_, err := li.x.Remove(ids...)
	return err
}

func (s *Service) logIndexError(err error) {
	log := s.Log
	if log == nil {
		log = slog.Default()
	}
	log.Warn("near-duplicate index not updated; it catches up from the database before its next use", "err", err)
}

// errRaced rolls back an all-or-nothing intake that another replica's
// intake turned into a duplicate while it was being checked.
var errRaced = errors.New("a record became a duplicate while it was checked")

// intakeLockClass is the first key of the PostgreSQL advisory lock that
// serialises one datanet's intakes across replicas (the second key is the
// datanet's id); the two-key form never meets the one-key locks elsewhere.
const intakeLockClass = 18042

// recheck decides near duplicates between replicas. In tx it waits for
// the datanet's intake lock — on PostgreSQL a transaction advisory lock
// held until commit; SQLite's one writer already holds its write lock —
// so that the datanet's contributions commit one intake at a time, in id
// order. If rows were added since the index last looked (by another
// replica: this one's intakes are already in it), the index catches up
// and every record still to be stored is checked again; those that now
// match become duplicates. It returns how many did. The exact duplicate
// needs none of this: a unique index on (datanet, dna) decides it.
func (s *Service) recheck(ctx context.Context, tx *store.Tx, d Datanet, li *liveIndex, preps []*prepared) (int, error) {
	if s.db.Dialect() == store.Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, intakeLockClass, int32(d.ID)); err != nil {
			return 0, fmt.Errorf("intake lock: %w", err)
		}
	}
	var newest int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM contributions WHERE datanet_id = $1 AND status IN ('accepted', 'pending')`, d.ID).Scan(&newest); err != nil {
		return 0, fmt.Errorf("duplicate check: %w", err)
	}
	li.mu.Lock()
	behind := newest > li.maxID
	li.mu.Unlock()
	if !behind {
		return 0, nil
	}
	if err := s.catchUp(ctx, tx, li, d); err != nil {
		return 0, err
	}
	n := 0
	for _, p := range preps {
		if p.outcome.Status != "accepted" && p.outcome.Status != "pending" {
			continue
		}
		if m, ok := li.best(p.fp); ok {
			p.outcome.Status, p.outcome.Duplicate = "duplicate", &Duplicate{Exact: m.Exact, Similarity: m.Similarity}
			n++
		}
	}
	return n, nil
}
