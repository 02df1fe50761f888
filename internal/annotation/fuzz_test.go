package annotation

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// Every importer is fuzzed for three things: it never panics, what it
// accepts is valid, and what it accepts survives export and import again.
// Refusals must be a *ValidationError (or ErrTooLarge), never another error.

func checkRefusal(t *testing.T, err error) {
	t.Helper()
	var ve *ValidationError
	switch {
	case errors.As(err, &ve):
		if len(ve.Problems) == 0 {
			t.Fatalf("validation error without problems: %v", err)
		}
	case errors.Is(err, ErrTooLarge):
	default:
		t.Fatalf("refused with %T: %v", err, err)
	}
}

var fuzzSpecs = []Spec{boxSpec, polygonSpec, classSpec, textSpec, pairSpec}

func FuzzParse(f *testing.F) {
	for i, raw := range []string{
		`{"boxes":[{"label":"battery","x":10,"y":20,"w":100,"h":50}]}`,
		`{"polygons":[{"label":"battery","points":[[10,20],[110,20],[60,90]]}]}`,
		`{"label":"cat"}`,
		`{"label":"ham","boxes":[]}`,
		`{"choice":"a","reason":"B invents a law that does not exist"}`,
	} {
		f.Add(uint8(i), []byte(raw))
	}
	f.Add(uint8(0), []byte(`{"boxes":[{"label":"cat","x":-0.5,"y":255.5,"w":1e-300,"h":0.7}],"label":""}`))
	f.Add(uint8(1), []byte(`{"polygons":[{"label":"cat","points":[[0,0],[512.9,0],[0,-1]]}]}`))
	f.Fuzz(func(t *testing.T, kind uint8, raw []byte) {
		spec := fuzzSpecs[int(kind)%len(fuzzSpecs)]
		a, err := Parse(raw, spec)
		if err != nil {
			checkRefusal(t, err)
			if !reflect.DeepEqual(a, Answer{}) {
				t.Fatalf("refused answer came back as %+v", a)
			}
			return
		}
		checkAnswer(t, a, spec)
		again, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Parse(again, spec)
		if err != nil {
			t.Fatalf("%s, written back as %s, is refused: %v", raw, again, err)
		}
		if !reflect.DeepEqual(b, a) {
			t.Fatalf("%s parsed as %+v, then as %+v", raw, a, b)
		}
		c := a.Canonical()
		if cc := c.Canonical(); !reflect.DeepEqual(cc, c) {
			t.Fatalf("Canonical is not idempotent: %+v, then %+v", c, cc)
		}
	})
}

// checkAnswer asserts what Parse promises of an accepted answer.
func checkAnswer(t *testing.T, a Answer, spec Spec) {
	t.Helper()
	labels := newLabelSet(spec.Labels)
	w, h := float64(spec.Width), float64(spec.Height)
	for _, field := range fields {
		set := map[string]bool{"boxes": len(a.Boxes) > 0, "polygons": len(a.Polygons) > 0, "label": a.Label != "",
			"choice": a.Choice != "", "reason": a.Reason != ""}[field]
		if set && !spec.TaskType.allowed(field) {
			t.Fatalf("%s set in a %s answer: %+v", field, spec.TaskType, a)
		}
	}
	if len(a.Boxes) > MaxShapes || len(a.Polygons) > MaxShapes {
		t.Fatalf("%d boxes, %d polygons", len(a.Boxes), len(a.Polygons))
	}
	for _, b := range a.Boxes {
		if !labels[b.Label] || !(b.W > 0 && b.H > 0 && b.X >= 0 && b.Y >= 0 && b.X+b.W <= w && b.Y+b.H <= h) {
			t.Fatalf("invalid box %+v in %v×%v", b, w, h)
		}
	}
	for _, p := range a.Polygons {
		if !labels[p.Label] || len(p.Points) < 3 || len(p.Points) > MaxPolygonPoints || !(p.Area() > 0) {
			t.Fatalf("invalid polygon %+v", p)
		}
		for _, q := range p.Points {
			if !(q.X >= 0 && q.Y >= 0 && q.X <= w && q.Y <= h) {
				t.Fatalf("vertex %v outside %v×%v", q, w, h)
			}
		}
	}
	switch spec.TaskType {
	case ImageClassification, TextClassification:
		if !labels[a.Label] {
			t.Fatalf("label %q", a.Label)
		}
	case Pairwise:
		if a.Choice != "a" && a.Choice != "b" || utf8.RuneCountInString(a.Reason) > MaxReasonRunes {
			t.Fatalf("pairwise answer %+v", a)
		}
	}
}

func addFile(f *testing.F, name string) {
	b, err := os.ReadFile(name)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
}

