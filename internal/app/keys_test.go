package app_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/vault"
)

// replica is the configuration of one server of a cooperative on the
// PostgreSQL database db, with its own data folder and the given keys.
func replica(t *testing.T, db string, keys app.Keys) app.Config {
	return app.Config{DataDir: t.TempDir(), DB: db, VaultKeyFile: keys.VaultFile, LogKeyFile: keys.LogFile, ReplayBrowser: "none"}
}

func initKeys(t *testing.T) app.Keys {
	t.Helper()
	k, err := app.InitKeys(filepath.Join(t.TempDir(), "keys"), "coop.example/log")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestReplicasShareTheirKeys is issue 18's first finding: two replicas on
// one PostgreSQL database each made their own vault.key and log.key, and a
// contribution sent to the second failed with "key of member 1 does not
// open with this server's key". Given the same key files, both start, and
// what one sealed the other opens; a replica given another vault key or
// another log key refuses to start, saying which key and what to do.
func TestReplicasShareTheirKeys(t *testing.T) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skip(storetest.EnvPostgres + " is not set")
	}
	ctx := t.Context()
	db := storetest.URL(t, store.Postgres)
	keys := initKeys(t)

	first, err := app.Open(ctx, replica(t, db, keys), quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	second, err := app.Open(ctx, replica(t, db, keys), quiet)
	if err != nil {
		t.Fatalf("a second replica with the same keys: %v", err)
	}
	defer second.Close()
	if first.Log.VerifierKey() != keys.LogPublicKey || second.Log.VerifierKey() != keys.LogPublicKey {
		t.Fatalf("log keys %q and %q, want both %q", first.Log.VerifierKey(), second.Log.VerifierKey(), keys.LogPublicKey)
	}

	ada, err := first.Members.Found(ctx, "ada@example.org", "Ada", "correct horse battery", member.RoleRequester)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := first.Datanets.Create(ctx, ada, datanet.Datanet{Slug: "notes", Name: "Notes", Domain: "d", Client: "c", Purpose: "p", Licence: "l", RecordKind: datanet.KindText}); err != nil {
		t.Fatal(err)
	}
	if _, err := first.Datanets.ConsentAction(ctx, ada.ID, "notes", "grant"); err != nil {
		t.Fatal(err)
	}
	notes, err := first.Datanets.BySlug(ctx, "notes")
	if err != nil {
		t.Fatal(err)
	}
	const text = "sealed through the first replica, read through the second"
	sub, err := notes.ParseRecords(datanet.FormatJSON, strings.NewReader(`{"text":"`+text+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := first.Datanets.Contribute(ctx, ada.ID, "notes", sub, datanet.IntakeOptions{}); err != nil {
		t.Fatal(err)
	}
	var publicID string
	if err := second.DB.Read().QueryRowContext(ctx, `SELECT public_id FROM contributions`).Scan(&publicID); err != nil {
		t.Fatal(err)
	}
	got, err := second.Datanets.RecordText(ctx, notes.ID, publicID)
	if err != nil || !strings.Contains(got, text) {
		t.Fatalf("the second replica reads %q, %v; want the text sealed through the first", got, err)
	}

	t.Run("another vault key", func(t *testing.T) {
		other := initKeys(t)
		cfg := replica(t, db, keys)
		cfg.VaultKeyFile = other.VaultFile
		a, err := app.Open(ctx, cfg, quiet)
		if err == nil {
			a.Close()
			t.Fatal("a replica with another vault key started")
		}
		if !errors.Is(err, vault.ErrKeyMismatch) || !strings.Contains(err.Error(), "vault key "+other.VaultFile+" is not the key this cooperative's database was started with") ||
			!strings.Contains(err.Error(), "give it the same --vault-key file as every other replica") {
			t.Fatalf("err = %v", err)
		}
		if _, err := os.Stat(filepath.Join(cfg.DataDir, "log")); err == nil {
			t.Error("the refused replica opened a log")
		}
	})
	t.Run("another log key", func(t *testing.T) {
		other := initKeys(t)
		cfg := replica(t, db, keys)
		cfg.LogKeyFile = other.LogFile
		a, err := app.Open(ctx, cfg, quiet)
		if err == nil {
			a.Close()
			t.Fatal("a replica with another log key started")
		}
		want := "log key " + other.LogFile + " has the public key " + other.LogPublicKey + ", but this cooperative's log has " + keys.LogPublicKey + ": refusing to start rather than publish a second log"
		if !errors.Is(err, app.ErrLogKeyMismatch) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "--log-key") {
			t.Fatalf("err = %v\nwant it to say %q", err, want)
		}
		if _, err := os.Stat(filepath.Join(cfg.DataDir, "log")); err == nil {
			t.Error("the refused replica opened a log")
		}
	})
	t.Run("a key file that does not exist", func(t *testing.T) {
		for _, which := range []string{"vault", "log"} {
			cfg := replica(t, db, keys)
			missing := filepath.Join(t.TempDir(), which+".key")
			if which == "vault" {
				cfg.VaultKeyFile = missing
			} else {
				cfg.LogKeyFile = missing
			}
			a, err := app.Open(ctx, cfg, quiet)
			if err == nil {
				a.Close()
				t.Fatalf("a replica with no %s key file started", which)
			}
			if _, serr := os.Stat(missing); serr == nil {
				t.Errorf("Open made a %s key of its own", which)
			}
			if want := which + " key " + missing + " does not exist: give this server the same --" + which + "-key file as every other replica"; !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "allmende keys init --out DIR") {
				t.Errorf("%s: err = %v", which, err)
			}
		}
	})
}

