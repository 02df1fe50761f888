package vault_test

import (
	"errors"
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
		if _, err := vault.Open(db, otherKey); err == nil || !strings.Contains(err.Error(), "does not open") {
			t.Fatalf("foreign server key: %v", err)
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
