package vault_test

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/vault"
)

func TestKeysWrapAndShred(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		keyFile := filepath.Join(t.TempDir(), "vault.key")
		v, err := vault.Open(db, keyFile)
		if err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(keyFile); err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("key file mode: %v %v", st.Mode(), err)
		}
		var member int64
		db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRowContext(ctx, `INSERT INTO members (public_id, email, name, password_hash, role, created_at) VALUES ('m-a', 'a@example.org', 'A', 'x', 'member', 0) RETURNING id`).Scan(&member)
		})
		var id1, id2 int64
		var k1 []byte
		err = db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			if id1, k1, err = v.NewContentKey(ctx, tx, member); err != nil {
				return err
			}
			id2, _, err = v.NewContentKey(ctx, tx, member)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		sealed, err := vault.Seal(k1, []byte("secret"), []byte("c-1"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := vault.Unseal(k1, sealed, []byte("c-2")); err == nil {
			t.Fatal("opened with the wrong associated data")
		}
		again, err := v.ContentKey(ctx, db.Read(), id1)
		if err != nil {
			t.Fatal(err)
		}
		if plain, err := vault.Unseal(again, sealed, []byte("c-1")); err != nil || string(plain) != "secret" {
			t.Fatalf("unseal: %q %v", plain, err)
		}
		// Another server key cannot open the member keys: the vault does
		// not open with it, and a lost key file is not silently replaced.
		otherKey := filepath.Join(t.TempDir(), "other.key")
		if err := os.WriteFile(otherKey, make([]byte, 32), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := vault.Open(db, otherKey); !errors.Is(err, vault.ErrKeyMismatch) {
			t.Fatalf("foreign server key: %v, want ErrKeyMismatch", err)
		}
		// A cooperative from before check values were recorded: the
		// member keys still refuse the foreign key, and the right key is
		// recorded once it has opened one.
		forget := func() {
			db.InTx(ctx, func(tx *store.Tx) error { _, err := tx.ExecContext(ctx, `DELETE FROM key_checks`); return err })
		}
		forget()
		if _, err := vault.Open(db, otherKey); err == nil || !strings.Contains(err.Error(), "does not open") {
			t.Fatalf("foreign server key, nothing recorded: %v", err)
		}
		var recorded int
		if db.Read().QueryRowContext(ctx, `SELECT count(*) FROM key_checks`).Scan(&recorded); recorded != 0 {
			t.Fatal("a key that does not open the member keys was recorded")
		}
		if _, err := vault.Open(db, keyFile); err != nil {
			t.Fatal(err)
		}
		if db.Read().QueryRowContext(ctx, `SELECT count(*) FROM key_checks WHERE name = 'vault'`).Scan(&recorded); recorded != 1 {
			t.Fatal("the right key was not recorded")
		}
		lost := filepath.Join(t.TempDir(), "vault.key")
		if _, err := vault.Open(db, lost); err == nil || !strings.Contains(err.Error(), "is missing") {
			t.Fatalf("missing server key: %v", err)
		}
		if _, err := os.Stat(lost); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("a new key was written for a database sealed with another: %v", err)
		}
		if _, err := vault.Open(db, keyFile); err != nil {
			t.Fatalf("the right key: %v", err)
		}
		db.InTx(ctx, func(tx *store.Tx) error { return v.DestroyContentKey(ctx, tx, id1) })
		if _, err := v.ContentKey(ctx, db.Read(), id1); !errors.Is(err, vault.ErrShredded) {
			t.Fatalf("destroyed key: %v", err)
		}
		if _, err := v.ContentKey(ctx, db.Read(), id2); err != nil {
			t.Fatalf("the other key went too: %v", err)
		}
		db.InTx(ctx, func(tx *store.Tx) error { return v.DestroyMemberKeys(ctx, tx, member) })
		if _, err := v.ContentKey(ctx, db.Read(), id2); !errors.Is(err, vault.ErrShredded) {
			t.Fatalf("after the member key went: %v", err)
		}
	})
}

func TestKeyFileProblems(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	dir := t.TempDir()
	short := filepath.Join(dir, "short.key")
	os.WriteFile(short, []byte("too short"), 0o600)
	if _, err := vault.Open(db, short); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("damaged key: %v", err)
	}
	open := filepath.Join(dir, "open.key")
	os.WriteFile(open, make([]byte, 32), 0o644)
	if _, err := vault.Open(db, open); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable key: %v", err)
	}
}

