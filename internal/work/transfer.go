package work

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // COCO images may be GIFs
	_ "image/jpeg" // most COCO images are JPEGs
	_ "image/png"  // and PNGs
	"io"
	"path"
	"strconv"

	"github.com/allmende/allmende/internal/annotation"
	"github.com/allmende/allmende/internal/problem"
)

// ImportCOCO adds a COCO file's images to an image project, with its
// annotations as pre-annotations the workers correct. images holds the
// uploaded image files by base name; every image the file names must be
// among them and have the size the file says.
func (s *Service) ImportCOCO(ctx context.Context, p Project, coco io.Reader, images map[string][]byte) (int, []string, error) {
	if err := imageProject(p); err != nil {
		return 0, nil, err
	}
	imp, err := annotation.ImportCOCO(coco)
	if err != nil {
		return 0, nil, importProblem("COCO", err)
	}
	return s.importDataset(ctx, p, imp.Dataset, imp.Warnings, images)
}

// ImportLabelStudio does the same for a Label Studio JSON export: its tasks
// become items, its results pre-annotations.
func (s *Service) ImportLabelStudio(ctx context.Context, p Project, r io.Reader, images map[string][]byte) (int, []string, error) {
	if err := imageProject(p); err != nil {
		return 0, nil, err
	}
	imp, err := annotation.ImportLabelStudio(r)
	if err != nil {
		return 0, nil, importProblem("Label Studio", err)
	}
	return s.importDataset(ctx, p, imp.Dataset, imp.Warnings, images)
}

func imageProject(p Project) error {
	if p.TaskType != BoundingBox && p.TaskType != Polygon && p.TaskType != ImageClassification {
		return problem.New(problem.Invalid, "an annotation file feeds image projects, not %s", p.TaskType)
	}
	return nil
}

func (s *Service) importDataset(ctx context.Context, p Project, ds annotation.Dataset, warns []annotation.Problem, images map[string][]byte) (int, []string, error) {
	known := map[string]bool{}
	for _, l := range p.Labels {
		known[l] = true
	}
	fields := map[string]string{}
	for _, a := range ds.Annotations {
		if !known[a.Label] {
			fields["category "+a.Label] = "not in the project's labels (" + fmt.Sprint(p.Labels) + ")"
		}
	}
	pre := ds.PreAnnotations(annotation.TaskType(p.TaskType))
	var items []NewItem
	for _, img := range ds.Images {
		name := path.Base(img.FileName)
		data, ok := images[name]
		if !ok {
			fields["image "+name] = "named in the file but not uploaded"
			continue
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			fields["image "+name] = "not a JPEG, PNG or GIF image"
			continue
		}
		if img.Width > 0 && (cfg.Width != img.Width || cfg.Height != img.Height) {
			fields["image "+name] = fmt.Sprintf("is %d×%d pixels, the file says %d×%d", cfg.Width, cfg.Height, img.Width, img.Height)
			continue
		}
		it := NewItem{Item: Item{Name: name, Width: cfg.Width, Height: cfg.Height, SourceID: strconv.FormatInt(img.ID, 10)},
			Image: bytes.NewReader(data), MediaType: "image/" + format}
		if a, ok := pre[img.ID]; ok && (len(a.Boxes) > 0 || len(a.Polygons) > 0) {
			it.Pre, _ = json.Marshal(a)
		}
		items = append(items, it)
	}
	if len(fields) > 0 {
		return 0, nil, &problem.Error{Kind: problem.Invalid, Message: "the import does not fit the project; nothing was added", Fields: fields}
	}
	if len(items) == 0 {
		return 0, nil, problem.New(problem.BadRequest, "the file names no image")
	}
	var warnings []string
	for _, w := range warns {
		warnings = append(warnings, w.String())
	}
	if err := s.AddItems(ctx, p.ID, items); err != nil {
		return 0, nil, err
	}
	return len(items), warnings, nil
}

func importProblem(format string, err error) error {
	var ve *annotation.ValidationError
	if errors.As(err, &ve) {
		fields := map[string]string{}
		for _, p := range ve.Problems {
			path := p.Path
			if path == "" {
				path = "file"
			}
			fields[path] = p.Message
		}
		if ve.Omitted > 0 {
			fields["more"] = fmt.Sprintf("%d more problems", ve.Omitted)
		}
		return &problem.Error{Kind: problem.Invalid, Message: "the " + format + " file is not valid; nothing was added", Fields: fields}
	}
	return &problem.Error{Kind: problem.Invalid, Message: "the " + format + " file cannot be read: " + err.Error()}
}

