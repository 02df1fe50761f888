package work

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/allmende/allmende/internal/store"
)

// Item is one thing to annotate: an image, a text, or a pair of texts.
type Item struct {
	ID       int64           `json:"id"`
	Kind     string          `json:"kind"` // image, text, pair
	Blob     string          `json:"blob,omitempty"`
	Name     string          `json:"name,omitempty"`
	Width    int             `json:"width,omitempty"`
	Height   int             `json:"height,omitempty"`
	Text     string          `json:"text,omitempty"`
	TextB    string          `json:"text_b,omitempty"`
	SourceID string          `json:"source_id,omitempty"`
	Pre      json.RawMessage `json:"pre,omitempty"`
}

// NewItem is an item to add; Gold, if set, is the known answer (JSON) that
// makes it a check question; Qualification marks a gold item as part of
// the qualification test.
type NewItem struct {
	Item
	Image         io.Reader
	MediaType     string
	Gold          json.RawMessage
	Qualification bool
}

// AddItems adds items to a project in one transaction; images are stored
// first (content-addressed, so a retry does not duplicate them).
func (s *Service) AddItems(ctx context.Context, projectID int64, items []NewItem) error {
	for i := range items {
		if items[i].Image != nil {
			h, _, err := s.blobs.Put(items[i].Image)
			if err != nil {
				return err
			}
			items[i].Blob = h
		}
	}
	now := store.Now()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		for _, it := range items {
			var gold, pre any
			if len(it.Gold) > 0 {
				gold = string(it.Gold)
			}
			if len(it.Pre) > 0 {
				pre = string(it.Pre)
			}
			media := it.MediaType
			if media == "" && it.Blob != "" {
				media = "image/jpeg"
			}
			_, err := tx.ExecContext(ctx, `
				INSERT INTO items (project_id, blob, media_type, name, width, height, created_at, text, text_b, gold, qualification, pre, source_id)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
				projectID, it.Blob, media, it.Name, it.Width, it.Height, now, it.Text, it.TextB, gold, it.Qualification, pre, it.SourceID)
			if err != nil {
				return fmt.Errorf("add item %s: %w", it.Name, err)
			}
		}
		return nil
	})
}

// AddImage stores an image and adds it to a project as an item.
func (s *Service) AddImage(ctx context.Context, projectID int64, name, mediaType string, width, height int, r io.Reader) error {
	return s.AddItems(ctx, projectID, []NewItem{{Item: Item{Name: name, Width: width, Height: height}, Image: r, MediaType: mediaType}})
}

func itemKind(blob, textB string) string {
	switch {
	case blob != "":
		return "image"
	case textB != "":
		return "pair"
	}
	return "text"
}

func (s *Service) item(ctx context.Context, q store.Querier, id int64) (Item, []byte, bool, error) {
	var it Item
	var gold, pre *string
	var qual bool
	err := q.QueryRowContext(ctx, `SELECT id, blob, name, width, height, text, text_b, source_id, gold, pre, qualification FROM items WHERE id = $1`, id).
		Scan(&it.ID, &it.Blob, &it.Name, &it.Width, &it.Height, &it.Text, &it.TextB, &it.SourceID, &gold, &pre, &qual)
	if err != nil {
		return Item{}, nil, false, fmt.Errorf("item %d: %w", id, err)
	}
	it.Kind = itemKind(it.Blob, it.TextB)
	if pre != nil {
		it.Pre = json.RawMessage(*pre)
	}
	var g []byte
	if gold != nil {
		g = []byte(*gold)
	}
	return it, g, qual, nil
}
