package web_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/store"
)

// withRequester adds a requester, rita, with a session.
func withRequester(t testing.TB, f *fixture) {
	t.Helper()
	m, err := f.app.Members.Found(t.Context(), "rita@example.org", "Rita", password, member.RoleRequester)
	if err != nil {
		t.Fatal(err)
	}
	f.ids["rita"] = m.PublicID
	f.tokens["rita"] = f.signIn("rita@example.org")
}

func TestWorkAPI(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		withRequester(t, f)
		project := `{"slug":"sentiment","name":"Sentiment","client":"Shop Co","purpose":"rank reviews","instructions":"Pick positive or negative.",
			"task_type":"text_classification","labels":["positive","negative"],"pay_per_task":10,"est_seconds":20,"budget":5000,"review_hours":0,"redundancy":2}`
		runScenarios(t, f, []scenario{
			{name: "members do not create projects", as: "ada", method: "POST", path: "/api/v1/projects", body: project, status: 403, errCode: "forbidden"},
			{name: "create", as: "rita", method: "POST", path: "/api/v1/projects", body: project, status: 201, contains: []string{`"status": "draft"`}},
			{name: "bad project", as: "rita", method: "POST", path: "/api/v1/projects", body: `{"slug":"x","task_type":"dance","pay_per_task":-1}`, status: 422, errCode: "invalid", errField: "task_type"},
			{name: "items", as: "rita", method: "POST", path: "/api/v1/projects/sentiment/items", contentType: "application/x-ndjson",
				body: "{\"text\":\"Great shoes\"}\n{\"text\":\"Broke after a day\"}\n", status: 201, contains: []string{`"added": 2`}},
			{name: "bad items", as: "rita", method: "POST", path: "/api/v1/projects/sentiment/items", contentType: "application/x-ndjson",
				body: "{\"text\":\"ok\",\"gold\":{\"label\":\"meh\"}}\n", status: 422, errCode: "invalid", errField: "line 1"},
			{name: "another member cannot see the project", as: "ada", method: "GET", path: "/api/v1/projects/sentiment", status: 404, errCode: "not_found"},
			{name: "not approved yet", as: "ada", method: "POST", path: "/api/v1/projects/sentiment/next", status: 403, errCode: "forbidden", contains: []string{"not open for work"}},
			{name: "only stewards approve", as: "rita", method: "POST", path: "/api/v1/projects/sentiment/approve", status: 403, errCode: "forbidden"},
			{name: "workers do not approve", as: "ada", method: "POST", path: "/api/v1/projects/sentiment/approve", status: 403, errCode: "forbidden"},
			{name: "approve", as: "stella", method: "POST", path: "/api/v1/projects/sentiment/approve", status: 200, contains: []string{`"status": "approved"`}},
			{name: "work list shows the rate before accepting", as: "ada", method: "GET", path: "/api/v1/work", status: 200,
				contains: []string{`"client": "Shop Co"`, `"per_hour": 1800`, `"pay_floor_per_hour": 1500`, `"eligible": true`}},
			{name: "requester cannot work on their own project", as: "rita", method: "POST", path: "/api/v1/projects/sentiment/next", status: 403, errCode: "forbidden"},
		})
		next := func(who string) int64 {
			resp := f.do(who, "POST", "/api/v1/projects/sentiment/next", "application/json", "", nil)
			var task struct{ ID int64 }
			json.Unmarshal([]byte(readBody(t, resp)), &task)
			if resp.StatusCode != 201 || task.ID == 0 {
				t.Fatalf("%s next: %d", who, resp.StatusCode)
			}
			return task.ID
		}
		ada := next("ada")
		id := strconv.FormatInt(ada, 10)
		runScenarios(t, f, []scenario{
			{name: "another worker's task", as: "bob", method: "GET", path: "/api/v1/tasks/" + id, status: 404, errCode: "not_found"},
			{name: "another worker submits", as: "bob", method: "POST", path: "/api/v1/tasks/" + id + "/submit", body: `{"label":"positive"}`, status: 404, errCode: "not_found"},
			{name: "heartbeat", as: "ada", method: "POST", path: "/api/v1/tasks/" + id + "/heartbeat", status: 204},
			{name: "label not in the set", as: "ada", method: "POST", path: "/api/v1/tasks/" + id + "/submit", body: `{"label":"meh"}`, status: 422, errCode: "invalid", errField: "label"},
			{name: "box on a classification task", as: "ada", method: "POST", path: "/api/v1/tasks/" + id + "/submit", body: `{"label":"positive","boxes":[{"label":"positive","x":1,"y":1,"w":2,"h":2}]}`, status: 422, errCode: "invalid"},
			{name: "submit", as: "ada", method: "POST", path: "/api/v1/tasks/" + id + "/submit", body: `{"label":"positive"}`, status: 200, contains: []string{`"status": "paid"`}},
			{name: "submit twice", as: "ada", method: "POST", path: "/api/v1/tasks/" + id + "/submit", body: `{"label":"positive"}`, status: 409, errCode: "conflict"},
			{name: "paid work cannot be rejected", as: "rita", method: "POST", path: "/api/v1/tasks/" + id + "/reject", body: `{"kind":"instructions","reason":"The instructions say something else entirely."}`, status: 409, errCode: "conflict"},
			{name: "earnings", as: "ada", method: "GET", path: "/api/v1/members/me/earnings", status: 200, contains: []string{`"points": `}},
			{name: "another member's earnings", as: "bob", method: "GET", path: "/api/v1/members/{ada}/earnings", status: 403, errCode: "forbidden"},
			{name: "results", as: "rita", method: "GET", path: "/api/v1/projects/sentiment/results", status: 200, contains: []string{`"reliability"`}},
			{name: "results are the requester's", as: "ada", method: "GET", path: "/api/v1/projects/sentiment/results", status: 404, errCode: "not_found"},
			{name: "csv export", as: "rita", method: "GET", path: "/api/v1/projects/sentiment/export?format=csv", status: 200, contains: []string{"question,worker,answer", "{ada}"}},
			{name: "only stewards decide", as: "rita", method: "POST", path: "/api/v1/tasks/" + id + "/decide", body: `{"uphold":true,"note":"This is my own project anyway."}`, status: 403, errCode: "forbidden"},
			{name: "workers do not decide", as: "bob", method: "POST", path: "/api/v1/tasks/" + id + "/decide", body: `{"uphold":false,"note":"Pay my colleague for this task."}`, status: 403, errCode: "forbidden"},
		})
		// The pay: 10 points plus a top-up to the floor for the measured
		// time; all of it in the ledger, nothing negative.
		resp := f.do("ada", "GET", "/api/v1/members/me/earnings", "", "", nil)
		var e struct {
			Points int64 `json:"points"`
		}
		json.Unmarshal([]byte(readBody(t, resp)), &e)
		if e.Points < 10 {
			t.Fatalf("ada earned %d", e.Points)
		}
		if !strings.Contains(f.expand("{ada}"), "m-") {
			t.Fatal("no pseudonym")
		}
	})
}
