package model_test

import (
	"testing"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestModelRulesAreTheDomains calls the model domain directly: a deposit
// is a steward's to record and a model a requester's or steward's to
// register; anyone else is refused as forbidden and nothing is written.
func TestModelRulesAreTheDomains(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		worker := member.Member{ID: e.ids["ada"], PublicID: "m-ada", Role: member.RoleMember}
		before := e.balance(t, reward.MemberAccount("m-rita"))
		for _, actor := range []member.Member{e.as("rita"), worker, {}} {
			if _, err := e.s.Deposit(ctx, actor, "m-rita", 500); !problem.Is(err, problem.Forbidden) {
				t.Errorf("a deposit recorded by %q: %v, want forbidden", actor.Role, err)
			}
		}
		if b := e.balance(t, reward.MemberAccount("m-rita")); b != before {
			t.Fatalf("refused deposits moved rita's balance from %d to %d", before, b)
		}
		if _, err := e.s.Deposit(ctx, e.as("stella"), "m-rita", 500); err != nil {
			t.Fatal(err)
		}
		helper := model.Model{Slug: "helper", Name: "Helper", Kind: model.Retrieval, PricePerCall: 1, Datanets: []string{"tenancy"}}
		for _, actor := range []member.Member{worker, {}} {
			if _, err := e.s.Create(ctx, actor, helper); !problem.Is(err, problem.Forbidden) {
				t.Errorf("a model registered by %q: %v, want forbidden", actor.Role, err)
			}
		}
		if _, err := e.s.BySlug(ctx, "helper"); !problem.Is(err, problem.NotFound) {
			t.Fatalf("a refused model was stored: %v", err)
		}
		for _, tc := range []struct {
			actor member.Member
			may   bool
		}{{e.as("rita"), true}, {e.as("stella"), true}, {worker, false}, {member.Member{}, false}} {
			if got := model.MayBuild(tc.actor); got != tc.may {
				t.Errorf("MayBuild(%q) = %v", tc.actor.Role, got)
			}
		}
		if m, err := e.s.Create(ctx, e.as("rita"), helper); err != nil || m.Owner != "m-rita" {
			t.Fatalf("a requester registers a model: %+v, %v", m, err)
		}
	})
}