// Export formats.
const (
	FormatCOCO        = "coco"
	FormatYOLO        = "yolo"
	FormatLabelStudio = "labelstudio"
	FormatCSV         = "csv"
)

// Export writes a project's results for its client: the inferred labels
// (box consensus, inferred classification), or with raw every accepted
// answer with the worker's pseudonym. It returns the media type and file
// name of what it wrote.
func (s *Service) Export(ctx context.Context, p Project, format string, raw bool, w io.Writer) (string, string, error) {
	ds, votes, err := s.dataset(ctx, p, raw)
	if err != nil {
		return "", "", err
	}
	switch format {
	case FormatCOCO:
		return "application/json", p.Slug + ".coco.json", annotation.ExportCOCO(w, ds)
	case FormatLabelStudio:
		return "application/json", p.Slug + ".labelstudio.json", annotation.ExportLabelStudio(w, ds, annotation.LabelStudioOptions{})
	case FormatYOLO:
		zw := zip.NewWriter(w)
		err := annotation.ExportYOLO(ds, func(name string, data []byte) error {
			f, err := zw.Create(name)
			if err != nil {
				return err
			}
			_, err = f.Write(data)
			return err
		})
		if err != nil {
			return "", "", err
		}
		return "application/zip", p.Slug + ".yolo.zip", zw.Close()
	case FormatCSV:
		return "text/csv", p.Slug + ".answers.csv", annotation.ExportCSV(w, votes)
	}
	return "", "", &problem.Error{Kind: problem.Invalid, Message: "unknown export format", Fields: map[string]string{"format": "coco, yolo, labelstudio or csv"}}
}

// dataset assembles a project's results as an annotation dataset, and its
// categorical answers as votes.
func (s *Service) dataset(ctx context.Context, p Project, raw bool) (annotation.Dataset, []annotation.Vote, error) {
	ds := annotation.Dataset{Categories: annotation.CategoriesOf(p.Labels)}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, name, width, height, blob FROM items WHERE project_id = $1 AND gold IS NULL ORDER BY id`, p.ID)
	if err != nil {
		return ds, nil, err
	}
	for rows.Next() {
		var img annotation.Image
		var blob string
		if err := rows.Scan(&img.ID, &img.FileName, &img.Width, &img.Height, &blob); err != nil {
			rows.Close()
			return ds, nil, err
		}
		if img.FileName == "" {
			img.FileName = "item-" + strconv.FormatInt(img.ID, 10)
		}
		ds.Images = append(ds.Images, img)
	}
	rows.Close()
	subs, err := s.Submissions(ctx, p.ID, 1_000_000)
	if err != nil {
		return ds, nil, err
	}
	var votes []annotation.Vote
	for i := len(subs) - 1; i >= 0; i-- {
		sub := subs[i]
		if sub.Kind != "task" || sub.Status == "rejected" {
			continue
		}
		var a annotation.Answer
		if err := json.Unmarshal(sub.Answer, &a); err != nil {
			return ds, nil, err
		}
		if v, ok := a.Categorical(annotation.TaskType(p.TaskType)); ok {
			votes = append(votes, annotation.Vote{Question: strconv.FormatInt(sub.Item, 10), Worker: sub.Worker, Answer: v})
		}
		if raw {
			ds.Annotations = append(ds.Annotations, annotation.AnnotationsFrom(sub.Item, sub.Worker, a)...)
		}
	}
	if raw {
		return ds, votes, nil
	}
	res, err := s.Results(ctx, p)
	if err != nil {
		return ds, nil, err
	}
	for _, it := range res.Items {
		for _, b := range it.Boxes {
			r := b.Rect
			ds.Annotations = append(ds.Annotations, annotation.Annotation{ImageID: it.Item, Label: b.Label, Box: &r})
		}
		if it.Label != "" && (p.TaskType == ImageClassification) {
			ds.Annotations = append(ds.Annotations, annotation.Annotation{ImageID: it.Item, Label: it.Label})
		}
	}
	return ds, votes, nil
}
