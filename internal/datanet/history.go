package datanet

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/allmende/allmende/internal/store"
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
	// Curation is where a record of a curated datanet stands (pending,
	// accepted, rejected, appealed, upheld, overturned), with the curator's
	// reason in Reason, the member's appeal, the steward's ruling, what
	// its acceptance paid and its validation score.
	Curation string `json:"curation,omitempty"`
	Appeal   string `json:"appeal,omitempty"`
	Ruling   string `json:"ruling,omitempty"`
	Paid     int64  `json:"paid,omitempty"`
	Score    *Score `json:"score,omitempty"`
}

// MayAppeal says whether the member may still appeal the record's
// rejection (once).
func (c Contribution) MayAppeal() bool { return c.Curation == CurationRejected }

// History lists a page of a member's contributions, newest first, and
// the cursor of the next page ("" after the last). The cursor is a
// contribution's public id; one that is not the member's is refused.
func (s *Service) History(ctx context.Context, memberID int64, page store.Page) ([]Contribution, string, error) {
	q := s.db.Read()
	where, args := `c.member_id = $1`, []any{memberID, page.Fetch()}
	if page.Before != "" {
		row, err := page.Row(ctx, q, "not one of your contributions; use the next cursor of the previous page", `SELECT id FROM contributions WHERE public_id = $1 AND member_id = $2`, memberID)
		if err != nil {
			return nil, "", fmt.Errorf("history: %w", err)
		}
		where, args = where+` AND c.id < $3`, append(args, row)
	}
	rows, err := q.QueryContext(ctx, `
		SELECT c.public_id, d.slug, d.name, c.status, c.reason, c.dna, c.size, c.redactions, COALESCE(c.event_id, ''), e.log_index, c.created_at, c.erased_at,
		       COALESCE(k.state, ''), COALESCE(k.reason, ''), COALESCE(k.appeal, ''), COALESCE(k.ruling, ''), COALESCE(k.reward, 0), k.paid_event_id, k.score, k.agreement, k.gold_check
		FROM contributions c JOIN datanets d ON d.id = c.datanet_id
		LEFT JOIN ledger_events e ON e.event_id = c.event_id
		LEFT JOIN curations k ON k.contribution_id = c.id
		WHERE `+where+` ORDER BY c.id DESC LIMIT $2`, args...)
	if err != nil {
		return nil, "", fmt.Errorf("history: %w", err)
	}
	defer rows.Close()
	out := make([]Contribution, 0, page.Fetch())
	for rows.Next() {
		var c Contribution
		var redactions string
		var idx, erased sql.NullInt64
		var created int64
		var reason string
		var paidEvent sql.NullString
		var score, agreement, gold sql.NullFloat64
		if err := rows.Scan(&c.ID, &c.Datanet, &c.DatanetName, &c.Status, &c.Reason, &c.DNA, &c.Size, &redactions, &c.EventID, &idx, &created, &erased,
			&c.Curation, &reason, &c.Appeal, &c.Ruling, &c.Paid, &paidEvent, &score, &agreement, &gold); err != nil {
			return nil, "", fmt.Errorf("history: %w", err)
		}
		if c.Curation != "" {
			c.Reason = reason
			c.Score = scoreOf(score, agreement, gold, c.Curation)
			if !paidEvent.Valid {
				c.Paid = 0
			}
		}
		if redactions != "{}" { // most records have none: spare the decoder
			_ = json.Unmarshal([]byte(redactions), &c.Redactions)
		}
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
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("history: %w", err)
	}
	out, next := store.Cut(page, out, func(c Contribution) string { return c.ID })
	return out, next, nil
}

// Counts are a member's contributions by status, leaving out the statuses
// with none. Triggers on contributions keep them per datanet in
// contribution_counts, so reading them costs a row per datanet the member
// gave to, whatever the number of records.
func (s *Service) Counts(ctx context.Context, memberID int64) (map[string]int, error) {
	var accepted, duplicate, rejected, erased int
	err := s.db.Read().QueryRowContext(ctx, `
		SELECT COALESCE(sum(accepted), 0), COALESCE(sum(duplicate), 0), COALESCE(sum(rejected), 0), COALESCE(sum(erased), 0)
		FROM contribution_counts WHERE member_id = $1`, memberID).
		Scan(&accepted, &duplicate, &rejected, &erased)
	if err != nil {
		return nil, fmt.Errorf("contribution counts: %w", err)
	}
	out := map[string]int{}
	for st, n := range map[string]int{"accepted": accepted, "duplicate": duplicate, "rejected": rejected, "erased": erased} {
		if n != 0 {
			out[st] = n
		}
	}
	return out, nil
}
