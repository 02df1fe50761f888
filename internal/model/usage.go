package model

import (
	"context"
	"database/sql"
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
// contribution id) of the next page. It reads the page's records along
// record_earnings (member_id, contribution_id) and names their models in
// one query, whatever the number of records the member has.
func (s *Service) WhereMyDataWent(ctx context.Context, memberID int64, page store.Page) ([]RecordEarning, string, error) {
	q := s.db.Read()
	where, args := `e.member_id = $1 AND e.contribution_id IS NOT NULL`, []any{memberID, page.Fetch()}
	if page.Before != "" {
		var row int64
		err := q.QueryRowContext(ctx, `SELECT id FROM contributions WHERE public_id = $1 AND member_id = $2`, page.Before, memberID).Scan(&row)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, "", &problem.Error{Kind: problem.Invalid, Message: "the page to continue from is not known",
				Fields: map[string]string{"before": "not one of your contributions; use the next cursor of the previous page"}}
		}
		if err != nil {
			return nil, "", fmt.Errorf("where my data went: %w", err)
		}
		where, args = where+` AND e.contribution_id < $3`, append(args, row)
	}
	rows, err := q.QueryContext(ctx, `
		SELECT e.contribution_id, count(*), COALESCE(sum(e.amount), 0) FROM record_earnings e
		WHERE `+where+` GROUP BY e.contribution_id ORDER BY e.contribution_id DESC LIMIT $2`, args...)
	if err != nil {
		return nil, "", fmt.Errorf("where my data went: %w", err)
	}
	var ids []int64
	var out []RecordEarning
	for rows.Next() {
		var id int64
		var r RecordEarning
		if err := rows.Scan(&id, &r.Calls, &r.Points); err != nil {
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
		// The page's records and their models, in one pass over the
		// page's range of the index: the earnings of these records only.
		rows, err := q.QueryContext(ctx, `
			SELECT c.id, c.public_id, d.name, m.name FROM record_earnings e JOIN contributions c ON c.id = e.contribution_id
			JOIN datanets d ON d.id = c.datanet_id JOIN model_calls k ON k.id = e.call_id JOIN models m ON m.id = k.model_id
			WHERE e.member_id = $1 AND e.contribution_id BETWEEN $2 AND $3`, memberID, ids[len(ids)-1], ids[0])
		if err != nil {
			return nil, "", fmt.Errorf("where my data went: %w", err)
		}
		type named struct {
			id, datanet string
			models      []string
		}
		byRow := map[int64]*named{}
		for rows.Next() {
			var row int64
			var pid, dname, mname string
			if err := rows.Scan(&row, &pid, &dname, &mname); err != nil {
				rows.Close()
				return nil, "", fmt.Errorf("where my data went: %w", err)
			}
			n := byRow[row]
			if n == nil {
				n = &named{id: pid, datanet: dname}
				byRow[row] = n
			}
			if mname != "" && !slices.Contains(n.models, mname) {
				n.models = append(n.models, mname)
			}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, "", fmt.Errorf("where my data went: %w", err)
		}
		for i, id := range ids {
			if n := byRow[id]; n != nil {
				slices.Sort(n.models)
				out[i].Contribution, out[i].Datanet, out[i].Models = n.id, n.datanet, joinComma(n.models)
			}
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
