package bounty

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// MaxReason bounds a funder's reason for rejecting a claim.
const MaxReason = 500

// Request is a claim under VerifyApproval: waiting for the funder, or
// rejected with their reason. An accepted one is paid and becomes a Claim.
type Request struct {
	ID       int64  `json:"id"`
	Bounty   int64  `json:"bounty"`
	Unit     string `json:"unit"`
	UnitKind string `json:"unit_kind"`
	// Member is the claimant's pseudonym, Title the recording's title (the
	// steps stay sealed: only their recorder and stewards open them).
	Member    string    `json:"member"`
	Title     string    `json:"title,omitempty"`
	State     string    `json:"state"` // waiting, rejected
	Reason    string    `json:"reason,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
}

// MayDecide says whether m decides b's waiting claims: its funder.
func MayDecide(m member.Member, b Bounty) bool { return b.FundedBy(m) }

const requestColumns = `q.id, q.bounty_id, q.unit, q.unit_kind, m.public_id, COALESCE(r.title, ''), q.state, q.reason, q.created_at, COALESCE(q.decided_at, 0)
	FROM bounty_requests q JOIN members m ON m.id = q.member_id LEFT JOIN recordings r ON q.unit_kind = 'recording' AND r.public_id = q.unit`

func (s *Service) requests(ctx context.Context, where string, args ...any) ([]Request, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+requestColumns+` WHERE `+where+` ORDER BY q.id LIMIT 200`, args...)
	if err != nil {
		return nil, fmt.Errorf("bounty: requests: %w", err)
	}
	defer rows.Close()
	var out []Request
	for rows.Next() {
		var q Request
		var created, decided int64
		if err := rows.Scan(&q.ID, &q.Bounty, &q.Unit, &q.UnitKind, &q.Member, &q.Title, &q.State, &q.Reason, &created, &decided); err != nil {
			return nil, fmt.Errorf("bounty: requests: %w", err)
		}
		q.CreatedAt = store.Time(created)
		if decided != 0 {
			q.DecidedAt = store.Time(decided)
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// Waiting lists the claims of b waiting for its funder, oldest first and
// at most 200 (deciding them shows the next): the funder's alone to see.
func (s *Service) Waiting(ctx context.Context, actor member.Member, bountyID int64) ([]Request, error) {
	b, err := s.Get(ctx, bountyID)
	if err != nil {
		return nil, err
	}
	if !MayDecide(actor, b) {
		return nil, problem.New(problem.Forbidden, "only the bounty's funder sees the claims waiting for them")
	}
	return s.requests(ctx, `q.bounty_id = $1 AND q.state = 'waiting'`, bountyID)
}

// MyRequests lists m's own claims of a bounty that wait for its funder or
// were rejected, oldest first.
func (s *Service) MyRequests(ctx context.Context, m member.Member, bountyID int64) ([]Request, error) {
	if m.ID == 0 {
		return nil, nil
	}
	return s.requests(ctx, `q.bounty_id = $1 AND q.member_id = $2`, bountyID, m.ID)
}

// Decide is the funder's decision on a waiting claim: accepted, it is paid
// as any claim (the unit is checked again: still the claimant's, verified,
// unpaid, within the cap and the escrow); rejected, it says why. A claim is
// decided once, and only while the bounty is open.
func (s *Service) Decide(ctx context.Context, actor member.Member, bountyID, requestID int64, accept bool, reason string) (Claim, error) {
	b, err := s.Get(ctx, bountyID)
	if err != nil {
		return Claim{}, err
	}
	if !MayDecide(actor, b) {
		return Claim{}, problem.New(problem.Forbidden, "only the bounty's funder decides its claims")
	}
	if !accept {
		f := problem.Fields{}
		reason = strings.TrimSpace(reason)
		if reason == "" {
			f.Add("reason", "say why the unit does not count, so that its member can do better")
		} else {
			f.TextUpTo("reason", reason, MaxReason)
		}
		if err := f.Err(); err != nil {
			return Claim{}, err
		}
	}
	var c Claim
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		b, err := s.lock(ctx, tx, bountyID)
		if err != nil {
			return err
		}
		var memberID int64
		var memberPID, unitID, state string
		err = tx.QueryRowContext(ctx, `SELECT q.member_id, m.public_id, q.unit, q.state FROM bounty_requests q JOIN members m ON m.id = q.member_id
			WHERE q.id = $1 AND q.bounty_id = $2`, requestID, b.ID).Scan(&memberID, &memberPID, &unitID, &state)
		if errors.Is(err, sql.ErrNoRows) {
			return problem.New(problem.NotFound, "no such claim")
		}
		if err != nil {
			return fmt.Errorf("bounty: request: %w", err)
		}
		if state != ClaimWaiting {
			return problem.New(problem.Conflict, "the claim was decided already")
		}
		if b.Status != "open" {
			return problem.New(problem.Conflict, "the bounty is closed")
		}
		now := s.now()
		if !accept {
			_, err := tx.ExecContext(ctx, `UPDATE bounty_requests SET state = 'rejected', reason = $2, decided_at = $3 WHERE id = $1`, requestID, reason, now.UnixMilli())
			if err != nil {
				return fmt.Errorf("bounty: reject: %w", err)
			}
			c = Claim{Bounty: b.ID, Unit: unitID, UnitKind: b.Kind.Unit(), Status: ClaimRejected, Request: requestID, CreatedAt: store.Time(now.UnixMilli())}
			return nil
		}
		if err := verify(ctx, tx, b, memberID, unitID); err != nil {
			return err
		}
		if c, err = s.pay(ctx, tx, b, member.Member{ID: memberID, PublicID: memberPID}, unitID, now); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM bounty_requests WHERE id = $1`, requestID)
		return err
	})
	return c, err
}

// EraseRequests removes a member's claims that wait for a funder or were
// rejected, with the funders' reasons about their units: part of erasing
// all of a member's data. Paid claims stay, as the ledger does.
func (s *Service) EraseRequests(ctx context.Context, memberID int64) (int64, error) {
	var n int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM bounty_requests WHERE member_id = $1`, memberID)
		if err != nil {
			return fmt.Errorf("bounty: erase requests: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
