package annotation

import (
	"encoding/json"
	"fmt"
	"slices"
)

// Dataset is a set of labelled images, the common model behind every
// import and export: what a project starts from and what it delivers.
type Dataset struct {
	// Categories is the label set. Its order is the YOLO class index.
	Categories  []Category
	Images      []Image
	Annotations []Annotation
}

// Category is one label. ID is the COCO category id, kept so that a COCO
// file exports with the ids it came with.
type Category struct {
	ID            int64
	Name          string
	Supercategory string
}

// Image is one item to label.
type Image struct {
	ID int64
	// FileName is a slash-separated relative path without "." or ".."
	// elements, so that it can name a file inside an archive safely.
	FileName string
	// Width and Height are in natural pixels; both 0 when unknown (a Label
	// Studio task without regions does not say), which only an image
	// without shapes may be.
	Width, Height int
	// URL is where the image can be fetched, if known: COCO's coco_url,
	// Label Studio's data.image.
	URL string
}

// Annotation is one labelled object on an image, or with neither Box nor
// Polygons a label for the whole image.
type Annotation struct {
	// ID is unique within the dataset; 0 lets the exporter number it.
	ID      int64
	ImageID int64
	Label   string
	// Box is the object's bounding box. For an annotation with polygons it
	// may be nil; exporters that need one use the polygons' bounds.
	Box *Rect
	// Polygons outline the object; like a COCO segmentation, an object
	// split by an occluder has several parts.
	Polygons [][]Point
	// Area in square pixels as given by the source (COCO's mask area); 0
	// means unknown, and exporters compute it from the shape.
	Area float64
	// Score is a model's confidence, for predictions.
	Score *float64
	// Attributes are free-form properties (CVAT's "occluded", ...),
	// kept through COCO.
	Attributes map[string]any
	// Worker is the pseudonym of whoever drew it, if a worker did.
	Worker string
}

// Labels returns the category names in order.
func (d Dataset) Labels() []string {
	names := make([]string, len(d.Categories))
	for i, c := range d.Categories {
		names[i] = c.Name
	}
	return names
}

// CategoriesOf numbers a label set as COCO categories 1, 2, ...
func CategoriesOf(labels []string) []Category {
	cs := make([]Category, len(labels))
	for i, l := range labels {
		cs[i] = Category{ID: int64(i + 1), Name: l}
	}
	return cs
}

// AnnotationsFrom turns a worker's answer for one image into dataset
// annotations: one per box, one per polygon, and for an image
// classification answer one without a shape. Pairwise and text answers
// have no image and give none.
func AnnotationsFrom(imageID int64, worker string, a Answer) []Annotation {
	var out []Annotation
	for _, b := range a.Boxes {
		r := b.Rect
		out = append(out, Annotation{ImageID: imageID, Label: b.Label, Box: &r, Worker: worker})
	}
	for _, p := range a.Polygons {
		out = append(out, Annotation{ImageID: imageID, Label: p.Label, Polygons: [][]Point{slices.Clone(p.Points)}, Worker: worker})
	}
	if a.Label != "" && len(a.Boxes) == 0 && len(a.Polygons) == 0 {
		out = append(out, Annotation{ImageID: imageID, Label: a.Label, Worker: worker})
	}
	return out
}

// PreAnnotations returns, per image id, the dataset's annotations as a
// starting answer for a task of type t: boxes for bounding_box (a polygon
// contributes its bounds), polygons for polygon (a box contributes its
// four corners), and for image_classification the most frequent
// whole-image label. Images without anything to show are left out.
func (d Dataset) PreAnnotations(t TaskType) map[int64]Answer {
	out := map[int64]Answer{}
	votes := map[int64]map[string]int{}
	for _, an := range d.Annotations {
		a := out[an.ImageID]
		switch {
		case t == BoundingBox && an.hasShape():
			a.Boxes = append(a.Boxes, Box{Label: an.Label, Rect: an.box()})
		case t == PolygonOutline && len(an.Polygons) > 0:
			for _, p := range an.Polygons {
				a.Polygons = append(a.Polygons, Polygon{Label: an.Label, Points: slices.Clone(p)})
			}
		case t == PolygonOutline && an.Box != nil:
			a.Polygons = append(a.Polygons, Polygon{Label: an.Label, Points: an.Box.corners()})
		case t == ImageClassification && !an.hasShape():
			if votes[an.ImageID] == nil {
				votes[an.ImageID] = map[string]int{}
			}
			votes[an.ImageID][an.Label]++
			continue
		default:
			continue
		}
		out[an.ImageID] = a
	}
	for id, v := range votes {
		best := ""
		for _, l := range sortedKeys(v) {
			if v[l] > v[best] {
				best = l
			}
		}
		out[id] = Answer{Label: best}
	}
	return out
}

func (an *Annotation) hasShape() bool { return an.Box != nil || len(an.Polygons) > 0 }

// box is the annotation's bounding box, from its polygons if it has none.
func (an *Annotation) box() Rect {
	if an.Box != nil {
		return *an.Box
	}
	return bounds(an.Polygons...)
}

