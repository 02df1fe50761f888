package web_test

import (
	"encoding/json"
	"testing"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/store"
)

// The curation API: a requester creates a curated datanet that pays per
// accepted record (in money or points), names a curator; the curator
// reads the queue, accepts one record and rejects another with a reason;
// the contributor reads both and appeals once; a steward overturns; the
// requester cuts a version and reads its diff. Everyone else is refused.
func TestCurationAPI(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		withRequester(t, f)
		advice := `{"slug":"advice","name":"Advice","domain":"law","client":"Legal Aid","purpose":"plain answers","licence":"CC BY 4.0","record_kind":"qa","curated":true`
		runScenarios(t, f, []scenario{
			{name: "a reward below zero", as: "rita", method: "POST", path: "/api/v1/datanets", body: advice + `,"reward_per_record_text":"-1"}`, status: 422, errCode: "invalid", errField: "reward_per_record_text"},
			{name: "a reward without curation", as: "rita", method: "POST", path: "/api/v1/datanets", status: 422, errCode: "invalid", errField: "reward_per_record",
				body: `{"slug":"plain","name":"Plain","domain":"law","client":"C","purpose":"P","licence":"CC BY 4.0","record_kind":"qa","reward_per_record":5}`},
			{name: "create a curated datanet", as: "rita", method: "POST", path: "/api/v1/datanets", body: advice + `,"reward_per_record_text":"0.50"}`, status: 201,
				contains: []string{`"curated": true`, `"reward_per_record": 50`, `"reward_per_record_text": "0.50 EUR"`}},
			{name: "ada agrees", as: "ada", method: "POST", path: "/api/v1/datanets/advice/consent", body: `{"action":"grant"}`, status: 200},
		})
		resp := f.do("ada", "POST", "/api/v1/datanets/advice/contributions", "application/x-ndjson",
			`{"question":"Can my landlord keep the whole deposit?","answer":"Only for damage beyond normal wear and tear."}`+"\n"+
				`{"question":"How much notice do I give to move out?","answer":"Three months to the end of a calendar month."}`+"\n", nil)
		body := readBody(t, resp)
		var res datanet.Result
		if resp.StatusCode != 201 || json.Unmarshal([]byte(body), &res) != nil || res.Pending != 2 || res.Accepted != 0 {
			t.Fatalf("contribute: %d %s", resp.StatusCode, body)
		}
		f.ids["deposit"], f.ids["notice"] = res.Outcomes[0].Contribution, res.Outcomes[1].Contribution
		runScenarios(t, f, []scenario{
			{name: "a member who does not curate sees no queue", as: "bob", method: "GET", path: "/api/v1/datanets/advice/queue", status: 403, errCode: "forbidden"},
			{name: "nor does the contributor", as: "ada", method: "GET", path: "/api/v1/datanets/advice/queue", status: 403, errCode: "forbidden"},
			{name: "nor decides", as: "bob", method: "POST", path: "/api/v1/contributions/{deposit}/decision", body: `{"accept":true}`, status: 403, errCode: "forbidden"},
			{name: "only the owner names curators", as: "bob", method: "PATCH", path: "/api/v1/datanets/advice", body: `{"curators":["{bob}"]}`, status: 403, errCode: "forbidden"},
			{name: "no such curator", as: "rita", method: "PATCH", path: "/api/v1/datanets/advice", body: `{"curators":["nobody"]}`, status: 422, errCode: "invalid", errField: "curators"},
			{name: "rita names bob", as: "rita", method: "PATCH", path: "/api/v1/datanets/advice", body: `{"curators":["{bob}"]}`, status: 200, contains: []string{`"curated": true`}},
			{name: "a bad limit", as: "bob", method: "GET", path: "/api/v1/datanets/advice/queue?limit=0", status: 422, errCode: "invalid", errField: "limit"},
			{name: "bob's queue", as: "bob", method: "GET", path: "/api/v1/datanets/advice/queue", status: 200,
				contains: []string{`"total": 2`, `"contributor": "{ada}"`, "Can my landlord keep the whole deposit?"}},
			{name: "accept", as: "bob", method: "POST", path: "/api/v1/contributions/{deposit}/decision", body: `{"accept":true}`, status: 200,
				contains: []string{`"state": "accepted"`, `"reward": 50`, `"reward_text": "0.50 EUR"`}},
			{name: "accept again", as: "bob", method: "POST", path: "/api/v1/contributions/{deposit}/decision", body: `{"accept":true}`, status: 409, errCode: "conflict"},
			{name: "reject without a reason", as: "bob", method: "POST", path: "/api/v1/contributions/{notice}/decision", body: `{"accept":false}`, status: 422, errCode: "invalid", errField: "reason"},
			{name: "a decision that is not one", as: "bob", method: "POST", path: "/api/v1/contributions/{notice}/decision", body: `{"accept":"yes"}`, status: 422, errCode: "invalid", errField: "accept"},
			{name: "reject", as: "bob", method: "POST", path: "/api/v1/contributions/{notice}/decision", body: `{"accept":false,"reason":"Only old leases have three months; say which lease."}`, status: 200,
				contains: []string{`"state": "rejected"`}},
			{name: "ada reads both", as: "ada", method: "GET", path: "/api/v1/members/{ada}/contributions", status: 200,
				contains: []string{`"curation": "rejected"`, "Only old leases have three months", `"curation": "accepted"`, `"paid_text": "0.50 EUR"`, `"score"`}},
			{name: "bob cannot appeal ada's record", as: "bob", method: "POST", path: "/api/v1/contributions/{notice}/appeal", body: `{"text":"I appeal for ada, who is away."}`, status: 404, errCode: "not_found"},
			{name: "appeal", as: "ada", method: "POST", path: "/api/v1/contributions/{notice}/appeal", body: `{"text":"My lease is from 2019: three months is right for it."}`, status: 200,
				contains: []string{`"state": "appealed"`}},
			{name: "appeal again", as: "ada", method: "POST", path: "/api/v1/contributions/{notice}/appeal", body: `{"text":"And again, because I can."}`, status: 409, errCode: "conflict"},
			{name: "requesters do not see appeals", as: "rita", method: "GET", path: "/api/v1/contributions/appeals", status: 403, errCode: "forbidden"},
			{name: "stewards do", as: "stella", method: "GET", path: "/api/v1/contributions/appeals", status: 200, contains: []string{`"total": 1`, "My lease is from 2019"}},
			{name: "a ruling says which", as: "stella", method: "POST", path: "/api/v1/contributions/{notice}/ruling", body: `{"note":"Overturned, the lease is old."}`, status: 422, errCode: "invalid", errField: "overturn"},
			{name: "a requester does not rule", as: "rita", method: "POST", path: "/api/v1/contributions/{notice}/ruling", body: `{"overturn":true,"note":"Overturned, the lease is old."}`, status: 403, errCode: "forbidden"},
			{name: "overturn", as: "stella", method: "POST", path: "/api/v1/contributions/{notice}/ruling", body: `{"overturn":true,"note":"Overturned, the lease is old."}`, status: 200,
				contains: []string{`"state": "overturned"`, `"reward": 50`}},
			{name: "mark gold", as: "bob", method: "POST", path: "/api/v1/contributions/{deposit}/gold", body: `{"gold":true}`, status: 200, contains: []string{`"gold": true`}},
			{name: "cut a version", as: "rita", method: "POST", path: "/api/v1/datanets/advice/versions", status: 201, contains: []string{`"records": 2`}},
			{name: "its diff", as: "rita", method: "GET", path: "/api/v1/datanets/advice/versions/1/diff", status: 200,
				contains: []string{`"from": 0`, `"to": 1`, `"count": 2`, "{deposit}", "{notice}"}},
			{name: "the curator reads it too", as: "bob", method: "GET", path: "/api/v1/datanets/advice/versions/1/diff", status: 200},
			{name: "the contributor does not", as: "ada", method: "GET", path: "/api/v1/datanets/advice/versions/1/diff", status: 403, errCode: "forbidden"},
			{name: "no such version", as: "rita", method: "GET", path: "/api/v1/datanets/advice/versions/2/diff", status: 404, errCode: "not_found"},
		})
	})
}

