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

// A Copy keeps something derived from datanets' records outside the
// database — a model's span and search indexes — that erasure must reach.
type Copy interface {
	// Forget removes every trace of the records with the given public ids
	// from the copy (files included) before it returns. Ids it never held
	// are no error; forgetting twice is harmless.
	Forget(ctx context.Context, datanetID int64, ids []string) error
}

// KeepCopy registers a copy that every erasure reaches before it reports
// success. Call it before the service is used.
func (s *Service) KeepCopy(c Copy) { s.copies = append(s.copies, c) }

// Erase erases one of the member's contributions, irreversibly: its content
// key is destroyed, its sealed content and image are deleted, its DNA is
// forgotten (here and in the near-duplicate index), the private half of its
// ledger event is deleted, and a "contribution erased" event is recorded.
// Before it returns, every copy derived from it (see [Copy]) has forgotten
// it too. The public log keeps its old entry, which now opens to nothing.
//
// Erasing a contribution that is already erased finishes what a failed
// erasure left undone: that is how a member retries.
func (s *Service) Erase(ctx context.Context, memberID int64, publicID string) error {
	n, err := s.eraseWhere(ctx, memberID, `public_id = $2`, publicID)
	if err != nil || n > 0 {
		return err
	}
	var v erased
	err = s.db.Read().QueryRowContext(ctx, `SELECT id, datanet_id, public_id FROM contributions
		WHERE member_id = $1 AND public_id = $2 AND status = 'erased'`, memberID, publicID).Scan(&v.id, &v.datanetID, &v.publicID)
	if errors.Is(err, sql.ErrNoRows) {
		return problem.New(problem.NotFound, "you have no contribution %s", publicID)
	}
	if err != nil {
		return fmt.Errorf("erase: %w", err)
	}
	return s.forget(ctx, []erased{v})
}

// EraseAll erases every contribution of a member and destroys the member's
// key, so that any copy of their content that survives anywhere — in a
// backup, in a free page of a disk — can never be opened again. Like
// Erase, it reaches every derived copy before it returns, and calling it
// again finishes what a failed call left undone.
func (s *Service) EraseAll(ctx context.Context, memberID int64) (int, error) {
	n, err := s.eraseWhere(ctx, memberID, `TRUE`)
	// A copy that failed to forget does not keep the key alive: the
	// erasure is committed, and the member is told to repeat it.
	if err != nil && !problem.Is(err, problem.Unavailable) {
		return n, err
	}
	forgetErr := err
	if n == 0 && forgetErr == nil {
		// Nothing new: make sure nothing of the earlier erasures is left
		// in a copy (cheap where it is not).
		before, err := s.erasedOf(ctx, memberID)
		if err != nil {
			return 0, err
		}
		forgetErr = s.forget(ctx, before)
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error { return s.vault.DestroyMemberKeys(ctx, tx, memberID) })
	if err != nil {
		return n, err
	}
	if err := s.db.Purge(ctx); err != nil {
		return n, err
	}
	return n, forgetErr
}

// erased names an erased contribution for the copies that must forget it.
type erased struct {
	id, datanetID int64
	publicID      string
}

func (s *Service) erasedOf(ctx context.Context, memberID int64) ([]erased, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, datanet_id, public_id FROM contributions WHERE member_id = $1 AND status = 'erased'`, memberID)
	if err != nil {
		return nil, fmt.Errorf("erase: %w", err)
	}
	defer rows.Close()
	var out []erased
	for rows.Next() {
		var v erased
		if err := rows.Scan(&v.id, &v.datanetID, &v.publicID); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// forget makes the near-duplicate indexes and every registered copy
// forget the erased contributions, and truncates the database's
// write-ahead log. If a copy fails, the member is told to try again: the
// erasure is committed and nobody can open the content any more, but a
// copy may still hold its text.
func (s *Service) forget(ctx context.Context, gone []erased) error {
	byDatanet := map[int64][]erased{}
	for _, v := range gone {
		byDatanet[v.datanetID] = append(byDatanet[v.datanetID], v)
	}
	var errs []error
	for datanetID, vs := range byDatanet {
		ids := make([]int64, len(vs))
		publicIDs := make([]string, len(vs))
		for i, v := range vs {
			ids[i], publicIDs[i] = v.id, v.publicID
		}
		if err := s.forgetDuplicates(ctx, datanetID, ids); err != nil {
			errs = append(errs, err)
		}
		for _, c := range s.copies {
			if err := c.Forget(ctx, datanetID, publicIDs); err != nil {
				errs = append(errs, err)
			}
		}
	}
	errs = append(errs, s.db.Purge(ctx))
	if err := errors.Join(errs...); err != nil {
		if s.Log != nil {
			s.Log.Error("erasure committed, but a derived copy still holds erased records", "err", err)
		}
		return &problem.Error{Kind: problem.Unavailable,
			Message: "Your data is erased and can no longer be opened, but removing it from an index failed. Erase it again to finish; if that fails too, tell a steward."}
	}
	return nil
}

// forgetDuplicates removes erased contributions from the datanet's
// near-duplicate index, opening it if this process has not yet: it holds
// their fingerprints (MinHash values and DNA), not their text, but a DNA
// confirms a guess of the content.
func (s *Service) forgetDuplicates(ctx context.Context, datanetID int64, ids []int64) error {
	d, err := s.ByID(ctx, datanetID)
	if err != nil {
		return fmt.Errorf("erase: %w", err)
	}
	li, err := s.index(ctx, d)
	if err != nil {
		return err
	}
	if err := li.remove(ids...); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
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
		var erasedEvents []ledger.Event
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
			// A curator's reason, the member's appeal and a steward's ruling
			// are about the record: they go with it (a payment stays in
			// the ledger, which names no record).
			if _, err := tx.ExecContext(ctx, `DELETE FROM curations WHERE contribution_id = $1`, v.id); err != nil {
				return err
			}
			if v.eventID.Valid {
				if err := s.ledger.Forget(ctx, tx, v.eventID.String); err != nil {
					return err
				}
			}
			if v.status == "accepted" {
				erasedEvents = append(erasedEvents, ledger.Event{
					Type: ledger.ContributionErased, MemberID: memberID, Scope: fmt.Sprintf("datanet:%d", v.datanetID),
				})
			}
		}
		// One statement for all of them: erasing a member's whole
		// history would otherwise cost a ledger statement per record.
		_, err = s.ledger.RecordAll(ctx, tx, erasedEvents)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("erase: %w", err)
	}
	// After the commit: the sealed images go, and every copy forgets. A
	// sealed image that cannot be deleted opens to nothing (its key is
	// gone); it does not keep the copies from forgetting.
	var gone []erased
	var blobErrs []error
	for _, v := range victims {
		if v.blob.Valid {
			if err := s.blobs.Delete(v.blob.String); err != nil {
				blobErrs = append(blobErrs, err)
			}
		}
		gone = append(gone, erased{id: v.id, datanetID: v.datanetID, publicID: v.publicID})
	}
	if err := s.forget(ctx, gone); err != nil {
		return len(victims), err
	}
	return len(victims), errors.Join(blobErrs...)
}