// TestSharedDatabaseNeedsKeyFiles: a server on PostgreSQL that is not
// given the key files would make its own; it is refused before anything
// is created, in one line naming the flags.
func TestSharedDatabaseNeedsKeyFiles(t *testing.T) {
	keys := initKeys(t)
	tests := []struct {
		name      string
		cfg       app.Config
		want, not string
	}{
		{"neither", app.Config{}, "needs --vault-key FILE (or ALLMENDE_VAULT_KEY_FILE) and --log-key FILE (or ALLMENDE_LOG_KEY_FILE)", ""},
		{"no vault key", app.Config{LogKeyFile: keys.LogFile}, "needs --vault-key FILE", "--log-key"},
		{"no log key", app.Config{VaultKeyFile: keys.VaultFile}, "needs --log-key FILE", "--vault-key"},
		{"an offline tool needs only the vault key", app.Config{Offline: true}, "needs --vault-key FILE (or ALLMENDE_VAULT_KEY_FILE): every replica", "--log-key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.DataDir = filepath.Join(t.TempDir(), "data")
			// Never reached: the check comes first.
			cfg.DB = "postgres://nobody@127.0.0.1:1/none"
			a, err := app.Open(t.Context(), cfg, quiet)
			if err == nil {
				a.Close()
				t.Fatal("Open succeeded")
			}
			msg := err.Error()
			if !strings.Contains(msg, "a cooperative on PostgreSQL (--db) "+tt.want) || !strings.Contains(msg, "allmende keys init --out DIR") ||
				(tt.not != "" && strings.Contains(msg, tt.not)) || strings.Contains(msg, "\n") {
				t.Fatalf("err = %q, want one line saying %q and not %q", msg, tt.want, tt.not)
			}
			if _, err := os.Stat(cfg.DataDir); err == nil {
				t.Error("the refused Open created the data folder")
			}
		})
	}
}

// TestInitKeysNeverReplacesAKey: a replaced vault key makes everything
// sealed unreadable, a replaced log key starts another log.
func TestInitKeysNeverReplacesAKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	k, err := app.InitKeys(dir, "coop.example/log")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{k.VaultFile, k.LogFile} {
		st, err := os.Stat(p)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v, mode %v; want 0600", p, err, st.Mode().Perm())
		}
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
		t.Errorf("key folder mode %v, want 0700", st.Mode().Perm())
	}
	if !strings.HasPrefix(k.LogPublicKey, "coop.example/log+") || k.Origin != "coop.example/log" {
		t.Errorf("public key %q, origin %q", k.LogPublicKey, k.Origin)
	}
	vaultKey, _ := os.ReadFile(k.VaultFile)
	logKey, _ := os.ReadFile(k.LogFile)

	_, err = app.InitKeys(dir, "coop.example/log")
	if !errors.Is(err, app.ErrKeysExist) || !strings.Contains(err.Error(), k.VaultFile+" and "+k.LogFile+" already exists") {
		t.Fatalf("second InitKeys: %v, want ErrKeysExist naming both files", err)
	}
	// With only one of them there, the other is not written either.
	os.Remove(k.LogFile)
	if _, err = app.InitKeys(dir, "coop.example/log"); !errors.Is(err, app.ErrKeysExist) {
		t.Fatalf("InitKeys beside a vault key: %v", err)
	}
	if _, err := os.Stat(k.LogFile); err == nil {
		t.Error("InitKeys wrote a log key beside an existing vault key")
	}
	if now, _ := os.ReadFile(k.VaultFile); !bytes.Equal(now, vaultKey) || len(vaultKey) != 32 {
		t.Error("the vault key changed")
	}
	if len(logKey) == 0 {
		t.Error("empty log key")
	}

	// A bad origin writes nothing.
	bad := filepath.Join(t.TempDir(), "bad")
	if _, err := app.InitKeys(bad, "coop example"); err == nil || !strings.Contains(err.Error(), "without spaces") {
		t.Fatalf("bad origin: %v", err)
	}
	for _, name := range []string{"vault.key", "log.key"} {
		if _, err := os.Stat(filepath.Join(bad, name)); err == nil {
			t.Errorf("a bad origin left %s behind", name)
		}
	}
}

