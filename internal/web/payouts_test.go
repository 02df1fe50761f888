package web_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// TestPayoutsAPI: a member asks for a payout within their balance, a
// steward records it paid, the balance drops and the public log's entry
// names the pseudonym and amounts only; every refusal names what is wrong.
func TestPayoutsAPI(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		runScenarios(t, f, []scenario{
			{name: "deposit for ada", as: "stella", method: "POST", path: "/api/v1/members/{ada}/deposits", body: `{"amount":1000}`, status: 201},
			{name: "anonymous", method: "POST", path: "/api/v1/members/me/payouts", body: `{"amount":1}`, status: 401, errCode: "unauthorized"},
			{name: "nothing", as: "ada", method: "POST", path: "/api/v1/members/me/payouts", body: `{"amount":0}`, status: 422, errCode: "invalid", errField: "amount"},
			{name: "negative", as: "ada", method: "POST", path: "/api/v1/members/me/payouts", body: `{"amount":-5}`, status: 422, errCode: "invalid", errField: "amount"},
			{name: "more than the balance", as: "ada", method: "POST", path: "/api/v1/members/me/payouts", body: `{"amount":1001}`, status: 422, errCode: "invalid", errField: "amount"},
			{name: "beyond the range", as: "ada", method: "POST", path: "/api/v1/members/me/payouts", body: `{"amount":9223372036854775807}`, status: 422, errCode: "invalid", errField: "amount"},
			{name: "not a number", as: "ada", method: "POST", path: "/api/v1/members/me/payouts", body: `{"amount":"ten"}`, status: 422, errCode: "invalid"},
			{name: "for another member", as: "bob", method: "POST", path: "/api/v1/members/{ada}/payouts", body: `{"amount":10}`, status: 403, errCode: "forbidden"},
			{name: "bob holds nothing", as: "bob", method: "POST", path: "/api/v1/members/me/payouts", body: `{"amount":1}`, status: 422, errCode: "invalid", errField: "amount"},
			{name: "ask", as: "ada", method: "POST", path: "/api/v1/members/me/payouts", body: `{"amount":650}`, status: 201,
				contains: []string{`"amount": 650`, `"amount_text": "6.50 EUR"`, `"status": "requested"`}},
			{name: "one at a time", as: "ada", method: "POST", path: "/api/v1/members/me/payouts", body: `{"amount":1}`, status: 409, errCode: "conflict"},
			{name: "own list", as: "ada", method: "GET", path: "/api/v1/members/me/payouts", status: 200, contains: []string{`"amount_text": "6.50 EUR"`}},
			{name: "another member's list", as: "bob", method: "GET", path: "/api/v1/members/{ada}/payouts", status: 403, errCode: "forbidden"},
			{name: "members do not see the queue", as: "bob", method: "GET", path: "/api/v1/payouts", status: 403, errCode: "forbidden"},
			{name: "the stewards' queue", as: "stella", method: "GET", path: "/api/v1/payouts", status: 200, contains: []string{`"member": "{ada}"`, `"amount": 650`}},
		})
		var queue struct{ Payouts []reward.Payout }
		json.Unmarshal([]byte(readBody(t, f.do("stella", "GET", "/api/v1/payouts", "", "", nil))), &queue)
		if len(queue.Payouts) != 1 {
			t.Fatalf("queue = %+v", queue)
		}
		id := strconv.FormatInt(queue.Payouts[0].ID, 10)
		runScenarios(t, f, []scenario{
			{name: "members do not record payouts", as: "bob", method: "POST", path: "/api/v1/payouts/" + id + "/paid", status: 403, errCode: "forbidden"},
			{name: "nor their own", as: "ada", method: "POST", path: "/api/v1/payouts/" + id + "/paid", status: 403, errCode: "forbidden"},
			{name: "another member cannot cancel it", as: "bob", method: "POST", path: "/api/v1/payouts/" + id + "/cancel", status: 404, errCode: "not_found"},
			{name: "no such request", as: "stella", method: "POST", path: "/api/v1/payouts/999999/paid", status: 404, errCode: "not_found"},
			{name: "record paid", as: "stella", method: "POST", path: "/api/v1/payouts/" + id + "/paid", status: 200, contains: []string{`"status": "paid"`, `"event_id"`}},
			{name: "twice", as: "stella", method: "POST", path: "/api/v1/payouts/" + id + "/paid", status: 409, errCode: "conflict"},
			{name: "paid is not cancelled", as: "ada", method: "POST", path: "/api/v1/payouts/" + id + "/cancel", status: 409, errCode: "conflict"},
			{name: "the balance dropped", as: "ada", method: "GET", path: "/api/v1/me", status: 200, contains: []string{`"balance": 350`, `"balance_text": "3.50 EUR"`}},
			{name: "the queue is empty", as: "stella", method: "GET", path: "/api/v1/payouts", status: 200, notContains: []string{`"member"`}},
		})
		// The public entry: type, pseudonym and amounts, nothing personal.
		var entry string
		if err := f.app.DB.Read().QueryRowContext(t.Context(), `SELECT entry FROM ledger_events WHERE type = 'payout.paid'`).Scan(&entry); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(entry, `"member:`+f.ids["ada"]+`","amount":-650`) || !strings.Contains(entry, `"payouts","amount":650`) {
			t.Errorf("payout entry %s does not move ada's 650 points to payouts", entry)
		}
		for _, personal := range []string{"ada@example.org", `"ada"`, "Stella", "stella"} {
			if strings.Contains(entry, personal) {
				t.Errorf("the public entry names %s: %s", personal, entry)
			}
		}
	})
}

