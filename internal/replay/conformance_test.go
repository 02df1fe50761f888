package replay

import (
	"encoding/json"
	"github.com/allmende/allmende/internal/browsertest"
	"reflect"
	"testing"
)

// conformance lists the test pages, a Recorder recording of work on each
// (testdata/recordings, written as Chrome's Recorder exports them), and
// what the page reports when that work was done. The pages report through
// the test server, so a check sees the page's own state, not the replay's
// opinion of it.
var conformance = []struct {
	name string
	// want is the page's last report, as JSON.
	want string
	// reference, if set, is what the page reports after @puppeteer/replay
	// played the recording, where that differs: it types a change key by
	// key where we insert the text at once, so the page counts more input
	// events.
	reference string
	// check, if set, checks the report instead.
	check func(t *testing.T, got map[string]any)
	// selectors are the alternatives that should have found each step's
	// element (by step index): each selector prefix is exercised somewhere.
	selectors map[int]string
}{
	{name: "forms",
		want:      `{"name":"Ada Lovelace","email":"ada@example.org","bio":"Mathematician & writer","age":"36","when":"1843-07-01","trustedName":1,"trustedBio":1}`,
		reference: `{"name":"Ada Lovelace","email":"ada@example.org","bio":"Mathematician & writer","age":"36","when":"1843-07-01","trustedName":12,"trustedBio":22}`,
		selectors: map[int]string{2: "aria/Full name", 10: "aria/Submit"}},
	{name: "checkbox",
		want:      `{"news":true,"terms":true,"spam":false,"plan":"pro"}`,
		selectors: map[int]string{2: `aria/Send me news[role="checkbox"]`, 3: `label[for="plan-pro"]`}},
	{name: "select", want: `{"value":"de","text":"Germany","inputs":1,"changes":1}`},
	{name: "iframe", want: `{"accepted":true,"code":"X-42"}`, selectors: map[int]string{4: "aria/Accept"}},
	{name: "shadow", want: `{"amount":"12.50","paid":true}`,
		selectors: map[int]string{2: "card-box >>>> pay-form >>>> #amount", 3: "pierce/#amount", 4: "text/Pay now"}},
	{name: "svg", want: `{"hits":["dot"],"trusted":true}`, selectors: map[int]string{2: `xpath///*[@id="dot"]`}},
	{name: "scroll",
		check: func(t *testing.T, got map[string]any) {
			if got["maxWindowScroll"].(float64) < 2500 || got["listScroll"] != 300.0 || got["clicked"] != true {
				t.Errorf("report %v", got)
			}
		},
		selectors: map[int]string{4: "#list"}},
	{name: "popup", want: `{"fromPopup":"hello from the popup"}`},
	{name: "controlled", want: `{"city":"Nairobi","zip":"00100","cityField":"Nairobi"}`},
	{name: "dblclick", want: `{"clicks":2,"dblclicks":1,"detail":2,"trusted":true}`, selectors: map[int]string{2: "aria/42"}},
	{name: "hover", want: `{"entered":true,"picked":"Street photos"}`},
	{name: "keyboard", want: `{"shortcut":{"key":"k","code":"KeyK","ctrl":true,"trusted":true},"command":"settings","enterCode":"Enter"}`},
	{name: "async", want: `{"picked":"three"}`, selectors: map[int]string{3: ".result", 4: "", 6: "aria/three"}}, // step 4 waits for the spinner to be gone (visible: false is "absent" in @puppeteer/replay),
}

func TestConformance(t *testing.T) {
	browser := testBrowser(t)
	s := newSite(t)
	for _, c := range conformance {
		t.Run(c.name, func(t *testing.T) {
			s.reset()
			res := runOK(t, browser, s.recordingFor(t, c.name))
			if !s.checkReport(t, c.name, c.want, c.check) {
				t.Logf("steps:\n%s", describe(res))
			}
			// The form was submitted with what was typed, and the asserted
			// navigation (URL and title) was checked on the way.
			if c.name == "forms" {
				if want := "name=Ada+Lovelace&email=ada%40example.org&bio=Mathematician+%26+writer&age=36&when=1843-07-01"; s.echoed() != want {
					t.Errorf("form submitted %q, want %q", s.echoed(), want)
				}
			}
			for i, want := range c.selectors {
				if got := res.Steps[i].Selector; got != want {
					t.Errorf("step %d found its element with %q, want %q", i, got, want)
				}
			}
		})
	}
}

// checkReport compares the page's last report with want (JSON) or runs
// check on it; it reports whether the page reported at all.
func (s *site) checkReport(t *testing.T, page, want string, check func(*testing.T, map[string]any)) bool {
	t.Helper()
	got := s.report(page)
	if got == nil {
		t.Errorf("the page reported nothing")
		return false
	}
	if check != nil {
		check(t, got)
		return true
	}
	var w map[string]any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, w) {
		gotJSON, _ := json.Marshal(got)
		t.Errorf("page state\n got %s\nwant %s", gotJSON, want)
	}
	return true
}

// The hand-made conformance recordings are valid Chrome Recorder files:
// @puppeteer/replay, the reference runner, plays each one and leaves the
// page in the same state our replay does.
func TestConformanceRecordingsInReferenceRunner(t *testing.T) {
	s := newSite(t)
	for _, c := range conformance {
		t.Run(c.name, func(t *testing.T) {
			s.reset()
			browsertest.ReferenceReplay(t, s.rawFor(t, c.name), "true")
			want := c.want
			if c.reference != "" {
				want = c.reference
			}
			s.checkReport(t, c.name, want, c.check)
		})
	}
}
