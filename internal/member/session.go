package member

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// SessionLifetime is how long a sign-in lasts without being used.
const SessionLifetime = 14 * 24 * time.Hour

// seenGranularity limits how often using a session writes to the database:
// extending a session on every request would turn every page view into a
// write.
const seenGranularity = 5 * time.Minute

// Session is a signed-in member. Token is the secret the browser or API
// client holds; the database keeps only its hash.
type Session struct {
	Token     string
	Member    Member
	ExpiresAt time.Time
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// SignIn checks an e-mail address and password and opens a session. A wrong
// address and a wrong password give the same answer, in the same time.
func (s *Service) SignIn(ctx context.Context, email, password string) (Session, error) {
	var id int64
	var hash string
	if msg := problem.LineProblem(email); msg != "" {
		// No member has such an address, and PostgreSQL cannot even look
		// it up; say what is wrong with it rather than fail.
		return Session{}, &problem.Error{Kind: problem.Invalid, Message: "the e-mail address " + msg, Fields: map[string]string{"email": msg}}
	}
	err := s.db.Read().QueryRowContext(ctx, `SELECT id, password_hash FROM members WHERE email = $1`, normaliseEmail(email)).Scan(&id, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		_, _ = checkPassword(dummyHash(), password)
		return Session{}, errBadCredentials
	}
	if err != nil {
		return Session{}, fmt.Errorf("sign in: %w", err)
	}
	ok, err := checkPassword(hash, password)
	if err != nil {
		return Session{}, fmt.Errorf("sign in member %d: %w", id, err)
	}
	if !ok {
		return Session{}, errBadCredentials
	}
	return s.OpenSession(ctx, id)
}

var errBadCredentials = problem.New(problem.Unauthorized, "the e-mail address or the password is wrong")

// OpenSession starts a session for a member.
func (s *Service) OpenSession(ctx context.Context, memberID int64) (Session, error) {
	m, err := s.ByID(ctx, memberID)
	if err != nil {
		return Session{}, err
	}
	token := rand.Text() + rand.Text() // 256 bits
	now := s.now()
	expires := now.Add(SessionLifetime)
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, member_id, created_at, expires_at, seen_at) VALUES ($1, $2, $3, $4, $3)`,
			tokenHash(token), memberID, now.UnixMilli(), expires.UnixMilli())
		return err
	})
	if err != nil {
		return Session{}, fmt.Errorf("open session: %w", err)
	}
	return Session{Token: token, Member: m, ExpiresAt: expires.UTC()}, nil
}

// sessionShaped reports whether token could be a session's: OpenSession makes
// them of rand.Text's letters and digits (A–Z, 2–7). Anything else — an
// API key (alm_…) sent as a bearer token to the model endpoints — is no
// session and is not looked up: one read query fewer on every model call.
func sessionShaped(token string) bool {
	if token == "" {
		return false
	}
	for i := 0; i < len(token); i++ {
		if c := token[i]; (c < 'A' || c > 'Z') && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}

// Authenticate returns the session a token belongs to, extending it if it
// has been a while since it was last used.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, error) {
	if !sessionShaped(token) {
		return Session{}, errNoSession
	}
	var sid, expires, seen int64
	var m Member
	var created int64
	err := s.db.Read().QueryRowContext(ctx, `
		SELECT s.id, s.expires_at, s.seen_at, m.id, m.public_id, m.email, m.name, m.display_name, m.role, m.invite_quota, m.created_at
		FROM sessions s JOIN members m ON m.id = s.member_id WHERE s.token_hash = $1`, tokenHash(token)).
		Scan(&sid, &expires, &seen, &m.ID, &m.PublicID, &m.Email, &m.Name, &m.DisplayName, &m.Role, &m.InviteQuota, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, errNoSession
	}
	if err != nil {
		return Session{}, fmt.Errorf("authenticate: %w", err)
	}
	m.CreatedAt = store.Time(created)
	now := s.now()
	if now.UnixMilli() >= expires {
		return Session{}, errNoSession
	}
	if now.Sub(store.Time(seen)) > seenGranularity {
		expires = now.Add(SessionLifetime).UnixMilli()
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE sessions SET seen_at = $2, expires_at = $3 WHERE id = $1`, sid, now.UnixMilli(), expires)
			return err
		})
		if err != nil {
			return Session{}, fmt.Errorf("extend session: %w", err)
		}
	}
	return Session{Token: token, Member: m, ExpiresAt: store.Time(expires)}, nil
}

var errNoSession = problem.New(problem.Unauthorized, "sign in first")

// SignOut ends the session a token belongs to.
func (s *Service) SignOut(ctx context.Context, token string) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash(token))
		return err
	})
}

// DeleteExpiredSessions removes sessions that can no longer be used.
func (s *Service) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, s.now().UnixMilli())
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}
