package work

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/allmende/allmende/internal/annotation"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

// Export formats.
const (
	FormatCOCO        = "coco"
	FormatYOLO        = "yolo"
	FormatLabelStudio = "labelstudio"
	// FormatCSV is a table of every answer with the item it answers (its
	// text, its pair of texts and the reason, or its image's name).
	FormatCSV = "csv"
	// FormatVotes is the question,worker,answer file of truth inference
	// (`allmende aggregate` and crowd-kit read it).
	FormatVotes = "votes"
)

// Format is an export format a project offers.
type Format struct {
	Name  string `json:"name"`
	Title string `json:"title"`
}

// Formats lists the export formats that hold the answers of a task type,
// the most useful first. Shapes go to the object-detection formats;
// labels and pairwise choices have no shape, so COCO and YOLO cannot hold
// them, and the CSV files have no columns for shapes.
func Formats(t TaskType) []Format {
	coco := Format{FormatCOCO, "COCO"}
	yolo := Format{FormatYOLO, "YOLO (zip)"}
	ls := Format{FormatLabelStudio, "Label Studio"}
	csv := Format{FormatCSV, "CSV of answers"}
	votes := Format{FormatVotes, "Votes CSV (question,worker,answer)"}
	switch t {
	case BoundingBox, Polygon:
		return []Format{coco, yolo, ls}
	case ImageClassification, TextClassification, Pairwise:
		return []Format{ls, csv, votes}
	}
	return nil
}

// formatFits refuses a format that cannot hold the task type's answers,
// naming the ones that can.
func formatFits(t TaskType, format string) error {
	fits := Formats(t)
	if slices.ContainsFunc(fits, func(f Format) bool { return f.Name == format }) {
		return nil
	}
	names := make([]string, len(fits))
	for i, f := range fits {
		names[i] = f.Name
	}
	list := strings.Join(names, ", ")
	if k := strings.LastIndex(list, ", "); k >= 0 {
		list = list[:k] + " or " + list[k+2:]
	}
	msg := fmt.Sprintf("%q is not an export format", format)
	for _, all := range []string{FormatCOCO, FormatYOLO, FormatLabelStudio, FormatCSV, FormatVotes} {
		if format == all {
			msg = fmt.Sprintf("%s does not hold the answers of a %s project", format, t)
		}
	}
	return &problem.Error{Kind: problem.Invalid, Message: msg + "; choose " + list,
		Fields: map[string]string{"format": fmt.Sprintf("a %s project exports as %s", t, list)}}
}

// ExportFor is Export of the project slug, to a member who may manage it
// (see Project): the file the project page and the API both download.
func (s *Service) ExportFor(ctx context.Context, actor member.Member, slug, format string, raw bool) (mediaType, name string, body []byte, err error) {
	p, err := s.Project(ctx, actor, slug)
	if err != nil {
		return "", "", nil, err
	}
	var buf bytes.Buffer
	if mediaType, name, err = s.Export(ctx, p, format, raw, &buf); err != nil {
		return "", "", nil, err
	}
	return mediaType, name, buf.Bytes(), nil
}