// area is the source's area, or else the shape's.
func (an *Annotation) area() float64 {
	if an.Area > 0 {
		return an.Area
	}
	if len(an.Polygons) > 0 {
		var a float64
		for _, p := range an.Polygons {
			a += polygonArea(p)
		}
		return a
	}
	b := an.box()
	return b.W * b.H
}

// validSlack absorbs floating-point noise in [Dataset.Validate]: x+w of a
// box fitted to the border may exceed the width by an ulp.
const validSlack = 1e-6

// Validate checks that the dataset is consistent and every shape valid:
// unique category ids and names, unique image ids and file names, file
// names safe inside an archive, annotations pointing at existing images
// and labels, boxes of positive size and polygons of three or more points
// and positive area, all inside their image. Every importer returns a
// dataset that passes, and every exporter refuses one that does not.
func (d Dataset) Validate() error {
	var ps problems
	d.validate(&ps)
	return ps.err("dataset")
}

func (d Dataset) validate(ps *problems) {
	catIDs := map[int64]bool{}
	names := map[string]bool{}
	for i, c := range d.Categories {
		path := fmt.Sprintf("categories[%d]", i)
		if catIDs[c.ID] {
			ps.add(path, "duplicate id %d", c.ID)
		}
		catIDs[c.ID] = true
		if msg := checkName(c.Name); msg != "" {
			ps.add(path, "name %q: %s", c.Name, msg)
		} else if names[c.Name] {
			ps.add(path, "duplicate name %q", c.Name)
		}
		names[c.Name] = true
	}
	images := map[int64]frame{}
	files := map[string]bool{}
	for i, im := range d.Images {
		path := fmt.Sprintf("images[%d]", i)
		if _, dup := images[im.ID]; dup {
			ps.add(path, "duplicate id %d", im.ID)
		} else {
			images[im.ID] = frame{w: im.Width, h: im.Height, slack: validSlack}
		}
		if msg := checkFileName(im.FileName); msg != "" {
			ps.add(path, "file name %q: %s", im.FileName, msg)
		} else if files[im.FileName] {
			ps.add(path, "duplicate file name %q", im.FileName)
		}
		files[im.FileName] = true
		if msg := checkSize(im.Width, im.Height, true); msg != "" {
			ps.add(path, "%s", msg)
		}
	}
	annIDs := map[int64]bool{}
	for i, an := range d.Annotations {
		path := fmt.Sprintf("annotations[%d]", i)
		if an.ID != 0 {
			if annIDs[an.ID] {
				ps.add(path, "duplicate id %d", an.ID)
			}
			annIDs[an.ID] = true
		}
		f, ok := images[an.ImageID]
		if !ok {
			ps.add(path, "image %d does not exist", an.ImageID)
		}
		if !names[an.Label] {
			ps.add(path, "label %q is not a category", an.Label)
		}
		if an.Worker != "" {
			if msg := checkName(an.Worker); msg != "" {
				ps.add(path, "worker %q: %s", an.Worker, msg)
			}
		}
		if !finite(an.Area) || an.Area < 0 {
			ps.add(path, "area must be a finite number ≥ 0")
		}
		if an.Score != nil && !finite(*an.Score) {
			ps.add(path, "score is not a finite number")
		}
		if an.Attributes != nil {
			if _, err := json.Marshal(an.Attributes); err != nil {
				ps.add(path, "attributes cannot be written as JSON: %v", err)
			}
		}
		if !ok {
			continue
		}
		if an.Box != nil {
			if _, msg := f.fitRect(*an.Box); msg != "" {
				ps.add(path+".box", "%s", msg)
			}
		}
		for j, p := range an.Polygons {
			f.fitPolygon(fmt.Sprintf("%s.polygons[%d]", path, j), p, ps)
		}
	}
}

// checkSize reports what is wrong with an image size, or "". Unknown (0×0)
// is allowed where the format may not say.
func checkSize(w, h int, unknownOK bool) string {
	if unknownOK && w == 0 && h == 0 {
		return ""
	}
	if w <= 0 || h <= 0 || w > MaxImageSide || h > MaxImageSide {
		return fmt.Sprintf("size %d×%d: width and height must be 1 to %d", w, h, MaxImageSide)
	}
	return ""
}

// assignIDs numbers annotations whose ID is 0 with the smallest positive
// ids not in use, so that exports always carry unique ids.
func assignIDs(anns []Annotation) []Annotation {
	out := slices.Clone(anns)
	used := make(map[int64]bool, len(out))
	for _, an := range out {
		used[an.ID] = true
	}
	newID := unusedIDs(used)
	for i := range out {
		if out[i].ID == 0 {
			out[i].ID = newID()
		}
	}
	return out
}

// unusedIDs returns a function that hands out the positive ids not in
// used, smallest first. Counting up from the largest id could overflow.
func unusedIDs(used map[int64]bool) func() int64 {
	next := int64(0)
	return func() int64 {
		next++
		for used[next] {
			next++
		}
		return next
	}
}

// byImage groups annotation indexes by image id, in order.
func byImage(anns []Annotation) map[int64][]int {
	m := map[int64][]int{}
	for i, an := range anns {
		m[an.ImageID] = append(m[an.ImageID], i)
	}
	return m
}
