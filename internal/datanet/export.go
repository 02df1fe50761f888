package datanet

import (
	"context"
	"fmt"
)

// Exported is one accepted record as an export writes it.
type Exported struct {
	ID     string
	Record Record
	Image  []byte
	// MediaType is the image's type, for image records.
	MediaType string
}

// Export calls fn for every accepted, non-erased record of a datanet, in
// the order they were accepted, opened with their content keys. It reads
// in pages so that a large datanet does not sit in memory.
func (s *Service) Export(ctx context.Context, slug string, fn func(Exported) error) (Datanet, error) {
	d, err := s.BySlug(ctx, slug)
	if err != nil {
		return Datanet{}, err
	}
	var after int64
	for {
		rows, err := s.db.Read().QueryContext(ctx, `
			SELECT id, public_id, key_id, content, blob, media_type FROM contributions
			WHERE datanet_id = $1 AND status = 'accepted' AND id > $2 ORDER BY id LIMIT 500`, d.ID, after)
		if err != nil {
			return d, fmt.Errorf("export: %w", err)
		}
		type row struct {
			publicID, media string
			keyID           int64
			content         []byte
			blob            *string
		}
		var page []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&after, &r.publicID, &r.keyID, &r.content, &r.blob, &r.media); err != nil {
				rows.Close()
				return d, fmt.Errorf("export: %w", err)
			}
			page = append(page, r)
		}
		rows.Close()
		if len(page) == 0 {
			return d, nil
		}
		for _, r := range page {
			rec, img, err := s.open(ctx, r.publicID, r.keyID, r.content, r.blob)
			if err != nil {
				return d, fmt.Errorf("export %s: %w", r.publicID, err)
			}
			if err := fn(Exported{ID: r.publicID, Record: rec, Image: img, MediaType: r.media}); err != nil {
				return d, err
			}
		}
	}
}

// Count returns the number of accepted records of a datanet, for progress.
func (s *Service) Count(ctx context.Context, datanetID int64) (int, error) {
	var n int
	err := s.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM contributions WHERE datanet_id = $1 AND status = 'accepted'`, datanetID).Scan(&n)
	return n, err
}

// Close releases the near-duplicate indexes.
func (s *Service) Close() error { return s.dedup.close() }