func FuzzImportCOCO(f *testing.F) {
	addFile(f, cocoSmall(f))
	addFile(f, filepath.Join(legoDir(f), "annotations.json"))
	var buf bytes.Buffer
	if err := ExportCOCO(&buf, worked()); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(cocoDoc(`{"id":7,"image_id":1,"category_id":1,"bbox":[-0.4,40,100.9,10.5],"segmentation":[[-1,0,100.5,0,50,50.9]],"score":1,"attributes":{"a":[1,{"b":null}]}}`)))
	f.Add([]byte(cocoDoc(`{"id":7,"image_id":2,"category_id":2,"segmentation":[[0,0,10,0,10,20],[30,30,40,30,40,40]],"bbox":[],"allmende":{"worker":"w"}}`)))
	// Small documents let the mutator reach every branch quickly.
	f.Add([]byte(`{"images":[{"id":1,"file_name":"a","width":2,"height":2}],"categories":[{"id":0,"name":"c"}],"annotations":[{"id":1,"image_id":1,"category_id":0,"bbox":[0,0,1,1]}]}`))
	f.Add([]byte(`{"images":[{"id":1,"file_name":"a","width":2,"height":2}],"categories":[{"id":0,"name":"c"}],"annotations":[{"id":1,"image_id":1,"category_id":0,"segmentation":[[0,0,2,0,0,2]],"area":0}]}`))
	f.Add([]byte(`{"images":[{"id":1,"file_name":"a","width":2,"height":2}],"categories":[{"id":0,"name":"c"}],"annotations":[{"id":1,"image_id":1,"category_id":0,"iscrowd":1,"segmentation":{"counts":"ab","size":[2,2]}}]}`))
	f.Add([]byte(`{"images":[],"categories":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		imp, err := ImportCOCO(bytes.NewReader(data))
		if err != nil {
			checkRefusal(t, err)
			return
		}
		if err := imp.Validate(); err != nil {
			t.Fatalf("accepted an invalid dataset: %v", err)
		}
		if imp.SkippedMasks+imp.SkippedNoShape < len(imp.Warnings) {
			t.Fatalf("%d warnings for %d skipped", len(imp.Warnings), imp.SkippedMasks+imp.SkippedNoShape)
		}
		var out bytes.Buffer
		if err := ExportCOCO(&out, imp.Dataset); err != nil {
			t.Fatalf("export of an accepted import: %v", err)
		}
		again, err := ImportCOCO(&out)
		if err != nil {
			t.Fatalf("import of the export: %v\n%s", err, out.Bytes())
		}
		if !reflect.DeepEqual(again.Dataset, imp.Dataset) {
			t.Fatalf("round trip changed the dataset:\n%s\n%s", dump(imp.Dataset), dump(again.Dataset))
		}
	})
}

var fuzzNames = []string{"cat", "dog", "battery", "person", "car"}

func FuzzImportYOLO(f *testing.F) {
	f.Add([]byte("0 0.5 0.5 0.2 0.4\n1 0.25 0.5 0.5 0.5\n"), uint16(200), uint16(100), uint8(2))
	f.Add([]byte("1 0 0 1 0 1 1\n0 0.5 0.5 0.75 0.5 0.5 1 0.25 0.5\n"), uint16(640), uint16(427), uint8(5))
	f.Add([]byte("0 0.9995 0.5 0.001 0.2\n"), uint16(1000), uint16(10), uint8(1))
	imp, err := ImportCOCO(strings.NewReader(mustRead(f, cocoSmall(f))))
	if err != nil {
		f.Fatal(err)
	}
	err = ExportYOLO(imp.Dataset, func(name string, data []byte) error {
		if name == "labels/000000397133.txt" {
			f.Add(data, uint16(640), uint16(427), uint8(5))
		}
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, w, h uint16, n uint8) {
		width, height := max(int(w)%MaxImageSide, 1), max(int(h)%MaxImageSide, 1)
		names := fuzzNames[:int(n)%(len(fuzzNames)+1)]
		anns, err := ImportYOLO(bytes.NewReader(data), width, height, names)
		if err != nil {
			checkRefusal(t, err)
			return
		}
		ds := Dataset{Categories: CategoriesOf(names), Images: []Image{{ID: 1, FileName: "x.jpg", Width: width, Height: height}}}
		for _, an := range anns {
			an.ImageID = 1
			ds.Annotations = append(ds.Annotations, an)
		}
		if err := ds.Validate(); err != nil {
			t.Fatalf("accepted invalid annotations: %v", err)
		}
		var label []byte
		if err := ExportYOLO(ds, func(name string, data []byte) error {
			if name == "labels/x.txt" {
				label = data
			}
			return nil
		}); err != nil {
			t.Fatalf("export of an accepted import: %v", err)
		}
		again, err := ImportYOLO(bytes.NewReader(label), width, height, names)
		// Six decimals are all YOLO keeps. A shape within a few millionths
		// of the image of having no size may lose it in the rounding.
		tol := 2e-6 * float64(max(width, height))
		if err != nil {
			if !allTiny(anns, tol) {
				t.Fatalf("import of the export %q: %v", label, err)
			}
			return
		}
		if !slices.EqualFunc(again, anns, func(a, b Annotation) bool { return shapesNear(a, b, tol) }) {
			t.Fatalf("round trip changed the shapes:\n%s\n%s", dump(anns), dump(again))
		}
	})
}

// allTiny reports whether some shape is within tol of having no width,
// height or area, where YOLO's rounding may take its size away.
func allTiny(anns []Annotation, tol float64) bool {
	for _, an := range anns {
		if an.Box != nil && (an.Box.W <= 2*tol || an.Box.H <= 2*tol) {
			return true
		}
		for _, p := range an.Polygons {
			b := bounds(p)
			var perimeter float64
			for i, q := range p {
				r := p[(i+1)%len(p)]
				perimeter += math.Hypot(r.X-q.X, r.Y-q.Y)
			}
			if b.W <= 2*tol || b.H <= 2*tol || polygonArea(p) <= 2*tol*perimeter {
				return true
			}
		}
	}
	return false
}

func mustRead(f *testing.F, name string) string {
	b, err := os.ReadFile(name)
	if err != nil {
		f.Fatal(err)
	}
	return string(b)
}

func FuzzImportLabelStudio(f *testing.F) {
	f.Add([]byte(lsExport))
	var buf bytes.Buffer
	ds := worked()
	ds.Annotations = append(ds.Annotations, Annotation{ImageID: 3, Label: "cat", Worker: "w-1"})
	if err := ExportLabelStudio(&buf, ds, LabelStudioOptions{Predictions: true}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`[{"id":1,"data":{"image":"a"},"annotations":[{"result":[{"type":"rectanglelabels","original_width":2,"original_height":2,"value":{"x":0,"y":0,"width":50,"height":50,"rotation":30,"rectanglelabels":["c"]}}]}]}]`))
	f.Add([]byte(`[{"id":1,"data":{"image":"/a"},"predictions":[{"score":1,"result":[{"type":"rectanglelabels","original_width":2,"original_height":2,"value":{"x":0,"y":0,"width":50,"height":50,"rectanglelabels":["c","d"]}}]}]}]`))
	f.Add([]byte(`[{"data":{"image":"a"},"annotations":[{"allmende":{"worker":"w"},"result":[{"id":"1","type":"choices","value":{"choices":["c"]}}]}]}]`))
	f.Add([]byte(`{"data":{"image":"http:a.jpg"},"annotations":[{"result":[{"type":"polygonlabels","original_width":3,"original_height":2,"value":{"points":[[0,0],[100,0],[0,100]],"polygonlabels":["x"]}}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		imp, err := ImportLabelStudio(bytes.NewReader(data))
		if err != nil {
			checkRefusal(t, err)
			return
		}
		if err := imp.Validate(); err != nil {
			t.Fatalf("accepted an invalid dataset: %v", err)
		}
		var out bytes.Buffer
		if err := ExportLabelStudio(&out, imp.Dataset, LabelStudioOptions{}); err != nil {
			t.Fatalf("export of an accepted import: %v", err)
		}
		again, err := ImportLabelStudio(&out)
		if err != nil {
			t.Fatalf("import of the export: %v\n%s", err, out.Bytes())
		}
		if !reflect.DeepEqual(again.Images, imp.Images) || !reflect.DeepEqual(again.Categories, imp.Categories) {
			t.Fatalf("round trip changed images or labels:\n%s\n%s", dump(imp.Images), dump(again.Images))
		}
		// Export groups each image's annotations by worker, so compare
		// them as sets.
		a, b := sortedShapes(imp.Annotations), sortedShapes(again.Annotations)
		if !slices.EqualFunc(a, b, func(x, y Annotation) bool {
			return x.ImageID == y.ImageID && x.Worker == y.Worker && reflect.DeepEqual(x.Score, y.Score) && shapesNear(x, y, 1e-6)
		}) {
			t.Fatalf("round trip changed the annotations:\n%s\n%s", dump(a), dump(b))
		}
	})
}

func sortedShapes(anns []Annotation) []Annotation {
	out := slices.Clone(anns)
	key := func(an Annotation) []float64 {
		if an.Box != nil {
			return []float64{an.Box.X, an.Box.Y, an.Box.W, an.Box.H}
		}
		var k []float64
		for _, p := range an.Polygons {
			for _, q := range p {
				k = append(k, q.X, q.Y)
			}
		}
		return k
	}
	slices.SortStableFunc(out, func(a, b Annotation) int {
		return cmp.Or(cmp.Compare(a.ImageID, b.ImageID), cmp.Compare(a.Worker, b.Worker), cmp.Compare(a.Label, b.Label),
			slices.Compare(key(a), key(b)))
	})
	return out
}

func FuzzImportCSV(f *testing.F) {
	f.Add([]byte("question,worker,answer\n1,a,x\n2,b,y\n"))
	f.Add([]byte("\uFEFFtask,worker,label\r\n\"q,1\",\"a\"\"b\",\"x\ny\"\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		votes, err := ImportCSV(bytes.NewReader(data))
		if err != nil {
			checkRefusal(t, err)
			return
		}
		var out bytes.Buffer
		if err := ExportCSV(&out, votes); err != nil {
			t.Fatalf("export of accepted votes %q: %v", votes, err)
		}
		again, err := ImportCSV(&out)
		if err != nil {
			t.Fatalf("import of the export: %v\n%q", err, out.Bytes())
		}
		if !slices.Equal(again, votes) {
			t.Fatalf("round trip changed the votes: %q, then %q", votes, again)
		}
	})
}
