package datanet

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Contribution is one entry of a member's history.
type Contribution struct {
	ID          string         `json:"id"`
	Datanet     string         `json:"datanet"`
	DatanetName string         `json:"datanet_name"`
	Status      string         `json:"status"`
	Reason      string         `json:"reason,omitempty"`
	DNA         string         `json:"dna,omitempty"`
	Size        int            `json:"size"`
	Redactions  map[string]int `json:"redactions,omitempty"`
	EventID     string         `json:"event_id,omitempty"`
	LogIndex    *int64         `json:"log_index"`
	CreatedAt   time.Time      `json:"created_at"`
	ErasedAt    *time.Time     `json:"erased_at,omitempty"`
}

// History lists a member's contributions, newest first.
func (s *Service) History(ctx context.Context, memberID int64, limit int) ([]Contribution, error) {
	rows, err := s.db.Read().QueryContext(ctx, `
		SELECT c.public_id, d.slug, d.name, c.status, c.reason, c.dna, c.size, c.redactions, COALESCE(c.event_id, ''), e.log_index, c.created_at, c.erased_at
		FROM contributions c JOIN datanets d ON d.id = c.datanet_id
		LEFT JOIN ledger_events e ON e.event_id = c.event_id
		WHERE c.member_id = $1 ORDER BY c.id DESC LIMIT $2`, memberID, limit)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	defer rows.Close()
	var out []Contribution
	for rows.Next() {
		var c Contribution
		var redactions string
		var idx, erased sql.NullInt64
		var created int64
		if err := rows.Scan(&c.ID, &c.Datanet, &c.DatanetName, &c.Status, &c.Reason, &c.DNA, &c.Size, &redactions, &c.EventID, &idx, &created, &erased); err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
		_ = json.Unmarshal([]byte(redactions), &c.Redactions)
		if idx.Valid {
			c.LogIndex = &idx.Int64
		}
		c.CreatedAt = time.UnixMilli(created).UTC()
		if erased.Valid {
			t := time.UnixMilli(erased.Int64).UTC()
			c.ErasedAt = &t
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Counts are a member's contributions by status.
func (s *Service) Counts(ctx context.Context, memberID int64) (map[string]int, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT status, count(*) FROM contributions WHERE member_id = $1 GROUP BY status`, memberID)
	if err != nil {
		return nil, fmt.Errorf("contribution counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}
