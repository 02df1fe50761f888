package annotation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image/jpeg"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/shareddata"
)

// cocoSmall is a slice of COCO val2017; legoDir a small real dataset with
// its images. Both are in the shared development data.
func cocoSmall(t testing.TB) string {
	return filepath.Join(shareddata.Dir(t), "coco", "instances_val2017_small.json")
}

func legoDir(t testing.TB) string { return filepath.Join(shareddata.Dir(t), "coco", "lego-battery") }

func importCOCOFile(t *testing.T, name string) *COCOImport {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	imp, err := ImportCOCO(f)
	if err != nil {
		t.Fatal(err)
	}
	return imp
}

func TestImportCOCOVal2017(t *testing.T) {
	imp := importCOCOFile(t, cocoSmall(t))
	if len(imp.Images) != 3 || len(imp.Categories) != 80 {
		t.Fatalf("%d images, %d categories; want 3 and 80", len(imp.Images), len(imp.Categories))
	}
	if im := imp.Images[0]; im != (Image{ID: 397133, FileName: "000000397133.jpg", Width: 640, Height: 427,
		URL: "http://images.cocodataset.org/val2017/000000397133.jpg"}) {
		t.Errorf("first image %+v", im)
	}
	if c := imp.Categories[79]; c != (Category{ID: 90, Name: "toothbrush", Supercategory: "indoor"}) {
		t.Errorf("last category %+v", c)
	}
	// 34 annotations, one of them a crowd RLE mask.
	if len(imp.Annotations) != 33 || imp.SkippedMasks != 1 || imp.SkippedNoShape != 0 {
		t.Errorf("%d annotations, %d masks and %d shapeless skipped; want 33, 1, 0",
			len(imp.Annotations), imp.SkippedMasks, imp.SkippedNoShape)
	}
	if len(imp.Warnings) != 1 || imp.Warnings[0].Path != "annotation 900100448263" {
		t.Errorf("warnings %v", imp.Warnings)
	}
	an := imp.Annotations[0]
	if an.ID != 82445 || an.ImageID != 397133 || an.Label != "bottle" || an.Area != 1481.3806499999994 ||
		*an.Box != (Rect{217.62, 240.54, 38.99, 57.75}) || len(an.Polygons) != 1 || len(an.Polygons[0]) != 24 ||
		an.Polygons[0][0] != (Point{224.24, 297.18}) {
		t.Errorf("first annotation %+v", an)
	}
	if err := imp.Validate(); err != nil {
		t.Error(err)
	}
	pre := imp.PreAnnotations(BoundingBox)
	if n := len(pre[397133].Boxes); n != 19 {
		t.Errorf("%d pre-annotated boxes on image 397133, want 19", n)
	}
	if n := len(pre[448263].Boxes); n != 0 {
		t.Errorf("the crowd-only image has %d boxes", n)
	}
	// Pre-annotations are answers a worker could submit unchanged.
	for id, a := range imp.PreAnnotations(PolygonOutline) {
		im := imp.Images[slices.IndexFunc(imp.Images, func(im Image) bool { return im.ID == id })]
		raw, _ := json.Marshal(a)
		if _, err := Parse(raw, Spec{TaskType: PolygonOutline, Labels: imp.Labels(), Width: im.Width, Height: im.Height}); err != nil {
			t.Errorf("image %d: %v", id, err)
		}
	}
}

func TestImportCOCOKeypointsOnly(t *testing.T) {
	imp := importCOCOFile(t, filepath.Join(legoDir(t), "annotations.json"))
	if !slices.Equal(imp.Labels(), []string{"battery"}) {
		t.Errorf("labels %q", imp.Labels())
	}
	if len(imp.Images) != 34 || len(imp.Annotations) != 0 || imp.SkippedNoShape != 34 || len(imp.Warnings) != 34 {
		t.Errorf("%d images, %d annotations, %d skipped, %d warnings; want 34, 0, 34, 34",
			len(imp.Images), len(imp.Annotations), imp.SkippedNoShape, len(imp.Warnings))
	}
	// Every item names a real photo of the size the file claims.
	for _, im := range imp.Images {
		f, err := os.Open(filepath.Join(legoDir(t), filepath.FromSlash(im.FileName)))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := jpeg.DecodeConfig(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", im.FileName, err)
		}
		if cfg.Width != im.Width || cfg.Height != im.Height {
			t.Errorf("%s is %d×%d, the file says %d×%d", im.FileName, cfg.Width, cfg.Height, im.Width, im.Height)
		}
	}
}

