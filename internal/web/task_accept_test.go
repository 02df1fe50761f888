package web_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// TestAcceptAPI: the requester accepts a submission through the API and
// it is paid at once; the worker cannot accept their own work, and a paid
// task cannot be accepted again.
func TestAcceptAPI(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withRequester(t, f)
	runScenarios(t, f, []scenario{
		{name: "create", as: "rita", method: "POST", path: "/api/v1/projects", status: 201, body: `{"slug":"reviewed","name":"Reviewed","client":"Shop Co",
			"purpose":"rank reviews","instructions":"Pick positive or negative.","task_type":"text_classification","labels":["positive","negative"],
			"pay_per_task":20,"est_seconds":20,"budget":2000,"review_hours":72,"redundancy":1}`},
		{name: "items", as: "rita", method: "POST", path: "/api/v1/projects/reviewed/items", contentType: "application/x-ndjson", body: "{\"text\":\"Great shoes\"}\n", status: 201},
		{name: "approve", as: "stella", method: "POST", path: "/api/v1/projects/reviewed/approve", status: 200},
	})
	resp := f.do("ada", "POST", "/api/v1/projects/reviewed/next", "application/json", "", nil)
	var task struct{ ID int64 }
	if err := json.Unmarshal([]byte(readBody(t, resp)), &task); err != nil || task.ID == 0 {
		t.Fatalf("next: %d %v", resp.StatusCode, err)
	}
	id := fmt.Sprint(task.ID)
	runScenarios(t, f, []scenario{
		{name: "submit", as: "ada", method: "POST", path: "/api/v1/tasks/" + id + "/submit", body: `{"label":"positive"}`, status: 200, contains: []string{`"status": "submitted"`}},
		{name: "the worker does not accept their own work", as: "ada", method: "POST", path: "/api/v1/tasks/" + id + "/accept", status: 403, errCode: "forbidden"},
		{name: "accept", as: "rita", method: "POST", path: "/api/v1/tasks/" + id + "/accept", status: 200, contains: []string{`"status": "paid"`}},
		{name: "paid at once", as: "ada", method: "GET", path: "/api/v1/tasks/" + id, status: 200, contains: []string{`"status": "paid"`}},
		{name: "accepted twice", as: "rita", method: "POST", path: "/api/v1/tasks/" + id + "/accept", status: 409, errCode: "conflict"},
	})
}
