package web_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/jpeg"
	"mime/multipart"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/shareddata"
	"github.com/allmende/allmende/internal/store"
)

// cocoUpload is a multipart body with a project's JSON, a COCO file and
// its photos, and the body's content type; extra adds files (field →
// content).
func cocoUpload(t *testing.T, project string, coco []byte, photos map[string][]byte, extra map[string]string) (string, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	add := func(field, name string, data []byte) {
		w, err := mw.CreateFormFile(field, name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if project != "" {
		mw.WriteField("project", project)
	}
	add("coco", "annotations.json", coco)
	for name, data := range photos {
		add("images", name, data)
	}
	for k, v := range extra {
		add(k, k+".txt", []byte(v))
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String(), mw.FormDataContentType()
}

// legoData is the shared COCO data set of Lego batteries: its annotations
// and its 34 photos.
func legoData(t *testing.T) ([]byte, map[string][]byte) {
	t.Helper()
	dir := shareddata.Path(t, "coco/lego-battery")
	coco, err := os.ReadFile(filepath.Join(dir, "annotations.json"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "images", "*.jpg"))
	if err != nil || len(files) != 34 {
		t.Fatalf("the shared Lego photos: %d (%v)", len(files), err)
	}
	photos := map[string][]byte{}
	for _, p := range files {
		if photos[filepath.Base(p)], err = os.ReadFile(p); err != nil {
			t.Fatal(err)
		}
	}
	return coco, photos
}

// valData is the shared slice of COCO's val2017 annotations (3 photos, 34
// boxes of 16 categories), with grey photos of the sizes it names, since
// the data set holds no photos.
func valData(t *testing.T) ([]byte, map[string][]byte) {
	t.Helper()
	coco, err := os.ReadFile(shareddata.Path(t, "coco/instances_val2017_small.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ds struct {
		Images []struct {
			FileName string `json:"file_name"`
			Width    int
			Height   int
		}
	}
	if err := json.Unmarshal(coco, &ds); err != nil || len(ds.Images) != 3 {
		t.Fatalf("val2017 slice: %d images (%v)", len(ds.Images), err)
	}
	photos := map[string][]byte{}
	for _, im := range ds.Images {
		var b bytes.Buffer
		if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, im.Width, im.Height)), nil); err != nil {
			t.Fatal(err)
		}
		photos[im.FileName] = b.Bytes()
	}
	return coco, photos
}

// TestProjectLabelsFromFileInTheAPI: the project API takes a new project
// with its COCO file and photos in one multipart request, as the page
// does: without labels the project takes the file's categories; labels
// that miss one are refused on the labels field, naming the category and
// what was typed, and nothing is created; a request without the project,
// with two kinds of file or from a member who is no requester is refused.
func TestProjectLabelsFromFileInTheAPI(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withRequester(t, f)
	project := func(slug, labels string) string {
		return `{"slug":"` + slug + `","name":"Lego batteries","client":"Brickworks Robotics","purpose":"Teach a robot arm to find batteries.",
			"instructions":"Correct the boxes: one tight box per battery.","task_type":"bounding_box",` + labels + `"pay_per_task_text":"0.40","est_seconds":30,"budget_text":"50.00","redundancy":1}`
	}
	post := func(as, body, ct string) (int, string) {
		resp := f.do(as, "POST", "/api/v1/projects", ct, body, nil)
		return resp.StatusCode, readBody(t, resp)
	}

	lego, legoPhotos := legoData(t)
	body, ct := cocoUpload(t, project("lego", ""), lego, legoPhotos, nil)
	status, out := post("rita", body, ct)
	if status != 201 {
		t.Fatalf("create with the COCO file: %d %s", status, out)
	}
	var created struct {
		Project struct {
			Slug           string
			Labels         []string
			Items          int
			PayPerTask     int64  `json:"pay_per_task"`
			PayPerTaskText string `json:"pay_per_task_text"`
			Status         string
		}
		Warnings []string
	}
	if err := json.Unmarshal([]byte(out), &created); err != nil {
		t.Fatal(err)
	}
	p := created.Project
	if strings.Join(p.Labels, ",") != "battery" || p.Items != 34 || p.PayPerTask != 40 || p.PayPerTaskText != "0.40 EUR" || p.Status != "draft" {
		t.Fatalf("created %+v", p)
	}
	// Its keypoints are no boxes: the import says so for each.
	if len(created.Warnings) != 34 || !strings.Contains(created.Warnings[0], "keypoints only") {
		t.Fatalf("warnings %q", created.Warnings)
	}
	if shown := readBody(t, f.do("rita", "GET", "/api/v1/projects/lego", "", "", nil)); !strings.Contains(shown, `"items": 34`) {
		t.Fatalf("the project as shown: %s", shown)
	}

	// COCO's own val2017 boxes: without labels, the file's 80 categories;
	// with labels that miss some the boxes use, each is named.
	val, valPhotos := valData(t)
	body, ct = cocoUpload(t, project("val", ""), val, valPhotos, nil)
	if status, out = post("rita", body, ct); status != 201 || !strings.Contains(out, `"dining table"`) || !strings.Contains(out, `"toothbrush"`) || !strings.Contains(out, `"items": 3`) {
		t.Fatalf("val2017 without labels: %d %s", status, out)
	}
	body, ct = cocoUpload(t, project("val-typed", `"labels":["Person","orange","bowl"],`), val, valPhotos, nil)
	status, out = post("rita", body, ct)
	if status != 422 || !strings.Contains(out, `\"person\" (you typed \"Person\")`) || !strings.Contains(out, `\"dining table\"`) || !strings.Contains(out, `"labels":`) {
		t.Fatalf("labels that miss the file's categories: %d %s", status, out)
	}
	var refusal struct {
		Error struct{ Fields map[string]string }
	}
	json.Unmarshal([]byte(out), &refusal)
	missing, _, _ := strings.Cut(refusal.Error.Fields["labels"], "which are not among")
	if strings.Contains(missing, `"orange"`) || strings.Contains(missing, `"bowl"`) || !strings.Contains(missing, `"broccoli"`) {
		t.Fatalf("the refusal names %q as missing", missing)
	}
	if resp := f.do("rita", "GET", "/api/v1/projects/val-typed", "", "", nil); resp.StatusCode != 404 {
		t.Fatalf("a refused project was created: %d %s", resp.StatusCode, readBody(t, resp))
	}

	for _, tt := range []struct {
		name, as, project string
		extra             map[string]string
		status            int
		field             string
	}{
		{"no project", "rita", "", nil, 422, `"project":`},
		{"two kinds of file", "rita", project("val-two", ""), map[string]string{"labelstudio": "[]"}, 422, `"items":`},
		{"money that disagrees", "rita", strings.TrimSuffix(project("val-money", ""), "}") + `,"budget":1}`, nil, 422, `"budget_text":`},
		{"an unknown field", "rita", `{"slug":"x","colour":"red"}`, nil, 422, `"colour":`},
		{"a member", "ada", project("val-ada", ""), nil, 403, `"forbidden"`},
	} {
		body, ct := cocoUpload(t, tt.project, val, valPhotos, tt.extra)
		if status, out := post(tt.as, body, ct); status != tt.status || !strings.Contains(out, tt.field) {
			t.Errorf("%s: %d %s, want %d naming %s", tt.name, status, out, tt.status, tt.field)
		}
	}
}