// Export writes a project's results for its client in one of the formats
// of its task type (Formats): the inferred labels (box or polygon
// consensus, inferred classification or choice), or with raw every
// accepted answer with the worker's pseudonym. The CSV files always hold
// every accepted answer. It returns the media type and file name of what
// it wrote.
func (s *Service) Export(ctx context.Context, p Project, format string, raw bool, w io.Writer) (string, string, error) {
	if err := formatFits(p.TaskType, format); err != nil {
		return "", "", err
	}
	t := annotation.TaskType(p.TaskType)
	if p.TaskType == TextClassification || p.TaskType == Pairwise {
		items, err := s.answeredTexts(ctx, p, raw || format != FormatLabelStudio)
		if err != nil {
			return "", "", err
		}
		switch format {
		case FormatLabelStudio:
			return "application/json", p.Slug + ".labelstudio.json", exportProblem(format, annotation.ExportLabelStudioTexts(w, t, items))
		case FormatCSV:
			return "text/csv", p.Slug + ".answers.csv", exportProblem(format, annotation.ExportAnswerTable(w, t, items))
		}
		return "text/csv", p.Slug + ".votes.csv", exportProblem(format, annotation.ExportCSV(w, votesOf(t, items)))
	}
	ds, items, err := s.dataset(ctx, p, raw)
	if err != nil {
		return "", "", err
	}
	switch format {
	case FormatCOCO:
		return "application/json", p.Slug + ".coco.json", exportProblem(format, annotation.ExportCOCO(w, ds))
	case FormatLabelStudio:
		return "application/json", p.Slug + ".labelstudio.json", exportProblem(format, annotation.ExportLabelStudio(w, ds, annotation.LabelStudioOptions{}))
	case FormatYOLO:
		zw := zip.NewWriter(w)
		err := annotation.ExportYOLO(ds, func(name string, data []byte) error {
			// Names were cleaned on the way in and again above; an entry
			// that could leave the folder it is extracted to is a bug,
			// and is not written.
			if !annotation.IsLocalEntry(name) {
				return fmt.Errorf("zip entry %q would leave its folder", name)
			}
			f, err := zw.Create(name)
			if err != nil {
				return err
			}
			_, err = f.Write(data)
			return err
		})
		if err != nil {
			return "", "", exportProblem(format, err)
		}
		return "application/zip", p.Slug + ".yolo.zip", zw.Close()
	case FormatCSV:
		return "text/csv", p.Slug + ".answers.csv", exportProblem(format, annotation.ExportAnswerTable(w, t, items))
	}
	return "text/csv", p.Slug + ".votes.csv", exportProblem(format, annotation.ExportCSV(w, votesOf(t, items)))
}

// votesOf flattens answered items into truth inference's votes, the
// question being the item's id.
func votesOf(t annotation.TaskType, items []annotation.AnsweredItem) []annotation.Vote {
	var votes []annotation.Vote
	for _, it := range items {
		for _, a := range it.Answers {
			v := a.Label
			if t == annotation.Pairwise {
				v = a.Choice
			}
			votes = append(votes, annotation.Vote{Question: strconv.FormatInt(it.ID, 10), Worker: a.Worker, Answer: v})
		}
	}
	return votes
}

// exportName is the file name an item is exported under: its stored name
// made safe again (items stored before names were cleaned on import may
// hold "..\..\x.jpg"), or item-<id> if that leaves nothing, names a file
// badly, or is another item's.
func exportName(img annotation.Image, used map[string]bool) string {
	name := annotation.CleanFileName(img.FileName)
	if name != "" && annotation.FileNameProblem(name) == "" && !used[name] {
		used[name] = true
		return name
	}
	name = "item-" + strconv.FormatInt(img.ID, 10)
	if base := annotation.BaseName(img.FileName); base != "" && annotation.FileNameProblem(base) == "" {
		name += "-" + base
	}
	used[name] = true
	return name
}

// exportProblem turns a format's refusal of a project's results into a
// problem the requester can act on.
func exportProblem(format string, err error) error {
	var ve *annotation.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	msg := ve.Error()
	if len(ve.Problems) > 0 {
		msg = ve.Problems[0].String()
	}
	return &problem.Error{Kind: problem.Invalid, Message: "this project's results cannot be written as " + format + ": " + msg,
		Fields: map[string]string{"format": "choose another of the formats the project page offers"}}
}

// accepted lists a project's accepted task answers (not rejected, not
// erased, not check questions), oldest first. An answer its requester
// rejected is left out while a steward decides (held, or appealed by its
// worker): it returns only if the steward overturns the rejection.
var notAccepted = map[string]bool{"rejected": true, "review": true, "appealed": true}

func (s *Service) accepted(ctx context.Context, p Project) ([]Submission, error) {
	subs, err := s.Submissions(ctx, p.ID, 1_000_000)
	if err != nil {
		return nil, err
	}
	var out []Submission
	for i := len(subs) - 1; i >= 0; i-- {
		if sub := subs[i]; sub.Kind == "task" && !notAccepted[sub.Status] {
			out = append(out, sub)
		}
	}
	return out, nil
}

