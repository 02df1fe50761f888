package web_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// TestBountiesAPI: a steward funds a bounty for recordings of the practice
// task; a member may not; bad terms are named; ada claims her own verified
// recording, not twice and not past the cap; bob cannot claim hers; the
// funder's close refunds the rest, once.
func TestBountiesAPI(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		ctx := t.Context()
		deadline := time.Now().Add(7 * 24 * time.Hour).UTC().Format(time.RFC3339)
		body := func(extra string) string {
			return `{"kind":"recordings","title":"Parcel recordings","terms":"Track a parcel on the practice page.","site":"/practice/parcel",` +
				`"cap_per_member":1,"deadline":"` + deadline + `"` + extra + `}`
		}
		runScenarios(t, f, []scenario{
			{name: "a member funds none", as: "ada", method: "POST", path: "/api/v1/bounties", body: body(`,"reward":150,"budget":500`), status: 403, errCode: "forbidden"},
			{name: "anonymous", method: "GET", path: "/api/v1/bounties", status: 401, errCode: "unauthorized"},
			{name: "no reward", as: "stella", method: "POST", path: "/api/v1/bounties", body: body(`,"budget":500`), status: 422, errCode: "invalid", errField: "reward"},
			{name: "reward as bad money", as: "stella", method: "POST", path: "/api/v1/bounties", body: body(`,"reward_text":"1,5","budget":500`), status: 422, errCode: "invalid", errField: "reward_text"},
			{name: "budget below one reward", as: "stella", method: "POST", path: "/api/v1/bounties", body: body(`,"reward":150,"budget":100`), status: 422, errCode: "invalid", errField: "budget"},
			{name: "budget beyond its range", as: "stella", method: "POST", path: "/api/v1/bounties", body: body(`,"reward":150,"budget":9223372036854775807`), status: 422, errCode: "invalid", errField: "budget"},
			{name: "no site", as: "stella", method: "POST", path: "/api/v1/bounties", body: `{"kind":"recordings","title":"t","terms":"t","reward":1,"budget":1,"cap_per_member":1,"deadline":"` + deadline + `"}`, status: 422, errCode: "invalid", errField: "site"},
			{name: "records of no datanet", as: "stella", method: "POST", path: "/api/v1/bounties", body: `{"kind":"records","title":"t","terms":"t","datanet":"nowhere","reward":1,"budget":1,"cap_per_member":1,"deadline":"` + deadline + `"}`, status: 422, errCode: "invalid", errField: "datanet"},
			{name: "tasks of no project", as: "stella", method: "POST", path: "/api/v1/bounties", body: `{"kind":"annotation","title":"t","terms":"t","project":"nowhere","reward":1,"budget":1,"cap_per_member":1,"deadline":"` + deadline + `"}`, status: 422, errCode: "invalid", errField: "project"},
			{name: "a deadline passed", as: "stella", method: "POST", path: "/api/v1/bounties", body: `{"kind":"recordings","title":"t","terms":"t","site":"/p","reward":1,"budget":1,"cap_per_member":1,"deadline":"2020-01-01T00:00:00Z"}`, status: 422, errCode: "invalid", errField: "deadline"},
			{name: "funded", as: "stella", method: "POST", path: "/api/v1/bounties", body: body(`,"reward":150,"budget_text":"5.00"`), status: 201,
				contains: []string{`"budget": 500`, `"left_text": "5.00 EUR"`, `"status": "open"`, `"funder": "{stella}"`, `"may_close": true`}},
		})
		var id int64
		if err := f.app.DB.Read().QueryRowContext(ctx, `SELECT max(id) FROM bounties`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		person := behavior.SynthPeople(3, 1)[0]
		var recs []string
		for i := range 2 {
			r, err := f.app.Actions.Upload(ctx, mustMember(t, f, "ada"), []byte(parcelRecording(t, f.srv.URL, behavior.SynthHuman(person, behavior.SynthNewTask(uint64(i+1)), uint64(i+1)))), "")
			if err != nil || r.Status != action.Verified {
				t.Fatalf("ada's recording: %+v %v", r, err)
			}
			recs = append(recs, r.ID)
		}
		path := fmt.Sprintf("/api/v1/bounties/%d", id)
		runScenarios(t, f, []scenario{
			{name: "her eligible recordings", as: "ada", method: "GET", path: path, status: 200, contains: []string{`"my_eligible": [`, recs[0], recs[1]}},
			{name: "bob claims ada's recording", as: "bob", method: "POST", path: path + "/claims", body: `{"unit":"` + recs[0] + `"}`, status: 404, errCode: "not_found"},
			{name: "one unit or all", as: "ada", method: "POST", path: path + "/claims", body: `{"unit":"` + recs[0] + `","all":true}`, status: 422, errCode: "invalid", errField: "unit"},
			{name: "ada claims her own", as: "ada", method: "POST", path: path + "/claims", body: `{"unit":"` + recs[0] + `"}`, status: 201,
				contains: []string{`"unit": "` + recs[0] + `"`, `"amount": 150`}},
			{name: "the same unit again", as: "ada", method: "POST", path: path + "/claims", body: `{"unit":"` + recs[0] + `"}`, status: 409, errCode: "conflict"},
			{name: "past the cap", as: "ada", method: "POST", path: path + "/claims", body: `{"all":true}`, status: 409, errCode: "conflict", contains: []string{"cap"}},
			{name: "bob has nothing eligible", as: "bob", method: "POST", path: path + "/claims", body: `{"all":true}`, status: 409, errCode: "conflict"},
			{name: "her claims on the bounty", as: "ada", method: "GET", path: path, status: 200,
				contains: []string{`"paid_units": 1`, `"left": 350`, `"my_claims"`, recs[0], `"may_close": false`}},
			{name: "others see no claims of hers", as: "bob", method: "GET", path: path, status: 200, notContains: []string{recs[0]}},
			{name: "the open list", as: "bob", method: "GET", path: "/api/v1/bounties?status=open", status: 200, contains: []string{"Parcel recordings"}},
			{name: "a bad status", as: "bob", method: "GET", path: "/api/v1/bounties?status=maybe", status: 422, errCode: "invalid", errField: "status"},
			{name: "no such bounty", as: "bob", method: "GET", path: "/api/v1/bounties/999999", status: 404, errCode: "not_found"},
			{name: "not a number", as: "bob", method: "GET", path: "/api/v1/bounties/x", status: 404, errCode: "not_found"},
			{name: "bob closes none", as: "bob", method: "POST", path: path + "/close", status: 403, errCode: "forbidden"},
			{name: "the funder closes it", as: "stella", method: "POST", path: path + "/close", status: 200,
				contains: []string{`"status": "closed"`, `"refund": 350`, `"left": 0`}},
			{name: "closed once", as: "stella", method: "POST", path: path + "/close", status: 409, errCode: "conflict"},
			{name: "no claim after", as: "ada", method: "POST", path: path + "/claims", body: `{"unit":"` + recs[1] + `"}`, status: 409, errCode: "conflict"},
		})
		stella := mustMember(t, f, "stella")
		if got, err := f.app.Reward.Balance(ctx, reward.FundingAccount(stella.PublicID)); err != nil || got != -150 {
			t.Errorf("stella's funding account holds %d (%v), want -150", got, err)
		}
	})
}
