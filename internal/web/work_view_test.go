package web_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// TestTaskCaseAndGiveBack covers the doors around a task's case: the
// pairwise texts and the chosen answer with its reason shown to the
// requester and (held) to a steward, to no other worker; My tasks and its
// states, in pages and the API; Return and Skip through the API, refused
// on another's task and on a task already given back; and an erased answer
// shown as erased, its reason gone.
func TestTaskCaseAndGiveBack(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		withRequester(t, f)
		runScenarios(t, f, []scenario{
			{name: "create", as: "rita", method: "POST", path: "/api/v1/projects", status: 201, body: `{"slug":"better","name":"Which answer is better","client":"Chat Co",
				"purpose":"train a helpful assistant","instructions":"Pick the answer that is correct and polite.","task_type":"pairwise","pay_per_task":30,"est_seconds":40,
				"budget":5000,"review_hours":72,"redundancy":1}`},
			{name: "items", as: "rita", method: "POST", path: "/api/v1/projects/better/items", contentType: "application/x-ndjson", status: 201,
				body: "{\"a\":\"Paris is the capital of France.\",\"b\":\"The capital of France is Lyon.\"}\n{\"a\":\"Water boils at 100 °C at sea level.\",\"b\":\"Water boils at 50 °C.\"}\n{\"a\":\"Two\",\"b\":\"Three\"}\n"},
			{name: "approve", as: "stella", method: "POST", path: "/api/v1/projects/better/approve", status: 200},
		})
		next := func(who string) int64 {
			t.Helper()
			resp := f.do(who, "POST", "/work/better/next", "", "", nil)
			readBody(t, resp)
			loc := resp.Header.Get("Location")
			id, err := strconv.ParseInt(loc[len("/tasks/"):], 10, 64)
			if err != nil {
				t.Fatalf("%s next: %d %q", who, resp.StatusCode, loc)
			}
			return id
		}
		first := strconv.FormatInt(next("ada"), 10)
		runScenarios(t, f, []scenario{
			{name: "submit", as: "ada", method: "POST", path: "/api/v1/tasks/" + first + "/submit", status: 200, body: `{"choice":"a","reason":"B names Lyon, a wrong capital QUOKKAREASON."}`},
			{name: "requester sees the texts and the choice", as: "rita", method: "GET", path: "/tasks/" + first, status: 200,
				contains: []string{`id="work-a"`, `pair-side chosen`, "Answer A — chosen", "Paris is the capital of France.", "The capital of France is Lyon.", "QUOKKAREASON", `id="reject-form"`}},
			{name: "another worker does not", as: "bob", method: "GET", path: "/tasks/" + first, status: 404},
			{name: "nor through the API", as: "bob", method: "GET", path: "/api/v1/tasks/" + first, status: 404, errCode: "not_found"},
			{name: "the API's case for the requester", as: "rita", method: "GET", path: "/api/v1/tasks/" + first, status: 200,
				contains: []string{`"may_reject": true`, `"choice": "a"`, `"worker": "` + f.ids["ada"] + `"`}},
			{name: "reject", as: "rita", method: "POST", path: "/api/v1/tasks/" + first + "/reject", status: 200, body: `{"kind":"instructions","reason":"The instructions ask for the polite answer; A is not polite."}`},
			{name: "the steward's queue shows the work", as: "stella", method: "GET", path: "/reviews", status: 200,
				contains: []string{"Answer A — chosen", "QUOKKAREASON", "held rejection", "Held.", "allowed share of this worker's submissions"}},
			{name: "the worker's case explains held", as: "ada", method: "GET", path: "/tasks/" + first, status: 200,
				contains: []string{"Held for a steward", "allowed share of your submissions", "Nothing is needed from you.", "A is not polite"}, notContains: []string{`id="decide-form"`, `id="reject-form"`}},
			{name: "my tasks, held", as: "ada", method: "GET", path: "/tasks?state=held", status: 200, contains: []string{"/tasks/" + first, "A is not polite"}},
			{name: "my tasks, an unknown state", as: "ada", method: "GET", path: "/tasks?state=lost", status: 422, contains: []string{"no such state of a task"}},
			{name: "the API's my tasks", as: "ada", method: "GET", path: "/api/v1/tasks?state=held", status: 200, contains: []string{`"state": "held"`, `"id": ` + first}},
			{name: "the API's unknown state", as: "ada", method: "GET", path: "/api/v1/tasks?state=lost", status: 422, errCode: "invalid", errField: "state"},
		})

		second := strconv.FormatInt(next("ada"), 10)
		runScenarios(t, f, []scenario{
			{name: "bob cannot skip ada's task", as: "bob", method: "POST", path: "/api/v1/tasks/" + second + "/skip", status: 404},
			{name: "nor from the page", as: "bob", method: "POST", path: "/tasks/" + second + "/return", status: 404},
			{name: "skip", as: "ada", method: "POST", path: "/api/v1/tasks/" + second + "/skip", status: 200, contains: []string{`"status": "expired"`, `"ended": "skipped"`}},
			{name: "not twice", as: "ada", method: "POST", path: "/api/v1/tasks/" + second + "/return", status: 409, errCode: "conflict"},
			{name: "the skipped task's page", as: "ada", method: "GET", path: "/tasks/" + second, status: 200, contains: []string{"Skipped", "unpaid time"}},
		})
		third := strconv.FormatInt(next("ada"), 10)
		runScenarios(t, f, []scenario{
			{name: "work shows the task in progress, and the estimate as one", as: "ada", method: "GET", path: "/work", status: 200,
				contains: []string{`id="in-progress"`, `href="/tasks/` + third + `"`, "estimate, not yet measured"}, notContains: []string{"measured median"}},
			{name: "return from the page", as: "ada", method: "POST", path: "/tasks/" + third + "/return", status: 303},
			{name: "no longer in progress", as: "ada", method: "GET", path: "/work", status: 200, notContains: []string{`id="in-progress"`}},
		})
		resp := f.do("ada", "GET", "/api/v1/tasks", "", "", nil)
		var list struct {
			Tasks []struct {
				ID    int64  `json:"id"`
				State string `json:"state"`
			} `json:"tasks"`
		}
		if err := json.Unmarshal([]byte(readBody(t, resp)), &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Tasks) != 3 || list.Tasks[0].State != "returned" || list.Tasks[1].State != "skipped" || list.Tasks[2].State != "held" {
			t.Fatalf("ada's tasks: %+v", list.Tasks)
		}

		// Erased answers are shown as erased, their words gone.
		var adaID int64
		if err := f.app.DB.Read().QueryRowContext(t.Context(), `SELECT id FROM members WHERE public_id = $1`, f.ids["ada"]).Scan(&adaID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.Work.EraseAnswers(t.Context(), adaID); err != nil {
			t.Fatal(err)
		}
		runScenarios(t, f, []scenario{
			{name: "erased", as: "stella", method: "GET", path: "/reviews", status: 200, contains: []string{"The worker erased this answer."}, notContains: []string{"QUOKKAREASON"}},
			{name: "erased for the worker too", as: "ada", method: "GET", path: "/tasks/" + first, status: 200, notContains: []string{"QUOKKAREASON"}},
		})
	})
}

