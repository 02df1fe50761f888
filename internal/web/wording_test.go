package web_test

import (
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/store"
)

// visible is a page's text without its tags and attributes: what a person
// reads, not the titles kept for auditors.
func visible(body string) string {
	return html.UnescapeString(strings.Join(strings.Fields(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(body, " ")), " "))
}

// TestPagesSpeakInWords: counts agree with their nouns, proposals say
// where their vote stands and how it ended, and no page shows a member an
// internal name — parameter, event type, ledger account or task type.
func TestPagesSpeakInWords(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withRequester(t, f)
	project := `{"slug":"boxes","name":"Find batteries","client":"Robot Co","purpose":"train a robot","instructions":"Box every battery.",
		"task_type":"bounding_box","labels":["battery"],"pay_per_task":10,"est_seconds":20,"budget":5000,"review_hours":0,"redundancy":1}`
	runScenarios(t, f, []scenario{
		{name: "project", as: "rita", method: "POST", path: "/api/v1/projects", body: project, status: 201},
		{name: "approve", as: "stella", method: "POST", path: "/api/v1/projects/boxes/approve", status: 200},
		{name: "deposit for bob", as: "stella", method: "POST", path: "/api/v1/members/{bob}/deposits", body: `{"amount":1000}`, status: 201},
	})
	home := visible(f.page("", "/"))
	if !strings.Contains(home, "1 open project") || strings.Contains(home, "1 open projects") {
		t.Errorf("the home page counts: %s", home)
	}
	if work := visible(f.page("ada", "/work")); strings.Contains(work, "bounding_box") || !strings.Contains(work, "bounding boxes on images") {
		t.Errorf("/work names the task type: %s", work)
	}
	audit := visible(f.page("bob", "/audit"))
	for _, internal := range []string{"funds.deposited", "funding:", "member:"} {
		if strings.Contains(audit, internal) {
			t.Errorf("/audit shows %q: %s", internal, audit)
		}
	}
	if !strings.Contains(audit, "Money paid in") || !strings.Contains(audit, "member "+f.ids["bob"]+" 10.00 EUR") {
		t.Errorf("/audit does not say what happened in words: %s", audit)
	}

	// Proposals: one open, one decided for the status quo.
	g := f.governance()
	stella := mustMember(t, f, "stella")
	now := time.Now()
	open, err := g.Create(t.Context(), stella.ID, govern.Draft{Title: "Weekly call", Text: "Meet weekly?", Mode: govern.PerMember, Quorum: 0.25,
		Options: []govern.Option{{Label: "yes"}, {Label: "no", StatusQuo: true}}, ClosesAt: now.Add(7 * 24 * time.Hour)}, now)
	if err != nil {
		t.Fatal(err)
	}
	p, err := g.Create(t.Context(), stella.ID, govern.Draft{Title: "Contributors get more", Text: "From 70% to 80%.", Mode: govern.PerMember, Param: coop.ContributorShare, Quorum: 0.5,
		Options: []govern.Option{{Label: "Raise to 80%", Value: ptrTo(int64(8000))}, {Label: "No, keep 70%", StatusQuo: true}}, ClosesAt: now.Add(48 * time.Hour)}, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ada", "bob", "stella"} {
		if _, err := g.Vote(t.Context(), mustMember(t, f, name).ID, p.ID, 1, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := g.Decide(t.Context(), p.ClosesAt); err != nil {
		t.Fatal(err)
	}
	list := f.page("ada", "/proposals")
	text := visible(list)
	for _, want := range []string{"Status", "open for votes", "Rejected: most votes kept things as they are (“No, keep 70%”)", "the contributors' share of a model call"} {
		if !strings.Contains(text, want) {
			t.Errorf("/proposals lacks %q: %s", want, text)
		}
	}
	for _, unwanted := range []string{"rejected: No, keep 70%", "contributor_share_bp", "Voting"} {
		if strings.Contains(text, unwanted) {
			t.Errorf("/proposals says %q: %s", unwanted, text)
		}
	}
	if !strings.Contains(list, `id="proposal-`) || open.ID == 0 {
		t.Fatal("the list lacks its rows")
	}
	if shown := visible(f.page("ada", "/proposals/2")); strings.Contains(shown, "contributor_share_bp") {
		t.Errorf("the proposal names its parameter internally: %s", shown)
	}
}
