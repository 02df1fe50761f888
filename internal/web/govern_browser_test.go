package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/store"
)

// TestBrowserVote: a member opens a proposal from the list, votes, sees
// their vote (and no counts), and the vote is a vote.cast event in the
// ledger under their pseudonym.
func TestBrowserVote(t *testing.T) {
	f := newFixture(t, store.SQLite)
	g := f.governance()
	now := time.Now()
	p, err := g.Create(t.Context(), mustMember(t, f, "stella").ID, govern.Draft{
		Title: "Weekly members' call", Text: "Should we hold a members' call every Monday?", Mode: govern.PerMember, Quorum: 0.5,
		Options:  []govern.Option{{Label: "Every Monday"}, {Label: "Once a month"}, {Label: "No call", StatusQuo: true}},
		ClosesAt: now.Add(7 * 24 * time.Hour)}, now)
	if err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.New(t)
	signInBrowser(t, f, ctx, "ada", "/proposals")
	err = chromedp.Do(ctx,
		chromedp.WaitVisible("#open-proposals"),
		chromedp.Click(fmt.Sprintf("#proposal-%d a", p.ID)),
		chromedp.WaitVisible("#vote-form"),
		chromedp.Click("#option-1"),
		chromedp.Click("#vote"),
		chromedp.WaitVisible("#your-vote"),
	)
	if err != nil {
		t.Fatal(err)
	}
	mine, err := chromedp.Run(ctx, chromedp.Text("#your-vote"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(mine, "You voted for Once a month") {
		t.Fatalf("the page says %q", mine)
	}
	if tallies, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#tally").length`)); tallies != 0 {
		t.Fatal("counts are shown while voting is open")
	}
	browsertest.Screenshot(t, ctx, "proposal-voted")

	v, ok, err := g.MyVote(t.Context(), mustMember(t, f, "ada").ID, p.ID)
	if err != nil || !ok || v.Option != 1 {
		t.Fatalf("stored vote %+v (%v, %v)", v, ok, err)
	}
	var entry []byte
	err = f.app.DB.Read().QueryRowContext(t.Context(), `SELECT entry FROM ledger_events WHERE event_id = $1 AND type = $2`, v.EventID, string(ledger.VoteCast)).Scan(&entry)
	if err != nil {
		t.Fatal(err)
	}
	e, err := ledger.ParseEntry(entry)
	if err != nil || e.Member != f.ids["ada"] || e.Scope != fmt.Sprintf("proposal:%d", p.ID) || strings.Contains(string(entry), "Once a month") {
		t.Fatalf("vote entry %s (%v)", entry, err)
	}
}
