package govern_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestProposalTopics: an advisory proposal keeps the topic it was given
// (other when none), a binding one has its parameter, a counter-proposal
// the parameter of the change it stops; a topic that is not on the list,
// or that contradicts the parameter, is refused naming the field.
func TestProposalTopics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, "ada", "bob")
		ctx := t.Context()
		d := e.draft(govern.PerMember, "yes", "no")
		d.Topic = govern.TopicModels
		if p := e.propose(t, d); p.Topic != govern.TopicModels {
			t.Fatalf("advisory on models: topic %q", p.Topic)
		}
		if p := e.propose(t, e.draft(govern.PerMember, "yes", "no")); p.Topic != govern.TopicOther {
			t.Fatalf("advisory without a topic: %q, want other", p.Topic)
		}
		if p := e.propose(t, e.binding(coop.TreasuryShare, 1500)); p.Topic != govern.Topic(coop.TreasuryShare) {
			t.Fatalf("binding: topic %q", p.Topic)
		}
		d.Topic = "weather"
		_, err := e.g.Create(ctx, e.ids["ada"], d, e.now)
		wantInvalid(t, err, "topic", "datanets, models, work, money, membership, other")
		d.Topic = govern.Topic(coop.PayFloor) // a parameter is the topic of a vote that sets it
		_, err = e.g.Create(ctx, e.ids["ada"], d, e.now)
		wantInvalid(t, err, "topic", "one of")
		b := e.binding(coop.PayFloor, 2000)
		b.Topic = govern.TopicMoney
		_, err = e.g.Create(ctx, e.ids["ada"], b, e.now)
		wantInvalid(t, err, "topic", "pay_floor_per_hour")

		first := e.pass(t, coop.PayFloor, 2000, "ada", "bob")
		counter := govern.Draft{Title: "Stop it", Text: "Stop that change.", Mode: govern.PerMember, Quorum: 0.5, Stops: first.ID,
			ClosesAt: e.now.Add(25 * time.Hour), Options: []govern.Option{{Label: "stop"}, {Label: "let it apply", StatusQuo: true}}}
		counter.Topic = govern.TopicModels
		_, err = e.g.Create(ctx, e.ids["ada"], counter, e.now)
		wantInvalid(t, err, "topic", "pay_floor_per_hour")
		counter.Topic = ""
		c := e.propose(t, counter)
		if c.Topic != govern.Topic(coop.PayFloor) {
			t.Fatalf("counter-proposal: topic %q, want the stopped parameter", c.Topic)
		}
		// Read back the same way by the list.
		list, _, err := e.g.List(ctx, store.Page{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var topics []string
		for _, p := range list {
			topics = append(topics, string(p.Topic))
		}
		slices.Sort(topics)
		if got := strings.Join(topics, " "); got != "models other pay_floor_per_hour pay_floor_per_hour treasury_share_bp" {
			t.Fatalf("listed topics %q", got)
		}
	})
}

// TestTopicDelegationOnAdvisory: a delegation on an advisory topic
// carries the member's vote on advisory proposals of that topic, and
// only those; their delegation on everything covers the rest; a
// delegation on a parameter also carries the counter-proposal against a
// change of it.
func TestTopicDelegationOnAdvisory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, "ada", "bob", "carol", "dan", "eve")
		e.delegate(t, "carol", "bob", "")                 // everything to bob …
		e.delegate(t, "carol", "ada", govern.TopicModels) // … but models to ada
		e.delegate(t, "dan", "ada", govern.TopicDatanets) // datanets to ada, nothing else
		e.delegate(t, "eve", "bob", govern.Topic(coop.PayFloor))
		for _, tc := range []struct {
			topic       govern.Topic
			raise, keep float64
			delegated   int
		}{
			{govern.TopicModels, 2, 1, 1},   // carol → ada
			{govern.TopicDatanets, 2, 2, 2}, // dan → ada, carol → bob
			{"", 1, 2, 1},                   // other: carol → bob
		} {
			t.Run(string(tc.topic), func(t *testing.T) {
				d := e.draft(govern.PerMember, "raise", "keep")
				d.Quorum = 0.2
				d.Topic = tc.topic
				p := e.propose(t, d)
				e.vote(t, "ada", p, 0)
				e.vote(t, "bob", p, 1)
				r := e.decide(t, p).Result
				if r.Options[0].Weight != tc.raise || r.Options[1].Weight != tc.keep || r.Delegated != tc.delegated {
					t.Fatalf("topic %q: %+v; want %v to %v with %d carried", tc.topic, r, tc.raise, tc.keep, tc.delegated)
				}
				e.now = e.now.Add(8 * 24 * time.Hour)
			})
		}
		// The counter-proposal against a pay-floor change is on the pay
		// floor: eve's delegation carries her to bob; carol goes with bob
		// on everything.
		first := e.pass(t, coop.PayFloor, 2000, "ada", "bob", "carol")
		c := e.propose(t, govern.Draft{Title: "Stop it", Text: "Stop that change.", Mode: govern.PerMember, Quorum: 0.2, Stops: first.ID,
			ClosesAt: e.now.Add(25 * time.Hour), Options: []govern.Option{{Label: "stop"}, {Label: "let it apply", StatusQuo: true}}})
		e.vote(t, "bob", c, 0)
		e.vote(t, "ada", c, 1)
		if r := e.decide(t, c).Result; r.Options[0].Weight != 3 || r.Delegated != 2 {
			t.Fatalf("counter-proposal: %+v; want bob, eve and carol to stop it", r)
		}
	})
}

// FuzzParseTopic: whatever a member writes as a delegation's topic reads
// as everything or as one of the topics, never as anything else.
func FuzzParseTopic(f *testing.F) {
	for _, s := range []string{"", "all", " models ", "pay_floor_per_hour", "legal_minimum_pay_per_hour", "weather", "Models", "\x00", strings.Repeat("a", 200)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		topic, ok := govern.ParseTopic(s)
		if !ok {
			return
		}
		if topic != "" && !slices.Contains(govern.Topics(), topic) {
			t.Fatalf("%q read as %q, which is no topic", s, topic)
		}
		if topic == "" && strings.TrimSpace(s) != "" && strings.TrimSpace(s) != "all" {
			t.Fatalf("%q read as everything", s)
		}
	})
}
