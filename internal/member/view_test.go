package member_test

import (
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestViewLinksPseudonymOnlyForSelfAndStewards: who may see the person
// behind a pseudonym is decided here, for every viewer.
func TestViewLinksPseudonymOnlyForSelfAndStewards(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s, steward := setup(t, db)
		join := func(email, name string) member.Member {
			inv, err := s.Invite(ctx, steward, member.RoleMember)
			if err != nil {
				t.Fatal(err)
			}
			m, err := s.SignUp(ctx, member.SignUp{Code: inv.Code, Email: email, Name: name, Password: pw})
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		ada, hedwig := join("ada@example.org", "Ada"), join("hedwig@example.org", "Hedwig")
		for _, tt := range []struct {
			name     string
			viewer   member.Member
			identify bool
		}{
			{"another member", ada, false},
			{"anonymous", member.Member{}, false},
			{"herself", hedwig, true},
			{"a steward", steward, true},
		} {
			v, err := s.View(ctx, tt.viewer, hedwig.PublicID)
			if err != nil {
				t.Fatal(err)
			}
			if v.PublicID != hedwig.PublicID || (v.Person != nil) != tt.identify || member.MayIdentify(tt.viewer, hedwig) != tt.identify {
				t.Errorf("%s: view %+v, want the person shown: %v", tt.name, v, tt.identify)
			}
			if v.Person != nil && (v.Person.Name != "Hedwig" || v.Person.Email != "hedwig@example.org") {
				t.Errorf("%s: person %+v", tt.name, v.Person)
			}
		}
		if _, _, err := s.List(ctx, ada, store.Page{}); !problem.Is(err, problem.Forbidden) {
			t.Errorf("a member lists members: %v", err)
		}
		if list, _, err := s.List(ctx, steward, store.Page{}); err != nil || len(list) != 3 {
			t.Errorf("a steward lists members: %d, %v", len(list), err)
		}

		// The display name is the member's own choice.
		name := "Hedi"
		for _, actor := range []member.Member{ada, steward} {
			if _, err := s.Update(ctx, actor, hedwig.PublicID, member.Change{DisplayName: &name}); !problem.Is(err, problem.Forbidden) {
				t.Errorf("%s sets Hedwig's display name: %v", actor.Name, err)
			}
		}
		for _, bad := range []string{ada.PublicID, strings.ToUpper(ada.PublicID), strings.Repeat("h", member.MaxDisplayName+1), "Hedi\x00", "Hedi\u202e", "Hedi\nQ"} {
			if _, err := s.Update(ctx, hedwig, hedwig.PublicID, member.Change{DisplayName: &bad}); !problem.Is(err, problem.Invalid) {
				t.Errorf("display name %q: %v", bad, err)
			}
		}
		if _, err := s.Update(ctx, hedwig, hedwig.PublicID, member.Change{DisplayName: &name}); err != nil {
			t.Fatal(err)
		}
		v, _ := s.View(ctx, ada, hedwig.PublicID)
		if v.DisplayName != "Hedi" || v.Person != nil {
			t.Errorf("ada's view after Hedwig opted in: %+v", v)
		}
		var quota = 5
		if _, err := s.Update(ctx, hedwig, hedwig.PublicID, member.Change{InviteQuota: &quota}); !problem.Is(err, problem.Forbidden) {
			t.Errorf("a member raises her own quota along with her name: %v", err)
		}
	})
}

// TestInvitationsDoNotSayWhoJoined: the inviter knows whom they gave a
// code to; naming the pseudonym that used it would link the two.
func TestInvitationsDoNotSayWhoJoined(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s, steward := setup(t, db)
		inv, _ := s.Invite(ctx, steward, member.RoleMember)
		if _, err := s.SignUp(ctx, member.SignUp{Code: inv.Code, Email: "m@example.org", Name: "M", Password: pw}); err != nil {
			t.Fatal(err)
		}
		list, _, err := s.Invitations(ctx, steward.ID, store.Page{})
		if err != nil || len(list) != 1 || !list[0].Used || list[0].Status(time.Now()) != "used" {
			t.Fatalf("invitations = %+v, %v", list, err)
		}
	})
}
