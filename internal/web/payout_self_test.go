package web_test

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// TestOnlyStewardPaysThemself: in a cooperative whose only steward is
// stella, her own payout request is offered to her on /payouts as hers to
// record, the recording says so on /earnings and in the public entry
// (scope recorded:self); once ada is a steward too, stella's next request
// waits for ada.
func TestOnlyStewardPaysThemself(t *testing.T) {
	f := newFixture(t, store.SQLite)
	runScenarios(t, f, []scenario{
		{name: "deposit for stella", as: "stella", method: "POST", path: "/api/v1/members/{stella}/deposits", body: `{"amount_text":"10.00"}`, status: 201},
		{name: "stella asks", as: "stella", method: "POST", path: "/api/v1/members/me/payouts", body: `{"amount_text":"4.00"}`, status: 201},
	})
	var queue struct{ Payouts []struct{ ID int64 } }
	json.Unmarshal([]byte(readBody(t, f.do("stella", "GET", "/api/v1/payouts", "", "", nil))), &queue)
	if len(queue.Payouts) != 1 {
		t.Fatalf("queue %+v", queue)
	}
	id := strconv.FormatInt(queue.Payouts[0].ID, 10)
	page := f.page("stella", "/payouts")
	if !strings.Contains(page, `id="record-paid-`+id+`"`) || !strings.Contains(textOf(t, page, "self-payout-"+id), "as the only steward you record it yourself") {
		t.Fatalf("/payouts does not offer stella her own request:\n%s", page)
	}
	resp := f.do("stella", "POST", "/payouts/"+id+"/paid", "application/x-www-form-urlencoded", "", nil)
	if resp.StatusCode != 303 {
		t.Fatalf("record her own payout: %d %s", resp.StatusCode, readBody(t, resp))
	}
	if earnings := f.page("stella", "/earnings"); !regexp.MustCompile(`id="payout-` + id + `"(?s:.*?)paid on [^<]*, recorded by you as the only steward</td>`).MatchString(earnings) {
		t.Errorf("/earnings does not say stella recorded her payout:\n%s", earnings)
	}
	var entry string
	if err := f.app.DB.Read().QueryRowContext(t.Context(), `SELECT entry FROM ledger_events WHERE type = 'payout.paid'`).Scan(&entry); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(entry, `"scope":"recorded:self"`) || !strings.Contains(entry, `"member":"`+f.ids["stella"]+`"`) {
		t.Errorf("the public entry does not say the payout was self-recorded: %s", entry)
	}

	// With a second steward, the next request waits for her.
	runScenarios(t, f, []scenario{
		{name: "ada becomes a steward", as: "stella", method: "POST", path: "/members/{ada}", contentType: "application/x-www-form-urlencoded", body: "role=steward&invite_quota=3", status: 303},
		{name: "stella asks again", as: "stella", method: "POST", path: "/api/v1/members/me/payouts", body: `{"amount_text":"1.00"}`, status: 201},
	})
	json.Unmarshal([]byte(readBody(t, f.do("stella", "GET", "/api/v1/payouts", "", "", nil))), &queue)
	next := strconv.FormatInt(queue.Payouts[0].ID, 10)
	page = f.page("stella", "/payouts")
	if strings.Contains(page, `id="record-paid-`+next+`"`) || !strings.Contains(textOf(t, page, "self-payout-"+next), "another steward records it") {
		t.Errorf("/payouts offers stella her own request beside another steward:\n%s", page)
	}
	runScenarios(t, f, []scenario{
		{name: "stella may not", as: "stella", method: "POST", path: "/api/v1/payouts/" + next + "/paid", status: 403, errCode: "forbidden"},
		{name: "ada records it", as: "ada", method: "POST", path: "/api/v1/payouts/" + next + "/paid", status: 200, notContains: []string{"self_recorded"}},
	})
}
