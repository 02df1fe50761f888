package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/bounty"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/work"
)

// giveBalance pays a member amount points, as a deposit would.
func giveBalance(t *testing.T, f *fixture, name string, amount int64) {
	t.Helper()
	err := f.app.DB.InTx(t.Context(), func(tx *store.Tx) error {
		_, err := f.app.Reward.Transfer(t.Context(), tx, ledger.Event{Type: ledger.FundsDeposited, Postings: []ledger.Posting{
			{Account: reward.FundingAccount("test"), Amount: -amount}, {Account: reward.MemberAccount(f.ids[name]), Amount: amount}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestBountyTermsAPI: a member funds a bounty from her balance, refused
// when it does not cover the budget; bad combinations of who verifies, the
// minimum score and the task's end are named; under her approval bob's
// claim waits, she alone sees and decides it — a rejection needs a reason
// — and accepted it is paid; the rest goes back to her balance.
func TestBountyTermsAPI(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		withDatanets(t, f)
		ctx := t.Context()
		giveBalance(t, f, "ada", 400)
		deadline := time.Now().Add(7 * 24 * time.Hour).UTC().Format(time.RFC3339)
		body := func(extra string) string {
			return `{"kind":"recordings","title":"Parcel recordings","terms":"Track a parcel on the practice page.","site":"/practice/parcel",` +
				`"cap_per_member":2,"reward":150,"deadline":"` + deadline + `"` + extra + `}`
		}
		records := `{"kind":"records","title":"t","terms":"t","datanet":"tenancy","reward":1,"budget":1,"cap_per_member":1,"deadline":"` + deadline + `"`
		runScenarios(t, f, []scenario{
			{name: "more than her balance", as: "ada", method: "POST", path: "/api/v1/bounties", body: body(`,"budget":401,"pay_from":"balance"`), status: 409, errCode: "conflict",
				contains: []string{"balance holds 400"}},
			{name: "from her funding account", as: "ada", method: "POST", path: "/api/v1/bounties", body: body(`,"budget":300`), status: 403, errCode: "forbidden"},
			{name: "from nowhere", as: "ada", method: "POST", path: "/api/v1/bounties", body: body(`,"budget":300,"pay_from":"wallet"`), status: 422, errCode: "invalid", errField: "pay_from"},
			{name: "curation of recordings", as: "stella", method: "POST", path: "/api/v1/bounties", body: body(`,"budget":300,"verify":"curation"`), status: 422, errCode: "invalid", errField: "verify"},
			{name: "curation of an uncurated datanet", as: "stella", method: "POST", path: "/api/v1/bounties", body: records + `,"verify":"curation"}`, status: 422, errCode: "invalid", errField: "verify"},
			{name: "a score without curation", as: "stella", method: "POST", path: "/api/v1/bounties", body: records + `,"min_score":60}`, status: 422, errCode: "invalid", errField: "min_score"},
			{name: "an end for records", as: "stella", method: "POST", path: "/api/v1/bounties", body: records + `,"end":"/done"}`, status: 422, errCode: "invalid", errField: "end"},
			{name: "an end that is no address", as: "stella", method: "POST", path: "/api/v1/bounties", body: body(`,"budget":300,"end":"ftp://x"`), status: 422, errCode: "invalid", errField: "end"},
			{name: "funded from her balance", as: "ada", method: "POST", path: "/api/v1/bounties", body: body(`,"budget":400,"pay_from":"balance","verify":"approval","end":"/practice/parcel"`), status: 201,
				contains: []string{`"funded_from": "balance"`, `"verify": "approval"`, `"end": "/practice/parcel"`, `"may_decide": true`, "the funder, who accepts or rejects each claim"}},
			{name: "a task that ends elsewhere", as: "stella", method: "POST", path: "/api/v1/bounties", body: body(`,"budget":300,"end":"/practice/parcel/delivered"`), status: 201},
		})
		if got, _ := f.app.Reward.Balance(ctx, reward.MemberAccount(f.ids["ada"])); got != 0 {
			t.Fatalf("ada holds %d after funding 400 from her balance", got)
		}
		var approval, elsewhere int64
		if err := f.app.DB.Read().QueryRowContext(ctx, `SELECT min(id), max(id) FROM bounties`).Scan(&approval, &elsewhere); err != nil {
			t.Fatal(err)
		}
		r, err := f.app.Actions.Upload(ctx, mustMember(t, f, "bob"), []byte(parcelRecording(t, f.srv.URL, behavior.SynthHuman(behavior.SynthPeople(3, 1)[0], behavior.SynthNewTask(2), 2))), "")
		if err != nil || r.Status != action.Verified {
			t.Fatalf("bob's recording: %+v %v", r, err)
		}
		path := fmt.Sprintf("/api/v1/bounties/%d", approval)
		runScenarios(t, f, []scenario{
			{name: "it never reaches the end", as: "bob", method: "POST", path: fmt.Sprintf("/api/v1/bounties/%d/claims", elsewhere), body: `{"unit":"` + r.ID + `"}`, status: 409, errCode: "conflict",
				contains: []string{"never reaches /practice/parcel/delivered"}},
			{name: "bob's claim waits", as: "bob", method: "POST", path: path + "/claims", body: `{"unit":"` + r.ID + `"}`, status: 201, contains: []string{`"status": "waiting"`, `"request": `}},
			{name: "bob sees it wait", as: "bob", method: "GET", path: path, status: 200, contains: []string{`"my_requests"`, `"state": "waiting"`, `"paid_units": 0`}},
			{name: "bob sees no queue", as: "bob", method: "GET", path: path + "/requests", status: 403, errCode: "forbidden"},
			{name: "the funder's queue", as: "ada", method: "GET", path: path + "/requests", status: 200, contains: []string{r.ID, `"member": "{bob}"`, `"title": "Track a parcel"`}},
			{name: "bob decides none", as: "bob", method: "POST", path: path + "/decisions", body: `{"request":1,"decision":"accept"}`, status: 403, errCode: "forbidden"},
			{name: "a decision of neither", as: "ada", method: "POST", path: path + "/decisions", body: `{"request":1,"decision":"maybe"}`, status: 422, errCode: "invalid", errField: "decision"},
		})
		var req int64
		if err := f.app.DB.Read().QueryRowContext(ctx, `SELECT id FROM bounty_requests WHERE unit = $1`, r.ID).Scan(&req); err != nil {
			t.Fatal(err)
		}
		decide := func(d string) string { return fmt.Sprintf(`{"request":%d,"decision":"%s"}`, req, d) }
		runScenarios(t, f, []scenario{
			{name: "a rejection without a reason", as: "ada", method: "POST", path: path + "/decisions", body: decide("reject"), status: 422, errCode: "invalid", errField: "reason"},
			{name: "another bounty's claim", as: "ada", method: "POST", path: fmt.Sprintf("/api/v1/bounties/%d/decisions", elsewhere), body: decide("accept"), status: 403, errCode: "forbidden"},
			{name: "accepted and paid", as: "ada", method: "POST", path: path + "/decisions", body: decide("accept"), status: 200, contains: []string{`"status": "paid"`, `"amount": 150`, `"event": "`}},
			{name: "decided once", as: "ada", method: "POST", path: path + "/decisions", body: decide("accept"), status: 404, errCode: "not_found"},
			{name: "closed: the rest to her balance", as: "ada", method: "POST", path: path + "/close", status: 200, contains: []string{`"refund": 250`}},
		})
		for who, want := range map[string]int64{"ada": 250, "bob": 150} {
			if got, _ := f.app.Reward.Balance(ctx, reward.MemberAccount(f.ids[who])); got != want {
				t.Errorf("%s holds %d, want %d", who, got, want)
			}
		}
	})
}

// TestBountyInlineLists: the open bounties of a datanet, a project, for
// annotation and for recordings are listed on the datanet's, the
// project's, the work and the recordings pages — title, reward, what is
// left, deadline and a link to claim — and a closed one is not.
func TestBountyInlineLists(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		withDatanets(t, f)
		ctx := t.Context()
		stella := mustMember(t, f, "stella")
		if _, err := f.app.Work.Create(ctx, stella, work.Project{Slug: "pets", Name: "Pets", Client: "C", Purpose: "P", Instructions: "Say which.",
			TaskType: work.ImageClassification, Labels: []string{"cat", "dog"}, Redundancy: 1, PayPerTask: 10, EstSeconds: 20, Budget: 5000}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(72 * time.Hour)
		create := func(terms bounty.Terms) bounty.Bounty {
			t.Helper()
			terms.Terms, terms.Reward, terms.Budget, terms.CapPerMember, terms.Deadline = "What counts.", 150, 500, 2, deadline
			b, err := f.app.Bounties.Create(ctx, stella, terms)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		rec := create(bounty.Terms{Kind: bounty.Recordings, Title: "Parcel runs", Site: "/practice/parcel"})
		dn := create(bounty.Terms{Kind: bounty.Records, Title: "Tenancy answers", Datanet: "tenancy"})
		pr := create(bounty.Terms{Kind: bounty.Annotation, Title: "Pet labels", Project: "pets"})
		gone := create(bounty.Terms{Kind: bounty.Records, Title: "Closed answers", Datanet: "tenancy"})
		if _, err := f.app.Bounties.Close(ctx, stella, gone.ID); err != nil {
			t.Fatal(err)
		}
		row := func(b bounty.Bounty) []string {
			return []string{fmt.Sprintf(`id="open-bounty-%d"`, b.ID), b.Title, "1.50 EUR", "5.00 EUR", "(3 records)", deadline.UTC().Format("2 Jan 2006"), fmt.Sprintf(`href="/bounties/%d#your-claims"`, b.ID)}
		}
		for _, c := range []struct {
			as, path string
			want     bounty.Bounty
			not      []bounty.Bounty
		}{
			{"ada", "/datanets/tenancy", dn, []bounty.Bounty{gone, rec, pr}},
			{"stella", "/projects/pets", pr, []bounty.Bounty{dn, rec}},
			{"ada", "/work", pr, []bounty.Bounty{dn, rec}},
			{"ada", "/recordings", rec, []bounty.Bounty{dn, pr}},
		} {
			resp := f.do(c.as, "GET", c.path, "", "", nil)
			body := readBody(t, resp)
			want := row(c.want)
			want[4] = fmt.Sprintf("(3 %ss)", c.want.Kind.Unit())
			if resp.StatusCode != 200 || !saysAll(body, want...) {
				t.Errorf("%s: %d, want %q in %.4000s", c.path, resp.StatusCode, want, body)
			}
			for _, b := range c.not {
				if strings.Contains(body, fmt.Sprintf(`id="open-bounty-%d"`, b.ID)) {
					t.Errorf("%s lists %q", c.path, b.Title)
				}
			}
		}
	})
}

// TestBountyDecisionPage: the funder of a bounty she approves sees the
// waiting claim on its page; a rejection without a reason is refused on
// the page, with a reason it is rejected and the claimant reads it.
func TestBountyDecisionPage(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		ctx := t.Context()
		giveBalance(t, f, "ada", 1000)
		v := url.Values{"kind": {"recordings"}, "title": {"Parcel runs"}, "terms": {"Track a parcel."}, "site": {"/practice/parcel"}, "end": {"/practice/parcel"},
			"verify": {"approval"}, "reward": {"1.50"}, "budget": {"10.00"}, "cap_per_member": {"2"}, "days": {"7"}, "pay_from": {"balance"}}
		resp := f.do("ada", "POST", "/bounties", "application/x-www-form-urlencoded", v.Encode(), nil)
		loc := resp.Header.Get("Location")
		if body := readBody(t, resp); resp.StatusCode != 303 {
			t.Fatalf("ada funds from the form: %d %.2000s", resp.StatusCode, body)
		}
		r, err := f.app.Actions.Upload(ctx, mustMember(t, f, "bob"), []byte(parcelRecording(t, f.srv.URL, behavior.SynthHuman(behavior.SynthPeople(3, 1)[0], behavior.SynthNewTask(3), 3))), "")
		if err != nil || r.Status != action.Verified {
			t.Fatalf("bob's recording: %+v %v", r, err)
		}
		post := func(as, path string, v url.Values) (int, string) {
			resp := f.do(as, "POST", path, "application/x-www-form-urlencoded", v.Encode(), nil)
			return resp.StatusCode, readBody(t, resp)
		}
		get := func(as, path string) string {
			resp := f.do(as, "GET", path, "", "", nil)
			return readBody(t, resp)
		}
		if code, body := post("bob", loc+"/claims", url.Values{"all": {"1"}}); code != 303 {
			t.Fatalf("bob claims: %d %.2000s", code, body)
		}
		body := get("bob", loc+"?claimed=1")
		for _, want := range []string{"claim waits for the funder", `id="my-requests"`, "waiting", `id="bounty-end"`, "from their balance"} {
			if !strings.Contains(body, want) {
				t.Fatalf("bob's view lacks %q: %.4000s", want, body)
			}
		}
		body = get("ada", loc)
		if !saysAll(body, `id="waiting-claims"`, "Track a parcel", r.ID) {
			t.Fatalf("ada's queue: %.4000s", body)
		}
		var req int64
		if err := f.app.DB.Read().QueryRowContext(ctx, `SELECT id FROM bounty_requests WHERE unit = $1`, r.ID).Scan(&req); err != nil {
			t.Fatal(err)
		}
		rid := fmt.Sprint(req)
		if code, body := post("ada", loc+"/decision", url.Values{"request": {rid}, "decision": {"reject"}}); code != 422 || !strings.Contains(body, "say why") {
			t.Fatalf("a rejection without a reason: %d %.3000s", code, body)
		}
		if code, _ := post("bob", loc+"/decision", url.Values{"request": {rid}, "decision": {"accept"}}); code != 403 {
			t.Fatalf("bob decides his own claim: %d", code)
		}
		const marker = "ZEBRAQUOKKABOUNTY"
		reason := "The parcel number " + marker + " is never typed."
		if code, body := post("ada", loc+"/decision", url.Values{"request": {rid}, "decision": {"reject"}, "reason": {reason}}); code != 303 {
			t.Fatalf("rejecting: %d %.3000s", code, body)
		}
		if body := get("bob", loc); !saysAll(body, "rejected: "+reason) {
			t.Fatalf("bob reads the reason: %.4000s", body)
		}
		if got, _ := f.app.Reward.Balance(ctx, reward.MemberAccount(f.ids["bob"])); got != 0 {
			t.Errorf("a rejected claim paid bob %d", got)
		}
		// The reason is about bob's unit: erasing his data takes it.
		resp = f.do("bob", "DELETE", "/api/v1/members/"+f.ids["bob"]+"/contributions", "", "", nil)
		if body := readBody(t, resp); resp.StatusCode != 200 {
			t.Fatalf("bob erases his data: %d %s", resp.StatusCode, body)
		}
		if where := markerInDatabase(t, f.app.DB, marker); where != "" {
			t.Errorf("the rejection's reason outlived bob's erasure in %s", where)
		}
	})
}
