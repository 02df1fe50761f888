package web_test

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// textFixture is a cooperative with something of every kind a person
// names or describes: a requester's project with one submitted and paid
// task, a draft project, a verified recording of ada's, and datanets.
type textFixture struct {
	*fixture
	task      string // ada's submitted task on rita's project
	recording string // ada's verified recording
}

func newTextFixture(t testing.TB, d store.Dialect) *textFixture {
	t.Helper()
	f := newFixture(t, d)
	withRequester(t, f)
	withDatanets(t, f)
	fundTreasury(t, f, 1_000_000)
	clientKey(t, f, "ada")
	tf := &textFixture{fixture: f}
	for _, step := range []struct{ as, path, ct, body string }{
		{"rita", "/api/v1/projects", "application/json", `{"slug":"sentiment","name":"Sentiment","client":"Shop Co","purpose":"rank reviews","instructions":"Pick one.",
			"task_type":"text_classification","labels":["positive","negative"],"pay_per_task":10,"est_seconds":20,"budget":5000,"review_hours":72,"redundancy":1,"max_reject_share":1}`},
		{"rita", "/api/v1/projects/sentiment/items", "application/x-ndjson", "{\"text\":\"Great shoes\"}\n"},
		{"stella", "/api/v1/projects/sentiment/approve", "application/json", ``},
		{"rita", "/api/v1/projects", "application/json", `{"slug":"draft","name":"Draft","client":"Shop Co","purpose":"rank reviews","instructions":"Pick one.",
			"task_type":"text_classification","labels":["positive","negative"],"pay_per_task":10,"est_seconds":20,"budget":5000}`},
	} {
		if resp := f.do(step.as, "POST", step.path, step.ct, step.body, nil); resp.StatusCode >= 300 {
			t.Fatalf("%s: %d %s", step.path, resp.StatusCode, readBody(t, resp))
		} else {
			readBody(t, resp)
		}
	}
	resp := f.do("ada", "POST", "/api/v1/projects/sentiment/next", "application/json", "", nil)
	var task struct{ ID int64 }
	if body := readBody(t, resp); resp.StatusCode != 201 || json.Unmarshal([]byte(body), &task) != nil {
		t.Fatalf("next: %d %s", resp.StatusCode, body)
	}
	tf.task = strconv.FormatInt(task.ID, 10)
	if resp := f.do("ada", "POST", "/api/v1/tasks/"+tf.task+"/submit", "application/json", `{"label":"positive"}`, nil); resp.StatusCode != 200 {
		t.Fatalf("submit: %d %s", resp.StatusCode, readBody(t, resp))
	}
	human := parcelRecording(t, f.srv.URL, behavior.SynthHuman(behavior.SynthPeople(2, 1)[0], behavior.SynthNewTask(4), 4))
	resp = f.do("ada", "POST", "/api/v1/recordings", "application/json", human, nil)
	var rec struct{ ID string }
	if body := readBody(t, resp); resp.StatusCode != 201 || json.Unmarshal([]byte(body), &rec) != nil {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	tf.recording = rec.ID
	return tf
}

// textInputs are the endpoints that store what a person typed, each with
// a body in which one field holds {bad}. Every one must refuse the field
// with a 422 naming it, on SQLite and PostgreSQL alike.
func textInputs(tf *textFixture) []struct{ as, method, path, contentType, body, field string } {
	task, rec := tf.task, tf.recording
	return []struct{ as, method, path, contentType, body, field string }{
		{"", "POST", "/api/v1/signup", "", `{"code":"{invite}","email":"n@example.org","name":"N{bad}","password":"a long enough password"}`, "name"},
		{"", "POST", "/api/v1/signup", "", `{"code":"{invite}","email":"n{bad}@example.org","name":"N","password":"a long enough password"}`, "email"},
		{"", "POST", "/api/v1/sessions", "", `{"email":"ada{bad}@example.org","password":"a long enough password"}`, "email"},
		{"stella", "POST", "/api/v1/datanets", "", `{"slug":"d1","name":"D{bad}","domain":"law","client":"C","purpose":"P","licence":"CC0","record_kind":"qa"}`, "name"},
		{"stella", "POST", "/api/v1/datanets", "", `{"slug":"d1","name":"D","domain":"law{bad}","client":"C","purpose":"P","licence":"CC0","record_kind":"qa"}`, "domain"},
		{"stella", "POST", "/api/v1/datanets", "", `{"slug":"d1","name":"D","domain":"law","client":"C{bad}","purpose":"P","licence":"CC0","record_kind":"qa"}`, "client"},
		{"stella", "POST", "/api/v1/datanets", "", `{"slug":"d1","name":"D","domain":"law","client":"C","purpose":"P{bad}","licence":"CC0","record_kind":"qa"}`, "purpose"},
		{"stella", "POST", "/api/v1/datanets", "", `{"slug":"d1","name":"D","domain":"law","client":"C","purpose":"P","licence":"CC0{bad}","record_kind":"qa"}`, "licence"},
		{"stella", "POST", "/api/v1/datanets", "", `{"slug":"d1","name":"D","domain":"law","client":"C","purpose":"P","licence":"CC0","reward_rules":"R{bad}","record_kind":"qa"}`, "reward_rules"},
		{"stella", "POST", "/api/v1/datanets", "", `{"slug":"d1","name":"D","domain":"law","client":"C","purpose":"P","licence":"CC0","record_kind":"image","labels":["cat{bad}"]}`, "labels"},
		{"rita", "POST", "/api/v1/projects", "", `{"slug":"p1","name":"P{bad}","client":"C","purpose":"P","instructions":"I","task_type":"text_classification","labels":["a","b"],"pay_per_task":10,"est_seconds":20,"budget":500}`, "name"},
		{"rita", "POST", "/api/v1/projects", "", `{"slug":"p1","name":"P","client":"C{bad}","purpose":"P","instructions":"I","task_type":"text_classification","labels":["a","b"],"pay_per_task":10,"est_seconds":20,"budget":500}`, "client"},
		{"rita", "POST", "/api/v1/projects", "", `{"slug":"p1","name":"P","client":"C","purpose":"P{bad}","instructions":"I","task_type":"text_classification","labels":["a","b"],"pay_per_task":10,"est_seconds":20,"budget":500}`, "purpose"},
		{"rita", "POST", "/api/v1/projects", "", `{"slug":"p1","name":"P","client":"C","purpose":"P","instructions":"I{bad}","task_type":"text_classification","labels":["a","b"],"pay_per_task":10,"est_seconds":20,"budget":500}`, "instructions"},
		{"rita", "POST", "/api/v1/projects", "", `{"slug":"p1","name":"P","client":"C","purpose":"P","instructions":"I","task_type":"text_classification","labels":["a{bad}","b"],"pay_per_task":10,"est_seconds":20,"budget":500}`, "labels"},
		{"stella", "POST", "/api/v1/models", "", `{"id":"m1","name":"M{bad}","kind":"retrieval","price_per_call":1,"datanets":["tenancy"]}`, "name"},
		{"ada", "POST", "/api/v1/members/me/keys", "", `{"name":"laptop{bad}"}`, "name"},
		{"ada", "POST", "/api/v1/proposals", "", `{"title":"T{bad}itle","text":"Text","mode":"member","quorum":0.5,"closes_at":"{closes}","options":[{"label":"yes"},{"label":"no","status_quo":true}]}`, "title"},
		{"ada", "POST", "/api/v1/proposals", "", `{"title":"Title","text":"Te{bad}xt","mode":"member","quorum":0.5,"closes_at":"{closes}","options":[{"label":"yes"},{"label":"no","status_quo":true}]}`, "text"},
		{"ada", "POST", "/api/v1/proposals", "", `{"title":"Title","text":"Text","mode":"member","quorum":0.5,"closes_at":"{closes}","options":[{"label":"y{bad}es"},{"label":"no","status_quo":true}]}`, "options"},
		{"rita", "POST", "/api/v1/tasks/" + task + "/reject", "", `{"kind":"instructions","reason":"The instructions say something{bad} else entirely."}`, "reason"},
		{"ada", "POST", "/api/v1/recordings", "", `{"title":"Track{bad}","steps":[{"type":"navigate","url":"https://example.org/"}]}`, "title"},
		{"ada", "POST", "/api/v1/recordings/" + rec + "/publish", "", `{"id":"track","title":"Track{bad}","description":"Tracks a parcel.","price_per_run":10}`, "title"},
		{"ada", "POST", "/api/v1/recordings/" + rec + "/publish", "", `{"id":"track","title":"Track","description":"Tracks{bad} a parcel.","price_per_run":10}`, "description"},
		{"ada", "PATCH", "/api/v1/members/me", "", `{"display_name":"Ada{bad}"}`, "display_name"},
		{"rita", "POST", "/api/v1/projects/draft/items", "application/x-ndjson", `{"text":"Nice{bad}"}`, "line 1"},
		{"ada-key", "POST", "/v1/chat/completions", "", `{"model":"helper{bad}","messages":[{"role":"user","content":"hello"}]}`, "model"},
	}
}

// TestControlCharactersAreRefused: a NUL character, invalid UTF-8 or a
// control character in anything a person names or describes is a 422 that
// names the field, on both databases (PostgreSQL used to answer 500 for a
// NUL), and nothing is stored.
func TestControlCharactersAreRefused(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		tf := newTextFixture(t, dialect)
		closes := "2099-01-01T00:00:00Z"
		// What JSON can carry: an escaped NUL, an escape character, a
		// bidirectional override. Invalid UTF-8 in JSON becomes U+FFFD
		// when decoded; it is sent through forms below.
		for _, bad := range []string{`\u0000`, `\u001b`, `\u202e`} {
			for _, in := range textInputs(tf) {
				t.Run(in.method+" "+in.path+" "+in.field+" "+bad, func(t *testing.T) {
					body := strings.ReplaceAll(strings.ReplaceAll(in.body, "{bad}", bad), "{closes}", closes)
					if in.contentType == "application/x-ndjson" {
						body = strings.ReplaceAll(body, `\u202e`, `\u0000`) // a text item may hold any printable text
					}
					runScenarios(t, tf.fixture, []scenario{{name: "refused", as: in.as, method: in.method, path: in.path, contentType: in.contentType,
						body: body, status: 422, errCode: "invalid", errField: in.field}})
				})
			}
		}
		// Nothing of it was stored.
		for table, want := range map[string]int{"members": 4, "datanets": 2, "projects": 2, "models": 0, "api_keys": 1, "proposals": 0, "automations": 0, "recordings": 1, "task_reviews": 0, "items": 1} {
			var n int
			if err := tf.app.DB.Read().QueryRowContext(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil || n != want {
				t.Errorf("%s: %d rows (%v), want %d", table, n, err, want)
			}
		}
		var name string
		if err := tf.app.DB.Read().QueryRowContext(t.Context(), "SELECT display_name FROM members WHERE public_id = $1", tf.ids["ada"]).Scan(&name); err != nil || name != "" {
			t.Errorf("ada's display name = %q (%v), want none", name, err)
		}
	})
}

