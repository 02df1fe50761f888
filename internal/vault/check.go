package vault

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/allmende/allmende/internal/store"
)

// checkText is what the server key's check value is computed over.
const checkText = "allmende vault key check"

// checkName is the vault's row in key_checks.
const checkName = "vault"

// keyCheck is the check value of key: HMAC-SHA256 of a fixed text under
// it. Equal keys give equal values; the value reveals nothing of the key.
func keyCheck(key []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(checkText))
	return "hmac-sha256:" + hex.EncodeToString(mac.Sum(nil))
}

// recordedCheck is the check value the database recorded, or "".
func recordedCheck(ctx context.Context, q store.Querier) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM key_checks WHERE name = $1`, checkName).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("vault: read the recorded key check: %w", err)
	}
	return v, nil
}

// recordCheck records check unless a value is recorded already.
func recordCheck(ctx context.Context, db *store.DB, check string) error {
	err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO key_checks (name, value, recorded_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`,
			checkName, check, store.Now())
		return err
	})
	if err != nil {
		return fmt.Errorf("vault: record the key check: %w", err)
	}
	return nil
}

// ErrKeyMismatch is returned by Open and OpenShared for a key other than
// the one the database was started with.
var ErrKeyMismatch = errors.New("vault key differs from this cooperative's")

type mismatchError string

func (e mismatchError) Error() string        { return string(e) }
func (e mismatchError) Is(target error) bool { return target == ErrKeyMismatch }

func mismatch(keyFile string) error {
	return mismatchError(fmt.Sprintf("vault key %s is not the key this cooperative's database was started with (its check value differs from the one recorded): refusing to start, since what this server sealed would not open on the others; give it the same --vault-key file as every other replica, or restore the right key from your key backup", keyFile))
}
