package demo

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

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
	// MarketLearned is learned (program.Learn) from Ada's recording: a
	// program that finds the tracker's fields by their labels.
	MarketLearned = "parcel-status-learned"
)

// parcelSample is the parcel number the seeded recordings typed (their
// parameter's default, as the recorder keeps it) and their samples.
const parcelSample = "1Z999AA10123456784"

// marketGrant pays the seeded recordings' rewards.
const marketGrant = 1000

// SeedMarket gives Ada and Grace each a verified recording of the
// practice parcel tracker at base (recorded by a synthetic person, so that
// it passes the behaviour check at once) published as an automation with
// sample values — not listed: each author lists hers after its test run,
// and any member may chain the two into a composed automation. Ada also
// learns a program from her recording (MarketLearned), unlisted as well.
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
	var adaRec string
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
			Samples: map[string]string{"number": parcelSample}})
		if err != nil {
			return fmt.Errorf("seed the marketplace: publish %s: %w", s.slug, err)
		}
		if i == 0 {
			adaRec = rec.ID
		}
	}
	// Ada learns a program from the same recording, as any recorder may
	// from their own: unlisted too until her test run.
	ada, err := a.Members.ByEmail(ctx, "ada@example.org")
	if err != nil {
		return fmt.Errorf("seed the marketplace: %w", err)
	}
	_, err = a.Actions.LearnAutomation(ctx, ada, action.Publication{Slug: MarketLearned, Title: "Where is my parcel? (learned)",
		Description: "Finds the parcel number and postcode fields on the practice tracker by their labels, wherever they are, and reads the status.",
		PricePerRun: 80, Samples: map[string]string{"number": parcelSample, "postcode": "10115"}}, []string{adaRec})
	if err != nil {
		return fmt.Errorf("seed the marketplace: learn %s: %w", MarketLearned, err)
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
			Parameters: []recording.Parameter{{Name: "number", Label: "Parcel number", Default: parcelSample}, {Name: "postcode", Label: "Postcode", Default: "10115"}}},
	}
	rec.Allmende.Events = recording.EventsOf(ev.Events)
	// What the recorder saw of the pages, so that a program can be
	// learned from the recording too: each step's element and the
	// outlines of the form and of the answer.
	var outlines []recording.Outline
	if err := json.Unmarshal([]byte(strings.ReplaceAll(parcelOutlines, "BASE", base)), &outlines); err != nil {
		return nil, fmt.Errorf("the parcel tracker's outlines: %w", err)
	}
	node := func(name string) recording.Node {
		for _, n := range outlines[0].Nodes {
			if n.Name == name && (n.Role == "textbox" || n.Role == "button") {
				return n
			}
		}
		panic("the parcel tracker's outline has no " + name)
	}
	number, postcode, track := node("Parcel number"), node("Postcode"), node("Track")
	rec.Allmende.Outlines = outlines
	rec.Allmende.Targets = []recording.Target{{Step: 2, Node: number}, {Step: 3, Node: number}, {Step: 4, Node: postcode}, {Step: 5, Node: postcode}, {Step: 6, Node: track}}
	return rec.MarshalJSON()
}

// parcelOutlines are the practice parcel tracker's form and its answer
// as the recorder outlines them (replay.CaptureOutline, captured once
// from internal/web/pages' practice pages), at BASE.
//
//go:embed parcel_outlines.json
var parcelOutlines string