// cocoDoc builds a small COCO file: two images (1: 100×50, 2: 64×64),
// categories 1 "cat" and 2 "dog", and the given annotations.
func cocoDoc(annotations ...string) string {
	return `{"images":[{"id":1,"file_name":"a.jpg","width":100,"height":50},{"id":2,"file_name":"b/b.png","width":64,"height":64}],
"categories":[{"id":1,"name":"cat"},{"id":2,"name":"dog"}],
"annotations":[` + strings.Join(annotations, ",") + `]}`
}

func TestImportCOCOAccepts(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []Annotation
	}{
		{"box only; area computed", cocoDoc(`{"id":7,"image_id":1,"category_id":2,"bbox":[10,5,20,10]}`),
			[]Annotation{{ID: 7, ImageID: 1, Label: "dog", Box: &Rect{10, 5, 20, 10}, Area: 200}}},
		{"polygon only; bbox derived", cocoDoc(`{"id":7,"image_id":2,"category_id":1,"segmentation":[[0,0,10,0,10,20]],"bbox":null}`),
			[]Annotation{{ID: 7, ImageID: 2, Label: "cat", Box: &Rect{0, 0, 10, 20}, Polygons: [][]Point{{{0, 0}, {10, 0}, {10, 20}}}, Area: 100}}},
		{"two parts", cocoDoc(`{"id":7,"image_id":2,"category_id":1,"segmentation":[[0,0,10,0,10,20],[30,30,40,30,40,40]],"bbox":[0,0,40,40],"area":12}`),
			[]Annotation{{ID: 7, ImageID: 2, Label: "cat", Box: &Rect{0, 0, 40, 40}, Polygons: [][]Point{{{0, 0}, {10, 0}, {10, 20}}, {{30, 30}, {40, 30}, {40, 40}}}, Area: 12}}},
		{"within a pixel of the border: clamped", cocoDoc(`{"id":7,"image_id":1,"category_id":1,"bbox":[-0.4,40,100.9,10.5],"segmentation":[[-1,0,100.5,0,50,50.9]]}`),
			[]Annotation{{ID: 7, ImageID: 1, Label: "cat", Box: &Rect{0, 40, 100, 10}, Polygons: [][]Point{{{0, 0}, {100, 0}, {50, 50}}}, Area: 2500}}},
		{"score, attributes, worker", cocoDoc(`{"id":7,"image_id":1,"category_id":1,"bbox":[1,1,2,2],"iscrowd":0,"score":0.5,"attributes":{"occluded":false},"allmende":{"worker":"w-17"}}`),
			[]Annotation{{ID: 7, ImageID: 1, Label: "cat", Box: &Rect{1, 1, 2, 2}, Area: 4, Score: ptr(0.5), Attributes: map[string]any{"occluded": false}, Worker: "w-17"}}},
		{"empty bbox and segmentation lists, keypoints: skipped", cocoDoc(`{"id":7,"image_id":1,"category_id":1,"bbox":[],"segmentation":[],"keypoints":[1,2,2]}`), nil},
		{"crowd RLE: skipped", cocoDoc(`{"id":7,"image_id":1,"category_id":1,"bbox":[1,1,2,2],"iscrowd":1,"segmentation":{"counts":[1,2],"size":[50,100]}}`), nil},
		{"no annotations list", `{"images":[],"categories":[]}`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			imp, err := ImportCOCO(strings.NewReader(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(imp.Annotations, tc.want) {
				t.Errorf("annotations\n got %s\nwant %s", dump(imp.Annotations), dump(tc.want))
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func dump(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestImportCOCORefuses(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"not JSON", `{"images":`, []string{"not valid JSON at byte 10: unexpected end of JSON input"}},
		{"missing lists", `{"annotations":[]}`, []string{"images: missing", "categories: missing"}},
		{"lists of the wrong type", `{"images":{},"categories":[]}`, []string{"images: want a list, got object"}},
		{"duplicate image id", `{"images":[{"id":1,"file_name":"a.jpg","width":1,"height":1},{"id":1,"file_name":"b.jpg","width":1,"height":1}],"categories":[]}`,
			[]string{"images[1]: duplicate id 1"}},
		{"duplicate file name", `{"images":[{"id":1,"file_name":"a.jpg","width":1,"height":1},{"id":2,"file_name":"a.jpg","width":1,"height":1}],"categories":[]}`,
			[]string{`image 2: file_name "a.jpg" is also image 1's`}},
		{"file name that names no file", `{"images":[{"id":1,"file_name":"..\\..","width":1,"height":1}],"categories":[]}`,
			[]string{`image 1: file_name "..\\..": empty`}},
		{"control character in a file name", `{"images":[{"id":1,"file_name":"a\u0007.jpg","width":1,"height":1}],"categories":[]}`,
			[]string{`image 1: file_name "a\a.jpg": contains a control character`}},
		{"missing image fields", `{"images":[{"id":3,"file_name":"a.jpg"},{"width":1,"height":1,"file_name":"b.jpg"}],"categories":[]}`,
			[]string{"image 3: width is missing", "image 3: height is missing", "images[1]: id is missing"}},
		{"bad image size", `{"images":[{"id":3,"file_name":"a.jpg","width":0,"height":5}],"categories":[]}`,
			[]string{"image 3: size 0×5: width and height must be 1 to 100000"}},
		{"id of the wrong type", `{"images":[{"id":"x","file_name":"a.jpg","width":1,"height":1}],"categories":[]}`,
			[]string{"images[0]: id: want an integer, got string"}},
		{"duplicate category id and name", `{"images":[],"categories":[{"id":1,"name":"cat"},{"id":1,"name":"dog"},{"id":2,"name":"cat"},{"id":3}]}`,
			[]string{"categories[1]: duplicate id 1", `category 2: name "cat" is also category 1's`, "category 3: name is missing"}},
		{"dangling ids", cocoDoc(`{"id":7,"image_id":99,"category_id":5,"bbox":[1,1,1,1]}`),
			[]string{"annotation 7: image_id 99: no such image", "annotation 7: category_id 5: no such category"}},
		{"duplicate annotation id", cocoDoc(`{"id":7,"image_id":1,"category_id":1,"bbox":[1,1,1,1]}`, `{"id":7,"image_id":1,"category_id":1,"bbox":[1,1,1,1]}`),
			[]string{"annotations[1]: duplicate id 7"}},
		{"missing annotation fields", cocoDoc(`{"id":7,"bbox":[1,1,1,1]}`, `{"image_id":1,"category_id":1}`),
			[]string{"annotation 7: image_id is missing", "annotation 7: category_id is missing", "annotations[1]: id is missing"}},
		{"zero and negative size boxes", cocoDoc(`{"id":7,"image_id":1,"category_id":1,"bbox":[1,1,0,5]}`, `{"id":8,"image_id":1,"category_id":1,"bbox":[10,1,-3,5]}`),
			[]string{"annotation 7 bbox: zero size", "annotation 8 bbox: negative size"}},
		{"box outside", cocoDoc(`{"id":7,"image_id":1,"category_id":1,"bbox":[90,1,12,5]}`),
			[]string{"annotation 7 bbox: outside the 100×50 image"}},
		{"bbox of three numbers", cocoDoc(`{"id":7,"image_id":1,"category_id":1,"bbox":[1,2,3]}`),
			[]string{"annotation 7 bbox: want 4 numbers [x,y,width,height], got 3"}},
		{"number out of range", cocoDoc(`{"id":7,"image_id":1,"category_id":1,"bbox":[1e999,1,1,1]}`),
			[]string{"annotation 7 bbox: want a finite number, got number 1e999"}},
		{"polygon problems", cocoDoc(`{"id":7,"image_id":1,"category_id":1,"segmentation":[[1,1,2,2],[1,1,2,2,3],[0,0,5,5,10,10],[0,0,10,0,10,60]]}`),
			[]string{"annotation 7 segmentation[0]: fewer than 3 points", "annotation 7 segmentation[1]: odd number of coordinates (5)",
				"annotation 7 segmentation[2]: degenerate (zero area)", "annotation 7 segmentation[3].points[2]: outside the 100×50 image"}},
		{"flat segmentation", cocoDoc(`{"id":7,"image_id":1,"category_id":1,"segmentation":[1,1,2,2,3,1]}`),
			[]string{"annotation 7 segmentation: want a list, got number"}},
		{"segmentation of the wrong type", cocoDoc(`{"id":7,"image_id":1,"category_id":1,"segmentation":"x"}`),
			[]string{"annotation 7 segmentation: want a list of polygons or an RLE object"}},
		{"bad iscrowd and area", cocoDoc(`{"id":7,"image_id":1,"category_id":1,"iscrowd":2,"bbox":[1,1,1,1]}`, `{"id":8,"image_id":1,"category_id":1,"area":-1,"bbox":[1,1,1,1]}`),
			[]string{"annotation 7: iscrowd must be 0 or 1, got 2", "annotation 8: area must be ≥ 0, got -1"}},
		{"bad worker pseudonym", cocoDoc(`{"id":7,"image_id":1,"category_id":1,"bbox":[1,1,1,1],"allmende":{"worker":" w"}}`),
			[]string{`annotation 7: allmende.worker " w": begins or ends with white space`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			imp, err := ImportCOCO(strings.NewReader(tc.doc))
			if err == nil {
				t.Fatalf("accepted: %s", dump(imp))
			}
			if ps := problemsOf(t, err); !slices.Equal(ps, tc.want) {
				t.Errorf("problems\n got %q\nwant %q", ps, tc.want)
			}
		})
	}
}

func TestImportCOCOCapsTheList(t *testing.T) {
	var anns []string
	for i := range 130 {
		anns = append(anns, fmt.Sprintf(`{"id":%d,"image_id":404,"category_id":1,"bbox":[1,1,1,1]}`, i+1))
	}
	_, err := ImportCOCO(strings.NewReader(cocoDoc(anns...)))
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != MaxProblems || ve.Omitted != 30 {
		t.Fatalf("error %v", err)
	}
	if ve.Problems[0].String() != "annotation 1: image_id 404: no such image" {
		t.Errorf("first problem %q", ve.Problems[0])
	}
}

func TestReadAllLimit(t *testing.T) {
	if b, err := readAll(repeated('x', 10), 10); err != nil || len(b) != 10 {
		t.Errorf("10 bytes under a limit of 10: %d bytes, %v", len(b), err)
	}
	if _, err := readAll(repeated('x', 11), 10); !errors.Is(err, ErrTooLarge) {
		t.Errorf("11 bytes under a limit of 10: %v, want ErrTooLarge", err)
	}
	r := newLimitedReader(repeated('x', 11), 10)
	if b, err := io.ReadAll(r); !errors.Is(err, ErrTooLarge) || len(b) > 11 {
		t.Errorf("limited reader: %d bytes, %v", len(b), err)
	}
	if b, err := io.ReadAll(newLimitedReader(repeated('x', 10), 10)); err != nil || len(b) != 10 {
		t.Errorf("limited reader at the limit: %d bytes, %v", len(b), err)
	}
}

func TestCOCORoundTrip(t *testing.T) {
	for _, name := range []string{cocoSmall(t), filepath.Join(legoDir(t), "annotations.json")} {
		imp := importCOCOFile(t, name)
		var buf bytes.Buffer
		if err := ExportCOCO(&buf, imp.Dataset); err != nil {
			t.Fatal(err)
		}
		again, err := ImportCOCO(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(again.Dataset, imp.Dataset) {
			t.Errorf("%s: export and import changed the dataset", name)
		}
	}
}

// worked is a dataset as a project produces it: answers turned into
// annotations without ids, boxes and polygons, a score and attributes.
func worked() Dataset {
	ds := Dataset{
		Categories: CategoriesOf([]string{"battery", "cat"}),
		Images: []Image{
			{ID: 1, FileName: "images/one.jpg", Width: 512, Height: 256},
			{ID: 2, FileName: "two.png", Width: 100, Height: 100, URL: "https://example.org/two.png"},
			{ID: 3, FileName: "empty.jpg", Width: 10, Height: 10},
		},
	}
	ds.Annotations = append(ds.Annotations, AnnotationsFrom(1, "w-1", Answer{Boxes: []Box{box("battery", 10, 20, 100, 50)}})...)
	ds.Annotations = append(ds.Annotations, AnnotationsFrom(1, "w-2", Answer{Polygons: []Polygon{poly("battery", 10, 20, 110, 20, 60, 90)}})...)
	ds.Annotations = append(ds.Annotations, Annotation{ID: 40, ImageID: 2, Label: "cat", Box: &Rect{0, 0, 100, 100}, Score: ptr(0.25),
		Attributes: map[string]any{"occluded": true, "note": "x"}})
	return ds
}

func TestCOCOExportImportOfWork(t *testing.T) {
	ds := worked()
	var buf bytes.Buffer
	if err := ExportCOCO(&buf, ds); err != nil {
		t.Fatal(err)
	}
	imp, err := ImportCOCO(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.Bytes())
	}
	// What the exporter fills in: unused ids, the polygon's bounding box,
	// areas.
	want := ds
	want.Annotations = slices.Clone(ds.Annotations)
	want.Annotations[0].ID, want.Annotations[0].Area = 1, 5000
	want.Annotations[1].ID, want.Annotations[1].Box, want.Annotations[1].Area = 2, &Rect{10, 20, 100, 70}, 3500
	want.Annotations[2].Area = 10000
	if !reflect.DeepEqual(imp.Dataset, want) {
		t.Errorf("got  %s\nwant %s", dump(imp.Dataset), dump(want))
	}
	var doc struct {
		Annotations []map[string]any `json:"annotations"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	first := doc.Annotations[0]
	if dump(first["segmentation"]) != "[]" || first["iscrowd"] != 0.0 || dump(first["allmende"]) != `{"worker":"w-1"}` || dump(first["bbox"]) != "[10,20,100,50]" {
		t.Errorf("first annotation written as %s", dump(first))
	}
}

func TestExportCOCORefuses(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Dataset)
		want   string
	}{
		{"unknown image size", func(d *Dataset) { d.Images[2].Width, d.Images[2].Height = 0, 0 }, "images[2]: size unknown; COCO requires width and height"},
		{"whole-image label", func(d *Dataset) { d.Annotations = append(d.Annotations, Annotation{ImageID: 3, Label: "cat"}) },
			"annotations[3]: no box or polygon; COCO has no whole-image labels"},
		{"dangling image", func(d *Dataset) { d.Annotations[0].ImageID = 9 }, "annotations[0]: image 9 does not exist"},
		{"unknown label", func(d *Dataset) { d.Annotations[0].Label = "dog" }, `annotations[0]: label "dog" is not a category`},
		{"box outside", func(d *Dataset) { d.Annotations[2].Box = &Rect{50, 50, 51, 10} }, "annotations[2].box: outside the 100×100 image"},
		{"duplicate annotation id", func(d *Dataset) { d.Annotations[0].ID = 40 }, "annotations[2]: duplicate id 40"},
		{"non-finite score", func(d *Dataset) { d.Annotations[2].Score = ptr(inf()) }, "annotations[2]: score is not a finite number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ds := worked()
			tc.change(&ds)
			var buf bytes.Buffer
			err := ExportCOCO(&buf, ds)
			if ps := problemsOf(t, err); !slices.Contains(ps, tc.want) {
				t.Errorf("problems %q, want %q among them", ps, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes before refusing", buf.Len())
			}
		})
	}
}

// repeated reads as n copies of c, without holding them in memory.
func repeated(c byte, n int) io.Reader { return io.LimitReader(byteReader(c), int64(n)) }

type byteReader byte

func (b byteReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

func inf() float64 { return math.Inf(1) }
