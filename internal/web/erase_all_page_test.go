package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/store"
)

// TestEraseAllWithoutContributions: a member who never contributed to a
// datanet but recorded browser work still finds "erase all my data" on
// /contributions (it used to be shown only beside a list of
// contributions), a wrong confirmation names the field and erases
// nothing, and after erasing the page says that it happened instead of
// looking as if there had never been anything.
func TestEraseAllWithoutContributions(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := t.Context()
	bob := mustMember(t, f, "bob")
	rec, err := f.app.Actions.Upload(ctx, bob, []byte(parcelRecording(t, f.srv.URL, behavior.SynthHuman(behavior.SynthPeople(3, 1)[0], behavior.SynthNewTask(6), 6))), "")
	if err != nil || rec.Status != action.Verified {
		t.Fatalf("bob's recording: %+v %v", rec, err)
	}
	body := f.page("bob", "/contributions")
	if !saysAll(body, "You have not contributed yet", `id="erase-all"`, `action="/contributions/erase-all"`, `id="confirm-erase"`) {
		t.Fatalf("bob, with a recording and no contribution, is not offered to erase it: %.3000s", body)
	}
	if strings.Contains(body, `id="erased"`) {
		t.Fatal("the page says that bob's data is erased before he asked")
	}

	post := func(confirm string) (int, string, string) {
		resp := f.do("bob", "POST", "/contributions/erase-all", "application/x-www-form-urlencoded", url.Values{"confirm": {confirm}}.Encode(), nil)
		return resp.StatusCode, resp.Header.Get("Location"), readBody(t, resp)
	}
	code, _, body := post("erase")
	if code != 422 || !strings.Contains(body, "Type ERASE to confirm") || !strings.Contains(body, `id="erase-all"`) {
		t.Fatalf("a lower-case confirmation: %d %.2000s", code, body)
	}
	if _, err := f.app.Actions.Get(ctx, bob, rec.ID); err != nil {
		t.Fatalf("a refused confirmation erased the recording: %v", err)
	}

	code, loc, body := post("ERASE")
	if code != 303 {
		t.Fatalf("erase all: %d %.2000s", code, body)
	}
	after := f.page("bob", loc)
	if !saysAll(after, `id="erased"`, "All your data is erased") {
		t.Fatalf("after erasing, %s does not say so: %.3000s", loc, after)
	}
	if _, err := f.app.Actions.Get(ctx, bob, rec.ID); err == nil {
		t.Fatal("bob's recording is still there after he erased all his data")
	}
}