// TestFormsRefuseInvalidUTF8: a form field is bytes, not JSON, so invalid
// UTF-8 reaches the server as it was sent; the pages refuse it naming the
// field as the API does.
func TestFormsRefuseInvalidUTF8(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		tf := newTextFixture(t, dialect)
		for _, in := range []struct{ as, path, form, field string }{
			{"", "/signup", "code={invite}&email=n%40example.org&name=N%FF%FE&password=a+long+enough+password", "name"},
			{"", "/signup", "code={invite}&email=n%40example.org&name=N%00&password=a+long+enough+password", "name"},
			{"stella", "/datanets", "slug=d2&name=D%FF&domain=law&client=C&purpose=P&licence=CC0&record_kind=qa", "name"},
			{"ada", "/keys", "name=laptop%C0%80", "name"},
			{"ada", "/settings/display-name", "display_name=Ada%00", "display_name"},
		} {
			t.Run(in.path+" "+in.field, func(t *testing.T) {
				resp := tf.do(in.as, "POST", in.path, "application/x-www-form-urlencoded", tf.expand(in.form), nil)
				body := readBody(t, resp)
				if resp.StatusCode != 422 {
					t.Fatalf("status %d, want 422: %s", resp.StatusCode, body)
				}
				if !strings.Contains(body, "UTF-8") && !strings.Contains(body, "control character") {
					t.Errorf("the page does not say what is wrong: %s", body)
				}
			})
		}
	})
}

