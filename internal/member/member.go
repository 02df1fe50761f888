// Package member keeps the cooperative's members: invitation-only sign-up,
// password sign-in, sessions, and roles. Inside the cooperative a member has
// an e-mail address and a name; outside it — in the public log, on public
// pages — only a random pseudonym (PublicID) that reveals neither.
package member

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// Role decides what a member may do.
type Role string

const (
	// RoleMember does data work and contributes data.
	RoleMember Role = "member"
	// RoleRequester also creates projects and datanets for a client.
	RoleRequester Role = "requester"
	// RoleSteward also runs the cooperative: approves projects, decides
	// appeals, manages members.
	RoleSteward Role = "steward"
)

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool {
	return r == RoleMember || r == RoleRequester || r == RoleSteward
}

// DefaultInviteQuota is how many invitations a new member may hand out:
// enough to bring in colleagues, few enough that accounts cannot be farmed.
const DefaultInviteQuota = 3

// StewardInviteQuota is what a steward starts with: stewards bring in the
// first members of a cooperative.
const StewardInviteQuota = 20

// Member is one member of the cooperative.
type Member struct {
	ID       int64
	PublicID string
	Email    string
	Name     string
	// DisplayName is the name the member chose to show other members in
	// place of their pseudonym; empty unless they opted in.
	DisplayName string
	Role        Role
	InviteQuota int
	CreatedAt   time.Time
}

// IsSteward reports whether m runs the cooperative.
func (m Member) IsSteward() bool { return m.Role == RoleSteward }

// Service is the members' part of the cooperative.
type Service struct {
	db     *store.DB
	ledger *ledger.Ledger
	now    func() time.Time
}

// NewService returns the member service.
func NewService(db *store.DB, l *ledger.Ledger) *Service {
	return &Service{db: db, ledger: l, now: time.Now}
}

const memberColumns = `id, public_id, email, name, display_name, role, invite_quota, created_at`

func scanMember(row interface{ Scan(...any) error }) (Member, error) {
	var m Member
	var created int64
	err := row.Scan(&m.ID, &m.PublicID, &m.Email, &m.Name, &m.DisplayName, &m.Role, &m.InviteQuota, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Member{}, problem.New(problem.NotFound, "no such member")
	}
	if err != nil {
		return Member{}, fmt.Errorf("read member: %w", err)
	}
	m.CreatedAt = store.Time(created)
	return m, nil
}

// ByID returns the member with the given internal id.
func (s *Service) ByID(ctx context.Context, id int64) (Member, error) {
	return scanMember(s.db.Read().QueryRowContext(ctx, `SELECT `+memberColumns+` FROM members WHERE id = $1`, id))
}

// ByPublicID returns the member with the given pseudonym.
func (s *Service) ByPublicID(ctx context.Context, publicID string) (Member, error) {
	return scanMember(s.db.Read().QueryRowContext(ctx, `SELECT `+memberColumns+` FROM members WHERE public_id = $1`, publicID))
}

// List returns a page of members, newest first, with their names and
// e-mail addresses, and the cursor (a public id) of the next page: only
// stewards may see it (see MayIdentify).
func (s *Service) List(ctx context.Context, viewer Member, page store.Page) ([]Member, string, error) {
	if !viewer.IsSteward() {
		return nil, "", problem.New(problem.Forbidden, "only stewards can list members")
	}
	q := s.db.Read()
	where, args := `TRUE`, []any{page.Fetch()}
	if page.Before != "" {
		id, err := page.Row(ctx, q, "not a member; use the next cursor of the previous page", `SELECT id FROM members WHERE public_id = $1`)
		if err != nil {
			return nil, "", fmt.Errorf("list members: %w", err)
		}
		where, args = `id < $2`, append(args, id)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+memberColumns+` FROM members WHERE `+where+` ORDER BY id DESC LIMIT $1`, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list members: %w", err)
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list members: %w", err)
	}
	out, next := store.Cut(page, out, func(m Member) string { return m.PublicID })
	return out, next, nil
}

// Count returns the number of members.
func (s *Service) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM members`).Scan(&n)
	return n, err
}

// newPublicID draws a pseudonym: 60 random bits, so it says nothing about the
// member and cannot be guessed from another.
func newPublicID() string {
	return "m-" + strings.ToLower(rand.Text()[:12])
}

// normaliseEmail lowercases the address so that sign-in and uniqueness do
// not depend on how someone typed it.
func normaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ByEmail returns the member with the given e-mail address.
func (s *Service) ByEmail(ctx context.Context, email string) (Member, error) {
	return scanMember(s.db.Read().QueryRowContext(ctx, `SELECT `+memberColumns+` FROM members WHERE email = $1`, normaliseEmail(email)))
}
