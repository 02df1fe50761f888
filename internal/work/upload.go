package work

import (
	"bytes"
	"context"
	"io"

	"github.com/allmende/allmende/internal/problem"
)

// Upload is what a requester sends a draft project's items in: an
// annotation file — COCO, a Label Studio export, or YOLO label files —
// with its images, or JSON Lines of texts. Images and YOLO hold files by
// base name.
type Upload struct {
	COCO        []byte
	LabelStudio []byte
	YOLO        map[string][]byte
	Images      map[string][]byte
	Texts       io.Reader
}

// Import adds an upload's items to a draft project, from the first of
// COCO, Label Studio, YOLO and texts the upload holds, and returns how
// many it added and what it could not take as written. The project page
// and the API both add items this way.
func (s *Service) Import(ctx context.Context, p Project, u Upload) (int, []string, error) {
	if p.Status != "draft" {
		return 0, nil, problem.New(problem.Conflict, "items are added while the project is a draft")
	}
	switch {
	case u.COCO != nil:
		return s.ImportCOCO(ctx, p, bytes.NewReader(u.COCO), u.Images)
	case u.LabelStudio != nil:
		return s.ImportLabelStudio(ctx, p, bytes.NewReader(u.LabelStudio), u.Images)
	case len(u.YOLO) > 0:
		return s.ImportYOLO(ctx, p, u.YOLO, u.Images)
	case u.Texts != nil:
		items, err := ParseItems(p, u.Texts)
		if err != nil {
			return 0, nil, err
		}
		if err := s.AddItems(ctx, p.ID, items); err != nil {
			return 0, nil, err
		}
		return len(items), nil, nil
	}
	return 0, nil, &problem.Error{Kind: problem.Invalid, Message: "add the items to annotate",
		Fields: map[string]string{"items": "a COCO or Label Studio file or YOLO label files with their images, or a JSON Lines file of texts"}}
}