func TestSecretsAreSealedAndBound(t *testing.T) {
	v, err := vault.Open(storetest.Open(t, store.SQLite), filepath.Join(t.TempDir(), "vault.key"))
	if err != nil {
		t.Fatal(err)
	}
	sealed := v.SealSecret("sk-upstream-123", "model:a")
	if strings.Contains(sealed, "sk-upstream") || !strings.HasPrefix(sealed, "sealed:") {
		t.Fatalf("secret stored readable: %q", sealed)
	}
	if got, err := v.OpenSecret(sealed, "model:a"); err != nil || got != "sk-upstream-123" {
		t.Fatalf("open = %q, %v", got, err)
	}
	if _, err := v.OpenSecret(sealed, "model:b"); err == nil {
		t.Fatal("a secret opened for another owner")
	}
	if _, err := v.OpenSecret("sk-plain", "model:a"); err == nil {
		t.Fatal("an unsealed value passed as sealed")
	}
	if got, err := v.OpenSecret(v.SealSecret("", "x"), "x"); err != nil || got != "" {
		t.Fatalf("empty secret = %q, %v", got, err)
	}
}

// TestSharedKeyIsGivenNeverMade: replicas of a cooperative on one database
// are all given the vault key; one given none, or another, refuses to
// start before anything is sealed — also on a database with no member keys
// yet, where only the recorded check value tells the keys apart.
func TestSharedKeyIsGivenNeverMade(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		dir := t.TempDir()
		missing := filepath.Join(dir, "missing.key")
		if _, err := vault.OpenShared(db, missing); err == nil || !strings.Contains(err.Error(), "vault key "+missing+" does not exist: give this server the same --vault-key file") {
			t.Fatalf("missing shared key: %v", err)
		}
		if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
			t.Fatal("OpenShared made a key")
		}
		shared := filepath.Join(dir, "vault.key")
		if err := vault.CreateKey(shared); err != nil {
			t.Fatal(err)
		}
		key, _ := os.ReadFile(shared)
		if err := vault.CreateKey(shared); !errors.Is(err, os.ErrExist) {
			t.Fatalf("CreateKey over a key: %v, want ErrExist", err)
		}
		if again, _ := os.ReadFile(shared); string(again) != string(key) {
			t.Fatal("CreateKey replaced a key")
		}
		if _, err := vault.OpenShared(db, shared); err != nil {
			t.Fatal(err)
		}
		if _, err := vault.OpenShared(db, shared); err != nil {
			t.Fatalf("a second replica with the same key: %v", err)
		}
		var check string
		db.Read().QueryRowContext(t.Context(), `SELECT value FROM key_checks WHERE name = 'vault'`).Scan(&check)
		if !strings.HasPrefix(check, "hmac-sha256:") || len(check) != len("hmac-sha256:")+64 || strings.Contains(check, hex.EncodeToString(key)) {
			t.Fatalf("recorded check %q", check)
		}
		other := filepath.Join(dir, "other.key")
		vault.CreateKey(other)
		_, err := vault.OpenShared(db, other)
		if !errors.Is(err, vault.ErrKeyMismatch) || !strings.Contains(err.Error(), "vault key "+other+" is not the key this cooperative's database was started with") {
			t.Fatalf("another key: %v", err)
		}
		// Open, which makes a key where there is none, does not make one
		// for a database that recorded another.
		made := filepath.Join(dir, "made.key")
		if _, err := vault.Open(db, made); err == nil || !strings.Contains(err.Error(), "recorded the key it was started with") {
			t.Fatalf("Open without the key: %v", err)
		}
		if _, err := os.Stat(made); !errors.Is(err, os.ErrNotExist) {
			t.Fatal("Open made a key for a database that recorded another")
		}
	})
}

// TestFirstStartRaceHasOneWinner: replicas started at once on a new
// database with different keys (a deployment mistake) must not each record
// their own: exactly one key is the cooperative's, the others are refused.
func TestFirstStartRaceHasOneWinner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		dir := t.TempDir()
		const n = 4
		errs := make(chan error, n)
		for i := range n {
			key := filepath.Join(dir, fmt.Sprintf("vault-%d.key", i))
			if err := vault.CreateKey(key); err != nil {
				t.Fatal(err)
			}
			go func() { _, err := vault.OpenShared(db, key); errs <- err }()
		}
		var ok, refused int
		for range n {
			switch err := <-errs; {
			case err == nil:
				ok++
			case errors.Is(err, vault.ErrKeyMismatch):
				refused++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != 1 || refused != n-1 {
			t.Fatalf("%d started, %d refused; want 1 and %d", ok, refused, n-1)
		}
	})
}
