package model

import (
	"context"
	"errors"
	"fmt"
	"slices"
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

// WhereMyDataWent lists a page of a member's records that models used,
// newest record first, with what each earned, and the cursor (a
// contribution id) of the next page. It reads the totals kept per record
// (record_earning_totals, migration 00012) and the models per record, a
// row per record and model of the page: what it costs does not grow with
// the number of calls that used the records.
func (s *Service) WhereMyDataWent(ctx context.Context, memberID int64, page store.Page) ([]RecordEarning, string, error) {
	q := s.db.Read()
	where, args := `t.member_id = $1`, []any{memberID, page.Fetch()}
	if page.Before != "" {
		row, err := page.Row(ctx, q, "not one of your contributions; use the next cursor of the previous page", `SELECT id FROM contributions WHERE public_id = $1 AND member_id = $2`, memberID)
		if err != nil {
			return nil, "", fmt.Errorf("where my data went: %w", err)
		}
		where, args = where+` AND t.contribution_id < $3`, append(args, row)
	}
	rows, err := q.QueryContext(ctx, `
		SELECT t.contribution_id, c.public_id, d.name, t.calls, t.points FROM record_earning_totals t
		JOIN contributions c ON c.id = t.contribution_id JOIN datanets d ON d.id = c.datanet_id
		WHERE `+where+` ORDER BY t.contribution_id DESC LIMIT $2`, args...)
	if err != nil {
		return nil, "", fmt.Errorf("where my data went: %w", err)
	}
	var ids []int64
	var out []RecordEarning
	for rows.Next() {
		var id int64
		var r RecordEarning
		if err := rows.Scan(&id, &r.Contribution, &r.Datanet, &r.Calls, &r.Points); err != nil {
			rows.Close()
			return nil, "", fmt.Errorf("where my data went: %w", err)
		}
		ids = append(ids, id)
		out = append(out, r)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, "", fmt.Errorf("where my data went: %w", err)
	}
	if len(ids) > page.Size() {
		ids = ids[:page.Size()]
	}
	if len(ids) > 0 {
		// The models of the page's records: a row per record and model.
		rows, err := q.QueryContext(ctx, `
			SELECT r.contribution_id, m.name FROM record_earning_models r JOIN models m ON m.id = r.model_id
			WHERE r.member_id = $1 AND r.contribution_id BETWEEN $2 AND $3`, memberID, ids[len(ids)-1], ids[0])
		if err != nil {
			return nil, "", fmt.Errorf("where my data went: %w", err)
		}
		models := map[int64][]string{}
		for rows.Next() {
			var row int64
			var name string
			if err := rows.Scan(&row, &name); err != nil {
				rows.Close()
				return nil, "", fmt.Errorf("where my data went: %w", err)
			}
			if name != "" && !slices.Contains(models[row], name) {
				models[row] = append(models[row], name)
			}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, "", fmt.Errorf("where my data went: %w", err)
		}
		for i, id := range ids {
			slices.Sort(models[id])
			out[i].Models = joinComma(models[id])
		}
	}
	out, next := store.Cut(page, out, func(r RecordEarning) string { return r.Contribution })
	return out, next, nil
}

func joinComma(s []string) string { return strings.Join(s, ", ") }

// Contributor is a pseudonym and what their records earned from a model.
type Contributor struct {
	Member string `json:"member"`
	Points int64  `json:"points"`
}

// TopContributors lists who earned most from a model's calls, from the
// totals kept per model and member: a row per contributor, not per call.
func (s *Service) TopContributors(ctx context.Context, modelID int64, limit int) ([]Contributor, error) {
	rows, err := s.db.Read().QueryContext(ctx, `
		SELECT m.public_id, t.points FROM model_earning_totals t JOIN members m ON m.id = t.member_id
		WHERE t.model_id = $1 ORDER BY t.points DESC, m.public_id LIMIT $2`, modelID, limit)
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
	if err := points.Check("amount", amount, 1, points.MaxDeposit); err != nil {
		return "", err
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

// Profile is a model with the members whose records earned most from it,
// as its page and the API show it.
func (s *Service) Profile(ctx context.Context, slug string, top int) (Model, []Contributor, error) {
	m, err := s.BySlug(ctx, slug)
	if err != nil {
		return Model{}, nil, err
	}
	list, err := s.TopContributors(ctx, m.ID, top)
	if err != nil {
		return Model{}, nil, err
	}
	return m, list, nil
}
