package datanet

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/allmende/allmende/internal/problem"
)

// TextRecord is an accepted record as an index sees it: its text, and
// whose it is, for paying its contributor.
type TextRecord struct {
	RowID    int64
	ID       string // the contribution's public id
	MemberID int64
	Text     string
}

// joined is what a record says, as one string: the text, or the question
// and the answer.
func (r Record) joined() string {
	if r.Text != "" {
		return r.Text
	}
	if r.Question != "" || r.Answer != "" {
		return strings.TrimSpace(r.Question + "\n" + r.Answer)
	}
	return strings.Join(r.Labels, " ")
}

// TextRecords returns up to limit accepted records of a datanet with a row
// id above after, opened, for the indexes that models search. Erased and
// duplicate records are not among them.
func (s *Service) TextRecords(ctx context.Context, datanetID, after int64, limit int) ([]TextRecord, error) {
	return s.textRecords(ctx, `
		SELECT id, public_id, COALESCE(member_id, 0), key_id, content, blob FROM contributions
		WHERE datanet_id = $1 AND status = 'accepted' AND id > $2 ORDER BY id LIMIT $3`, datanetID, after, limit)
}

// AcceptedLate returns the accepted records of a curated datanet whose
// curation changed at or after since (Unix ms) and whose row id is at most
// upTo: records a curator accepted after newer rows were accepted, which
// an index reading TextRecords from its high-water mark on would miss.
// (Rows above upTo the caller reads with TextRecords.)
func (s *Service) AcceptedLate(ctx context.Context, datanetID, since, upTo int64) ([]TextRecord, error) {
	return s.textRecords(ctx, `
		SELECT c.id, c.public_id, COALESCE(c.member_id, 0), c.key_id, c.content, c.blob
		FROM curations k JOIN contributions c ON c.id = k.contribution_id
		WHERE k.datanet_id = $1 AND k.changed_at >= $2 AND c.id <= $3 AND c.status = 'accepted' ORDER BY c.id`, datanetID, since, upTo)
}

func (s *Service) textRecords(ctx context.Context, query string, args ...any) ([]TextRecord, error) {
	rows, err := s.db.Read().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("records: %w", err)
	}
	type row struct {
		id, member, key int64
		pid             string
		content         []byte
		blob            *string
	}
	var page []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.pid, &r.member, &r.key, &r.content, &r.blob); err != nil {
			rows.Close()
			return nil, err
		}
		page = append(page, r)
	}
	rows.Close()
	out := make([]TextRecord, 0, len(page))
	for _, r := range page {
		rec, _, err := s.open(ctx, r.pid, r.key, r.content, nil)
		if err != nil {
			return nil, fmt.Errorf("records: %s: %w", r.pid, err)
		}
		out = append(out, TextRecord{RowID: r.id, ID: r.pid, MemberID: r.member, Text: rec.joined()})
	}
	return out, nil
}

// RecordText returns the text of one accepted record of a datanet, read
// from the sealed store: a search index keeps ids, not text, so an erased
// record — whatever an index still says — has no text to return. It is a
// not-found problem for a record that is not (or no longer) accepted.
func (s *Service) RecordText(ctx context.Context, datanetID int64, publicID string) (string, error) {
	var key int64
	var content []byte
	err := s.db.Read().QueryRowContext(ctx, `SELECT key_id, content FROM contributions
		WHERE datanet_id = $1 AND public_id = $2 AND status = 'accepted'`, datanetID, publicID).Scan(&key, &content)
	if errors.Is(err, sql.ErrNoRows) {
		return "", problem.New(problem.NotFound, "no record %s", publicID)
	}
	if err != nil {
		return "", fmt.Errorf("record %s: %w", publicID, err)
	}
	rec, _, err := s.open(ctx, publicID, key, content, nil)
	if err != nil {
		return "", fmt.Errorf("record %s: %w", publicID, err)
	}
	return rec.joined(), nil
}

// ErasedSince lists the public ids of a datanet's records erased at or
// after since (Unix ms), so that indexes forget them.
func (s *Service) ErasedSince(ctx context.Context, datanetID, since int64) ([]string, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT public_id FROM contributions WHERE datanet_id = $1 AND status = 'erased' AND erased_at >= $2`, datanetID, since)
	if err != nil {
		return nil, fmt.Errorf("erased records: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// ByID returns a datanet by internal id.
func (s *Service) ByID(ctx context.Context, id int64) (Datanet, error) {
	return scanDatanet(s.db.Read().QueryRowContext(ctx, `SELECT `+datanetColumns+` FROM datanets WHERE id = $1`, id))
}

// Watermark is a cheap summary of a datanet's records that changes
// whenever one is accepted or erased: an index whose watermark matches is
// up to date without reading a record.
type Watermark struct {
	MaxRow, Erased, LastErasedAt int64
	// Decided is the last time a curator decided on one of the datanet's
	// records: an acceptance may add a row below MaxRow.
	Decided int64
}

// Watermark reads a datanet's watermark (three index lookups).
func (s *Service) Watermark(ctx context.Context, datanetID int64) (Watermark, error) {
	var w Watermark
	err := s.db.Read().QueryRowContext(ctx, `
		SELECT (SELECT COALESCE(max(id), 0) FROM contributions WHERE datanet_id = $1 AND status = 'accepted'),
		       count(*), COALESCE(max(erased_at), 0),
		       (SELECT COALESCE(max(changed_at), 0) FROM curations WHERE datanet_id = $1)
		FROM contributions WHERE datanet_id = $1 AND status = 'erased'`, datanetID).Scan(&w.MaxRow, &w.Erased, &w.LastErasedAt, &w.Decided)
	if err != nil {
		return Watermark{}, fmt.Errorf("watermark: %w", err)
	}
	return w, nil
}