// TestEmbeddedKeysAreRecorded: an embedded cooperative keeps making its
// keys in the data folder on first start, and records what they look like;
// an old cooperative (sealed keys, nothing recorded) has its vault key
// recorded once it proved to open a member key. A key file lost later is
// not silently replaced by a new one.
func TestEmbeddedKeysAreRecorded(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			ctx := t.Context()
			cfg := app.Config{DataDir: t.TempDir(), ReplayBrowser: "none"}
			if d == store.Postgres {
				keys := initKeys(t)
				cfg.DB, cfg.VaultKeyFile, cfg.LogKeyFile = storetest.URL(t, d), keys.VaultFile, keys.LogFile
			}
			a, err := app.Open(ctx, cfg, quiet)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Members.Found(ctx, "ada@example.org", "Ada", "correct horse battery", member.RoleRequester); err != nil {
				t.Fatal(err)
			}
			var adaID int64
			a.DB.Read().QueryRowContext(ctx, `SELECT id FROM members`).Scan(&adaID)
			if err := a.DB.InTx(ctx, func(tx *store.Tx) error { _, _, err := a.Vault.NewContentKey(ctx, tx, adaID); return err }); err != nil {
				t.Fatal(err)
			}
			checks := func() map[string]string {
				m := map[string]string{}
				rows, err := a.DB.Read().QueryContext(ctx, `SELECT name, value FROM key_checks`)
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				for rows.Next() {
					var n, v string
					rows.Scan(&n, &v)
					m[n] = v
				}
				return m
			}
			first := checks()
			if !strings.HasPrefix(first["vault"], "hmac-sha256:") || first["log"] != a.Log.VerifierKey() {
				t.Fatalf("recorded %v", first)
			}
			key, _ := os.ReadFile(vaultFile(cfg))
			if len(key) != 32 || strings.Contains(first["vault"], hex.EncodeToString(key)) {
				t.Fatal("the recorded check holds the key")
			}
			// An old cooperative: sealed keys, nothing recorded.
			if err := a.DB.InTx(ctx, func(tx *store.Tx) error { _, err := tx.ExecContext(ctx, `DELETE FROM key_checks`); return err }); err != nil {
				t.Fatal(err)
			}
			a.Close()
			a, err = app.Open(ctx, cfg, quiet)
			if err != nil {
				t.Fatal(err)
			}
			if again := checks(); again["vault"] != first["vault"] || again["log"] != first["log"] {
				t.Fatalf("recorded again %v, first %v", again, first)
			}
			a.Close()
			if d == store.Postgres {
				return
			}
			// The log key lost with the log: a new one would start a
			// second log.
			os.Remove(filepath.Join(cfg.DataDir, "log.key"))
			os.RemoveAll(filepath.Join(cfg.DataDir, "log"))
			_, err = app.Open(ctx, cfg, quiet)
			if err == nil || !strings.Contains(err.Error(), "log.key is missing, but this cooperative's log has the public key "+first["log"]) {
				t.Fatalf("Open without the log key: %v", err)
			}
			if _, err := os.Stat(filepath.Join(cfg.DataDir, "log.key")); err == nil {
				t.Fatal("Open made a new log key")
			}
		})
	}
}

func vaultFile(cfg app.Config) string {
	if cfg.VaultKeyFile != "" {
		return cfg.VaultKeyFile
	}
	return filepath.Join(cfg.DataDir, "vault.key")
}

// TestUpgradeHintNamesTheFolderKeys: a cooperative that ran on PostgreSQL
// with its keys in --data is told which files to pass.
func TestUpgradeHintNamesTheFolderKeys(t *testing.T) {
	dir := t.TempDir()
	if _, err := app.InitKeys(dir, ""); err != nil {
		t.Fatal(err)
	}
	_, err := app.Open(t.Context(), app.Config{DataDir: dir, DB: "postgres://nobody@127.0.0.1:1/none"}, quiet)
	want := "(the keys this server used so far are " + filepath.Join(dir, "vault.key") + " and " + filepath.Join(dir, "log.key") + ")"
	if err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Fatalf("err = %v, want it to end %q", err, want)
	}
}
