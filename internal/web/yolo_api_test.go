package web_test

import (
	"bytes"
	"mime/multipart"
	"os"
	"testing"

	"github.com/allmende/allmende/internal/shareddata"
	"github.com/allmende/allmende/internal/store"
)

// Items come into a draft through the API as YOLO label files and their
// images too; a label file naming a class the list lacks is refused with
// the file and line, and nothing is added.
func TestYOLOItemsAPI(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withRequester(t, f)
	img, err := os.ReadFile(shareddata.Path(t, "coco/lego-battery/images/IMG20231010083824.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	items := func(label string) (body, contentType string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for name, data := range map[string]string{"IMG20231010083824.txt": label, "classes.txt": "battery\ncable\n"} {
			fw, _ := mw.CreateFormFile("yolo", name)
			fw.Write([]byte(data))
		}
		fw, _ := mw.CreateFormFile("images", "IMG20231010083824.jpg")
		fw.Write(img)
		mw.Close()
		return buf.String(), mw.FormDataContentType()
	}
	badBody, badCT := items("0 0.5 0.5 0.25 0.5\n2 0.5 0.5 0.1 0.1\n")
	goodBody, goodCT := items("1 0.5 0.5 0.25 0.5\n")
	runScenarios(t, f, []scenario{
		{name: "create", as: "rita", method: "POST", path: "/api/v1/projects", status: 201,
			body: `{"slug":"parts","name":"Parts","client":"Bricks","purpose":"find parts","instructions":"Box each part.","task_type":"bounding_box",
				"labels":["battery","cable"],"pay_per_task":10,"est_seconds":20,"budget":5000,"review_hours":0,"redundancy":1}`},
		{name: "unknown class", as: "rita", method: "POST", path: "/api/v1/projects/parts/items", contentType: badCT, body: badBody,
			status: 422, errCode: "invalid", contains: []string{"IMG20231010083824.txt line 2"}},
		{name: "nothing was added", as: "rita", method: "GET", path: "/api/v1/projects/parts", status: 200, contains: []string{`"items": 0`}},
		{name: "YOLO labels and images", as: "rita", method: "POST", path: "/api/v1/projects/parts/items", contentType: goodCT, body: goodBody,
			status: 201, contains: []string{`"added": 1`}},
	})
}
