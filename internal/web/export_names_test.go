package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"mime/multipart"
	"path/filepath"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// localEverywhere reports whether an archive entry or a file name stays in
// its folder when extracted on Linux and on Windows alike: with either
// separator, it is relative, has no drive and no ".." element.
func localEverywhere(name string) bool {
	slashed := strings.ReplaceAll(name, `\`, "/")
	if len(slashed) >= 2 && slashed[1] == ':' {
		return false
	}
	return filepath.IsLocal(slashed) && !strings.Contains(name, `\`)
}

// TestExportedFileNamesStayInTheirFolder: images named "..\..\x.jpg" and
// "../../y.jpg" — in the COCO file and as uploaded — are stored under
// names that stay in their folder, and so are exported: every YOLO zip
// entry and every COCO file_name is local under both separators. An item
// stored before imports cleaned names is cleaned on export.
func TestExportedFileNamesStayInTheirFolder(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withRequester(t, f)
	img, _ := tinyPNG(t, 40)
	img2, _ := tinyPNG(t, 50)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("coco", "coco.json")
	fw.Write([]byte(`{"images":[{"id":1,"file_name":"..\\..\\x.png","width":4,"height":4},{"id":2,"file_name":"../../y.png","width":4,"height":4}],
		"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[0,0,2,2]}],"categories":[{"id":1,"name":"part"}]}`))
	for name, data := range map[string][]byte{`..\..\x.png`: img, "../../y.png": img2} {
		fw, _ := mw.CreateFormFile("images", name)
		fw.Write(data)
	}
	mw.Close()
	runScenarios(t, f, []scenario{
		{name: "project", as: "rita", method: "POST", path: "/api/v1/projects", status: 201,
			body: `{"slug":"parts","name":"Parts","client":"Bricks","purpose":"find parts","instructions":"Box each part.","task_type":"bounding_box",
				"labels":["part"],"pay_per_task":10,"est_seconds":20,"budget":5000}`},
		{name: "COCO with escaping names", as: "rita", method: "POST", path: "/api/v1/projects/parts/items", contentType: mw.FormDataContentType(), body: body.String(),
			status: 201, contains: []string{`"added": 2`, `is read as \"x.png\"`, `is read as \"y.png\"`}},
	})
	// An item from before names were cleaned on import.
	var projectID int64
	if err := f.app.DB.Read().QueryRowContext(t.Context(), `SELECT id FROM projects WHERE slug = 'parts'`).Scan(&projectID); err != nil {
		t.Fatal(err)
	}
	if err := f.app.Work.AddImage(t.Context(), projectID, `C:\..\..\old.png`, "image/png", 4, 4, bytes.NewReader(img)); err != nil {
		t.Fatal(err)
	}

	var names []string
	for _, raw := range []string{"false", "true"} {
		resp := f.do("rita", "GET", "/api/v1/projects/parts/export?format=yolo&raw="+raw, "", "", nil)
		data := readBody(t, resp)
		if resp.StatusCode != 200 {
			t.Fatalf("YOLO export: %d %s", resp.StatusCode, data)
		}
		zr, err := zip.NewReader(strings.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range zr.File {
			names = append(names, e.Name)
			if !localEverywhere(e.Name) {
				t.Errorf("YOLO zip entry %q leaves its folder", e.Name)
			}
		}
		resp = f.do("rita", "GET", "/api/v1/projects/parts/export?format=coco&raw="+raw, "", "", nil)
		var coco struct {
			Images []struct {
				FileName string `json:"file_name"`
			}
		}
		if err := json.Unmarshal([]byte(readBody(t, resp)), &coco); err != nil || resp.StatusCode != 200 || len(coco.Images) != 3 {
			t.Fatalf("COCO export: %d, %v, %+v", resp.StatusCode, err, coco)
		}
		for _, im := range coco.Images {
			names = append(names, im.FileName)
			if !localEverywhere(im.FileName) {
				t.Errorf("COCO file_name %q leaves its folder", im.FileName)
			}
		}
	}
	for _, want := range []string{"labels/x.txt", "labels/y.txt", "labels/old.txt", "x.png", "y.png", "old.png"} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("exports lack %s: %v", want, names)
		}
	}
	// A format that cannot hold the results is the requester's choice to
	// change, not a server error.
	runScenarios(t, f, []scenario{
		{name: "text project", as: "rita", method: "POST", path: "/api/v1/projects", status: 201,
			body: `{"slug":"texts","name":"Texts","client":"C","purpose":"P","instructions":"I","task_type":"text_classification","labels":["a","b"],"pay_per_task":10,"est_seconds":20,"budget":500}`},
		{name: "text items", as: "rita", method: "POST", path: "/api/v1/projects/texts/items", contentType: "application/x-ndjson", body: "{\"text\":\"hello\"}\n", status: 201},
		{name: "COCO of texts", as: "rita", method: "GET", path: "/api/v1/projects/texts/export?format=coco", status: 422, errCode: "invalid", errField: "format"},
	})
}
