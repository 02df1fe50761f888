package work

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/allmende/allmende/internal/annotation"
	"github.com/allmende/allmende/internal/member"
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

// fileLabels returns the label set an upload's annotation file names,
// the labels its annotations use (nil for YOLO, whose label files number
// their classes) and the file's kind ("COCO", "Label Studio", "YOLO"): a
// COCO file's categories in file order, the labels a Label Studio export
// uses (sorted, since the export has no list of them), a YOLO folder's
// classes.txt or data.yaml names. It returns no labels for texts, for
// YOLO labels without class names and for a file it cannot read, whose
// problems the import itself reports.
func fileLabels(u Upload) (labels []string, used map[string]bool, kind string) {
	var ds annotation.Dataset
	switch {
	case u.COCO != nil:
		imp, err := annotation.ImportCOCO(bytes.NewReader(u.COCO))
		if err != nil {
			return nil, nil, "COCO"
		}
		ds, kind = imp.Dataset, "COCO"
	case u.LabelStudio != nil:
		imp, err := annotation.ImportLabelStudio(bytes.NewReader(u.LabelStudio))
		if err != nil {
			return nil, nil, "Label Studio"
		}
		ds, kind = imp.Dataset, "Label Studio"
	case len(u.YOLO) > 0:
		for _, name := range slices.Sorted(maps.Keys(u.YOLO)) {
			base := annotation.BaseName(name)
			ext := strings.ToLower(path.Ext(base))
			if strings.EqualFold(base, "classes.txt") || ext == ".yaml" || ext == ".yml" {
				if names, err := yoloNames(base, u.YOLO[name]); err == nil {
					return names, nil, "YOLO"
				}
			}
		}
		return nil, nil, "YOLO"
	default:
		return nil, nil, ""
	}
	used = map[string]bool{}
	for _, an := range ds.Annotations {
		used[an.Label] = true
	}
	return ds.Labels(), used, kind
}

// CreateWithItems creates a draft project and adds an upload's items in
// one step, as the new-project form does. A project of an image task
// without labels takes the labels of the uploaded annotation file
// (fileLabels); one with labels is refused, naming each label the file
// uses that the project lacks, on the labels field. When the import fails,
// nothing of the attempt stays: the draft is removed, and the same slug
// can be sent again.
func (s *Service) CreateWithItems(ctx context.Context, actor member.Member, p Project, u Upload) (Project, []string, error) {
	if !MayRequest(actor) {
		return Project{}, nil, problem.New(problem.Forbidden, "only requesters create projects")
	}
	if p.TaskType != TextClassification && p.TaskType != Pairwise {
		fileLabels, used, kind := fileLabels(u)
		switch {
		case len(p.Labels) == 0 && len(fileLabels) > 0:
			p.Labels = fileLabels
		case len(p.Labels) > 0 && len(fileLabels) > 0:
			if err := labelMismatch(p.Labels, fileLabels, kind, used); err != nil {
				return Project{}, nil, err
			}
		}
	}
	created, err := s.Create(ctx, actor, p)
	if err != nil {
		return Project{}, nil, err
	}
	n, warnings, err := s.Import(ctx, created, u)
	if err != nil {
		if derr := s.DiscardDraft(ctx, created.ID); derr != nil {
			return Project{}, nil, errors.Join(err, fmt.Errorf("discard the draft after a failed import: %w", derr))
		}
		return Project{}, nil, err
	}
	created.Items = n
	return created, warnings, nil
}

// labelMismatch names every label of the file that the project's labels
// lack — each one a pre-annotation the import would refuse — and says how
// to fix it: type it, or leave the labels empty to take the file's.
func labelMismatch(labels, fileLabels []string, kind string, used map[string]bool) error {
	var missing []string
	for _, l := range fileLabels {
		if slices.Contains(labels, l) || (used != nil && !used[l]) {
			continue
		}
		m := strconv.Quote(l)
		for _, typed := range labels {
			if strings.EqualFold(typed, l) && typed != l {
				m += fmt.Sprintf(" (you typed %q)", typed)
			}
		}
		missing = append(missing, m)
	}
	if len(missing) == 0 {
		return nil
	}
	return &problem.Error{Kind: problem.Invalid, Message: fmt.Sprintf("The labels do not match the %s file; nothing was created.", kind),
		Fields: map[string]string{"labels": fmt.Sprintf("the %s file labels objects %s, which are not among these labels; add them, or leave the labels empty to take the file's: %s",
			kind, strings.Join(missing, ", "), strings.Join(fileLabels, ", "))}}
}
