package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/actor"
	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/program"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// listAutomation lists an automation through the API as its author does:
// samples (if given, a JSON object), a test run in the sandbox that must
// succeed, then the listing.
func listAutomation(t *testing.T, f *fixture, author, slug, samples string) {
	t.Helper()
	if samples != "" {
		if resp := f.do(author, "PUT", "/api/v1/automations/"+slug+"/samples", "application/json", `{"samples":`+samples+`}`, nil); resp.StatusCode != 200 {
			t.Fatalf("samples of %s: %d %s", slug, resp.StatusCode, readBody(t, resp))
		}
	}
	resp := f.do(author, "POST", "/api/v1/automations/"+slug+"/test-runs", "application/json", "", nil)
	var run struct{ ID, Status, Error string }
	if body := readBody(t, resp); resp.StatusCode != 202 || json.Unmarshal([]byte(body), &run) != nil {
		t.Fatalf("test run of %s: %d %s", slug, resp.StatusCode, body)
	}
	for i := 0; run.Status != "ok"; i++ {
		if i == 600 || run.Status == "failed" {
			t.Fatalf("the test run of %s ended %q: %s", slug, run.Status, run.Error)
		}
		time.Sleep(50 * time.Millisecond)
		json.Unmarshal([]byte(readBody(t, f.do(author, "GET", "/api/v1/runs/"+run.ID, "", "", nil))), &run)
	}
	if resp := f.do(author, "POST", "/api/v1/automations/"+slug+"/listing", "application/json", "", nil); resp.StatusCode != 200 {
		t.Fatalf("list %s: %d %s", slug, resp.StatusCode, readBody(t, resp))
	}
}

// okActor stands in for Chromium where a test needs a learned run that
// works; a report expression reads okActor's output.
type okActor struct{}

func (okActor) Act(_ context.Context, prog program.Program, opts actor.Options) (actor.Result, error) {
	res := actor.Result{OK: true}
	for i, st := range prog.Steps {
		res.Steps = append(res.Steps, actor.StepResult{Step: strconv.Itoa(i + 1), Action: st.Action, Status: actor.StatusOK})
	}
	if opts.Report != "" {
		res.Report = json.RawMessage(`"1Z999AA10123456784"`)
	}
	return res, nil
}

