package action_test

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/egress"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// shipSite is a shop that ships a parcel and shows its tracking number,
// and a carrier whose form tracks a number: the two pages a chain of two
// replayed recordings works on.
type shipSite struct {
	*httptest.Server
	mu      sync.Mutex
	shipped int
	hide    bool     // the shop shows no tracking number
	tracked []string // the numbers the carrier's form was sent
}

func newShipSite(t *testing.T) *shipSite {
	s := &shipSite{}
	mux := http.NewServeMux()
	mux.HandleFunc("/ship", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>Ship</title><form action="/shipped"><label for="name">Recipient</label> <input id="name" name="name"> <button id="ship">Ship</button></form>`)
	})
	mux.HandleFunc("/shipped", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.shipped++
		n, hide := s.shipped, s.hide
		s.mu.Unlock()
		fmt.Fprintf(w, `<!doctype html><title>Shipped</title><h1 id="done">Shipped to %s</h1>`, html.EscapeString(r.URL.Query().Get("name")))
		if !hide {
			fmt.Fprintf(w, `<p>Tracking number: <span id="tracking"> 1Z999AA1%08d </span></p>`, n)
		}
	})
	mux.HandleFunc("/track", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>Track</title><form action="/tracked"><label for="number">Parcel number</label> <input id="number" name="number"> <button id="track">Track</button></form>`)
	})
	mux.HandleFunc("/tracked", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.tracked = append(s.tracked, r.URL.Query().Get("number"))
		s.mu.Unlock()
		fmt.Fprint(w, `<!doctype html><title>Status</title><p id="status">In transit</p>`)
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func (s *shipSite) numbers() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tracked...)
}

