package web_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// TestOwnUnlistedAutomationsAreFound: an author whose automation is not
// listed yet finds it on /automations with its state and a link to its
// page; others see neither it nor an empty "your automations", and the
// domain refuses them the author's list.
func TestOwnUnlistedAutomationsAreFound(t *testing.T) {
	f := newFixture(t, store.SQLite)
	person := behavior.SynthPeople(5, 1)[0]
	resp := f.do("ada", "POST", "/api/v1/recordings", "application/json", parcelRecording(t, f.srv.URL, behavior.SynthHuman(person, behavior.SynthNewTask(7), 7)), nil)
	var rec struct{ ID, Status string }
	if body := readBody(t, resp); resp.StatusCode != 201 || json.Unmarshal([]byte(body), &rec) != nil || rec.Status != "verified" {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	runScenarios(t, f, []scenario{
		{name: "publish", as: "ada", method: "POST", path: "/api/v1/recordings/" + rec.ID + "/publish", status: 201,
			body: `{"id":"parcel-status","title":"Parcel status","description":"Looks up where a parcel is.","price_per_run":100}`},
	})
	page := f.page("ada", "/automations")
	own := visible(page[strings.Index(page, `id="own-automations"`):])
	if !strings.Contains(page, `href="/automations/parcel-status"`) || !strings.Contains(own, "Parcel status — not listed: waiting for a successful test run") {
		t.Fatalf("ada's /automations: %s", visible(page))
	}
	if strings.Contains(visible(page), "No automation is published yet") {
		t.Fatalf("/automations says nothing is published while ada has one: %s", visible(page))
	}
	if bob := f.page("bob", "/automations"); strings.Contains(bob, "parcel-status") || strings.Contains(bob, `id="own-automations"`) {
		t.Fatalf("bob sees ada's unlisted automation: %s", visible(bob))
	}
	if anon := f.page("", "/automations"); strings.Contains(anon, "parcel-status") {
		t.Fatalf("a visitor sees ada's unlisted automation: %s", visible(anon))
	}
	if _, err := f.app.Actions.AutomationsOf(t.Context(), mustMember(t, f, "bob"), mustMember(t, f, "ada").ID); !problem.Is(err, problem.Forbidden) {
		t.Fatalf("bob asking for ada's automations: %v", err)
	}
	if list, err := f.app.Actions.AutomationsOf(t.Context(), mustMember(t, f, "stella"), mustMember(t, f, "ada").ID); err != nil || len(list) != 1 || list[0].Listed {
		t.Fatalf("a steward asking for ada's automations: %v %v", list, err)
	}
}
