package govern_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestProposalValidation: each mistake is refused with the field it is
// in, and nothing is stored.
func TestProposalValidation(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	e := newEnv(t, db, "ada")
	day := 24 * time.Hour
	binding := func(values ...*int64) govern.Draft {
		d := e.draft(govern.PerMember)
		d.Param, d.Quorum = coop.PayFloor, 0.3
		for i, v := range values {
			d.Options = append(d.Options, govern.Option{Label: string(rune('A' + i)), Value: v})
		}
		return d
	}
	for _, tc := range []struct {
		name  string
		edit  func(d govern.Draft) govern.Draft
		field string
	}{
		{"no title", func(d govern.Draft) govern.Draft { d.Title = "  "; return d }, "title"},
		{"no text", func(d govern.Draft) govern.Draft { d.Text = ""; return d }, "text"},
		{"one option", func(d govern.Draft) govern.Draft { d.Options = d.Options[:1]; return d }, "options"},
		{"eleven options", func(d govern.Draft) govern.Draft {
			d.Options = nil
			for i := range 11 {
				d.Options = append(d.Options, govern.Option{Label: strings.Repeat("x", i+1)})
			}
			return d
		}, "options"},
		{"empty label", func(d govern.Draft) govern.Draft { d.Options[1].Label = " "; return d }, "options"},
		{"repeated label", func(d govern.Draft) govern.Draft { d.Options[1].Label = "YES"; return d }, "options"},
		{"two status-quo options", func(d govern.Draft) govern.Draft {
			d.Options[1].StatusQuo = true
			d.Options = append(d.Options, govern.Option{Label: "later", StatusQuo: true})
			return d
		}, "options"},
		{"unknown mode", func(d govern.Draft) govern.Draft { d.Mode = "loudest"; return d }, "mode"},
		{"quorum zero", func(d govern.Draft) govern.Draft { d.Quorum = 0; return d }, "quorum"},
		{"quorum above one", func(d govern.Draft) govern.Draft { d.Quorum = 1.5; return d }, "quorum"},
		{"window too short", func(d govern.Draft) govern.Draft { d.ClosesAt = e.now.Add(23 * time.Hour); return d }, "closes_at"},
		{"closes before it opens", func(d govern.Draft) govern.Draft { d.ClosesAt = e.now.Add(-day); return d }, "closes_at"},
		{"window too long", func(d govern.Draft) govern.Draft { d.ClosesAt = e.now.Add(91 * day); return d }, "closes_at"},
		{"opens too far ahead", func(d govern.Draft) govern.Draft {
			d.OpensAt, d.ClosesAt = e.now.Add(100*day), e.now.Add(107*day)
			return d
		}, "opens_at"},
		{"advisory option with a value", func(d govern.Draft) govern.Draft { d.Options[0].Value = ptr(5); return d }, "options"},
		{"unknown parameter", func(govern.Draft) govern.Draft { d := binding(ptr(2000), nil); d.Param = "free_lunch"; return d }, "param"},
		{"value above the limit", func(govern.Draft) govern.Draft { return binding(ptr(100001), nil) }, "options"},
		{"value below the limit", func(govern.Draft) govern.Draft { return binding(ptr(-1), nil) }, "options"},
		{"binding without a change", func(govern.Draft) govern.Draft { return binding(nil, nil) }, "options"},
		{"binding with two ways to keep", func(govern.Draft) govern.Draft { return binding(ptr(2000), nil, nil) }, "options"},
		{"binding with the same value twice", func(govern.Draft) govern.Draft { return binding(ptr(2000), ptr(2000)) }, "options"},
		{"binding status quo with a value", func(govern.Draft) govern.Draft {
			d := binding(ptr(2000), ptr(1000))
			d.Options[1].StatusQuo = true
			return d
		}, "options"},
		{"binding quorum too low", func(govern.Draft) govern.Draft { d := binding(ptr(2000), nil); d.Quorum = 0.1; return d }, "quorum"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.g.Create(t.Context(), e.ids["ada"], tc.edit(e.draft(govern.PerMember, "yes", "no")), e.now)
			p, ok := problem.As(err)
			if !ok || p.Kind != problem.Invalid || p.Fields[tc.field] == "" {
				t.Fatalf("error = %v, want an invalid %s", err, tc.field)
			}
		})
	}
	if list, _, _ := e.g.List(t.Context(), store.Page{}); len(list) != 0 {
		t.Fatalf("refused proposals were stored: %+v", list)
	}
}

// TestProposalRoundTrip: a binding proposal reads back as written, the
// option without a value is the status quo, and a proposal cannot open
// before it is made.
func TestProposalRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, "ada")
		d := govern.Draft{Title: " Raise the pay floor ", Text: "To 20.00 an hour.", Mode: govern.Quadratic, Param: coop.PayFloor, Quorum: 0.25,
			Options:  []govern.Option{{Label: "Raise to 20.00", Value: ptr(2000)}, {Label: "Raise to 17.50", Value: ptr(1750)}, {Label: "Keep 15.00"}},
			OpensAt:  e.now.Add(-time.Hour),
			ClosesAt: e.now.Add(14 * 24 * time.Hour)}
		p := e.propose(t, d)
		want := govern.Proposal{ID: p.ID, Title: "Raise the pay floor", Text: d.Text, Mode: govern.Quadratic, Param: coop.PayFloor, Topic: govern.Topic(coop.PayFloor), Quorum: 0.25,
			Options: []govern.Option{{Label: "Raise to 20.00", Value: ptr(2000)}, {Label: "Raise to 17.50", Value: ptr(1750)}, {Label: "Keep 15.00", StatusQuo: true}},
			OpensAt: e.now, ClosesAt: d.ClosesAt, Status: govern.Open, CreatedBy: "m-ada", CreatedAt: e.now}
		if !reflect.DeepEqual(p, want) {
			t.Fatalf("created\n%+v\nwant\n%+v", p, want)
		}
		if !p.Binding() || p.Phase(e.now) != govern.Voting || p.Phase(p.ClosesAt) != govern.Counting || p.Phase(e.now.Add(-time.Second)) != govern.Upcoming {
			t.Fatalf("binding %v, phases wrong", p.Binding())
		}
		if _, err := e.g.Get(t.Context(), p.ID+100); !problem.Is(err, problem.NotFound) {
			t.Fatalf("missing proposal: %v", err)
		}
	})
}

// TestListOrder: open proposals first, closing soonest first; decided
// ones after.
func TestListOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, "ada")
		week := 7 * 24 * time.Hour
		mk := func(title string, closes time.Duration) govern.Proposal {
			d := e.draft(govern.PerMember, "yes", "no")
			d.Title, d.ClosesAt = title, e.now.Add(closes)
			return e.propose(t, d)
		}
		early := mk("decided early", 2*24*time.Hour)
		mk("closes later", 2*week)
		mk("closes sooner", week)
		e.decide(t, early)
		e.now = early.CreatedAt
		list, _, err := e.g.List(t.Context(), store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, p := range list {
			titles = append(titles, p.Title)
		}
		if want := []string{"closes sooner", "closes later", "decided early"}; !reflect.DeepEqual(titles, want) {
			t.Fatalf("order %q, want %q", titles, want)
		}
	})
}