// formFlow is a recording, with the behavioural evidence of b, that
// opens page, types the parameter param into the field #field, presses
// the button #button and waits for #wait on the page that follows.
func formFlow(t *testing.T, b behavior.Recording, title, page, field, param, button, wait string) []byte {
	t.Helper()
	sel := func(s string) []recording.Selector { return []recording.Selector{{s}} }
	rec := recording.Recording{
		Title: title,
		Steps: []recording.Step{
			{Type: "setViewport", Width: 1280, Height: 720, DeviceScaleFactor: 1},
			{Type: "navigate", URL: page, AssertedEvents: []recording.AssertedEvent{{Type: "navigation", URL: page}}},
			{Type: "click", Selectors: sel("#" + field), OffsetX: 5, OffsetY: 5},
			{Type: "change", Selectors: sel("#" + field), Value: "{{" + param + "}}"},
			{Type: "click", Selectors: sel("#" + button), OffsetX: 5, OffsetY: 5},
			{Type: "waitForElement", Selectors: sel("#" + wait)},
		},
		Allmende: &recording.Extension{Version: 1, Recorder: "allmende-extension/0.1", Viewport: recording.Viewport{Width: b.Viewport.W, Height: b.Viewport.H},
			Parameters: []recording.Parameter{{Name: param, Label: param}}},
	}
	rec.Allmende.Events = recording.EventsOf(b.Events)
	raw, err := rec.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestComposedReplaysPassTheirOutput runs, in real headless Chromium, a
// chain of two replayed recordings: ada's ships a parcel and ends on the
// page showing its tracking number, which the chain passes to bob's, which
// types it into the carrier's form. The run succeeds, the carrier's page
// receives the number, and the run's one reward.split pays both authors.
// When the shop shows no tracking number, the run fails saying so and is
// refunded, and the second part never runs.
func TestComposedReplaysPassTheirOutput(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := t.Context()
	e := newEnv(t, db)
	browser := &action.Browser{Guard: egress.Guard{AllowPrivate: true}}
	t.Cleanup(browser.Close)
	e.s.Replayer = browser
	site := newShipSite(t)
	ada, bob, stella := e.members["ada"], e.members["bob"], e.members["stella"]
	carl := e.addMember(t, "carl")
	e.fund(t, reward.Treasury, 10000)
	e.fund(t, reward.MemberAccount(stella.PublicID), 5000)

	publish := func(m member.Member, slug string, raw []byte, samples map[string]string) {
		t.Helper()
		rec, err := e.s.Upload(ctx, m, raw, "")
		if err != nil || rec.Status != action.Verified {
			t.Fatalf("upload %s: %+v %v", slug, rec, err)
		}
		if _, err := e.s.Publish(ctx, m, rec.ID, action.Publication{Slug: slug, Title: slug, Description: "A part.", PricePerRun: 10, Samples: samples}); err != nil {
			t.Fatalf("publish %s: %v", slug, err)
		}
		e.listed(t, m, slug, nil)
	}
	publish(ada, "ship", formFlow(t, human(81), "Ship a parcel", site.URL+"/ship", "name", "name", "ship", "done"), map[string]string{"name": "Grace"})
	publish(bob, "track-it", formFlow(t, human(82), "Track a parcel", site.URL+"/track", "number", "number", "track", "status"), map[string]string{"number": "1Z1"})

	a, err := e.s.Compose(ctx, carl, action.Composition{
		Publication: action.Publication{Slug: "ship-and-track", Title: "Ship and track", Description: "Ships a parcel and tracks it.", PricePerRun: 1000,
			Samples: map[string]string{"name": "Grace"}},
		Parts: []action.Part{{Automation: "ship", Output: "#tracking"}, {Automation: "track-it", Input: "number"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Parameters) != 1 || a.Parameters[0].Name != "name" {
		t.Fatalf("the chain asks for %+v, want only the recipient", a.Parameters)
	}
	e.fund(t, reward.MemberAccount(carl.PublicID), 20) // the test run pays the parts
	e.listed(t, carl, a.Slug, nil)                     // its test run passed the number on too
	if got := site.numbers(); len(got) != 2 || got[0] != "1Z1" || got[1] != "1Z999AA100000002" {
		t.Fatalf("after the test runs the carrier was sent %q", got)
	}

	splits := len(e.events(t, ledger.RewardSplit))
	run, err := e.s.StartRun(ctx, stella, a.Slug, map[string]string{"name": "Ada Lovelace"})
	if err != nil {
		t.Fatal(err)
	}
	execute(t, e, run.ID)
	got, _ := e.s.GetRun(ctx, stella, run.ID)
	if got.Status != "ok" || len(got.Steps) != 12 || got.Steps[11].Step != "2.6" {
		t.Fatalf("the chain's run: %+v", got)
	}
	if numbers := site.numbers(); numbers[len(numbers)-1] != "1Z999AA100000003" {
		t.Fatalf("the carrier was sent %q, not the shop's tracking number 1Z999AA100000003", numbers[len(numbers)-1])
	}
	all := e.events(t, ledger.RewardSplit)
	if len(all) != splits+1 {
		t.Fatalf("%d splits for one run", len(all)-splits)
	}
	split := all[len(all)-1]
	// 1000 points: 800 to the authors, 6 steps each, 200 to the treasury;
	// the composer is paid nothing as such.
	if split[reward.MemberAccount(ada.PublicID)] != 400 || split[reward.MemberAccount(bob.PublicID)] != 400 || split[reward.Treasury] != 200 ||
		split[reward.MemberAccount(carl.PublicID)] != 0 {
		t.Fatalf("the chain's split: %v", split)
	}

	// The shop shows no tracking number: the first part's steps all
	// succeed, but it has nothing to pass on.
	site.mu.Lock()
	site.hide = true
	site.mu.Unlock()
	before, sent := e.balance(t, reward.MemberAccount(stella.PublicID)), len(site.numbers())
	refunds := len(e.events(t, ledger.RunRefunded))
	run, err = e.s.StartRun(ctx, stella, a.Slug, map[string]string{"name": "Ada Lovelace"})
	if err != nil {
		t.Fatal(err)
	}
	execute(t, e, run.ID)
	got, _ = e.s.GetRun(ctx, stella, run.ID)
	if got.Status != "failed" || !strings.Contains(got.Error, "part 1 (ship): it ended with nothing at #tracking to pass on") {
		t.Fatalf("a part with nothing to pass on: %+v", got)
	}
	if n := len(site.numbers()); n != sent {
		t.Fatalf("the second part ran after the first had nothing to pass on")
	}
	if b := e.balance(t, reward.MemberAccount(stella.PublicID)); b != before {
		t.Fatalf("stella has %d after the failed run, %d before", b, before)
	}
	if n := len(e.events(t, ledger.RunRefunded)); n != refunds+1 {
		t.Fatalf("%d refunds for the failed run", n-refunds)
	}
	if n := len(e.events(t, ledger.RewardSplit)); n != splits+1 {
		t.Fatalf("the failed run split")
	}
	checkLedger(t, e)
}
