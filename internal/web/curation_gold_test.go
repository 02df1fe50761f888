package web_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/store"
)

// goldFixture makes rita's curated datanet advice, with bob as its
// curator, three records of ada's, of which bob accepted the first two
// ({deposit}, {notice}) and the third ({repairs}) waits.
func goldFixture(t *testing.T, f *fixture) {
	t.Helper()
	withRequester(t, f)
	runScenarios(t, f, []scenario{
		{name: "create", as: "rita", method: "POST", path: "/api/v1/datanets", status: 201,
			body: `{"slug":"advice","name":"Advice","domain":"law","client":"Legal Aid","purpose":"plain answers","licence":"CC BY 4.0","record_kind":"qa","curated":true}`},
		{name: "rita names bob", as: "rita", method: "PATCH", path: "/api/v1/datanets/advice", body: `{"curators":["{bob}"]}`, status: 200},
		{name: "ada agrees", as: "ada", method: "POST", path: "/api/v1/datanets/advice/consent", body: `{"action":"grant"}`, status: 200},
	})
	resp := f.do("ada", "POST", "/api/v1/datanets/advice/contributions", "application/x-ndjson",
		`{"question":"Can my landlord keep the whole deposit?","answer":"Only for damage beyond normal wear and tear."}`+"\n"+
			`{"question":"How much notice do I give to move out?","answer":"Three months to the end of a calendar month."}`+"\n"+
			`{"question":"Who pays for repairs of the heating?","answer":"The landlord, unless you broke it."}`+"\n", nil)
	body := readBody(t, resp)
	var res datanet.Result
	if resp.StatusCode != 201 || json.Unmarshal([]byte(body), &res) != nil || res.Pending != 3 {
		t.Fatalf("contribute: %d %s", resp.StatusCode, body)
	}
	f.ids["deposit"], f.ids["notice"], f.ids["repairs"] = res.Outcomes[0].Contribution, res.Outcomes[1].Contribution, res.Outcomes[2].Contribution
	runScenarios(t, f, []scenario{
		{name: "accept the deposit", as: "bob", method: "POST", path: "/api/v1/contributions/{deposit}/decision", body: `{"accept":true}`, status: 200},
		{name: "accept the notice", as: "bob", method: "POST", path: "/api/v1/contributions/{notice}/decision", body: `{"accept":true}`, status: 200},
	})
}