// TestPathsWithControlCharactersNameNothing: a NUL or invalid UTF-8 in a
// path names nothing, on both databases; PostgreSQL would refuse to look
// it up at all.
func TestPathsWithControlCharactersNameNothing(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		for _, p := range []string{"/api/v1/datanets/%00", "/api/v1/members/m-%00", "/api/v1/projects/x%FF", "/datanets/%00", "/api/v1/automations/a%00", "/api/v1/recordings/r-%00"} {
			resp := f.do("ada", "GET", p, "", "", nil)
			body := readBody(t, resp)
			if resp.StatusCode != 404 {
				t.Errorf("GET %s: status %d, want 404: %s", p, resp.StatusCode, body)
			}
		}
	})
}

// FuzzCreateEndpoints posts random text into every field that stores what
// a person typed, on PostgreSQL when ALLMENDE_TEST_POSTGRES is set (that
// is where a NUL used to be a 500), else on SQLite: never a server error,
// every refusal in the error shape.
func FuzzCreateEndpoints(f *testing.F) {
	d := store.SQLite
	if os.Getenv(storetest.EnvPostgres) != "" {
		d = store.Postgres
	}
	tf := newTextFixture(f, d)
	// Invitation codes are drawn once: a code is used up by the first
	// sign-up that passes, and the steward's quota is finite.
	inputs := textInputs(tf)
	for i := range inputs {
		inputs[i].body = tf.expand(inputs[i].body)
	}
	for _, seed := range []string{"\x00", "\xff", "\u202e", "x", "\xed\xa0\x80", "\t\n", `\u0000`, `"`, `\`} {
		for i := range inputs {
			f.Add(seed, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, s string, which uint8) {
		in := inputs[int(which)%len(inputs)]
		// The text is put into the JSON as a JSON string, so that every
		// code point and every invalid byte reaches the decoder.
		quoted, _ := json.Marshal(s)
		bad := string(quoted[1 : len(quoted)-1])
		body := strings.ReplaceAll(strings.ReplaceAll(in.body, "{bad}", bad), "{closes}", "2099-01-01T00:00:00Z")
		req := httptest.NewRequest(in.method, in.path, strings.NewReader(body))
		ct := in.contentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
		if in.as != "" {
			req.Header.Set("Authorization", "Bearer "+tf.tokens[in.as])
		}
		req.RemoteAddr = "192.0.2.1:1234"
		w := httptest.NewRecorder()
		tf.app.Web.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%s %s %q: status %d: %s", in.method, in.path, body, w.Code, w.Body)
		}
		if w.Code >= 400 {
			apiErrorShape(t, w.Body.String())
		}
	})
}
