package member_test

import (
	"testing"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// A steward issues a reset link for a member; it sets a new password once,
// signs the member out everywhere, and stops working when used, expired or
// replaced. Only stewards issue links, and not for themselves.
func TestPasswordReset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s, steward := setup(t, db)
		inv, err := s.Invite(ctx, steward, member.RoleMember)
		if err != nil {
			t.Fatal(err)
		}
		ada, err := s.SignUp(ctx, member.SignUp{Code: inv.Code, Email: "ada@example.org", Name: "Ada", Password: pw})
		if err != nil {
			t.Fatal(err)
		}
		old, err := s.SignIn(ctx, "ada@example.org", pw)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.IssueReset(ctx, ada, steward.PublicID); !problem.Is(err, problem.Forbidden) {
			t.Fatalf("a member issued a reset link: %v", err)
		}
		if _, err := s.IssueReset(ctx, steward, steward.PublicID); !problem.Is(err, problem.Forbidden) {
			t.Fatalf("a steward issued a link for themself: %v", err)
		}
		first, err := s.IssueReset(ctx, steward, ada.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		link, err := s.IssueReset(ctx, steward, ada.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ResetPassword(ctx, first.Token, "a brand new password"); !problem.Is(err, problem.NotFound) {
			t.Fatalf("a replaced link worked: %v", err)
		}
		if who, err := s.ResetFor(ctx, link.Token); err != nil || who.ID != ada.ID {
			t.Fatalf("the link is for %+v, %v", who, err)
		}
		if _, err := s.ResetPassword(ctx, link.Token, "short"); !hasField(err, "password") {
			t.Fatalf("a short password: %v", err)
		}
		if _, err := s.ResetPassword(ctx, link.Token, "a brand new password"); err != nil {
			t.Fatalf("the link did not work after a refused password: %v", err)
		}
		if _, err := s.Authenticate(ctx, old.Token); !problem.Is(err, problem.Unauthorized) {
			t.Fatalf("the session from before the reset still works: %v", err)
		}
		if _, err := s.SignIn(ctx, "ada@example.org", pw); !problem.Is(err, problem.Unauthorized) {
			t.Fatalf("the old password still works: %v", err)
		}
		if _, err := s.SignIn(ctx, "ada@example.org", "a brand new password"); err != nil {
			t.Fatalf("the new password does not work: %v", err)
		}
		if _, err := s.ResetPassword(ctx, link.Token, "yet another password"); !problem.Is(err, problem.NotFound) {
			t.Fatalf("a used link worked again: %v", err)
		}
		late, err := s.IssueReset(ctx, steward, ada.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		s.SetClock(func() time.Time { return time.Now().Add(member.ResetLifetime + time.Minute) })
		if _, err := s.ResetPassword(ctx, late.Token, "yet another password"); !problem.Is(err, problem.NotFound) {
			t.Fatalf("an expired link worked: %v", err)
		}
		if _, err := s.ResetFor(ctx, late.Token); !problem.Is(err, problem.NotFound) {
			t.Fatalf("an expired link is for someone: %v", err)
		}
	})
}

func hasField(err error, field string) bool {
	p, ok := problem.As(err)
	return ok && p.Fields[field] != ""
}
