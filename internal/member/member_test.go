package member_test

import (
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

const pw = "correct horse battery"

func setup(t *testing.T, db *store.DB) (*member.Service, member.Member) {
	t.Helper()
	s := member.NewService(db, ledger.New(db))
	steward, err := s.Found(t.Context(), "steward@example.org", "Stella", pw, member.RoleSteward)
	if err != nil {
		t.Fatal(err)
	}
	return s, steward
}

func TestSignUpNeedsAValidInvitation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s, steward := setup(t, db)
		inv, err := s.Invite(ctx, steward, member.RoleRequester)
		if err != nil {
			t.Fatal(err)
		}
		expiring, err := s.Invite(ctx, steward, member.RoleMember)
		if err != nil {
			t.Fatal(err)
		}
		good := member.SignUp{Code: strings.ToLower(strings.ReplaceAll(inv.Code, "-", " ")), Email: "Ada@Example.org", Name: "Ada", Password: pw}

		tests := []struct {
			name  string
			in    member.SignUp
			kind  problem.Kind
			field string
		}{
			{"no code", member.SignUp{Email: "b@example.org", Name: "B", Password: pw}, problem.Invalid, "code"},
			{"unknown code", member.SignUp{Code: "AAAA-BBBB-CCCC-DDDD", Email: "b@example.org", Name: "B", Password: pw}, problem.Invalid, "code"},
			{"bad e-mail", member.SignUp{Code: inv.Code, Email: "not an address", Name: "B", Password: pw}, problem.Invalid, "email"},
			{"short password", member.SignUp{Code: inv.Code, Email: "b@example.org", Name: "B", Password: "short"}, problem.Invalid, "password"},
			{"no name", member.SignUp{Code: inv.Code, Email: "b@example.org", Password: pw}, problem.Invalid, "name"},
			{"taken e-mail", member.SignUp{Code: inv.Code, Email: "STEWARD@example.org", Name: "B", Password: pw}, problem.Conflict, "email"},
		}
		for _, tt := range tests {
			_, err := s.SignUp(ctx, tt.in)
			p, ok := problem.As(err)
			if !ok || p.Kind != tt.kind || p.Fields[tt.field] == "" {
				t.Errorf("%s: err = %v, want %s on field %s", tt.name, err, tt.kind, tt.field)
			}
		}

		ada, err := s.SignUp(ctx, good)
		if err != nil {
			t.Fatalf("sign up with a valid code: %v", err)
		}
		if ada.Role != member.RoleRequester || ada.Email != "ada@example.org" || ada.InviteQuota != member.DefaultInviteQuota {
			t.Fatalf("new member = %+v", ada)
		}
		if strings.Contains(ada.PublicID, "ada") || !strings.HasPrefix(ada.PublicID, "m-") {
			t.Fatalf("public id %q is not a pseudonym", ada.PublicID)
		}
		good.Email = "eve@example.org"
		if _, err := s.SignUp(ctx, good); !problem.Is(err, problem.Invalid) {
			t.Fatalf("reusing a code: %v", err)
		}

		s.SetClock(func() time.Time { return time.Now().Add(member.InvitationLifetime + time.Hour) })
		_, err = s.SignUp(ctx, member.SignUp{Code: expiring.Code, Email: "late@example.org", Name: "Late", Password: pw})
		if p, ok := problem.As(err); !ok || !strings.Contains(p.Message, "expired") {
			t.Fatalf("expired code: %v", err)
		}
		if n, _ := s.Count(ctx); n != 2 {
			t.Fatalf("members = %d, want 2 (no half-created members)", n)
		}
		l := ledger.New(db)
		events, _ := l.Unpublished(ctx, 10)
		if len(events) != 2 {
			t.Fatalf("member.joined events = %d, want 2", len(events))
		}
	})
}

