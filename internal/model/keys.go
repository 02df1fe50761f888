package model

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// KeyPrefix starts every client API key, so that a leaked key is easy to
// recognise (and to scan for) as an Allmende key.
const KeyPrefix = "alm_"

// Key is a client API key as its owner sees it later: never the secret.
type Key struct {
	ID        int64      `json:"id"`
	Prefix    string     `json:"prefix"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	LastUsed  *time.Time `json:"last_used_at,omitempty"`
	Revoked   bool       `json:"revoked"`
}

// KeyNameMax is the longest name a key takes, in characters: enough to
// say where the key is used ("the invoice script on the office laptop").
const KeyNameMax = 100

func keyHash(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

// CreateKey makes a new API key for a member. The secret is returned once;
// only its hash is stored.
func (s *Service) CreateKey(ctx context.Context, memberID int64, name string) (string, Key, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", Key{}, &problem.Error{Kind: problem.Invalid, Message: "give the key a name", Fields: map[string]string{"name": "a name of 1 to 100 characters"}}
	}
	if n := utf8.RuneCountInString(name); n > KeyNameMax {
		msg := fmt.Sprintf("at most %d characters (this one has %d)", KeyNameMax, n)
		return "", Key{}, &problem.Error{Kind: problem.Invalid, Message: "the key's name is too long", Fields: map[string]string{"name": msg}}
	}
	if msg := problem.LineProblem(name); msg != "" {
		return "", Key{}, &problem.Error{Kind: problem.Invalid, Message: "the key's name " + msg, Fields: map[string]string{"name": msg}}
	}
	secret := KeyPrefix + strings.ToLower(rand.Text()+rand.Text())
	k := Key{Prefix: secret[:len(KeyPrefix)+8], Name: name, CreatedAt: time.Now().UTC()}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO api_keys (key_hash, prefix, member_id, name, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			keyHash(secret), k.Prefix, memberID, name, k.CreatedAt.UnixMilli()).Scan(&k.ID)
	})
	if err != nil {
		return "", Key{}, fmt.Errorf("create key: %w", err)
	}
	return secret, k, nil
}

// Keys lists a page of a member's keys, newest first, and the cursor (a
// key id) of the next page.
func (s *Service) Keys(ctx context.Context, memberID int64, page store.Page) ([]Key, string, error) {
	before, err := page.ID("a key id: the next cursor of the previous page")
	if err != nil {
		return nil, "", err
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, prefix, name, created_at, last_used_at, revoked_at IS NOT NULL FROM api_keys
		WHERE member_id = $1 AND id < $3 ORDER BY id DESC LIMIT $2`, memberID, page.Fetch(), before)
	if err != nil {
		return nil, "", fmt.Errorf("list keys: %w", err)
	}
	defer rows.Close()
	var out []Key
	for rows.Next() {
		var k Key
		var created int64
		var used sql.NullInt64
		if err := rows.Scan(&k.ID, &k.Prefix, &k.Name, &created, &used, &k.Revoked); err != nil {
			return nil, "", fmt.Errorf("list keys: %w", err)
		}
		k.CreatedAt = store.Time(created)
		if used.Valid {
			t := store.Time(used.Int64)
			k.LastUsed = &t
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list keys: %w", err)
	}
	out, next := store.Cut(page, out, func(k Key) string { return strconv.FormatInt(k.ID, 10) })
	return out, next, nil
}

// RevokeKey stops a key from working.
func (s *Service) RevokeKey(ctx context.Context, memberID, keyID int64) error {
	var n int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = $3 WHERE id = $1 AND member_id = $2 AND revoked_at IS NULL`, keyID, memberID, store.Now())
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	if err != nil {
		return err
	}
	if n == 0 {
		return problem.New(problem.NotFound, "you have no active key %d", keyID)
	}
	return nil
}

// ErrBadKey is the answer to a missing, unknown or revoked key.
var ErrBadKey = problem.New(problem.Unauthorized, "a valid API key is needed: send it as 'Authorization: Bearer alm_…' (create one at /keys)")

// Client is who calls a model.
type Client struct {
	MemberID int64
	PublicID string
	KeyID    int64
}

// Authenticate returns the client a key belongs to.
func (s *Service) Authenticate(ctx context.Context, key string) (Client, error) {
	if !strings.HasPrefix(key, KeyPrefix) {
		return Client{}, ErrBadKey
	}
	var c Client
	var revoked bool
	err := s.db.Read().QueryRowContext(ctx, `SELECT k.member_id, m.public_id, k.id, k.revoked_at IS NOT NULL FROM api_keys k JOIN members m ON m.id = k.member_id WHERE k.key_hash = $1`,
		keyHash(key)).Scan(&c.MemberID, &c.PublicID, &c.KeyID, &revoked)
	if errors.Is(err, sql.ErrNoRows) || revoked {
		return Client{}, ErrBadKey
	}
	if err != nil {
		return Client{}, fmt.Errorf("authenticate key: %w", err)
	}
	return c, nil
}
