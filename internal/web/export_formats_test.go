package web_test

import (
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// TestExportsFollowTheTaskType: a pairwise project offers Label Studio,
// the answer table and the votes file; COCO and YOLO, which have no place
// for a choice, are refused as the requester's mistake (422) naming the
// formats that fit, at the API and on the page, instead of a 500. Label
// Studio tasks hold the texts, not an "image".
func TestExportsFollowTheTaskType(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withRequester(t, f)
	runScenarios(t, f, []scenario{
		{name: "pairwise project", as: "rita", method: "POST", path: "/api/v1/projects", status: 201,
			body:     `{"slug":"pw","name":"Pairs","client":"C","purpose":"P","instructions":"Pick the better.","task_type":"pairwise","pay_per_task":10,"est_seconds":20,"budget":500}`,
			contains: []string{`"export_formats"`, `"name": "labelstudio"`, `"name": "votes"`}, notContains: []string{`"name": "coco"`}},
		{name: "pairs", as: "rita", method: "POST", path: "/api/v1/projects/pw/items", contentType: "application/x-ndjson", body: "{\"a\":\"Paris\",\"b\":\"Lyon\"}\n", status: 201},
		{name: "COCO of pairs", as: "rita", method: "GET", path: "/api/v1/projects/pw/export?format=coco", status: 422, errCode: "invalid", errField: "format",
			contains: []string{"labelstudio, csv or votes"}},
		{name: "YOLO of pairs", as: "rita", method: "GET", path: "/api/v1/projects/pw/export?format=yolo&raw=true", status: 422, errCode: "invalid", errField: "format"},
		{name: "an unknown format", as: "rita", method: "GET", path: "/api/v1/projects/pw/export?format=pdf", status: 422, errCode: "invalid", errField: "format",
			contains: []string{`\"pdf\" is not an export format`}},
		{name: "Label Studio of pairs", as: "rita", method: "GET", path: "/api/v1/projects/pw/export?format=labelstudio", status: 200,
			contains: []string{`"text1":"Paris"`, `"text2":"Lyon"`}, notContains: []string{`"image"`}},
		{name: "the answer table", as: "rita", method: "GET", path: "/api/v1/projects/pw/export?format=csv", status: 200,
			contains: []string{"question,worker,answer,name,a,b,reason"}},
		{name: "another member exports nothing", as: "ada", method: "GET", path: "/api/v1/projects/pw/export?format=csv", status: 404, errCode: "not_found"},
		{name: "the page refuses COCO of pairs", as: "rita", method: "GET", path: "/projects/pw/export?format=coco", status: 422,
			contains: []string{"labelstudio, csv or votes"}},
		{name: "the page offers the fitting formats", as: "rita", method: "GET", path: "/projects/pw", status: 200,
			contains: []string{`data-format="labelstudio"`, `data-format="csv"`, `data-format="votes"`}, notContains: []string{`data-format="coco"`, `data-format="yolo"`, "Method: ."}},
	})
}
