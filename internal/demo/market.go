package demo

import (
	"context"
	"fmt"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// MarketBase is where Seed's automations find the practice parcel
// tracker: the demo's default address (allmende demo --addr :8080);
// `allmende demo` seeds with its own address (SeedAt).
const MarketBase = "http://localhost:8080"

// Market automations the demo seeds, each unlisted until its author's
// test run in the sandbox succeeds.
const (
	MarketAda   = "parcel-status"
	MarketGrace = "parcel-recheck"
)

// marketGrant pays the seeded recordings' rewards.
const marketGrant = 1000

// SeedMarket gives Ada and Grace each a verified recording of the
// practice parcel tracker at base (recorded by a synthetic person, so that
// it passes the behaviour check at once) published as an automation with
// sample values — not listed: each author lists hers after its test run,
// and any member may chain the two into a composed automation.
func SeedMarket(ctx context.Context, a *app.App, base string) error {
	// The recordings are paid from the treasury when uploaded: from a
	// grant of their own, not from the demo's grant for other work.
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		_, err := a.Reward.Transfer(ctx, tx, ledger.Event{Type: ledger.FundsDeposited, Postings: []ledger.Posting{
			{Account: "funding:grant:demo-market", Amount: -marketGrant}, {Account: reward.Treasury, Amount: marketGrant}}})
		return err
	})
	if err != nil {
		return fmt.Errorf("seed the marketplace's grant: %w", err)
	}
	for i, s := range []struct {
		email, slug, title string
		price              int64
	}{
		{"ada@example.org", MarketAda, "Where is my parcel?", 100},
		{"grace@example.org", MarketGrace, "Check a parcel again", 60},
	} {
		m, err := a.Members.ByEmail(ctx, s.email)
		if err != nil {
			return fmt.Errorf("seed the marketplace: %w", err)
		}
		raw, err := parcelRecording(base, uint64(90+i))
		if err != nil {
			return err
		}
		rec, err := a.Actions.Upload(ctx, m, raw, "")
		if err != nil {
			return fmt.Errorf("seed the marketplace: upload: %w", err)
		}
		if rec.Status != action.Verified {
			return fmt.Errorf("seed the marketplace: the recording is %s, not verified", rec.Status)
		}
		_, err = a.Actions.Publish(ctx, m, rec.ID, action.Publication{Slug: s.slug, Title: s.title,
			Description: "Looks a parcel up on the practice parcel tracker and reads its status.", PricePerRun: s.price,
			Samples: map[string]string{"number": "1Z999AA10123456784"}})
		if err != nil {
			return fmt.Errorf("seed the marketplace: publish %s: %w", s.slug, err)
		}
	}
	return nil
}

// parcelRecording is a recording of the practice parcel tracker at base,
// with the parcel number and postcode as parameters.
func parcelRecording(base string, seed uint64) ([]byte, error) {
	sel := func(s ...string) []recording.Selector {
		out := make([]recording.Selector, len(s))
		for i, x := range s {
			out[i] = recording.Selector{x}
		}
		return out
	}
	page := base + "/practice/parcel"
	ev := behavior.SynthHuman(behavior.SynthPeople(seed, 1)[0], behavior.SynthNewTask(seed), seed)
	rec := recording.Recording{
		Title: "Track a parcel",
		Steps: []recording.Step{
			{Type: "setViewport", Width: 1280, Height: 720, DeviceScaleFactor: 1},
			{Type: "navigate", URL: page, AssertedEvents: []recording.AssertedEvent{{Type: "navigation", URL: page, Title: "Parcel tracker (practice)"}}},
			{Type: "click", Selectors: sel("aria/Parcel number", "#number"), OffsetX: 20, OffsetY: 10},
			{Type: "change", Selectors: sel("aria/Parcel number", "#number"), Value: "{{number}}"},
			{Type: "click", Selectors: sel("aria/Postcode", "#postcode"), OffsetX: 20, OffsetY: 10},
			{Type: "change", Selectors: sel("aria/Postcode", "#postcode"), Value: "{{postcode}}"},
			{Type: "click", Selectors: sel("aria/Track[role=\"button\"]", "#track"), OffsetX: 10, OffsetY: 8, AssertedEvents: []recording.AssertedEvent{{Type: "navigation"}}},
			{Type: "waitForElement", Selectors: sel("#status")},
		},
		Allmende: &recording.Extension{Version: 1, Recorder: "allmende-extension/0.1", Viewport: recording.Viewport{Width: ev.Viewport.W, Height: ev.Viewport.H},
			Parameters: []recording.Parameter{{Name: "number", Label: "Parcel number"}, {Name: "postcode", Label: "Postcode", Default: "10115"}}},
	}
	rec.Allmende.Events = recording.EventsOf(ev.Events)
	return rec.MarshalJSON()
}
