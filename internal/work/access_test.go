package work_test

import (
	"testing"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/work"
)

// TestStewardOnlyWorkIsRefusedToOthers calls each steward-only action of
// the work domain directly, as the requester, a worker and nobody: each is
// refused as forbidden and changes nothing, whatever door the request
// came through; then a steward does it.
func TestStewardOnlyWorkIsRefusedToOthers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		draft, err := e.s.Create(ctx, e.as("rita"), work.Project{Slug: "draft", Name: "Draft", Client: "Shop Co", Purpose: "rank reviews",
			Instructions: "Pick one.", TaskType: work.TextClassification, Labels: []string{"positive", "negative"}, PayPerTask: 50, EstSeconds: 60, Budget: 1000})
		if err != nil {
			t.Fatal(err)
		}
		live := e.project(t, work.Project{PayPerTask: 50, ReviewHours: 72, MaxRejectShare: 0.1}, 4, nil, nil)
		task := e.work(t, "ada", live.Slug, 40*time.Second, "positive")
		reason := "The instructions say to pick negative for reviews that mention a refund."
		if out, err := e.s.Reject(ctx, e.as("rita"), task.ID, "instructions", reason); err != nil || out != "review" {
			t.Fatalf("the rejection was not held for a steward: %s, %v", out, err)
		}
		status := func() string {
			t.Helper()
			got, err := e.s.Task(ctx, e.ids["ada"], task.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.Status
		}
		actions := []struct {
			name      string
			do        func(member.Member) error
			unchanged func() bool
		}{
			{"approve a project", func(m member.Member) error { return e.s.Approve(ctx, m, draft.Slug) },
				func() bool {
					p, _ := e.s.BySlug(ctx, draft.Slug)
					return p.Status == "draft" && e.balance(t, reward.EscrowAccount(draft.ID)) == 0
				}},
			{"decide a held rejection", func(m member.Member) error {
				return e.s.Decide(ctx, m, task.ID, false, "The review asks for a replacement, not a refund.")
			}, func() bool { return status() == "review" }},
			{"set the pay floor", func(m member.Member) error { return e.s.SetPayFloor(ctx, m, 1) },
				func() bool {
					v, _ := coop.New(db).Get(ctx, nil, coop.PayFloor)
					return v == coop.Defaults[coop.PayFloor]
				}},
			{"list what stewards decide", func(m member.Member) error { _, err := e.s.ToDecide(ctx, m); return err },
				func() bool { return true }},
		}
		for _, a := range actions {
			for _, who := range []string{"rita", "ada", ""} {
				actor := member.Member{}
				if who != "" {
					actor = e.as(who)
				}
				if err := a.do(actor); !problem.Is(err, problem.Forbidden) {
					t.Errorf("%s as %q: %v, want forbidden", a.name, who, err)
				}
				if !a.unchanged() {
					t.Fatalf("%s as %q changed something", a.name, who)
				}
			}
			if err := a.do(e.as("stella")); err != nil {
				t.Errorf("%s as a steward: %v", a.name, err)
			}
			if a.name != "list what stewards decide" && a.unchanged() {
				t.Errorf("%s as a steward changed nothing", a.name)
			}
		}
	})
}

// TestStewardDoesNotDecideOnOwnProject: a steward who requested the
// project (a requester since made steward) cannot rule on its work.
func TestStewardDoesNotDecideOnOwnProject(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		p := e.project(t, work.Project{PayPerTask: 50, ReviewHours: 72, MaxRejectShare: 0.1}, 4, nil, nil)
		task := e.work(t, "ada", p.Slug, 40*time.Second, "positive")
		if _, err := e.s.Reject(ctx, e.as("rita"), task.ID, "instructions", "The instructions say to pick negative for a refund."); err != nil {
			t.Fatal(err)
		}
		promoted := e.as("rita")
		promoted.Role = member.RoleSteward
		if err := e.s.Decide(ctx, promoted, task.ID, true, "I requested this project myself."); !problem.Is(err, problem.Forbidden) {
			t.Fatalf("a steward deciding on their own project: %v", err)
		}
	})
}

// TestProjectsAreTheirRequestersAndStewards: a project is managed by its
// requester and the stewards; to other requesters and to workers it does
// not exist, and only those who may request create or list projects.
func TestProjectsAreTheirRequestersAndStewards(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		p := e.project(t, work.Project{PayPerTask: 50}, 2, nil, nil)
		other := member.Member{ID: e.ids["bob"] + 100, PublicID: "m-rex", Role: member.RoleRequester}
		for _, tc := range []struct {
			name  string
			actor member.Member
			sees  bool
		}{
			{"its requester", e.as("rita"), true},
			{"a steward", e.as("stella"), true},
			{"another requester", other, false},
			{"a worker on it", e.as("ada"), false},
			{"nobody", member.Member{}, false},
		} {
			got, err := e.s.Project(ctx, tc.actor, p.Slug)
			switch {
			case tc.sees && (err != nil || got.ID != p.ID):
				t.Errorf("%s: %+v, %v; want the project", tc.name, got, err)
			case !tc.sees && !problem.Is(err, problem.NotFound):
				t.Errorf("%s: %+v, %v; want not found", tc.name, got, err)
			}
		}
		if _, err := e.s.Project(ctx, e.as("stella"), "no-such"); !problem.Is(err, problem.NotFound) {
			t.Errorf("a missing project: %v", err)
		}
		if list, err := e.s.Projects(ctx, e.as("rita")); err != nil || len(list) != 1 {
			t.Errorf("rita's projects: %+v, %v", list, err)
		}
		if list, err := e.s.Projects(ctx, other); err != nil || len(list) != 0 {
			t.Errorf("another requester's projects: %+v, %v", list, err)
		}
		if list, err := e.s.Projects(ctx, e.as("stella")); err != nil || len(list) != 1 {
			t.Errorf("a steward's projects: %+v, %v", list, err)
		}
		if _, err := e.s.Projects(ctx, e.as("ada")); !problem.Is(err, problem.Forbidden) {
			t.Errorf("a worker lists projects: %v", err)
		}
		if _, err := e.s.Create(ctx, e.as("ada"), work.Project{Slug: "mine", Name: "Mine", Client: "C", Purpose: "P", Instructions: "I",
			TaskType: work.TextClassification, Labels: []string{"a", "b"}, PayPerTask: 50, EstSeconds: 60}); !problem.Is(err, problem.Forbidden) {
			t.Errorf("a worker creates a project: %v", err)
		}
		if _, err := e.s.BySlug(ctx, "mine"); !problem.Is(err, problem.NotFound) {
			t.Errorf("the refused project was stored: %v", err)
		}
	})
}
