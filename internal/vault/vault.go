// Package vault keeps the keys that protect members' content, so that
// erasing it is irreversible (crypto-shredding).
//
// Three layers of AES-256-GCM keys: a server key in a file (mode 0600; in
// the data folder, or given to every replica of a cooperative on a shared
// database) wraps one key per member; each member key wraps one key
// per piece of content (a contribution, its image); the content key encrypts
// the content. Erasing a contribution deletes its content key; a member who
// leaves loses their member key, which makes every content key they ever had
// useless, wherever a copy of it survives. Backups (allmende backup) never
// contain member or content keys, so an old backup cannot bring erased
// content back: it holds only ciphertext.
package vault

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/allmende/allmende/internal/store"
)

// keySize is AES-256.
const keySize = 32

// ErrShredded is returned for content whose key was destroyed: it is gone
// for good.
var ErrShredded = errors.New("vault: the key of this content was destroyed")

// Vault wraps and unwraps keys.
type Vault struct {
	db     *store.DB
	server cipher.AEAD
}

// Open loads the server key from keyFile, creating it (mode 0600) on first
// start: the embedded cooperative, whose key lives in its data folder.
//
// A database that already holds member keys needs the key that wrapped
// them: Open refuses to make a new key for it, or to go on with a key that
// does not open them, because everything sealed would become unreadable —
// silently, and for good. The same holds for a database that recorded the
// check value of its key (see OpenShared).
func Open(db *store.DB, keyFile string) (*Vault, error) { return openVault(db, keyFile, true) }

// OpenShared loads the server key from keyFile, which must exist: the key
// of a cooperative whose database several replicas share, given to each of
// them (allmende keys init writes it once). A replica never makes a key of
// its own there, or what it sealed would not open on the others.
//
// The first server to start records a check value of its key in the
// database (HMAC-SHA256 of a fixed text under the key, which reveals
// nothing of it); every later start, with Open as with OpenShared, refuses
// a key whose check value differs.
func OpenShared(db *store.DB, keyFile string) (*Vault, error) { return openVault(db, keyFile, false) }

func openVault(db *store.DB, keyFile string, create bool) (*Vault, error) {
	ctx := context.Background()
	recorded, err := recordedCheck(ctx, db.Read())
	if err != nil {
		return nil, err
	}
	var memberID int64
	var wrapped []byte
	err = db.Read().QueryRowContext(ctx, `SELECT member_id, wrapped FROM member_keys ORDER BY member_id LIMIT 1`).Scan(&memberID, &wrapped)
	sealed := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("vault: read a member key: %w", err)
	}
	if _, err := os.Stat(keyFile); errors.Is(err, os.ErrNotExist) {
		switch {
		case !create:
			return nil, fmt.Errorf("vault key %s does not exist: give this server the same --vault-key file as every other replica; a replica on a shared database never makes its own key (a new cooperative's keys are written once with 'allmende keys init --out DIR')", keyFile)
		case sealed:
			return nil, fmt.Errorf("vault key %s is missing, but the database holds members' sealed keys: restore the key from your key backup (allmende backup never holds it); a new key would make everything sealed unreadable", keyFile)
		case recorded != "":
			return nil, fmt.Errorf("vault key %s is missing, but the database recorded the key it was started with: give this server that key (restore it from your key backup, or copy the file the other replicas are given)", keyFile)
		}
	}
	var key []byte
	if create {
		key, err = loadOrCreate(keyFile)
	} else {
		key, err = loadKey(keyFile)
	}
	if err != nil {
		return nil, err
	}
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	check := keyCheck(key)
	if recorded != "" && recorded != check {
		return nil, mismatch(keyFile)
	}
	v := &Vault{db: db, server: aead}
	if sealed {
		if n := aead.NonceSize(); len(wrapped) < n {
			return nil, fmt.Errorf("vault: the key of member %d is damaged", memberID)
		} else if _, err := aead.Open(nil, wrapped[:n], wrapped[n:], memberAAD(memberID)); err != nil {
			return nil, fmt.Errorf("vault key %s does not open this database's member keys: it belongs to another cooperative, or was replaced; restore the right key from your key backup", keyFile)
		}
	}
	if recorded == "" {
		// An old cooperative's key is recorded only now that it proved to
		// open a member key. Two replicas starting at once on a new
		// database: the first to insert wins, the other compares.
		if err := recordCheck(ctx, db, check); err != nil {
			return nil, err
		}
		if recorded, err = recordedCheck(ctx, db.Read()); err != nil {
			return nil, err
		}
		if recorded != check {
			return nil, mismatch(keyFile)
		}
	}
	return v, nil
}

func loadKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("vault key: %w", err)
	}
	return checkKey(path, key)
}

func checkKey(path string, key []byte) ([]byte, error) {
	if len(key) != keySize {
		return nil, fmt.Errorf("vault key %s has %d bytes, want %d: it is damaged; restore it from your key backup", path, len(key), keySize)
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("vault key %s is readable by others (mode %04o); run chmod 600 on it", path, st.Mode().Perm())
	}
	return key, nil
}

func loadOrCreate(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err == nil {
		return checkKey(path, key)
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("vault key: %w", err)
	}
	key = make([]byte, keySize)
	rand.Read(key)
	if err := writeKey(path, key); errors.Is(err, os.ErrExist) {
		return loadOrCreate(path)
	} else if err != nil {
		return nil, err
	}
	return key, nil
}

// CreateKey writes a new server key to path (mode 0600), for a cooperative
// whose replicas are all given the same key. It never replaces a key: an
// existing file gives an error wrapping os.ErrExist.
func CreateKey(path string) error {
	key := make([]byte, keySize)
	rand.Read(key)
	return writeKey(path, key)
}

// writeKey writes key to path unless a file is there (os.ErrExist).
func writeKey(path string, key []byte) error {
	// Write aside and link into place: a crash leaves no half key, and two
	// processes starting at once cannot both create one.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".vault-key-*")
	if err != nil {
		return fmt.Errorf("vault key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("vault key: %w", err)
	}
	if _, err := tmp.Write(key); err != nil {
		tmp.Close()
		return fmt.Errorf("vault key: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("vault key: %w", err)
	}
	tmp.Close()
	if err := os.Link(tmp.Name(), path); err != nil {
		return fmt.Errorf("vault key: %w", err)
	}
	return nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	return cipher.NewGCM(block)
}

// Seal encrypts plaintext with key, binding it to aad (which must be given
// again to open it): nonce ‖ ciphertext ‖ tag.
func Seal(key, plaintext, aad []byte) ([]byte, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	rand.Read(nonce)
	return aead.Seal(nonce, nonce, plaintext, aad), nil
}

// Unseal decrypts what Seal produced.
func Unseal(key, sealed, aad []byte) ([]byte, error) { return open(key, sealed, aad) }

func open(key, sealed, aad []byte) ([]byte, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < aead.NonceSize()+aead.Overhead() {
		return nil, errors.New("vault: ciphertext too short")
	}
	n := aead.NonceSize()
	out, err := aead.Open(nil, sealed[:n], sealed[n:], aad)
	if err != nil {
		return nil, fmt.Errorf("vault: decrypt: %w", err)
	}
	return out, nil
}

// NewContentKey makes a fresh key for one piece of a member's content,
// creating the member's key on first use, and returns the key's id (to be
// stored with the ciphertext) and the key itself.
func (v *Vault) NewContentKey(ctx context.Context, tx *store.Tx, memberID int64) (int64, []byte, error) {
	memberKey, err := v.memberKey(ctx, tx, memberID, true)
	if err != nil {
		return 0, nil, err
	}
	key := make([]byte, keySize)
	rand.Read(key)
	wrapped, err := Seal(memberKey, key, []byte("content-key:"+strconv.FormatInt(memberID, 10)))
	if err != nil {
		return 0, nil, err
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO content_keys (member_id, wrapped, created_at) VALUES ($1, $2, $3) RETURNING id`,
		memberID, wrapped, store.Now()).Scan(&id)
	if err != nil {
		return 0, nil, fmt.Errorf("vault: store content key: %w", err)
	}
	return id, key, nil
}

// ContentKey returns the key with the given id, or ErrShredded if it was
// destroyed.
func (v *Vault) ContentKey(ctx context.Context, q store.Querier, keyID int64) ([]byte, error) {
	var memberID int64
	var wrapped []byte
	err := q.QueryRowContext(ctx, `SELECT member_id, wrapped FROM content_keys WHERE id = $1`, keyID).Scan(&memberID, &wrapped)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrShredded
	}
	if err != nil {
		return nil, fmt.Errorf("vault: content key %d: %w", keyID, err)
	}
	memberKey, err := v.memberKeyRead(ctx, q, memberID)
	if err != nil {
		return nil, err
	}
	return open(memberKey, wrapped, []byte("content-key:"+strconv.FormatInt(memberID, 10)))
}

// DestroyContentKey deletes one content key: what it encrypted is gone.
func (v *Vault) DestroyContentKey(ctx context.Context, tx *store.Tx, keyID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM content_keys WHERE id = $1`, keyID); err != nil {
		return fmt.Errorf("vault: destroy content key %d: %w", keyID, err)
	}
	return nil
}

// DestroyMemberKeys deletes a member's key and all their content keys.
func (v *Vault) DestroyMemberKeys(ctx context.Context, tx *store.Tx, memberID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM content_keys WHERE member_id = $1`, memberID); err != nil {
		return fmt.Errorf("vault: destroy content keys of member %d: %w", memberID, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM member_keys WHERE member_id = $1`, memberID); err != nil {
		return fmt.Errorf("vault: destroy key of member %d: %w", memberID, err)
	}
	return nil
}

func (v *Vault) memberKey(ctx context.Context, tx *store.Tx, memberID int64, create bool) ([]byte, error) {
	key, err := v.memberKeyRead(ctx, tx, memberID)
	if !errors.Is(err, ErrShredded) || !create {
		return key, err
	}
	key = make([]byte, keySize)
	rand.Read(key)
	nonce := make([]byte, v.server.NonceSize())
	rand.Read(nonce)
	wrapped := v.server.Seal(nonce, nonce, key, memberAAD(memberID))
	if _, err := tx.ExecContext(ctx, `INSERT INTO member_keys (member_id, wrapped, created_at) VALUES ($1, $2, $3)`, memberID, wrapped, store.Now()); err != nil {
		return nil, fmt.Errorf("vault: store key of member %d: %w", memberID, err)
	}
	return key, nil
}

func (v *Vault) memberKeyRead(ctx context.Context, q store.Querier, memberID int64) ([]byte, error) {
	var wrapped []byte
	err := q.QueryRowContext(ctx, `SELECT wrapped FROM member_keys WHERE member_id = $1`, memberID).Scan(&wrapped)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrShredded
	}
	if err != nil {
		return nil, fmt.Errorf("vault: key of member %d: %w", memberID, err)
	}
	n := v.server.NonceSize()
	if len(wrapped) < n {
		return nil, fmt.Errorf("vault: key of member %d is damaged", memberID)
	}
	key, err := v.server.Open(nil, wrapped[:n], wrapped[n:], memberAAD(memberID))
	if err != nil {
		return nil, fmt.Errorf("vault: key of member %d does not open with this server's key: %w", memberID, err)
	}
	return key, nil
}

func memberAAD(memberID int64) []byte { return []byte("member-key:" + strconv.FormatInt(memberID, 10)) }