// TestMarketplaceAPI drives the marketplace through the API on SQLite and
// (with ALLMENDE_TEST_POSTGRES) PostgreSQL: an automation is not listed
// until its test run succeeded; a runner reviews their run once; the
// author answers; two listed automations are chained into a third whose
// run pays both authors in one split.
func TestMarketplaceAPI(t *testing.T) {
	dialects := []store.Dialect{store.SQLite}
	if os.Getenv(storetest.EnvPostgres) != "" {
		dialects = append(dialects, store.Postgres)
	}
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			f.app.Actions.Replayer = okReplayer{}
			upload := func(who string, seed uint64) string {
				person := behavior.SynthPeople(5, 1)[0]
				resp := f.do(who, "POST", "/api/v1/recordings", "application/json", parcelRecording(t, f.srv.URL, behavior.SynthHuman(person, behavior.SynthNewTask(seed), seed)), nil)
				var rec struct{ ID, Status string }
				if body := readBody(t, resp); resp.StatusCode != 201 || json.Unmarshal([]byte(body), &rec) != nil || rec.Status != "verified" {
					t.Fatalf("upload: %d %s", resp.StatusCode, body)
				}
				return rec.ID
			}
			f.ids["rec-ada"], f.ids["rec-bob"] = upload("ada", 61), upload("bob", 62)
			runScenarios(t, f, []scenario{
				{name: "deposit for stella", as: "stella", method: "POST", path: "/api/v1/members/{stella}/deposits", body: `{"amount":5000}`, status: 201},
				{name: "publish with samples", as: "ada", method: "POST", path: "/api/v1/recordings/{rec-ada}/publish", status: 201,
					body:     `{"id":"track","title":"Track a parcel","description":"Looks up a parcel.","price_per_run":100,"samples":{"number":"1Z999AA10123456784"}}`,
					contains: []string{`"listed": false`, `"version": 1`, `"tested_version": 0`}, notContains: []string{"1Z999AA10123456784"}},
				{name: "not in the marketplace", method: "GET", path: "/api/v1/automations", status: 200, contains: []string{`"automations": []`}},
				{name: "hidden from others", as: "bob", method: "GET", path: "/api/v1/automations/track", status: 404, errCode: "not_found"},
				{name: "shown to its author", as: "ada", method: "GET", path: "/api/v1/automations/track", status: 200, contains: []string{`"listed": false`, `"name": "number"`},
					notContains: []string{`"Name"`, `"Label"`, `"Default"`}},
				{name: "samples to their author only", as: "bob", method: "GET", path: "/api/v1/automations/track/samples", status: 404, errCode: "not_found"},
				{name: "listed before its test run", as: "ada", method: "POST", path: "/api/v1/automations/track/listing", status: 409, errCode: "conflict", errField: "test_run", contains: []string{"test run"}},
				{name: "bad samples", as: "ada", method: "PUT", path: "/api/v1/automations/track/samples", body: `{"samples":{"colour":"red"}}`, status: 422, errCode: "invalid", errField: "samples"},
			})
			listAutomation(t, f, "ada", "track", "")
			resp := f.do("stella", "POST", "/api/v1/automations/track/runs", "application/json", `{"params":{"number":"1Z1"}}`, nil)
			run := waitRun(t, f, "stella", resp)
			f.ids["run"] = run
			runScenarios(t, f, []scenario{
				{name: "listed", method: "GET", path: "/api/v1/automations/track", status: 200, contains: []string{`"listed": true`, `"runs_30d": 1`, `"success_rate_30d": 100`}},
				{name: "review of no run", as: "stella", method: "POST", path: "/api/v1/runs/x-none/review", body: `{"rating":5}`, status: 404, errCode: "not_found", errField: "run"},
				{name: "review of another's run", as: "bob", method: "POST", path: "/api/v1/runs/{run}/review", body: `{"rating":5}`, status: 404, errCode: "not_found"},
				{name: "rating out of range", as: "stella", method: "POST", path: "/api/v1/runs/{run}/review", body: `{"rating":9}`, status: 422, errCode: "invalid", errField: "rating"},
				{name: "review", as: "stella", method: "POST", path: "/api/v1/runs/{run}/review", body: `{"rating":4,"body":"Quick and right."}`, status: 201, contains: []string{`"rating": 4`}},
				{name: "second review of the run", as: "stella", method: "POST", path: "/api/v1/runs/{run}/review", body: `{"rating":1}`, status: 409, errCode: "conflict", errField: "run"},
			})
			var reviews struct{ Reviews []struct{ ID string } }
			json.Unmarshal([]byte(readBody(t, f.do("", "GET", "/api/v1/automations/track/reviews", "", "", nil))), &reviews)
			if len(reviews.Reviews) != 1 {
				t.Fatalf("reviews %+v", reviews)
			}
			f.ids["review"] = reviews.Reviews[0].ID
			runScenarios(t, f, []scenario{
				{name: "answer by another", as: "bob", method: "POST", path: "/api/v1/automations/track/reviews/{review}/answer", body: `{"answer":"hi"}`, status: 403, errCode: "forbidden"},
				{name: "answer", as: "ada", method: "POST", path: "/api/v1/automations/track/reviews/{review}/answer", body: `{"answer":"Thanks!"}`, status: 200, contains: []string{`"answer": "Thanks!"`}},
				{name: "reviews in public", method: "GET", path: "/api/v1/automations/track/reviews", status: 200, contains: []string{"Quick and right.", "Thanks!"}},
				{name: "bob publishes", as: "bob", method: "POST", path: "/api/v1/recordings/{rec-bob}/publish", status: 201,
					body: `{"id":"track-two","title":"Track again","description":"Looks up a parcel.","price_per_run":10,"samples":{"number":"1"}}`},
			})
			listAutomation(t, f, "bob", "track-two", "")
			runScenarios(t, f, []scenario{
				{name: "compose with a missing part", as: "stella", method: "POST", path: "/api/v1/automations/compositions", status: 422, errCode: "invalid", errField: "parts.1.automation",
					body: `{"id":"both","title":"Both","description":"Both.","price_per_run_text":"10.00","parts":[{"automation":"track"},{"automation":"nope"}]}`},
				{name: "compose", as: "stella", method: "POST", path: "/api/v1/automations/compositions", status: 201, contains: []string{`"composed": true`, `"listed": false`, `"author": "{ada}"`, `"author": "{bob}"`},
					body: `{"id":"both","title":"Both","description":"Both.","price_per_run_text":"10.00","samples":{"number":"1"},"parts":[{"automation":"track"},{"automation":"track-two"}]}`},
			})
			listAutomation(t, f, "stella", "both", "")
			f.ids["both-run"] = waitRun(t, f, "stella", f.do("stella", "POST", "/api/v1/automations/both/runs", "application/json", `{"params":{"number":"1Z2"}}`, nil))
			var split map[string]int64
			for i := 0; ; i++ {
				split = runSplit(t, f, f.ids["both-run"])
				if split != nil || i == 100 {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			ada, bob := "member:"+f.ids["ada"], "member:"+f.ids["bob"]
			// 1000 points: each author what a direct run of the part pays
			// (ada 80 of 100, bob 8 of 10), the authors' 80 % of the 890
			// markup by steps, 7 each (356 / 356), 200 to the treasury.
			if split[ada] != 436 || split[bob] != 364 || split["treasury"] != 200 || split["escrow:run:"+strconv.FormatInt(runRow(t, f, f.ids["both-run"]), 10)] != -1000 {
				t.Fatalf("the chain's split %v", split)
			}
		})
	}
}