// TestCurationGoldPages: the curator queue lists the accepted records with
// their gold marks beside the waiting ones; a curator marks one gold and
// takes the mark away from the page, which says so and counts the gold
// records; the mark reaches the record's score check (the API reads it);
// a member who does not curate is refused, a record that is not accepted
// cannot be gold, and a mark that is neither on nor off is refused naming
// the field.
func TestCurationGoldPages(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		goldFixture(t, f)
		post := func(as, record, gold string) (int, string, string) {
			resp := f.do(as, "POST", "/contributions/"+f.ids[record]+"/gold", "application/x-www-form-urlencoded",
				url.Values{"gold": {gold}, "datanet": {"advice"}}.Encode(), nil)
			return resp.StatusCode, resp.Header.Get("Location"), readBody(t, resp)
		}
		page := f.page("bob", "/datanets/advice/queue")
		for _, want := range []string{`id="accepted-` + f.ids["deposit"] + `"`, `id="accepted-` + f.ids["notice"] + `"`, "Mark gold", "Who pays for repairs of the heating?"} {
			if !strings.Contains(page, want) {
				t.Fatalf("the queue page lacks %q:\n%s", want, page)
			}
		}
		if strings.Contains(page, `id="accepted-`+f.ids["repairs"]+`"`) {
			t.Fatal("a waiting record is listed among the accepted ones")
		}
		if got := textOf(t, page, "gold-count"); got != "0" {
			t.Fatalf("gold count %q before any mark", got)
		}

		if status, _, _ := post("ada", "deposit", "on"); status != 403 {
			t.Fatalf("the contributor marks gold: %d, want 403", status)
		}
		if status, _, body := post("bob", "deposit", "maybe"); status != 422 || !strings.Contains(body, "on to mark it a gold record") {
			t.Fatalf("a mark that is not one: %d\n%s", status, body)
		}
		if status, _, body := post("bob", "repairs", "on"); status != 409 || !strings.Contains(body, "only an accepted record can be a gold record") {
			t.Fatalf("gold on a waiting record: %d\n%s", status, body)
		}
		status, loc, body := post("bob", "deposit", "on")
		if status != 303 || !strings.HasPrefix(loc, "/datanets/advice/queue?") || !strings.HasSuffix(loc, "#accepted-"+f.ids["deposit"]) {
			t.Fatalf("mark gold: %d %q\n%s", status, loc, body)
		}
		page = f.page("bob", loc[:strings.Index(loc, "#")])
		if !strings.Contains(page, `id="marked">Record <code>`+f.ids["deposit"]+`</code> is now a gold record`) {
			t.Fatalf("no notice after marking:\n%s", page)
		}
		if got := textOf(t, page, "gold-count"); got != "1" {
			t.Fatalf("gold count %q after one mark", got)
		}
		item := page[strings.Index(page, `id="accepted-`+f.ids["deposit"]+`"`):]
		item = item[:strings.Index(item, "</li>")]
		if !strings.Contains(item, "gold-badge") || !strings.Contains(item, `value="off"`) || !strings.Contains(item, "Not gold") {
			t.Fatalf("the marked record's row:\n%s", item)
		}
		list, _, gold, err := f.app.Datanets.Accepted(t.Context(), memberOf(t, f, "rita"), "advice", 10)
		if err != nil || len(list) != 2 || gold != 1 || !list[1].Gold || list[0].Gold {
			t.Fatalf("accepted records after the mark: %+v, %d gold, %v", list, gold, err)
		}
		// The creator curates too, and takes the mark away.
		if status, _, body := post("rita", "deposit", "off"); status != 303 {
			t.Fatalf("unmark: %d\n%s", status, body)
		}
		page = f.page("rita", "/datanets/advice/queue?marked=unmarked&record="+f.ids["deposit"])
		if got := textOf(t, page, "gold-count"); got != "0" || !strings.Contains(page, "</code> is no longer a gold record") {
			t.Fatalf("after unmarking: count %q\n%s", got, page)
		}
		if _, _, _, err := f.app.Datanets.Accepted(t.Context(), memberOf(t, f, "ada"), "advice", 10); err == nil {
			t.Fatal("a contributor reads the accepted records")
		}
		// A curator's own record is marked by another curator, never by
		// themself: rita's record, accepted by bob, is bob's to mark.
		runScenarios(t, f, []scenario{
			{name: "rita agrees", as: "rita", method: "POST", path: "/api/v1/datanets/advice/consent", body: `{"action":"grant"}`, status: 200},
		})
		resp := f.do("rita", "POST", "/api/v1/datanets/advice/contributions", "application/x-ndjson",
			`{"question":"May I sublet a room?","answer":"With the landlord's permission, which needs a reason to be refused."}`+"\n", nil)
		var res datanet.Result
		if body := readBody(t, resp); resp.StatusCode != 201 || json.Unmarshal([]byte(body), &res) != nil {
			t.Fatalf("rita contributes: %d %s", resp.StatusCode, body)
		}
		f.ids["sublet"] = res.Outcomes[0].Contribution
		// In the queue, rita's own record offers her no decision (it would
		// be refused with 403), only the note; bob gets the buttons.
		waiting := func(as string) string {
			page := f.page(as, "/datanets/advice/queue")
			i := strings.Index(page, `id="waiting-`+f.ids["sublet"]+`"`)
			if i < 0 {
				t.Fatalf("%s: rita's record is not in the queue:\n%s", as, page)
			}
			item := page[i:]
			return item[:strings.Index(item, "</section>")]
		}
		if item := waiting("rita"); strings.Contains(item, `class="accept"`) || strings.Contains(item, `class="danger reject"`) || !strings.Contains(item, "another curator decides on it") {
			t.Fatalf("rita's own waiting record offers her a decision:\n%s", item)
		}
		if item := waiting("bob"); !strings.Contains(item, `class="accept"`) || strings.Contains(item, "own-record") {
			t.Fatalf("bob is not offered the decision on rita's record:\n%s", item)
		}
		runScenarios(t, f, []scenario{
			{name: "bob accepts rita's", as: "bob", method: "POST", path: "/api/v1/contributions/{sublet}/decision", body: `{"accept":true}`, status: 200},
		})
		if status, _, body := post("rita", "sublet", "on"); status != 403 || !strings.Contains(body, "your own record") {
			t.Fatalf("rita marks her own record: %d\n%s", status, body)
		}
		item = f.page("rita", "/datanets/advice/queue")
		item = item[strings.Index(item, `id="accepted-`+f.ids["sublet"]+`"`):]
		item = item[:strings.Index(item, "</li>")]
		if strings.Contains(item, "Mark gold") || !strings.Contains(item, "Your own record") {
			t.Fatalf("rita's own record offers her the mark:\n%s", item)
		}
		if status, _, body := post("bob", "sublet", "on"); status != 303 {
			t.Fatalf("bob marks rita's record: %d\n%s", status, body)
		}
	})
}

func memberOf(t *testing.T, f *fixture, name string) member.Member {
	t.Helper()
	m, err := f.app.Members.ByPublicID(t.Context(), f.ids[name])
	if err != nil {
		t.Fatal(err)
	}
	return m
}
