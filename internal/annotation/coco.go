package annotation

import (
	"encoding/json"
	"fmt"
	"io"
)

// COCOImport is what [ImportCOCO] read: the dataset, and what it skipped.
type COCOImport struct {
	Dataset
	// Warnings name skipped annotations, at most MaxProblems of them;
	// the counts below are complete.
	Warnings []Problem
	// SkippedMasks counts crowd annotations and RLE masks (iscrowd 1, or a
	// segmentation that is an object): the cooperative does not edit masks,
	// and a crowd region is not one object to box.
	SkippedMasks int
	// SkippedNoShape counts annotations with neither bbox nor polygon, such
	// as keypoints-only ones.
	SkippedNoShape int
}

func (c *COCOImport) warn(path, format string, args ...any) {
	if len(c.Warnings) < MaxProblems {
		c.Warnings = append(c.Warnings, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
	}
}

// The COCO file as read: lists are decoded element by element so that a
// bad element is reported with its id and does not hide the others.
type cocoFile struct {
	Images      *[]json.RawMessage `json:"images"`
	Annotations *[]json.RawMessage `json:"annotations"`
	Categories  *[]json.RawMessage `json:"categories"`
}

type cocoImageIn struct {
	ID       *int64  `json:"id"`
	Width    *int    `json:"width"`
	Height   *int    `json:"height"`
	FileName *string `json:"file_name"`
	CocoURL  string  `json:"coco_url"`
}

type cocoCategoryIn struct {
	ID            *int64  `json:"id"`
	Name          *string `json:"name"`
	Supercategory string  `json:"supercategory"`
}

type cocoAnnotationIn struct {
	ID           *int64          `json:"id"`
	ImageID      *int64          `json:"image_id"`
	CategoryID   *int64          `json:"category_id"`
	BBox         json.RawMessage `json:"bbox"`
	Segmentation json.RawMessage `json:"segmentation"`
	Area         *float64        `json:"area"`
	IsCrowd      *int            `json:"iscrowd"`
	Score        *float64        `json:"score"`
	Attributes   map[string]any  `json:"attributes"`
	Allmende     *extension      `json:"allmende"`
}

// extension is Allmende's own object on a COCO annotation or a Label
// Studio annotation, "allmende": {"worker": ...}.
type extension struct {
	Worker string `json:"worker,omitempty"`
}

// ImportCOCO reads a COCO object detection file: categories become the
// label set, images the items (id, file_name, width, height, coco_url), and
// annotations the pre-annotations, with bbox [x,y,width,height] as Box and
// polygon segmentations as Polygons. A missing bbox is derived from the
// polygons, a missing or zero area computed from the shape; score,
// attributes and Allmende's "allmende": {"worker": ...} are kept.
//
// Crowd annotations and RLE masks are skipped, as are annotations without
// bbox or polygon (keypoints-only ones); each is counted and named in the
// result's warnings. Keypoints beside a bbox are ignored.
//
// Anything else wrong fails the whole import, with every problem listed in
// a [*ValidationError] naming the image, category or annotation id:
// missing required fields (id, file_name, width, height; id, name;
// id, image_id, category_id), duplicate ids or names, annotations pointing
// at missing images or categories, boxes of zero or negative size,
// polygons with fewer than 3 points, an odd number of coordinates or zero
// area, numbers that are not finite, and coordinates more than [Tolerance]
// pixels outside the image (those within it are moved onto the border).
func ImportCOCO(r io.Reader) (*COCOImport, error) {
	data, err := readAll(r, MaxImportBytes)
	if err != nil {
		return nil, fmt.Errorf("import COCO: %w", err)
	}
	var ps problems
	var f cocoFile
	if err := decode(data, &f); err != nil {
		ps.add("", "%v", err)
		return nil, ps.err("COCO file")
	}
	for _, l := range []struct {
		name  string
		list  *[]json.RawMessage
		limit int
	}{{"images", f.Images, MaxImages}, {"categories", f.Categories, MaxCategories}, {"annotations", f.Annotations, MaxAnnotations}} {
		switch {
		case l.list == nil && l.name != "annotations":
			ps.add(l.name, "missing")
		case l.list != nil && len(*l.list) > l.limit:
			ps.add(l.name, "%d entries, at most %d", len(*l.list), l.limit)
		}
	}
	if !ps.empty() {
		return nil, ps.err("COCO file")
	}
	imp := &COCOImport{}
	frames := readCOCOImages(*f.Images, imp, &ps)
	labels := readCOCOCategories(*f.Categories, &imp.Dataset, &ps)
	if f.Annotations != nil {
		readCOCOAnnotations(*f.Annotations, frames, labels, imp, &ps)
	}
	if err := ps.err("COCO file"); err != nil {
		return nil, err
	}
	return imp, nil
}

func readCOCOImages(raw []json.RawMessage, imp *COCOImport, ps *problems) map[int64]frame {
	d := &imp.Dataset
	frames := make(map[int64]frame, len(raw))
	files := map[string]int64{}
	d.Images = make([]Image, 0, len(raw))
	for i, r := range raw {
		var in cocoImageIn
		err := decode(r, &in)
		path := elementPath(r, "image", "images", i)
		if err != nil {
			ps.add(path, "%v", err)
			continue
		}
		ok := true
		for _, req := range []struct {
			name    string
			present bool
		}{{"id", in.ID != nil}, {"width", in.Width != nil}, {"height", in.Height != nil}, {"file_name", in.FileName != nil}} {
			if !req.present {
				ps.add(path, "%s is missing", req.name)
				ok = false
			}
		}
		if !ok {
			continue
		}
		if _, dup := frames[*in.ID]; dup {
			ps.add(fmt.Sprintf("images[%d]", i), "duplicate id %d", *in.ID)
			continue
		}
		if msg := checkSize(*in.Width, *in.Height, false); msg != "" {
			ps.add(path, "%s", msg)
			ok = false
		}
		// A name that would leave its folder ("..\..\x.jpg") is read as
		// the part that stays in it, and said so.
		name := CleanFileName(*in.FileName)
		if msg := checkFileName(name); msg != "" {
			ps.add(path, "file_name %q: %s", *in.FileName, msg)
			ok = false
		} else if other, dup := files[name]; dup {
			ps.add(path, "file_name %q is also image %d's", *in.FileName, other)
			ok = false
		} else if name != *in.FileName {
			imp.warn(path, "file_name %q is read as %q", *in.FileName, name)
		}
		files[name] = *in.ID
		frames[*in.ID] = frame{w: *in.Width, h: *in.Height, slack: Tolerance}
		if ok {
			d.Images = append(d.Images, Image{ID: *in.ID, FileName: name, Width: *in.Width, Height: *in.Height, URL: in.CocoURL})
		}
	}
	return frames
}

func readCOCOCategories(raw []json.RawMessage, d *Dataset, ps *problems) map[int64]string {
	labels := make(map[int64]string, len(raw))
	names := map[string]int64{}
	for i, r := range raw {
		var in cocoCategoryIn
		err := decode(r, &in)
		path := elementPath(r, "category", "categories", i)
		switch {
		case err != nil:
			ps.add(path, "%v", err)
			continue
		case in.ID == nil:
			ps.add(path, "id is missing")
			continue
		case in.Name == nil:
			ps.add(path, "name is missing")
			continue
		}
		if _, dup := labels[*in.ID]; dup {
			ps.add(fmt.Sprintf("categories[%d]", i), "duplicate id %d", *in.ID)
			continue
		}
		labels[*in.ID] = *in.Name
		if msg := checkName(*in.Name); msg != "" {
			ps.add(path, "name %q: %s", *in.Name, msg)
			continue
		}
		if other, dup := names[*in.Name]; dup {
			ps.add(path, "name %q is also category %d's", *in.Name, other)
			continue
		}
		names[*in.Name] = *in.ID
		d.Categories = append(d.Categories, Category{ID: *in.ID, Name: *in.Name, Supercategory: in.Supercategory})
	}
	return labels
}

func readCOCOAnnotations(raw []json.RawMessage, frames map[int64]frame, labels map[int64]string, imp *COCOImport, ps *problems) {
	ids := make(map[int64]bool, len(raw))
	for i, r := range raw {
		var in cocoAnnotationIn
		err := decode(r, &in)
		path := elementPath(r, "annotation", "annotations", i)
		if err != nil {
			ps.add(path, "%v", err)
			continue
		}
		ok := true
		for _, req := range []struct {
			name    string
			present bool
		}{{"id", in.ID != nil}, {"image_id", in.ImageID != nil}, {"category_id", in.CategoryID != nil}} {
			if !req.present {
				ps.add(path, "%s is missing", req.name)
				ok = false
			}
		}
		if !ok {
			continue
		}
		if ids[*in.ID] {
			ps.add(fmt.Sprintf("annotations[%d]", i), "duplicate id %d", *in.ID)
			continue
		}
		ids[*in.ID] = true
		f, imageOK := frames[*in.ImageID]
		if !imageOK {
			ps.add(path, "image_id %d: no such image", *in.ImageID)
		}
		label, catOK := labels[*in.CategoryID]
		if !catOK {
			ps.add(path, "category_id %d: no such category", *in.CategoryID)
		}
		if in.IsCrowd != nil && *in.IsCrowd != 0 && *in.IsCrowd != 1 {
			ps.add(path, "iscrowd must be 0 or 1, got %d", *in.IsCrowd)
			continue
		}
		if !imageOK || !catOK {
			continue
		}
		seg := firstByte(in.Segmentation)
		if seg == '{' || in.IsCrowd != nil && *in.IsCrowd == 1 {
			imp.SkippedMasks++
			imp.warn(path, "crowd annotation or RLE mask skipped")
			continue
		}
		an := Annotation{ID: *in.ID, ImageID: *in.ImageID, Label: label}
		valid := true
		if box, present, ok := cocoBox(path+" bbox", in.BBox, f, ps); !ok {
			valid = false
		} else if present {
			an.Box = &box
		}
		if polys, ok := cocoPolygons(path+" segmentation", in.Segmentation, f, ps); !ok {
			valid = false
		} else {
			an.Polygons = polys
		}
		if in.Area != nil && *in.Area < 0 {
			ps.add(path, "area must be ≥ 0, got %g", *in.Area)
			valid = false
		}
		if in.Allmende != nil && in.Allmende.Worker != "" {
			if msg := checkName(in.Allmende.Worker); msg != "" {
				ps.add(path, "allmende.worker %q: %s", in.Allmende.Worker, msg)
				valid = false
			}
			an.Worker = in.Allmende.Worker
		}
		if !valid {
			continue
		}
		if !an.hasShape() {
			imp.SkippedNoShape++
			imp.warn(path, "no bbox or polygon to import (keypoints only?)")
			continue
		}
		if an.Box == nil {
			b := an.box()
			an.Box = &b
		}
		if in.Area != nil {
			an.Area = *in.Area
		}
		an.Area = an.area()
		an.Score = in.Score
		if len(in.Attributes) > 0 {
			an.Attributes = in.Attributes
		}
		imp.Annotations = append(imp.Annotations, an)
	}
}

// cocoBox reads a bbox [x,y,width,height]. present is false for a missing,
// null or empty bbox.
func cocoBox(path string, raw json.RawMessage, f frame, ps *problems) (r Rect, present, ok bool) {
	if c := firstByte(raw); c == 0 || c == 'n' {
		return Rect{}, false, true
	}
	var v []float64
	if err := decode(raw, &v); err != nil {
		ps.add(path, "%v", err)
		return Rect{}, false, false
	}
	switch len(v) {
	case 0:
		return Rect{}, false, true
	case 4:
	default:
		ps.add(path, "want 4 numbers [x,y,width,height], got %d", len(v))
		return Rect{}, false, false
	}
	r, msg := f.fitRect(Rect{X: v[0], Y: v[1], W: v[2], H: v[3]})
	if msg != "" {
		ps.add(path, "%s", msg)
		return Rect{}, false, false
	}
	return r, true, true
}

// cocoPolygons reads a polygon segmentation: a list of flat
// [x1,y1,x2,y2,...] lists, one per part of the object.
func cocoPolygons(path string, raw json.RawMessage, f frame, ps *problems) ([][]Point, bool) {
	if c := firstByte(raw); c == 0 || c == 'n' {
		return nil, true
	} else if c != '[' {
		ps.add(path, "want a list of polygons or an RLE object")
		return nil, false
	}
	var flat [][]float64
	if err := decode(raw, &flat); err != nil {
		ps.add(path, "%v", err)
		return nil, false
	}
	var polys [][]Point
	ok := true
	for j, xy := range flat {
		pp := fmt.Sprintf("%s[%d]", path, j)
		if len(xy)%2 != 0 {
			ps.add(pp, "odd number of coordinates (%d)", len(xy))
			ok = false
			continue
		}
		pts := make([]Point, len(xy)/2)
		for k := range pts {
			pts[k] = Point{X: xy[2*k], Y: xy[2*k+1]}
		}
		fitted, good := f.fitPolygon(pp, pts, ps)
		if !good {
			ok = false
			continue
		}
		polys = append(polys, fitted)
	}
	return polys, ok
}

// elementPath names the i-th element of a COCO list by its id, or by its
// index when it has no usable id.
func elementPath(raw json.RawMessage, singular, plural string, i int) string {
	if id := idOf(raw); id != nil {
		return fmt.Sprintf("%s %d", singular, *id)
	}
	return fmt.Sprintf("%s[%d]", plural, i)
}

// idOf reads the integer "id" of a JSON object, nil if it has none.
// encoding/json leaves a pointer set to 0 when the value has the wrong
// type, so the id is read on its own rather than taken from a struct whose
// decoding failed.
func idOf(raw json.RawMessage) *int64 {
	var e struct {
		ID *int64 `json:"id"`
	}
	if json.Unmarshal(raw, &e) != nil {
		return nil
	}
	return e.ID
}

// firstByte is the first byte of a JSON value, 0 if there is none.
func firstByte(raw json.RawMessage) byte {
	for _, c := range raw {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c
	}
	return 0
}

type cocoOut struct {
	Info        map[string]string `json:"info"`
	Licenses    []struct{}        `json:"licenses"`
	Images      []cocoImageOut    `json:"images"`
	Annotations []cocoAnnOut      `json:"annotations"`
	Categories  []cocoCatOut      `json:"categories"`
}

type cocoImageOut struct {
	ID       int64  `json:"id"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	FileName string `json:"file_name"`
	CocoURL  string `json:"coco_url,omitempty"`
}

type cocoCatOut struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	Supercategory string `json:"supercategory"`
}

type cocoAnnOut struct {
	ID           int64          `json:"id"`
	ImageID      int64          `json:"image_id"`
	CategoryID   int64          `json:"category_id"`
	Segmentation [][]float64    `json:"segmentation"`
	Area         float64        `json:"area"`
	BBox         [4]float64     `json:"bbox"`
	IsCrowd      int            `json:"iscrowd"`
	Score        *float64       `json:"score,omitempty"`
	Attributes   map[string]any `json:"attributes,omitempty"`
	Allmende     *extension     `json:"allmende,omitempty"`
}

// ExportCOCO writes ds as a COCO object detection file that [ImportCOCO]
// reads back to the same dataset. Every annotation gets a bbox (from its
// polygons if it has none), its polygons as segmentation (else []), an
// area, iscrowd 0, and when set its score, attributes and worker
// pseudonym (in "allmende": {"worker": ...}, an extension other tools
// ignore). Annotations with id 0 get the smallest ids not in use.
//
// COCO requires every image's size and has no whole-image labels, so a
// dataset with an image of unknown size or an annotation without a shape
// is refused, as is one that fails [Dataset.Validate].
func ExportCOCO(w io.Writer, ds Dataset) error {
	var ps problems
	ds.validate(&ps)
	for i, im := range ds.Images {
		if im.Width == 0 && im.Height == 0 {
			ps.add(fmt.Sprintf("images[%d]", i), "size unknown; COCO requires width and height")
		}
	}
	for i, an := range ds.Annotations {
		if !an.hasShape() {
			ps.add(fmt.Sprintf("annotations[%d]", i), "no box or polygon; COCO has no whole-image labels")
		}
	}
	if err := ps.err("dataset for COCO"); err != nil {
		return err
	}
	catID := make(map[string]int64, len(ds.Categories))
	out := cocoOut{
		Info:        map[string]string{"description": "Exported by Allmende", "version": "1.0"},
		Licenses:    []struct{}{},
		Images:      make([]cocoImageOut, len(ds.Images)),
		Categories:  make([]cocoCatOut, len(ds.Categories)),
		Annotations: make([]cocoAnnOut, 0, len(ds.Annotations)),
	}
	for i, c := range ds.Categories {
		catID[c.Name] = c.ID
		out.Categories[i] = cocoCatOut(c)
	}
	for i, im := range ds.Images {
		out.Images[i] = cocoImageOut{ID: im.ID, Width: im.Width, Height: im.Height, FileName: im.FileName, CocoURL: im.URL}
	}
	for _, an := range assignIDs(ds.Annotations) {
		b := an.box()
		o := cocoAnnOut{
			ID: an.ID, ImageID: an.ImageID, CategoryID: catID[an.Label],
			Segmentation: make([][]float64, 0, len(an.Polygons)),
			Area:         an.area(),
			BBox:         [4]float64{b.X, b.Y, b.W, b.H},
			Score:        an.Score,
			Attributes:   an.Attributes,
		}
		for _, p := range an.Polygons {
			flat := make([]float64, 0, 2*len(p))
			for _, pt := range p {
				flat = append(flat, pt.X, pt.Y)
			}
			o.Segmentation = append(o.Segmentation, flat)
		}
		if an.Worker != "" {
			o.Allmende = &extension{Worker: an.Worker}
		}
		out.Annotations = append(out.Annotations, o)
	}
	if err := json.NewEncoder(w).Encode(out); err != nil {
		return fmt.Errorf("write COCO: %w", err)
	}
	return nil
}
