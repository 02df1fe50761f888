package model

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// RecordCall is one model call that paid one of a member's records: when,
// which model, what the record earned, and the split that paid it, whose
// receipt proves the member's share (their share line covers all their
// records in that call).
type RecordCall struct {
	id    int64  // the record_earnings row's, for the next page
	Call  int64  `json:"call"`
	Model string `json:"model"`
	Slug  string `json:"model_id"`
	// Version is the number of the model version that answered, for a
	// specialised model; empty for retrieval and upstream answers.
	Version   string    `json:"version,omitempty"`
	Amount    int64     `json:"amount"`
	CreatedAt time.Time `json:"created_at"`
	// EventID is the reward.split that paid the call, empty for a call
	// that paid nothing; LogIndex is nil until the log has it.
	EventID  string  `json:"event_id,omitempty"`
	LogIndex *uint64 `json:"log_index"`
}

// RecordCalls returns one of a member's records as "where my data went"
// shows it (its totals and models) and a page of the calls that paid it,
// newest first, with the cursor (a row id) of the next page. The page is
// read along record_earnings_record (member, record, id), so it costs the
// same however often the record was used. A record that is not the
// member's does not exist for them.
func (s *Service) RecordCalls(ctx context.Context, memberID int64, record string, page store.Page) (RecordEarning, []RecordCall, string, error) {
	q := s.db.Read()
	notFound := problem.New(problem.NotFound, "you have no record %s that a model used", record)
	if problem.LineProblem(record) != "" {
		return RecordEarning{}, nil, "", notFound // PostgreSQL would refuse the text itself
	}
	var rowID int64
	re := RecordEarning{Contribution: record}
	err := q.QueryRowContext(ctx, `
		SELECT c.id, d.name, t.calls, t.points FROM contributions c JOIN datanets d ON d.id = c.datanet_id
		JOIN record_earning_totals t ON t.member_id = c.member_id AND t.contribution_id = c.id
		WHERE c.public_id = $1 AND c.member_id = $2`, record, memberID).Scan(&rowID, &re.Datanet, &re.Calls, &re.Points)
	if errors.Is(err, sql.ErrNoRows) {
		return RecordEarning{}, nil, "", notFound
	}
	if err != nil {
		return RecordEarning{}, nil, "", fmt.Errorf("record calls: %w", err)
	}
	if re.Models, err = s.recordModels(ctx, memberID, rowID); err != nil {
		return RecordEarning{}, nil, "", err
	}
	before, err := page.ID("a row id: the next cursor of the previous page")
	if err != nil {
		return RecordEarning{}, nil, "", err
	}
	rows, err := q.QueryContext(ctx, `
		SELECT r.id, r.call_id, m.name, m.slug, r.amount, r.created_at, COALESCE(k.event_id, ''), e.log_index, COALESCE(v.number, 0)
		FROM record_earnings r JOIN model_calls k ON k.id = r.call_id JOIN models m ON m.id = k.model_id
		LEFT JOIN ledger_events e ON e.event_id = k.event_id LEFT JOIN model_versions v ON v.id = k.version_id
		WHERE r.member_id = $1 AND r.contribution_id = $2 AND r.id < $4 ORDER BY r.id DESC LIMIT $3`,
		memberID, rowID, page.Fetch(), before)
	if err != nil {
		return RecordEarning{}, nil, "", fmt.Errorf("record calls: %w", err)
	}
	defer rows.Close()
	var out []RecordCall
	for rows.Next() {
		var c RecordCall
		var created int64
		var idx sql.NullInt64
		var version int
		if err := rows.Scan(&c.id, &c.Call, &c.Model, &c.Slug, &c.Amount, &created, &c.EventID, &idx, &version); err != nil {
			return RecordEarning{}, nil, "", fmt.Errorf("record calls: %w", err)
		}
		c.CreatedAt = store.Time(created)
		if version > 0 {
			c.Version = strconv.Itoa(version)
		}
		if idx.Valid {
			i := uint64(idx.Int64)
			c.LogIndex = &i
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return RecordEarning{}, nil, "", fmt.Errorf("record calls: %w", err)
	}
	out, next := store.Cut(page, out, func(c RecordCall) string { return strconv.FormatInt(c.id, 10) })
	return re, out, next, nil
}

// recordModels names the models that used a record, from the kept rows
// per record and model.
func (s *Service) recordModels(ctx context.Context, memberID, rowID int64) (string, error) {
	rows, err := s.db.Read().QueryContext(ctx, `
		SELECT m.name FROM record_earning_models r JOIN models m ON m.id = r.model_id
		WHERE r.member_id = $1 AND r.contribution_id = $2`, memberID, rowID)
	if err != nil {
		return "", fmt.Errorf("record calls: %w", err)
	}
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return "", fmt.Errorf("record calls: %w", err)
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return "", fmt.Errorf("record calls: %w", err)
	}
	slices.Sort(names)
	return joinComma(names), nil
}
