package annotation

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// The control and object tag names that exported results refer to in
// from_name and to_name. A Label Studio project must use the same names;
// [LabelStudioConfig] writes a labeling configuration that does.
const (
	LabelStudioImage      = "image"   // <Image name="image" value="$image"/>
	LabelStudioRectangles = "box"     // <RectangleLabels name="box" toName="image">
	LabelStudioPolygons   = "polygon" // <PolygonLabels name="polygon" toName="image">
	LabelStudioChoices    = "choice"  // <Choices name="choice" toName="image">
)

// LabelStudioOptions adjust [ExportLabelStudio].
type LabelStudioOptions struct {
	// ImageURL gives a task's data.image, which Label Studio loads the
	// image from. Nil uses the image's URL, or its file name if it has none.
	ImageURL func(Image) string
	// Predictions writes results as predictions, which Label Studio shows
	// as pre-annotations to review, instead of as finished annotations.
	Predictions bool
	// ModelVersion is the predictions' model_version.
	ModelVersion string
}

// LabelStudioConfig returns a Label Studio labeling configuration whose tag
// names match what [ExportLabelStudio] writes, offering labels as
// rectangle, polygon and whole-image choices.
func LabelStudioConfig(labels []string) string {
	var b strings.Builder
	b.WriteString("<View>\n")
	fmt.Fprintf(&b, "  <Image name=%q value=\"$%s\"/>\n", LabelStudioImage, LabelStudioImage)
	for _, tag := range []struct{ control, name, item string }{
		{"RectangleLabels", LabelStudioRectangles, "Label"},
		{"PolygonLabels", LabelStudioPolygons, "Label"},
		{"Choices", LabelStudioChoices, "Choice"},
	} {
		fmt.Fprintf(&b, "  <%s name=%q toName=%q>\n", tag.control, tag.name, LabelStudioImage)
		for _, l := range labels {
			fmt.Fprintf(&b, "    <%s value=\"%s\"/>\n", tag.item, xmlEscape(l))
		}
		fmt.Fprintf(&b, "  </%s>\n", tag.control)
	}
	b.WriteString("</View>\n")
	return b.String()
}

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) // writes to a strings.Builder, which cannot fail
	return b.String()
}

// Label Studio's task JSON, as written. Field names follow
// https://labelstud.io/guide/task_format and the tags' "Sample Results
// JSON" (https://labelstud.io/tags/rectanglelabels, .../polygonlabels,
// .../choices).
type lsTaskOut struct {
	ID          int64             `json:"id"`
	Data        map[string]string `json:"data"`
	Annotations []lsAnnotationOut `json:"annotations,omitempty"`
	Predictions []lsAnnotationOut `json:"predictions,omitempty"`
}

type lsAnnotationOut struct {
	Result       []lsResultOut `json:"result"`
	ModelVersion string        `json:"model_version,omitempty"`
	Allmende     *extension    `json:"allmende,omitempty"`
}

type lsResultOut struct {
	ID             string   `json:"id"`
	Type           string   `json:"type"`
	FromName       string   `json:"from_name"`
	ToName         string   `json:"to_name"`
	OriginalWidth  int      `json:"original_width,omitempty"`
	OriginalHeight int      `json:"original_height,omitempty"`
	ImageRotation  *int     `json:"image_rotation,omitempty"`
	Value          any      `json:"value"`
	Score          *float64 `json:"score,omitempty"`
}

type lsRectValue struct {
	X               float64  `json:"x"`
	Y               float64  `json:"y"`
	Width           float64  `json:"width"`
	Height          float64  `json:"height"`
	Rotation        float64  `json:"rotation"`
	RectangleLabels []string `json:"rectanglelabels"`
}

type lsPolygonValue struct {
	Points        [][2]float64 `json:"points"`
	Closed        bool         `json:"closed"`
	PolygonLabels []string     `json:"polygonlabels"`
}

type lsChoicesValue struct {
	Choices []string `json:"choices"`
}

