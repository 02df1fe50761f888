package member_test

import (
	"testing"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestOwnIsTheMembersAlone: a member's own lists are theirs; stewards and
// members without a pseudonym (nobody) are refused with the message given.
func TestOwnIsTheMembersAlone(t *testing.T) {
	ada := member.Member{ID: 1, PublicID: "m-ada", Role: member.RoleMember}
	stella := member.Member{ID: 2, PublicID: "m-stella", Role: member.RoleSteward}
	for _, tc := range []struct {
		name     string
		actor    member.Member
		publicID string
		ok       bool
	}{
		{"a member's own", ada, "m-ada", true},
		{"another member's", ada, "m-stella", false},
		{"a steward asking for a member's", stella, "m-ada", false},
		{"nobody asking for nobody's", member.Member{}, "", false},
	} {
		err := member.Own(tc.actor, tc.publicID, "these are another member's keys")
		if tc.ok != (err == nil) {
			t.Errorf("%s: %v", tc.name, err)
		}
		if !tc.ok && (!problem.Is(err, problem.Forbidden) || err.Error() != "these are another member's keys") {
			t.Errorf("%s: %v, want forbidden with the message given", tc.name, err)
		}
	}
}

// TestMemberAdministrationIsStewards calls each steward-only change of the
// member domain directly as a member and a requester: each is refused as
// forbidden and the member is unchanged. (The member list is refused in
// TestViewLinksPseudonymOnlyForSelfAndStewards.)
func TestMemberAdministrationIsStewards(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s, steward := setup(t, db)
		ada, err := s.Found(ctx, "ada@example.org", "Ada", pw, member.RoleMember)
		if err != nil {
			t.Fatal(err)
		}
		rita, err := s.Found(ctx, "rita@example.org", "Rita", pw, member.RoleRequester)
		if err != nil {
			t.Fatal(err)
		}
		stewardRole, quota := member.RoleSteward, 50
		actions := []struct {
			name string
			do   func(actor member.Member) error
		}{
			{"make themself a steward", func(a member.Member) error {
				_, err := s.Update(ctx, a, a.PublicID, member.Change{Role: &stewardRole})
				return err
			}},
			{"raise their quota", func(a member.Member) error {
				_, err := s.Update(ctx, a, a.PublicID, member.Change{InviteQuota: &quota})
				return err
			}},
			{"change another member", func(a member.Member) error {
				_, err := s.Update(ctx, a, steward.PublicID, member.Change{InviteQuota: &quota})
				return err
			}},
			{"invite a steward", func(a member.Member) error { _, err := s.Invite(ctx, a, member.RoleSteward); return err }},
		}
		for _, a := range actions {
			for _, actor := range []member.Member{ada, rita} {
				if err := a.do(actor); !problem.Is(err, problem.Forbidden) {
					t.Errorf("%s as %s: %v, want forbidden", a.name, actor.Role, err)
				}
				now, err := s.ByID(ctx, actor.ID)
				if err != nil || now.Role != actor.Role || now.InviteQuota != actor.InviteQuota {
					t.Fatalf("%s as %s changed them: %+v, %v", a.name, actor.Role, now, err)
				}
			}
		}
		if _, err := s.Update(ctx, steward, ada.PublicID, member.Change{Role: &stewardRole, InviteQuota: &quota}); err != nil {
			t.Fatalf("a steward changes a member: %v", err)
		}
	})
}
