package member

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// SignUp is what a person gives to join.
type SignUp struct {
	Code     string `json:"code"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password"`
}

// Password length bounds: NIST SP 800-63B asks for at least 8 characters;
// we ask for 10 because there is no second factor yet, and cap the length
// so that hashing stays cheap.
const (
	minPassword = 10
	maxPassword = 256
	maxName     = 100
)

func (su SignUp) validate() error {
	f := problem.Fields{}
	if strings.TrimSpace(su.Code) == "" {
		f.Add("code", "an invitation code is needed to join")
	}
	validateEmail(f, su.Email)
	name := strings.TrimSpace(su.Name)
	switch {
	case name == "":
		f.Add("name", "tell us what to call you")
	case utf8.RuneCountInString(name) > maxName:
		f.Add("name", "at most %d characters", maxName)
	default:
		f.Line("name", name)
	}
	validatePassword(f, su.Password)
	return f.Err()
}

func validateEmail(f problem.Fields, email string) {
	email = strings.TrimSpace(email)
	if !f.Line("email", email) {
		return
	}
	a, err := mail.ParseAddress(email)
	if email == "" {
		f.Add("email", "an e-mail address is needed")
	} else if err != nil || a.Address != email || len(email) > 254 {
		f.Add("email", "this is not an e-mail address")
	}
}

func validatePassword(f problem.Fields, password string) {
	switch n := utf8.RuneCountInString(password); {
	case n < minPassword:
		f.Add("password", "at least %d characters", minPassword)
	case n > maxPassword:
		f.Add("password", "at most %d characters", maxPassword)
	}
}

// SignUp creates a member from a valid, unused invitation. The new member
// gets the invitation's role, a default invitation quota, a fresh
// pseudonym, and a "member joined" ledger event.
func (s *Service) SignUp(ctx context.Context, su SignUp) (Member, error) {
	if err := su.validate(); err != nil {
		return Member{}, err
	}
	code := normaliseCode(su.Code)
	hash := hashPassword(su.Password)
	now := s.now()
	var m Member
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var invID, inviter int64
		var role string
		var expires int64
		var usedBy sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT id, inviter_id, role, expires_at, used_by FROM invitations WHERE code = $1`, code).
			Scan(&invID, &inviter, &role, &expires, &usedBy)
		if errors.Is(err, sql.ErrNoRows) {
			return invalidCode("this invitation code does not exist")
		}
		if err != nil {
			return fmt.Errorf("read invitation: %w", err)
		}
		if usedBy.Valid {
			return invalidCode("this invitation code has already been used")
		}
		if now.UnixMilli() > expires {
			return invalidCode("this invitation code has expired; ask for a new one")
		}
		m, err = insertMember(ctx, tx, su.Email, su.Name, hash, Role(role), &inviter, now.UnixMilli())
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE invitations SET used_by = $1, used_at = $2 WHERE id = $3 AND used_by IS NULL`, m.ID, now.UnixMilli(), invID)
		if err != nil {
			return fmt.Errorf("use invitation: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return invalidCode("this invitation code has already been used")
		}
		_, err = s.ledger.Record(ctx, tx, ledger.Event{Type: ledger.MemberJoined, MemberID: m.ID, Content: map[string]any{"role": role}})
		return err
	})
	if err != nil {
		return Member{}, err
	}
	return m, nil
}

func invalidCode(msg string) error {
	return &problem.Error{Kind: problem.Invalid, Message: msg, Fields: map[string]string{"code": msg}}
}

// Found creates a member without an invitation. It is how a cooperative
// gets its first steward (allmende serve --steward, the demo); it is not
// reachable from the web.
func (s *Service) Found(ctx context.Context, email, name, password string, role Role) (Member, error) {
	f := problem.Fields{}
	validateEmail(f, email)
	validatePassword(f, password)
	f.Line("name", strings.TrimSpace(name))
	if !role.Valid() {
		f.Add("role", "must be member, requester or steward")
	}
	if err := f.Err(); err != nil {
		return Member{}, err
	}
	hash := hashPassword(password)
	var m Member
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		m, err = insertMember(ctx, tx, email, name, hash, role, nil, s.now().UnixMilli())
		if err != nil {
			return err
		}
		_, err = s.ledger.Record(ctx, tx, ledger.Event{Type: ledger.MemberJoined, MemberID: m.ID, Content: map[string]any{"role": string(role)}})
		return err
	})
	return m, err
}

func insertMember(ctx context.Context, tx *store.Tx, email, name, hash string, role Role, invitedBy *int64, now int64) (Member, error) {
	m := Member{PublicID: newPublicID(), Email: normaliseEmail(email), Name: strings.TrimSpace(name), Role: role, InviteQuota: DefaultInviteQuota, CreatedAt: store.Time(now)}
	if role == RoleSteward {
		m.InviteQuota = StewardInviteQuota
	}
	err := tx.QueryRowContext(ctx, `
		INSERT INTO members (public_id, email, name, password_hash, role, invite_quota, invited_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		m.PublicID, m.Email, m.Name, hash, string(role), m.InviteQuota, invitedBy, now).Scan(&m.ID)
	if store.IsUniqueViolation(err) {
		return Member{}, &problem.Error{Kind: problem.Conflict, Message: "a member with this e-mail address exists; sign in instead",
			Fields: map[string]string{"email": "already a member"}}
	}
	if err != nil {
		return Member{}, fmt.Errorf("create member: %w", err)
	}
	return m, nil
}