// ExportLabelStudio writes ds as a JSON list of Label Studio tasks, one per
// image, with data.image set by opt. Each worker's annotations of an image
// become one Label Studio annotation (or prediction), holding a result per
// shape: "rectanglelabels" with x, y, width and height in percent of the
// image, "polygonlabels" with points in percent (one result per polygon
// part; an annotation with polygons is written as polygons only), and
// "choices" for a whole-image label. Shapes carry original_width,
// original_height and image_rotation 0, and their score if set. The
// worker's pseudonym goes into "allmende": {"worker": ...} on the
// annotation, which Label Studio is not known to read; attributes and area
// are not written.
//
// A dataset that fails [Dataset.Validate] is refused.
func ExportLabelStudio(w io.Writer, ds Dataset, opt LabelStudioOptions) error {
	if err := ds.Validate(); err != nil {
		return err
	}
	imageURL := opt.ImageURL
	if imageURL == nil {
		imageURL = func(im Image) string { return firstNonEmpty(im.URL, im.FileName) }
	}
	anns := assignIDs(ds.Annotations)
	groups := byImage(anns)
	tasks := make([]lsTaskOut, 0, len(ds.Images))
	zero := 0
	for _, im := range ds.Images {
		t := lsTaskOut{ID: im.ID, Data: map[string]string{LabelStudioImage: imageURL(im)}}
		w, h := float64(im.Width), float64(im.Height)
		var order []string
		byWorker := map[string]*lsAnnotationOut{}
		for _, k := range groups[im.ID] {
			an := anns[k]
			la := byWorker[an.Worker]
			if la == nil {
				la = &lsAnnotationOut{Result: []lsResultOut{}}
				if an.Worker != "" {
					la.Allmende = &extension{Worker: an.Worker}
				}
				if opt.Predictions {
					la.ModelVersion = opt.ModelVersion
				}
				byWorker[an.Worker] = la
				order = append(order, an.Worker)
			}
			id := "a" + strconv.FormatInt(an.ID, 10)
			shape := lsResultOut{ToName: LabelStudioImage, OriginalWidth: im.Width, OriginalHeight: im.Height, ImageRotation: &zero, Score: an.Score}
			switch {
			case len(an.Polygons) > 0:
				for j, p := range an.Polygons {
					r := shape
					r.ID, r.Type, r.FromName = id, "polygonlabels", LabelStudioPolygons
					if len(an.Polygons) > 1 {
						r.ID = fmt.Sprintf("%sp%d", id, j)
					}
					v := lsPolygonValue{Points: make([][2]float64, len(p)), Closed: true, PolygonLabels: []string{an.Label}}
					for i, pt := range p {
						v.Points[i] = [2]float64{pt.X / w * 100, pt.Y / h * 100}
					}
					r.Value = v
					la.Result = append(la.Result, r)
				}
			case an.Box != nil:
				r := shape
				r.ID, r.Type, r.FromName = id, "rectanglelabels", LabelStudioRectangles
				b := *an.Box
				r.Value = lsRectValue{X: b.X / w * 100, Y: b.Y / h * 100, Width: b.W / w * 100, Height: b.H / h * 100, RectangleLabels: []string{an.Label}}
				la.Result = append(la.Result, r)
			default:
				la.Result = append(la.Result, lsResultOut{ID: id, Type: "choices", FromName: LabelStudioChoices, ToName: LabelStudioImage,
					Value: lsChoicesValue{Choices: []string{an.Label}}, Score: an.Score})
			}
		}
		for _, worker := range order {
			if opt.Predictions {
				t.Predictions = append(t.Predictions, *byWorker[worker])
			} else {
				t.Annotations = append(t.Annotations, *byWorker[worker])
			}
		}
		tasks = append(tasks, t)
	}
	if err := json.NewEncoder(w).Encode(tasks); err != nil {
		return fmt.Errorf("write Label Studio tasks: %w", err)
	}
	return nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// LabelStudioImport is what [ImportLabelStudio] read: the dataset, and what
// it skipped.
type LabelStudioImport struct {
	Dataset
	// Warnings name skipped results, at most MaxProblems of them.
	Warnings []Problem
	// SkippedResults counts results not imported: tools other than
	// rectangles, polygons and choices, choices about a region, regions on
	// a rotated image, and cancelled annotations' results.
	SkippedResults int
}

func (l *LabelStudioImport) skip(path, format string, args ...any) {
	l.SkippedResults++
	if len(l.Warnings) < MaxProblems {
		l.Warnings = append(l.Warnings, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
	}
}

type lsTaskIn struct {
	ID          *int64                     `json:"id"`
	Data        map[string]json.RawMessage `json:"data"`
	Annotations []lsAnnotationIn           `json:"annotations"`
	Predictions []lsAnnotationIn           `json:"predictions"`
}

type lsAnnotationIn struct {
	Result       []lsResultIn `json:"result"`
	Score        *float64     `json:"score"`
	WasCancelled bool         `json:"was_cancelled"`
	Allmende     *extension   `json:"allmende"`
}

type lsResultIn struct {
	ID             string          `json:"id"`
	Type           string          `json:"type"`
	OriginalWidth  *float64        `json:"original_width"`
	OriginalHeight *float64        `json:"original_height"`
	ImageRotation  float64         `json:"image_rotation"`
	Value          json.RawMessage `json:"value"`
	Score          *float64        `json:"score"`
}

type lsValueIn struct {
	X               *float64    `json:"x"`
	Y               *float64    `json:"y"`
	Width           *float64    `json:"width"`
	Height          *float64    `json:"height"`
	Rotation        float64     `json:"rotation"`
	Points          [][]float64 `json:"points"`
	RectangleLabels []string    `json:"rectanglelabels"`
	PolygonLabels   []string    `json:"polygonlabels"`
	Choices         []string    `json:"choices"`
}

// ImportLabelStudio reads Label Studio's JSON export, a list of tasks (or
// one task object). Each task becomes an image: its id (the smallest
// unused positive number when missing), data.image as URL, and as file name the last
// element of the URL's path (of the d parameter for Label Studio's
// /data/local-files/?d=...), or data.image itself when it is a relative
// path. The image size comes from the results' original_width and
// original_height; a task without regions has unknown size (0×0).
//
// Results of annotations and predictions become annotations:
// "rectanglelabels" (x, y, width, height in percent; a rotated rectangle
// becomes the polygon of its corners), "polygonlabels" (points in
// percent) and "choices" (whole-image labels), one annotation per label.
// A result's score, else its prediction's, is kept, and so is the worker
// from Allmende's "allmende": {"worker": ...}. The label set is every label
// used, sorted. Results of other tools, choices about a region, regions on
// a rotated image and cancelled annotations are skipped and counted.
//
// Anything else wrong fails the import, every problem listed by task in a
// [*ValidationError]: a missing data.image, duplicate task ids or file
// names, results without original size or label, sizes that disagree,
// non-finite numbers, shapes of zero size or area, coordinates more than
// [Tolerance] pixels outside the image (those within it are clamped).
func ImportLabelStudio(r io.Reader) (*LabelStudioImport, error) {
	data, err := readAll(r, MaxImportBytes)
	if err != nil {
		return nil, fmt.Errorf("import Label Studio: %w", err)
	}
	var ps problems
	var raw []json.RawMessage
	switch firstByte(data) {
	case '{':
		raw = []json.RawMessage{data}
	default:
		if err := decode(data, &raw); err != nil {
			ps.add("", "want a list of tasks: %v", err)
			return nil, ps.err("Label Studio file")
		}
	}
	if len(raw) > MaxImages {
		ps.add("", "%d tasks, at most %d", len(raw), MaxImages)
		return nil, ps.err("Label Studio file")
	}
	imp := &LabelStudioImport{}
	tasks := make([]lsTaskIn, len(raw))
	ids := map[int64]bool{}
	for i, r := range raw {
		id := idOf(r)
		if id != nil {
			if ids[*id] {
				ps.add(fmt.Sprintf("tasks[%d]", i), "duplicate id %d", *id)
			}
			ids[*id] = true
		}
		if err := decode(r, &tasks[i]); err != nil {
			ps.add(lsTaskPath(i, id), "%v", err)
			tasks[i] = lsTaskIn{} // keep nothing of a task that did not decode
		}
		tasks[i].ID = id
	}
	newID := unusedIDs(ids)
	files := map[string]string{}
	labels := map[string]bool{}
	results := 0
	for i, t := range tasks {
		at := lsTaskPath(i, t.ID)
		im := Image{}
		if t.ID != nil {
			im.ID = *t.ID
		} else {
			im.ID = newID()
		}
		ref, ok := lsImageRef(at, t.Data, &ps)
		if ok {
			im.FileName, im.URL = lsFileName(ref)
			if msg := checkFileName(im.FileName); msg != "" {
				ps.add(at, "data.image %q: cannot take a file name from it: %s", ref, msg)
			} else if other, dup := files[im.FileName]; dup {
				ps.add(at, "file name %q is also %s's", im.FileName, other)
			} else {
				files[im.FileName] = at
			}
		}
		im.Width, im.Height = lsImageSize(at, t, &ps)
		f := frame{w: im.Width, h: im.Height, slack: Tolerance}
		for _, set := range []struct {
			kind string
			list []lsAnnotationIn
		}{{"annotations", t.Annotations}, {"predictions", t.Predictions}} {
			for j, a := range set.list {
				ap := fmt.Sprintf("%s %s[%d]", at, set.kind, j)
				results += len(a.Result)
				if results > MaxAnnotations {
					ps.add("", "more than %d results", MaxAnnotations)
					return nil, ps.err("Label Studio file")
				}
				if a.WasCancelled {
					for range a.Result {
						imp.skip(ap, "cancelled annotation")
					}
					continue
				}
				worker := ""
				if a.Allmende != nil && a.Allmende.Worker != "" {
					worker = a.Allmende.Worker
					if msg := checkName(worker); msg != "" {
						ps.add(ap, "allmende.worker %q: %s", worker, msg)
					}
				}
				regions := map[string]bool{}
				for _, res := range a.Result {
					if res.ID != "" && (res.Type == "rectanglelabels" || res.Type == "polygonlabels") {
						regions[res.ID] = true
					}
				}
				for k, res := range a.Result {
					rp := fmt.Sprintf("%s.result[%d]", ap, k)
					score := cmpPtr(res.Score, a.Score)
					anns := imp.lsResult(rp, res, regions, f, &ps)
					for _, an := range anns {
						an.ImageID, an.Worker, an.Score = im.ID, worker, score
						if msg := checkName(an.Label); msg != "" {
							ps.add(rp, "label %q: %s", an.Label, msg)
							continue
						}
						labels[an.Label] = true
						imp.Annotations = append(imp.Annotations, an)
					}
				}
			}
		}
		imp.Images = append(imp.Images, im)
	}
	if err := ps.err("Label Studio file"); err != nil {
		return nil, err
	}
	imp.Categories = CategoriesOf(sortedKeys(labels))
	for i := range imp.Annotations {
		imp.Annotations[i].ID = int64(i + 1)
	}
	return imp, nil
}

func lsTaskPath(i int, id *int64) string {
	if id != nil {
		return fmt.Sprintf("task %d", *id)
	}
	return fmt.Sprintf("tasks[%d]", i)
}

func cmpPtr(a, b *float64) *float64 {
	if a != nil {
		return a
	}
	return b
}

func lsImageRef(at string, data map[string]json.RawMessage, ps *problems) (string, bool) {
	raw, ok := data[LabelStudioImage]
	if !ok || isNull(raw) {
		ps.add(at, "data.image is missing")
		return "", false
	}
	var ref string
	if err := json.Unmarshal(raw, &ref); err != nil || ref == "" {
		ps.add(at, "data.image must be a non-empty string")
		return "", false
	}
	return ref, true
}

// lsFileName derives an image's file name from data.image, and returns the
// URL to keep (empty when ref is a plain relative path).
func lsFileName(ref string) (name, link string) {
	u, err := url.Parse(ref)
	if err != nil || (u.Scheme == "" && !strings.HasPrefix(ref, "/")) {
		return CleanFileName(ref), ""
	}
	p := u.Path
	if d := u.Query().Get("d"); d != "" {
		p = d // Label Studio's local file storage: /data/local-files/?d=dir/a.jpg
	}
	if u.Scheme != "" && p == "" {
		p = u.Opaque
	}
	return BaseName(p), ref
}

// lsImageSize finds the image size that the task's imported region results
// agree on; 0×0 if there are none. Skipped results do not count, so that
// what is known of an image is only what an export can carry again.
func lsImageSize(at string, t lsTaskIn, ps *problems) (int, int) {
	w, h := 0, 0
	for _, set := range [][]lsAnnotationIn{t.Annotations, t.Predictions} {
		for _, a := range set {
			if a.WasCancelled {
				continue
			}
			for _, res := range a.Result {
				if res.Type != "rectanglelabels" && res.Type != "polygonlabels" || res.ImageRotation != 0 {
					continue
				}
				if res.OriginalWidth == nil || res.OriginalHeight == nil {
					ps.add(at, "a %s result has no original_width and original_height", res.Type)
					return 0, 0
				}
				rw, rh := *res.OriginalWidth, *res.OriginalHeight
				if rw != math.Trunc(rw) || rh != math.Trunc(rh) || rw < 1 || rh < 1 || rw > MaxImageSide || rh > MaxImageSide {
					ps.add(at, "original size %g×%g: want whole numbers 1 to %d", rw, rh, MaxImageSide)
					return 0, 0
				}
				if w == 0 {
					w, h = int(rw), int(rh)
				} else if int(rw) != w || int(rh) != h {
					ps.add(at, "results disagree on the original size: %d×%d and %g×%g", w, h, rw, rh)
					return 0, 0
				}
			}
		}
	}
	return w, h
}

// lsResult turns one result into annotations, one per label, without ids.
func (l *LabelStudioImport) lsResult(rp string, res lsResultIn, regions map[string]bool, f frame, ps *problems) []Annotation {
	switch res.Type {
	case "rectanglelabels", "polygonlabels", "choices":
	default:
		l.skip(rp, "result type %q is not imported", res.Type)
		return nil
	}
	if res.Type == "choices" && regions[res.ID] {
		l.skip(rp, "choices about a region are not imported")
		return nil
	}
	if res.Type != "choices" && res.ImageRotation != 0 {
		l.skip(rp, "region on a rotated image (image_rotation %g) is not imported", res.ImageRotation)
		return nil
	}
	var v lsValueIn
	if err := decode(res.Value, &v); err != nil {
		ps.add(rp, "value: %v", err)
		return nil
	}
	var labels []string
	switch res.Type {
	case "rectanglelabels":
		labels = v.RectangleLabels
	case "polygonlabels":
		labels = v.PolygonLabels
	case "choices":
		labels = v.Choices
	}
	if len(labels) == 0 {
		ps.add(rp, "no label")
		return nil
	}
	var shape Annotation
	switch res.Type {
	case "rectanglelabels":
		if v.X == nil || v.Y == nil || v.Width == nil || v.Height == nil {
			ps.add(rp, "value needs x, y, width and height")
			return nil
		}
		if !f.known() {
			return nil // lsImageSize has said why
		}
		sx, sy := float64(f.w)/100, float64(f.h)/100
		r := Rect{X: *v.X * sx, Y: *v.Y * sy, W: *v.Width * sx, H: *v.Height * sy}
		if v.Rotation == 0 || r.W <= 0 || r.H <= 0 {
			fitted, msg := f.fitRect(r)
			if msg != "" {
				ps.add(rp, "%s", msg)
				return nil
			}
			shape.Box = &fitted
			break
		}
		fitted, ok := f.fitPolygon(rp, rotatedCorners(r, v.Rotation), ps)
		if !ok {
			return nil
		}
		shape.Polygons = [][]Point{fitted}
	case "polygonlabels":
		if !f.known() {
			return nil
		}
		sx, sy := float64(f.w)/100, float64(f.h)/100
		pts := make([]Point, len(v.Points))
		for i, p := range v.Points {
			if len(p) != 2 {
				ps.add(fmt.Sprintf("%s.points[%d]", rp, i), "must be [x, y]")
				return nil
			}
			pts[i] = Point{X: p[0] * sx, Y: p[1] * sy}
		}
		fitted, ok := f.fitPolygon(rp, pts, ps)
		if !ok {
			return nil
		}
		shape.Polygons = [][]Point{fitted}
	}
	out := make([]Annotation, 0, len(labels))
	for _, label := range labels {
		an := shape
		an.Label = label
		if an.Box != nil {
			b := *an.Box
			an.Box = &b
		}
		if shape.Polygons != nil {
			an.Polygons = [][]Point{slices.Clone(shape.Polygons[0])}
		}
		out = append(out, an)
	}
	return out
}

// rotatedCorners is the polygon of a rectangle Label Studio rotated by deg
// degrees clockwise on screen (y pointing down) about its top-left corner.
func rotatedCorners(r Rect, deg float64) []Point {
	sin, cos := math.Sincos(deg * math.Pi / 180)
	at := func(dx, dy float64) Point {
		return Point{X: r.X + dx*cos - dy*sin, Y: r.Y + dx*sin + dy*cos}
	}
	return []Point{at(0, 0), at(r.W, 0), at(r.W, r.H), at(0, r.H)}
}