// waitRun waits for a started run to finish ok and returns its id.
func waitRun(t *testing.T, f *fixture, who string, resp *http.Response) string {
	t.Helper()
	var run struct{ ID, Status, Error string }
	if body := readBody(t, resp); resp.StatusCode != 202 || json.Unmarshal([]byte(body), &run) != nil {
		t.Fatalf("run: %d %s", resp.StatusCode, body)
	}
	for i := 0; run.Status != "ok"; i++ {
		if i == 600 || run.Status == "failed" {
			t.Fatalf("the run ended %q: %s", run.Status, run.Error)
		}
		time.Sleep(50 * time.Millisecond)
		json.Unmarshal([]byte(readBody(t, f.do(who, "GET", "/api/v1/runs/"+run.ID, "", "", nil))), &run)
	}
	return run.ID
}

func runRow(t *testing.T, f *fixture, id string) int64 {
	t.Helper()
	var row int64
	if err := f.app.DB.Read().QueryRowContext(t.Context(), `SELECT id FROM automation_runs WHERE public_id = $1`, id).Scan(&row); err != nil {
		t.Fatal(err)
	}
	return row
}

// runSplit is the postings of the reward.split that settled a run, nil
// before there is one.
func runSplit(t *testing.T, f *fixture, id string) map[string]int64 {
	t.Helper()
	var event string
	f.app.DB.Read().QueryRowContext(t.Context(), `SELECT COALESCE(settle_event, '') FROM automation_runs WHERE public_id = $1`, id).Scan(&event)
	if event == "" {
		return nil
	}
	rows, err := f.app.DB.Read().QueryContext(t.Context(), `SELECT p.account, p.amount FROM postings p JOIN ledger_events l ON l.event_id = p.event_id WHERE l.event_id = $1 AND l.type = 'reward.split'`, event)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var acct string
		var n int64
		rows.Scan(&acct, &n)
		out[acct] = n
	}
	return out
}

// marketText has ada write marker in the marketplace, for the erasure
// test: in her review of her run of bob's automation, and in her answer
// to bob's review of his run of hers.
func marketText(t *testing.T, f *fixture, marker string) {
	t.Helper()
	f.app.Actions.Replayer = okReplayer{}
	person := behavior.SynthPeople(5, 1)[0]
	for i, who := range []string{"ada", "bob"} {
		resp := f.do(who, "POST", "/api/v1/recordings", "application/json", parcelRecording(t, f.srv.URL, behavior.SynthHuman(person, behavior.SynthNewTask(uint64(101+i)), uint64(101+i))), nil)
		var rec struct{ ID, Status string }
		if body := readBody(t, resp); resp.StatusCode != 201 || json.Unmarshal([]byte(body), &rec) != nil || rec.Status != "verified" {
			t.Fatalf("upload: %d %s", resp.StatusCode, body)
		}
		runScenarios(t, f, []scenario{{name: who + " publishes", as: who, method: "POST", path: "/api/v1/recordings/" + rec.ID + "/publish", status: 201,
			body: `{"id":"free-` + who + `","title":"Track","description":"Tracks.","price_per_run":0,"samples":{"number":"1"}}`}})
		listAutomation(t, f, who, "free-"+who, "")
	}
	adaRun := waitRun(t, f, "ada", f.do("ada", "POST", "/api/v1/automations/free-bob/runs", "application/json", `{"params":{"number":"2"}}`, nil))
	bobRun := waitRun(t, f, "bob", f.do("bob", "POST", "/api/v1/automations/free-ada/runs", "application/json", `{"params":{"number":"3"}}`, nil))
	resp := f.do("bob", "POST", "/api/v1/runs/"+bobRun+"/review", "application/json", `{"rating":3}`, nil)
	var review struct{ ID string }
	if body := readBody(t, resp); resp.StatusCode != 201 || json.Unmarshal([]byte(body), &review) != nil {
		t.Fatalf("bob's review: %d %s", resp.StatusCode, body)
	}
	runScenarios(t, f, []scenario{
		{name: "ada reviews", as: "ada", method: "POST", path: "/api/v1/runs/" + adaRun + "/review", status: 201, body: `{"rating":5,"body":"Form ` + marker + ` arrived."}`},
		{name: "ada answers", as: "ada", method: "POST", path: "/api/v1/automations/free-ada/reviews/" + review.ID + "/answer", status: 200, body: `{"answer":"Use form ` + marker + ` next time."}`},
	})
}
