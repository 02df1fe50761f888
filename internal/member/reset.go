package member

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// ResetLifetime is how long a password reset link works.
const ResetLifetime = 24 * time.Hour

// Reset is a password reset link a steward issued: Token is the secret in
// the link, shown to the steward once and never stored (the database
// keeps its hash).
type Reset struct {
	Token     string
	Member    Member
	ExpiresAt time.Time
}

// IssueReset makes a password reset link for the member publicID, for a
// steward to hand over: the cooperative may have no e-mail server, and a
// steward knows the member. The link works once, for ResetLifetime; a new
// link replaces the member's older ones. A steward does not issue one for
// themself (another steward does), so that a steward's session alone
// cannot be turned into a new password.
func (s *Service) IssueReset(ctx context.Context, actor Member, publicID string) (Reset, error) {
	if !actor.IsSteward() {
		return Reset{}, problem.New(problem.Forbidden, "only stewards issue password reset links")
	}
	m, err := s.ByPublicID(ctx, publicID)
	if err != nil {
		return Reset{}, err
	}
	if m.ID == actor.ID {
		return Reset{}, problem.New(problem.Forbidden, "another steward issues a reset link for your own password")
	}
	token := rand.Text() + rand.Text() // 256 bits
	now := s.now()
	expires := now.Add(ResetLifetime)
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM password_resets WHERE member_id = $1`, m.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO password_resets (token_hash, member_id, issued_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
			tokenHash(token), m.ID, actor.ID, now.UnixMilli(), expires.UnixMilli())
		return err
	})
	if err != nil {
		return Reset{}, fmt.Errorf("issue a reset link for member %d: %w", m.ID, err)
	}
	return Reset{Token: token, Member: m, ExpiresAt: expires.UTC()}, nil
}

var errBadReset = problem.New(problem.NotFound, "this password reset link does not work: it was used, it expired or a newer one replaced it; ask a steward for a new one")

// ResetFor returns the member a reset link is for, while it works.
func (s *Service) ResetFor(ctx context.Context, token string) (Member, error) {
	var id int64
	err := s.db.Read().QueryRowContext(ctx, `SELECT member_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`,
		tokenHash(token), s.now().UnixMilli()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Member{}, errBadReset
	}
	if err != nil {
		return Member{}, fmt.Errorf("reset link: %w", err)
	}
	return s.ByID(ctx, id)
}

// ResetPassword sets a new password with a reset link, once. It ends every
// session the member had: whoever knew the old password is signed out.
func (s *Service) ResetPassword(ctx context.Context, token, password string) (Member, error) {
	f := problem.Fields{}
	validatePassword(f, password)
	if err := f.Err(); err != nil {
		return Member{}, err
	}
	hash := hashPassword(password)
	var id int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		now := s.now().UnixMilli()
		err := tx.QueryRowContext(ctx, `UPDATE password_resets SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING member_id`,
			tokenHash(token), now).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return errBadReset
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE members SET password_hash = $2 WHERE id = $1`, id, hash); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE member_id = $1`, id)
		return err
	})
	if err != nil {
		var p *problem.Error
		if errors.As(err, &p) {
			return Member{}, err
		}
		return Member{}, fmt.Errorf("reset a password: %w", err)
	}
	return s.ByID(ctx, id)
}