// answeredTexts assembles a text project's items and, with every, each
// accepted answer with its worker's pseudonym, or else the inferred
// result (a label, or a choice) without a worker. Erased items and
// answers are left out.
func (s *Service) answeredTexts(ctx context.Context, p Project, every bool) ([]annotation.AnsweredItem, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, name, text, text_b FROM items WHERE project_id = $1 AND gold IS NULL AND erased_at IS NULL ORDER BY id`, p.ID)
	if err != nil {
		return nil, fmt.Errorf("export items: %w", err)
	}
	var items []annotation.AnsweredItem
	index := map[int64]int{}
	for rows.Next() {
		var it annotation.AnsweredItem
		if err := rows.Scan(&it.ID, &it.Name, &it.Text, &it.TextB); err != nil {
			rows.Close()
			return nil, err
		}
		index[it.ID] = len(items)
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !every {
		res, err := s.Results(ctx, p)
		if err != nil {
			return nil, err
		}
		for _, r := range res.Items {
			if k, ok := index[r.Item]; ok && r.Label != "" {
				a := annotation.ItemAnswer{Label: r.Label}
				if p.TaskType == Pairwise {
					a = annotation.ItemAnswer{Choice: r.Label}
				}
				items[k].Answers = append(items[k].Answers, a)
			}
		}
		return items, nil
	}
	subs, err := s.accepted(ctx, p)
	if err != nil {
		return nil, err
	}
	for _, sub := range subs {
		k, ok := index[sub.Item]
		if !ok {
			continue
		}
		var a annotation.Answer
		if err := json.Unmarshal(sub.Answer, &a); err != nil {
			return nil, fmt.Errorf("export: stored answer %d: %w", sub.Assignment, err)
		}
		if _, ok := a.Categorical(annotation.TaskType(p.TaskType)); !ok {
			continue // erased: the answer is {}
		}
		items[k].Answers = append(items[k].Answers, annotation.ItemAnswer{Worker: sub.Worker, Label: a.Label, Choice: a.Choice, Reason: a.Reason})
	}
	return items, nil
}

// dataset assembles an image project's results as an annotation dataset,
// and its items with every accepted categorical answer (the CSV files of
// an image classification project).
func (s *Service) dataset(ctx context.Context, p Project, raw bool) (annotation.Dataset, []annotation.AnsweredItem, error) {
	ds := annotation.Dataset{Categories: annotation.CategoriesOf(p.Labels)}
	used := map[string]bool{}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, name, width, height FROM items WHERE project_id = $1 AND gold IS NULL ORDER BY id`, p.ID)
	if err != nil {
		return ds, nil, err
	}
	var items []annotation.AnsweredItem
	index := map[int64]int{}
	for rows.Next() {
		var img annotation.Image
		if err := rows.Scan(&img.ID, &img.FileName, &img.Width, &img.Height); err != nil {
			rows.Close()
			return ds, nil, err
		}
		img.FileName = exportName(img, used)
		ds.Images = append(ds.Images, img)
		index[img.ID] = len(items)
		items = append(items, annotation.AnsweredItem{ID: img.ID, Name: img.FileName})
	}
	rows.Close()
	subs, err := s.accepted(ctx, p)
	if err != nil {
		return ds, nil, err
	}
	for _, sub := range subs {
		var a annotation.Answer
		if err := json.Unmarshal(sub.Answer, &a); err != nil {
			return ds, nil, err
		}
		if v, ok := a.Categorical(annotation.TaskType(p.TaskType)); ok {
			if k, ok := index[sub.Item]; ok {
				items[k].Answers = append(items[k].Answers, annotation.ItemAnswer{Worker: sub.Worker, Label: v})
			}
		}
		if raw {
			ds.Annotations = append(ds.Annotations, annotation.AnnotationsFrom(sub.Item, sub.Worker, a)...)
		}
	}
	if raw {
		return ds, items, nil
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
		for _, pg := range it.Polygons {
			ds.Annotations = append(ds.Annotations, annotation.Annotation{ImageID: it.Item, Label: pg.Label, Polygons: [][]annotation.Point{pg.Points}})
		}
		if it.Label != "" && p.TaskType == ImageClassification {
			ds.Annotations = append(ds.Annotations, annotation.Annotation{ImageID: it.Item, Label: it.Label})
		}
	}
	return ds, items, nil
}
