package govern

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// cosignersNeeded is how many co-signers a proposal by creatorID needs
// before voting opens: none if they hold the cooperative's threshold of
// shares (coop.ProposalShares; 0 lets everyone propose alone), otherwise
// coop.ProposalCosigners. The right of initiative stays with every
// member; the threshold only asks a member few others have yet trusted
// with shares to find support first.
func (s *Service) cosignersNeeded(ctx context.Context, tx *store.Tx, creatorID int64) (int64, error) {
	threshold, err := s.params.Get(ctx, tx, coop.ProposalShares)
	if err != nil {
		return 0, err
	}
	if threshold == 0 {
		return 0, nil
	}
	shares, err := reward.SharesOf(ctx, tx, creatorID)
	if err != nil {
		return 0, err
	}
	if shares >= threshold {
		return 0, nil
	}
	return s.params.Get(ctx, tx, coop.ProposalCosigners)
}

// Cosign is actor co-signing a proposal that waits for co-signers. The
// last co-signer opens it for voting: the window the proposer chose
// starts then (or at the opening time they chose, if later), so co-signing
// never shortens the time members have to vote.
func (s *Service) Cosign(ctx context.Context, actor member.Member, proposalID int64, now time.Time) (Proposal, error) {
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		p, err := s.lockProposal(ctx, tx, proposalID)
		if err != nil {
			return err
		}
		if p.Phase(now) != Cosigning {
			return problem.New(problem.Conflict, "this proposal does not wait for co-signers")
		}
		var creator sql.NullInt64
		var window int64
		if err := tx.QueryRowContext(ctx, `SELECT created_by, window_ms FROM proposals WHERE id = $1`, proposalID).Scan(&creator, &window); err != nil {
			return fmt.Errorf("govern: proposal %d: %w", proposalID, err)
		}
		if creator.Valid && creator.Int64 == actor.ID {
			return problem.New(problem.Conflict, "you made this proposal: co-signers are other members who support it")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM proposal_cosigners WHERE proposal_id = $1 AND member_id = $2`, proposalID, actor.ID).Scan(&n); err != nil {
			return fmt.Errorf("govern: co-signers: %w", err)
		}
		if n > 0 {
			return problem.New(problem.Conflict, "you have already co-signed this proposal")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO proposal_cosigners (proposal_id, member_id, created_at) VALUES ($1, $2, $3)`,
			proposalID, actor.ID, now.UnixMilli()); err != nil {
			return fmt.Errorf("govern: co-sign: %w", err)
		}
		if p.CosignersNeeded > 1 {
			_, err := tx.ExecContext(ctx, `UPDATE proposals SET cosigners_needed = cosigners_needed - 1 WHERE id = $1`, proposalID)
			return err
		}
		opens := p.OpensAt
		if opens.Before(now) {
			opens = now.Truncate(time.Millisecond)
		}
		closes := opens.Add(time.Duration(window) * time.Millisecond)
		if p.Stops != 0 {
			// A counter-proposal's vote still ends within its bound.
			var applies int64
			if err := tx.QueryRowContext(ctx, `SELECT applies_at FROM queued_changes WHERE proposal_id = $1`, p.Stops).Scan(&applies); err != nil {
				return fmt.Errorf("govern: change of %d: %w", p.Stops, err)
			}
			bound, err := s.counterBound(ctx, tx, applies)
			if err != nil {
				return err
			}
			if closes.After(bound) {
				closes = bound
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE proposals SET cosigners_needed = 0, opens_at = $2, closes_at = $3 WHERE id = $1`,
			proposalID, opens.UnixMilli(), closes.UnixMilli())
		return err
	})
	if err != nil {
		return Proposal{}, err
	}
	return s.Get(ctx, proposalID)
}

// cosignersOf returns a proposal's co-signers by pseudonym, in the order
// they signed.
func cosignersOf(ctx context.Context, q store.Querier, proposalID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.public_id FROM proposal_cosigners c JOIN members m ON m.id = c.member_id
		WHERE c.proposal_id = $1 ORDER BY c.created_at, c.member_id`, proposalID)
	if err != nil {
		return nil, fmt.Errorf("govern: co-signers of %d: %w", proposalID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("govern: co-signers of %d: %w", proposalID, err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	return out, nil
}

// CosignFor is how long a proposal may wait for co-signers: one that has
// not found them by then lapses (rejected, with a note), so that the list
// of open proposals does not fill with ones nobody supports.
const CosignFor = MaxWindow

// lapse rejects the proposals that have waited for co-signers longer than
// CosignFor, each once, publishing the rejection as its proposal.decided
// event as a count would.
func (s *Service) lapse(ctx context.Context, now time.Time) error {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id FROM proposals WHERE status = 'open' AND cosigners_needed > 0 AND created_at <= $1 ORDER BY id`,
		now.Add(-CosignFor).UnixMilli())
	if err != nil {
		return fmt.Errorf("govern: proposals to lapse: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("govern: proposals to lapse: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	var errs []error
	for _, id := range ids {
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			p, err := s.lockProposal(ctx, tx, id)
			if err != nil {
				return err
			}
			if p.Phase(now) != Cosigning {
				return nil
			}
			res := Tally(p.Options, p.Quorum, nil, 0)
			res.Status = Rejected
			res.Note = fmt.Sprintf("lapsed: it did not find its co-signers within %d days, so voting never opened", int(CosignFor/(24*time.Hour)))
			return s.publish(ctx, tx, p, res, now)
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("govern: lapse proposal %d: %w", id, err))
		}
	}
	return errors.Join(errs...)
}