func TestInvitationQuota(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s, steward := setup(t, db)
		inv, _ := s.Invite(ctx, steward, member.RoleMember)
		m, err := s.SignUp(ctx, member.SignUp{Code: inv.Code, Email: "m@example.org", Name: "M", Password: pw})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Invite(ctx, m, member.RoleSteward); !problem.Is(err, problem.Forbidden) {
			t.Fatalf("member inviting a steward: %v", err)
		}
		var codes []string
		for range member.DefaultInviteQuota {
			inv, err := s.Invite(ctx, m, member.RoleMember)
			if err != nil {
				t.Fatal(err)
			}
			codes = append(codes, inv.Code)
		}
		if _, err := s.Invite(ctx, m, member.RoleMember); !problem.Is(err, problem.Conflict) {
			t.Fatalf("invitation beyond quota: %v", err)
		}
		if err := s.Revoke(ctx, steward, codes[0]); !problem.Is(err, problem.NotFound) {
			t.Fatalf("revoking someone else's invitation: %v", err)
		}
		if err := s.Revoke(ctx, m, codes[0]); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Invite(ctx, m, member.RoleMember); err != nil {
			t.Fatalf("a revoked invitation was not given back: %v", err)
		}
		q := 10
		if _, err := s.Update(ctx, m, m.PublicID, member.Change{InviteQuota: &q}); !problem.Is(err, problem.Forbidden) {
			t.Fatalf("member raising their own quota: %v", err)
		}
		got, err := s.Update(ctx, steward, m.PublicID, member.Change{InviteQuota: &q})
		if err != nil || got.InviteQuota != 10 {
			t.Fatalf("steward raising quota: %+v %v", got, err)
		}
		bad := member.Role("king")
		if _, err := s.Update(ctx, steward, m.PublicID, member.Change{Role: &bad}); !problem.Is(err, problem.Invalid) {
			t.Fatalf("unknown role: %v", err)
		}
		list, _, _ := s.Invitations(ctx, m.ID, store.Page{})
		if len(list) != member.DefaultInviteQuota {
			t.Fatalf("invitations listed = %d", len(list))
		}
	})
}

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s, _ := setup(t, db)
		if _, err := s.SignIn(ctx, "steward@example.org", "wrong password"); !problem.Is(err, problem.Unauthorized) {
			t.Fatalf("wrong password: %v", err)
		}
		if _, err := s.SignIn(ctx, "nobody@example.org", pw); !problem.Is(err, problem.Unauthorized) {
			t.Fatalf("unknown e-mail: %v", err)
		}
		sess, err := s.SignIn(ctx, " Steward@Example.org ", pw)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Authenticate(ctx, sess.Token)
		if err != nil || got.Member.Email != "steward@example.org" {
			t.Fatalf("authenticate: %+v %v", got, err)
		}
		var stored []byte
		_ = db.Read().QueryRowContext(ctx, `SELECT token_hash FROM sessions`).Scan(&stored)
		if strings.Contains(string(stored), sess.Token) {
			t.Fatal("the session token is stored in clear")
		}
		if _, err := s.Authenticate(ctx, sess.Token+"x"); !problem.Is(err, problem.Unauthorized) {
			t.Fatalf("forged token: %v", err)
		}
		if err := s.SignOut(ctx, sess.Token); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, sess.Token); !problem.Is(err, problem.Unauthorized) {
			t.Fatalf("token after sign-out: %v", err)
		}

		sess, _ = s.SignIn(ctx, "steward@example.org", pw)
		s.SetClock(func() time.Time { return time.Now().Add(member.SessionLifetime + time.Minute) })
		if _, err := s.Authenticate(ctx, sess.Token); !problem.Is(err, problem.Unauthorized) {
			t.Fatalf("expired session: %v", err)
		}
		if n, err := s.DeleteExpiredSessions(ctx); err != nil || n != 1 {
			t.Fatalf("DeleteExpiredSessions = %d, %v", n, err)
		}
	})
}
