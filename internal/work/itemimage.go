package work

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

// ItemImage opens the image stored under blob for a viewer who may see an
// item that shows it: a steward, the requester of the item's project, or
// a worker who is or was given a task on that item. It returns the image
// and its media type. An image that belongs to no item the viewer may see
// is not found, whether or not it exists, so that asking cannot tell which
// images the cooperative holds. Images are stored once by content, so one
// blob can belong to items of several projects; any of them will do.
func (s *Service) ItemImage(ctx context.Context, viewer member.Member, blob string) (io.ReadSeekCloser, string, error) {
	viewerID, steward := viewer.ID, viewer.IsSteward()
	var mediaType string
	err := s.db.Read().QueryRowContext(ctx, `
		SELECT i.media_type FROM items i JOIN projects p ON p.id = i.project_id
		WHERE i.blob = $1 AND i.blob <> '' AND ($2 OR p.requester_id = $3
			OR EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.worker_id = $3))
		LIMIT 1`, blob, steward, viewerID).Scan(&mediaType)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", problem.New(problem.NotFound, "no such image")
	}
	if err != nil {
		return nil, "", fmt.Errorf("image %s: %w", blob, err)
	}
	f, err := s.blobs.Open(blob)
	if err != nil {
		return nil, "", fmt.Errorf("image %s: %w", blob, err)
	}
	return f, mediaType, nil
}
