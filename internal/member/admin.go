package member

import (
	"context"
	"fmt"
	"strings"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// MaxInviteQuota caps what a steward can grant in one go, to catch typos
// like 1000 for 10.
const MaxInviteQuota = 100

// Change is what may be changed about a member; nil fields stay. A
// steward changes the invitation quota and the role; the member themself
// their display name.
type Change struct {
	InviteQuota *int    `json:"invite_quota"`
	Role        *Role   `json:"role"`
	DisplayName *string `json:"display_name"`
}

// Update applies a change to a member, made by actor: a steward may
// change anyone's role and invitation quota, a member only their own
// display name.
func (s *Service) Update(ctx context.Context, actor Member, publicID string, c Change) (Member, error) {
	if (c.InviteQuota != nil || c.Role != nil || actor.PublicID != publicID) && !actor.IsSteward() {
		return Member{}, problem.New(problem.Forbidden, "only stewards can change members")
	}
	if c.DisplayName != nil && actor.PublicID != publicID {
		return Member{}, problem.New(problem.Forbidden, "only the member themself chooses whether to show a name")
	}
	f := problem.Fields{}
	if c.DisplayName != nil {
		*c.DisplayName = strings.TrimSpace(*c.DisplayName)
		validDisplayName(f, *c.DisplayName)
	}
	if c.InviteQuota != nil && (*c.InviteQuota < 0 || *c.InviteQuota > MaxInviteQuota) {
		f.Add("invite_quota", "must be between 0 and %d", MaxInviteQuota)
	}
	if c.Role != nil && !c.Role.Valid() {
		f.Add("role", "must be member, requester or steward")
	}
	if err := f.Err(); err != nil {
		return Member{}, err
	}
	m, err := s.ByPublicID(ctx, publicID)
	if err != nil {
		return Member{}, err
	}
	if c.Role != nil && m.ID == actor.ID && *c.Role != RoleSteward {
		return Member{}, problem.New(problem.Conflict, "you cannot remove your own steward role; ask another steward")
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if c.InviteQuota != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE members SET invite_quota = $2 WHERE id = $1`, m.ID, *c.InviteQuota); err != nil {
				return fmt.Errorf("set invitation quota: %w", err)
			}
		}
		if c.Role != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE members SET role = $2 WHERE id = $1`, m.ID, string(*c.Role)); err != nil {
				return fmt.Errorf("set role: %w", err)
			}
		}
		if c.DisplayName != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE members SET display_name = $2 WHERE id = $1`, m.ID, *c.DisplayName); err != nil {
				return fmt.Errorf("set display name: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return Member{}, err
	}
	return s.ByID(ctx, m.ID)
}
