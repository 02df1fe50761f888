package member

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// InvitationLifetime is how long an invitation code can be used.
const InvitationLifetime = 14 * 24 * time.Hour

// Invitation is a code that lets one person join.
type Invitation struct {
	Code      string
	Role      Role
	CreatedAt time.Time
	ExpiresAt time.Time
	// Used says that someone joined with it. Who did is not said: the
	// inviter knows whom they gave the code to, so the pseudonym would
	// link that person to their earnings in the public log.
	Used bool
}

// Status says whether the invitation can still be used.
func (inv Invitation) Status(now time.Time) string {
	switch {
	case inv.Used:
		return "used"
	case now.After(inv.ExpiresAt):
		return "expired"
	default:
		return "open"
	}
}

// newInvitationCode draws 80 random bits, written in groups of four so
// that it can be read out or typed: XXXX-XXXX-XXXX-XXXX.
func newInvitationCode() string {
	t := rand.Text()[:16]
	return t[0:4] + "-" + t[4:8] + "-" + t[8:12] + "-" + t[12:16]
}

// normaliseCode forgives case, spaces and missing dashes in a typed code.
func normaliseCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '2' && r <= '7') {
			b.WriteRune(r)
		}
	}
	t := b.String()
	if len(t) != 16 {
		return t
	}
	return t[0:4] + "-" + t[4:8] + "-" + t[8:12] + "-" + t[12:16]
}

// Invite creates an invitation from inviter for a new member with the
// given role, using one of the inviter's invitations. Only stewards may
// invite requesters or stewards.
func (s *Service) Invite(ctx context.Context, inviter Member, role Role) (Invitation, error) {
	if role == "" {
		role = RoleMember
	}
	if !role.Valid() {
		return Invitation{}, &problem.Error{Kind: problem.Invalid, Message: "unknown role", Fields: map[string]string{"role": "must be member, requester or steward"}}
	}
	if role != RoleMember && !inviter.IsSteward() {
		return Invitation{}, problem.New(problem.Forbidden, "only stewards can invite a %s", role)
	}
	now := s.now()
	inv := Invitation{Code: newInvitationCode(), Role: role, CreatedAt: now.UTC(), ExpiresAt: now.Add(InvitationLifetime).UTC()}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE members SET invite_quota = invite_quota - 1 WHERE id = $1 AND invite_quota > 0`, inviter.ID)
		if err != nil {
			return fmt.Errorf("use invitation quota: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return problem.New(problem.Conflict, "you have no invitations left; a steward can give you more")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO invitations (code, inviter_id, role, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
			inv.Code, inviter.ID, string(role), now.UnixMilli(), inv.ExpiresAt.UnixMilli())
		if err != nil {
			return fmt.Errorf("create invitation: %w", err)
		}
		return nil
	})
	if err != nil {
		return Invitation{}, err
	}
	return inv, nil
}

// Invitations lists a page of the invitations a member has created, newest
// first, and the cursor (a code) of the next page.
func (s *Service) Invitations(ctx context.Context, inviterID int64, page store.Page) ([]Invitation, string, error) {
	q := s.db.Read()
	where, args := `i.inviter_id = $1`, []any{inviterID, page.Fetch()}
	if page.Before != "" {
		page.Before = normaliseCode(page.Before)
		id, err := page.Row(ctx, q, "not one of your invitations (a revoked one is gone); start from the first page",
			`SELECT id FROM invitations WHERE code = $1 AND inviter_id = $2`, inviterID)
		if err != nil {
			return nil, "", fmt.Errorf("list invitations: %w", err)
		}
		where, args = where+` AND i.id < $3`, append(args, id)
	}
	rows, err := q.QueryContext(ctx, `
		SELECT i.code, i.role, i.created_at, i.expires_at, i.used_at IS NOT NULL
		FROM invitations i
		WHERE `+where+` ORDER BY i.id DESC LIMIT $2`, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list invitations: %w", err)
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		var inv Invitation
		var created, expires int64
		if err := rows.Scan(&inv.Code, &inv.Role, &created, &expires, &inv.Used); err != nil {
			return nil, "", fmt.Errorf("list invitations: %w", err)
		}
		inv.CreatedAt, inv.ExpiresAt = store.Time(created), store.Time(expires)
		out = append(out, inv)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list invitations: %w", err)
	}
	out, next := store.Cut(page, out, func(inv Invitation) string { return inv.Code })
	return out, next, nil
}

// OpenInvitations counts a member's invitations that can still be used
// (along the invitations_open index: used ones are not looked at).
func (s *Service) OpenInvitations(ctx context.Context, inviterID int64) (int, error) {
	var n int
	err := s.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM invitations WHERE inviter_id = $1 AND used_by IS NULL AND expires_at >= $2`,
		inviterID, s.now().UnixMilli()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count invitations: %w", err)
	}
	return n, nil
}

// Revoke withdraws an unused invitation and gives it back to the inviter's
// quota. Members can revoke only their own.
func (s *Service) Revoke(ctx context.Context, inviter Member, code string) error {
	code = normaliseCode(code)
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		var owner int64
		var usedBy sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT inviter_id, used_by FROM invitations WHERE code = $1`, code).Scan(&owner, &usedBy)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && owner != inviter.ID) {
			return problem.New(problem.NotFound, "no such invitation")
		}
		if err != nil {
			return fmt.Errorf("revoke invitation: %w", err)
		}
		if usedBy.Valid {
			return problem.New(problem.Conflict, "this invitation has been used and cannot be revoked")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM invitations WHERE code = $1`, code); err != nil {
			return fmt.Errorf("revoke invitation: %w", err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE members SET invite_quota = invite_quota + 1 WHERE id = $1`, inviter.ID)
		return err
	})
}
