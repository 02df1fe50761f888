package web_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// TestRunValuesAreCheckedAtSubmission: an empty or overlong value is
// refused when the run form is sent, naming the input, before any money
// is held; an empty field for a parameter with a default runs with the
// default.
func TestRunValuesAreCheckedAtSubmission(t *testing.T) {
	f := newFixture(t, store.SQLite)
	fundTreasury(t, f, 10000)
	person := behavior.SynthPeople(5, 1)[0]
	resp := f.do("ada", "POST", "/api/v1/recordings", "application/json", parcelRecording(t, f.srv.URL, behavior.SynthHuman(person, behavior.SynthNewTask(7), 7)), nil)
	var rec struct{ ID, Status string }
	if body := readBody(t, resp); resp.StatusCode != 201 || json.Unmarshal([]byte(body), &rec) != nil || rec.Status != "verified" {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	runScenarios(t, f, []scenario{
		{name: "publish", as: "ada", method: "POST", path: "/api/v1/recordings/" + rec.ID + "/publish", status: 201,
			body: `{"id":"track-parcel","title":"Track a parcel","description":"Looks up where a parcel is.","price_per_run":100}`},
		{name: "deposit for bob", as: "stella", method: "POST", path: "/api/v1/members/{bob}/deposits", body: `{"amount":500}`, status: 201},
	})
	listAutomation(t, f, "ada", "track-parcel", `{"number":"1Z999AA10123456784"}`)

	for _, tc := range []struct{ name, number, want string }{
		{"empty", "", "type a value"},
		{"blank", "   ", "type a value"},
		{"20,000 characters", strings.Repeat("9", 20000), "at most 1000 characters (this one has 20000)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := url.Values{"param_number": {tc.number}, "param_postcode": {"10115"}}
			resp := f.do("bob", "POST", "/automations/track-parcel/run", "application/x-www-form-urlencoded", v.Encode(), nil)
			body := readBody(t, resp)
			if resp.StatusCode != 422 {
				t.Fatalf("status %d, want 422: %.300s", resp.StatusCode, visible(body))
			}
			text := visible(body)
			if !strings.Contains(text, "Parcel number: "+tc.want) || !strings.Contains(body, `<p class="field-error">`+tc.want+`</p>`) {
				t.Fatalf("the refusal does not name the input: %.800s", text)
			}
		})
	}
	if bob, _ := f.app.Reward.Balance(t.Context(), reward.MemberAccount(f.ids["bob"])); bob != 500 {
		t.Fatalf("bob's balance after refused runs: %d, want 500 (nothing held)", bob)
	}
	if runs := readBody(t, f.do("bob", "GET", "/api/v1/members/me/runs", "", "", nil)); strings.Contains(runs, `"id"`) {
		t.Fatalf("a refused run was queued: %s", runs)
	}
	v := url.Values{"param_number": {"1Z999AA10123456784"}, "param_postcode": {""}}
	resp = f.do("bob", "POST", "/automations/track-parcel/run", "application/x-www-form-urlencoded", v.Encode(), nil)
	if body := readBody(t, resp); resp.StatusCode != 303 {
		t.Fatalf("an empty postcode (default 10115): %d %.500s", resp.StatusCode, visible(body))
	}
}
