package datanet

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// Erase erases one of the member's contributions, irreversibly: its content
// key is destroyed, its sealed content and image are deleted, its DNA is
// forgotten (here and in the near-duplicate index), the private half of its
// ledger event is deleted, and a "contribution erased" event is recorded.
// The public log keeps its old entry, which now opens to nothing.
func (s *Service) Erase(ctx context.Context, memberID int64, publicID string) error {
	n, err := s.eraseWhere(ctx, memberID, `public_id = $2`, publicID)
	if err != nil {
		return err
	}
	if n == 0 {
		return problem.New(problem.NotFound, "you have no contribution %s", publicID)
	}
	return nil
}

// EraseAll erases every contribution of a member and destroys the member's
// key, so that any copy of their content that survives anywhere — in a
// backup, in a free page of a disk — can never be opened again.
func (s *Service) EraseAll(ctx context.Context, memberID int64) (int, error) {
	n, err := s.eraseWhere(ctx, memberID, `TRUE`)
	if err != nil {
		return n, err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error { return s.vault.DestroyMemberKeys(ctx, tx, memberID) })
	if err != nil {
		return n, err
	}
	return n, s.db.Purge(ctx)
}

// eraseWhere erases the member's contributions matching cond (SQL over
// contributions, with $1 the member and $2 the argument), returning how
// many it erased.
func (s *Service) eraseWhere(ctx context.Context, memberID int64, cond string, arg ...any) (int, error) {
	type victim struct {
		id, datanetID int64
		publicID      string
		status        string
		keyID         sql.NullInt64
		blob          sql.NullString
		eventID       sql.NullString
	}
	var victims []victim
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, datanet_id, public_id, status, key_id, blob, event_id FROM contributions
			WHERE member_id = $1 AND status <> 'erased' AND `+cond, append([]any{memberID}, arg...)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var v victim
			if err := rows.Scan(&v.id, &v.datanetID, &v.publicID, &v.status, &v.keyID, &v.blob, &v.eventID); err != nil {
				rows.Close()
				return err
			}
			victims = append(victims, v)
		}
		rows.Close()
		for _, v := range victims {
			if v.keyID.Valid {
				if err := s.vault.DestroyContentKey(ctx, tx, v.keyID.Int64); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE contributions SET status = 'erased', content = NULL, key_id = NULL, blob = NULL,
				dna = '', redactions = '{}', erased_at = $2 WHERE id = $1`, v.id, store.Now()); err != nil {
				return err
			}
			if v.eventID.Valid {
				if err := s.ledger.Forget(ctx, tx, v.eventID.String); err != nil {
					return err
				}
			}
			if v.status == "accepted" {
				if _, err := s.ledger.Record(ctx, tx, ledger.Event{
					Type: ledger.ContributionErased, MemberID: memberID, Scope: fmt.Sprintf("datanet:%d", v.datanetID),
				}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("erase: %w", err)
	}
	// After the commit: the sealed images go, and the indexes forget.
	byDatanet := map[int64][]int64{}
	for _, v := range victims {
		if v.blob.Valid {
			if err := s.blobs.Delete(v.blob.String); err != nil {
				return len(victims), err
			}
		}
		byDatanet[v.datanetID] = append(byDatanet[v.datanetID], v.id)
	}
	for id, ids := range byDatanet {
		s.dedup.mu.Lock()
		li := s.dedup.live[id]
		s.dedup.mu.Unlock()
		if li != nil {
			if err := li.remove(ids...); err != nil && !errors.Is(err, context.Canceled) {
				return len(victims), err
			}
		}
	}
	return len(victims), s.db.Purge(ctx)
}
