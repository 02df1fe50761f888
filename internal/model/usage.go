package model

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// RecordEarning is what one of a member's records earned from model calls:
// "your answer c-… was used in 14 answers and earned 37 points".
type RecordEarning struct {
	Contribution string `json:"contribution"`
	Datanet      string `json:"datanet"`
	Calls        int    `json:"calls"`
	Points       int64  `json:"points"`
	Models       string `json:"models"`
}

// WhereMyDataWent lists a member's records that models used, with what
// each earned.
func (s *Service) WhereMyDataWent(ctx context.Context, memberID int64) ([]RecordEarning, error) {
	rows, err := s.db.Read().QueryContext(ctx, `
		SELECT c.public_id, d.name, count(*), COALESCE(sum(e.amount), 0)
		FROM record_earnings e JOIN contributions c ON c.id = e.contribution_id JOIN datanets d ON d.id = c.datanet_id
		WHERE e.member_id = $1 GROUP BY c.public_id, d.name ORDER BY 4 DESC, 1`, memberID)
	if err != nil {
		return nil, fmt.Errorf("where my data went: %w", err)
	}
	defer rows.Close()
	var out []RecordEarning
	for rows.Next() {
		var r RecordEarning
		if err := rows.Scan(&r.Contribution, &r.Datanet, &r.Calls, &r.Points); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		mrows, err := s.db.Read().QueryContext(ctx, `SELECT DISTINCT m.name FROM record_earnings e JOIN model_calls k ON k.id = e.call_id JOIN models m ON m.id = k.model_id
			JOIN contributions c ON c.id = e.contribution_id WHERE c.public_id = $1 ORDER BY m.name`, out[i].Contribution)
		if err != nil {
			return nil, err
		}
		var names []string
		for mrows.Next() {
			var n string
			if err := mrows.Scan(&n); err != nil {
				mrows.Close()
				return nil, err
			}
			names = append(names, n)
		}
		if err := errors.Join(mrows.Err(), mrows.Close()); err != nil {
			return nil, err
		}
		out[i].Models = joinComma(names)
	}
	return out, nil
}

func joinComma(s []string) string { return strings.Join(s, ", ") }

// Contributor is a pseudonym and what their records earned from a model.
type Contributor struct {
	Member string `json:"member"`
	Points int64  `json:"points"`
}

// TopContributors lists who earned most from a model's calls.
func (s *Service) TopContributors(ctx context.Context, modelID int64, limit int) ([]Contributor, error) {
	rows, err := s.db.Read().QueryContext(ctx, `
		SELECT m.public_id, sum(e.amount) FROM record_earnings e JOIN model_calls k ON k.id = e.call_id JOIN members m ON m.id = e.member_id
		WHERE k.model_id = $1 GROUP BY m.public_id ORDER BY 2 DESC, 1 LIMIT $2`, modelID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Contributor
	for rows.Next() {
		var c Contributor
		if err := rows.Scan(&c.Member, &c.Points); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Deposit records money a client paid in, so that their calls are covered.
// A steward (actor) records it when the money has arrived; anyone else is
// refused.
func (s *Service) Deposit(ctx context.Context, actor member.Member, memberPID string, amount int64) (string, error) {
	if !actor.IsSteward() {
		return "", problem.New(problem.Forbidden, "stewards record deposits")
	}
	if amount < 1 || amount > points.MaxDeposit {
		return "", &problem.Error{Kind: problem.Invalid, Message: "a deposit is a positive number of points", Fields: map[string]string{"amount": points.Range(1, points.MaxDeposit)}}
	}
	var memberID int64
	if err := s.db.Read().QueryRowContext(ctx, `SELECT id FROM members WHERE public_id = $1`, memberPID).Scan(&memberID); err != nil {
		return "", problem.New(problem.NotFound, "no member %s", memberPID)
	}
	var id string
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = s.reward.Transfer(ctx, tx, ledger.Event{
			Type: ledger.FundsDeposited, MemberID: memberID,
			Postings: []ledger.Posting{{Account: "funding:client:" + memberPID, Amount: -amount}, {Account: reward.MemberAccount(memberPID), Amount: amount}},
		})
		return err
	})
	return id, err
}