// The curation pages answer their members and refuse the others.
func TestCurationPages(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withRequester(t, f)
	runScenarios(t, f, []scenario{
		{name: "create", as: "rita", method: "POST", path: "/api/v1/datanets", status: 201,
			body: `{"slug":"advice","name":"Advice","domain":"law","client":"Legal Aid","purpose":"plain answers","licence":"CC BY 4.0","record_kind":"qa","curated":true,"reward_per_record":50}`},
		{name: "ada agrees", as: "ada", method: "POST", path: "/api/v1/datanets/advice/consent", body: `{"action":"grant"}`, status: 200},
		{name: "ada contributes", as: "ada", method: "POST", path: "/api/v1/datanets/advice/contributions", status: 201,
			body: `{"question":"Can my landlord keep the whole deposit?","answer":"Only for damage beyond normal wear and tear."}`},
		{name: "the queue page", as: "rita", method: "GET", path: "/datanets/advice/queue", contentType: "text/html", status: 200, contains: []string{"Can my landlord keep the whole deposit?", "Accept and pay 0.50 EUR"}},
		{name: "not for ada", as: "ada", method: "GET", path: "/datanets/advice/queue", contentType: "text/html", status: 403},
		{name: "the datanet page", as: "rita", method: "GET", path: "/datanets/advice", contentType: "text/html", status: 200, contains: []string{"Curator queue (1 waiting)", "Save curation"}},
		{name: "ada's contributions", as: "ada", method: "GET", path: "/contributions", contentType: "text/html", status: 200, contains: []string{"waiting for a curator"}},
		{name: "the appeals page", as: "stella", method: "GET", path: "/contributions/appeals", contentType: "text/html", status: 200, contains: []string{"No appeal waits"}},
	})
}