// TestTaskCaseShowsTheLabel: a text classification task's case shows the
// text and the label the worker chose, to the worker and the requester.
func TestTaskCaseShowsTheLabel(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withRequester(t, f)
	runScenarios(t, f, []scenario{
		{name: "create", as: "rita", method: "POST", path: "/api/v1/projects", status: 201, body: `{"slug":"sentiment","name":"Sentiment","client":"Shop Co","purpose":"rank reviews",
			"instructions":"Pick positive or negative.","task_type":"text_classification","labels":["positive","negative"],"pay_per_task":10,"est_seconds":20,"budget":5000,"review_hours":72}`},
		{name: "items", as: "rita", method: "POST", path: "/api/v1/projects/sentiment/items", contentType: "application/x-ndjson", body: "{\"text\":\"Broke after a day\"}\n", status: 201},
		{name: "approve", as: "stella", method: "POST", path: "/api/v1/projects/sentiment/approve", status: 200},
	})
	resp := f.do("ada", "POST", "/api/v1/projects/sentiment/next", "application/json", "", nil)
	var task struct{ ID int64 }
	if err := json.Unmarshal([]byte(readBody(t, resp)), &task); err != nil || task.ID == 0 {
		t.Fatalf("next: %d, %v", resp.StatusCode, err)
	}
	id := strconv.FormatInt(task.ID, 10)
	runScenarios(t, f, []scenario{
		{name: "open: the form, no case", as: "ada", method: "GET", path: "/tasks/" + id, status: 200, contains: []string{`id="task-form"`, `id="skip-task"`}, notContains: []string{`id="task-done"`}},
		{name: "the requester sees it is not answered yet", as: "rita", method: "GET", path: "/tasks/" + id, status: 200, contains: []string{"Not answered yet.", "In progress"}, notContains: []string{`id="task-form"`, `id="reject-form"`}},
		{name: "submit", as: "ada", method: "POST", path: "/api/v1/tasks/" + id + "/submit", body: `{"label":"negative"}`, status: 200},
		{name: "the requester sees text and label", as: "rita", method: "GET", path: "/tasks/" + id, status: 200,
			contains: []string{"Broke after a day", "Label: <strong>negative</strong>", "review window of 72 hours closes"}},
		{name: "the worker too", as: "ada", method: "GET", path: "/tasks/" + id, status: 200, contains: []string{"Broke after a day", "Label: <strong>negative</strong>"}, notContains: []string{`id="reject-form"`}},
	})
}