// TestPayoutPages: the form on /earnings takes money as pages show it;
// a wrong amount comes back with the field named and what was typed kept.
func TestPayoutPages(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		runScenarios(t, f, []scenario{{name: "deposit for ada", as: "stella", method: "POST", path: "/api/v1/members/{ada}/deposits", body: `{"amount":1000}`, status: 201}})
		post := func(as, path, form string) (int, string) {
			resp := f.do(as, "POST", path, "application/x-www-form-urlencoded", form, nil)
			return resp.StatusCode, readBody(t, resp)
		}
		for _, bad := range []struct{ amount, says string }{
			{"10.001", "at most 2 decimals"},
			{"ten", "an amount in EUR"},
			{"10.01", "more than your balance"},
			{"0", "more than nothing"},
		} {
			status, body := post("ada", "/payouts", "amount="+bad.amount)
			if status != 422 || !strings.Contains(textOf(t, body, "amount-error"), bad.says) || !strings.Contains(body, `value="`+bad.amount+`"`) {
				t.Errorf("amount %q: %d, error %q", bad.amount, status, textOf(t, body, "amount-error"))
			}
		}
		if status, _ := post("ada", "/payouts", "amount=6.50"); status != 303 {
			t.Fatalf("asking for 6.50: %d", status)
		}
		if got := textOf(t, f.page("ada", "/earnings"), "payout-waiting"); !strings.Contains(got, "waiting for a steward") {
			t.Fatalf("/earnings after asking: %q", got)
		}
		if status, _ := post("bob", "/payouts/1/paid", ""); status != 403 {
			t.Fatalf("a member recorded a payout: %d", status)
		}
		queue := f.page("stella", "/payouts")
		if !strings.Contains(queue, "6.50 EUR") || !strings.Contains(queue, f.ids["ada"]) {
			t.Fatalf("the stewards' page lacks the request:\n%s", queue)
		}
		dash := f.page("stella", "/dashboard")
		if !strings.Contains(dash, `id="payouts-waiting"`) {
			t.Error("the steward's dashboard does not say a payout waits")
		}
		// The stewards' queue lists it, with its amount, and counts it.
		if !strings.Contains(dash, `id="queue-payouts"`) || !strings.Contains(dash, "Payout requests to record as paid (1)") || !strings.Contains(dash, "6.50 EUR to "+f.ids["ada"]) {
			t.Errorf("the stewards' queue does not list the payout request:\n%s", dash)
		}
	})
}
