package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/store"
)

// TestBountyPages: the form names a bad amount in money and keeps what
// was typed; a steward funds a bounty through it; ada sees her eligible
// recording, claims it and sees it paid; bob sees no close button, the
// funder closes it and the page says what went back.
func TestBountyPages(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		ctx := t.Context()
		form := url.Values{"kind": {"recordings"}, "title": {"Parcel recordings"}, "terms": {"Track a parcel on the practice page."},
			"site": {"/practice/parcel"}, "reward": {"1,50"}, "budget": {"5.00"}, "cap_per_member": {"2"}, "days": {"7"}}
		post := func(as, path string, v url.Values) (int, string, string) {
			resp := f.do(as, "POST", path, "application/x-www-form-urlencoded", v.Encode(), nil)
			return resp.StatusCode, resp.Header.Get("Location"), readBody(t, resp)
		}
		get := func(as, path string) (int, string) {
			resp := f.do(as, "GET", path, "", "", nil)
			return resp.StatusCode, readBody(t, resp)
		}
		// A member funds from their balance only: the form offers no
		// funding account.
		if code, body := get("ada", "/bounties/new"); code != 200 || !strings.Contains(body, `id="pay-from-balance"`) || strings.Contains(body, `value="funding"`) {
			t.Fatalf("a member opens the bounty form: %d %.300s", code, body)
		}
		if code, _ := get("stella", "/bounties/new"); code != 200 {
			t.Fatalf("the form: %d", code)
		}
		code, _, body := post("stella", "/bounties", form)
		if code != 422 || !saysAll(body, `data-for="reward"`, `value="Parcel recordings"`) {
			t.Fatalf("a reward with a comma: %d %.2000s", code, body)
		}
		form.Set("reward", "1.50")
		code, loc, body := post("stella", "/bounties", form)
		if code != 303 {
			t.Fatalf("funding: %d %.2000s", code, body)
		}
		r, err := f.app.Actions.Upload(ctx, mustMember(t, f, "ada"), []byte(parcelRecording(t, f.srv.URL, behavior.SynthHuman(behavior.SynthPeople(3, 1)[0], behavior.SynthNewTask(4), 4))), "")
		if err != nil || r.Status != action.Verified {
			t.Fatalf("ada's recording: %+v %v", r, err)
		}
		if code, body := get("ada", loc); code != 200 || !saysAll(body, "1.50 EUR", "5.00 EUR", r.ID, `id="claim-all"`) || saysAll(body, `id="close-bounty"`) {
			t.Fatalf("ada's view of %s: %d %.3000s", loc, code, body)
		}
		if code, loc2, body := post("ada", loc+"/claims", url.Values{"all": {"1"}}); code != 303 {
			t.Fatalf("claim all: %d %s %.2000s", code, loc2, body)
		}
		if code, body := get("ada", loc); code != 200 || !saysAll(body, `id="my-claims"`, r.ID, "You were paid 1.50 EUR", "3.50 EUR", `id="none-eligible"`) {
			t.Fatalf("after the claim: %d %.3000s", code, body)
		}
		if code, _, body := post("ada", loc+"/claims", url.Values{"unit": {r.ID}}); code != 409 || !saysAll(body, "already paid") {
			t.Fatalf("claiming again: %d %.2000s", code, body)
		}
		if code, _, _ := post("bob", loc+"/close", nil); code != 403 {
			t.Fatalf("bob closes: %d", code)
		}
		if code, _, body := post("stella", loc+"/close", nil); code != 303 {
			t.Fatalf("closing: %d %.2000s", code, body)
		}
		if code, body := get("stella", loc); code != 200 || !saysAll(body, `id="bounty-closed"`, "3.50 EUR went back") {
			t.Fatalf("closed: %d %.3000s", code, body)
		}
		if code, body := get("bob", "/bounties"); code != 200 || !saysAll(body, "Parcel recordings", "closed") {
			t.Fatalf("the list: %d %.3000s", code, body)
		}
		if code, body := get("bob", "/work"); code != 200 || !saysAll(body, `href="/bounties"`) {
			t.Fatalf("the work page links no bounties: %d", code)
		}
	})
}

func saysAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
