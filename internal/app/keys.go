package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/tlog"
	"github.com/allmende/allmende/internal/vault"
)

// A cooperative has two secrets: the vault key, which wraps every member's
// key, and the log's signing key. An embedded cooperative keeps both in its
// data folder and makes them on first start. Replicas that share a
// PostgreSQL database must share the keys too — a replica with a vault key
// of its own seals what the others cannot open, one with a log key of its
// own publishes a second log — so there each is a file every replica is
// given (Config.VaultKeyFile, Config.LogKeyFile; allmende keys init writes
// them once), never made by a server. The first server to start records
// what each key looks like from outside in the database (key_checks: the
// vault key's check value, the log's public key), and every later start
// compares and refuses a different key.

// ErrKeysExist is returned by InitKeys when a key file is already there.
var ErrKeysExist = errors.New("key file exists")

// ErrLogKeyMismatch is returned by Open for a log key other than the one
// the cooperative's database recorded.
var ErrLogKeyMismatch = errors.New("log key differs from this cooperative's")

// logCheckName is the log's row in key_checks.
const logCheckName = "log"

// vaultKeyFile is where the vault key is read from.
func (cfg Config) vaultKeyFile() string {
	if cfg.VaultKeyFile != "" {
		return cfg.VaultKeyFile
	}
	return filepath.Join(cfg.DataDir, "vault.key")
}

// logKeyFile is where the log's signing key is read from.
func (cfg Config) logKeyFile() string {
	if cfg.LogKeyFile != "" {
		return cfg.LogKeyFile
	}
	return filepath.Join(cfg.DataDir, "log.key")
}

// checkKeyConfig refuses, before anything is created, a cooperative on
// PostgreSQL that is not given its keys: its server would make keys of its
// own, which no other replica has.
func checkKeyConfig(cfg Config) error {
	if cfg.DB == "" {
		return nil
	}
	var missing []string
	if cfg.VaultKeyFile == "" {
		missing = append(missing, "--vault-key FILE (or ALLMENDE_VAULT_KEY_FILE)")
	}
	if cfg.LogKeyFile == "" && !cfg.Offline {
		missing = append(missing, "--log-key FILE (or ALLMENDE_LOG_KEY_FILE)")
	}
	if len(missing) == 0 {
		return nil
	}
	hint := ""
	var here []string
	for _, name := range []string{"vault.key", "log.key"} {
		if p := filepath.Join(cfg.DataDir, name); fileExists(p) {
			here = append(here, p)
		}
	}
	if len(here) > 0 {
		hint = fmt.Sprintf(" (the keys this server used so far are %s)", strings.Join(here, " and "))
	}
	return fmt.Errorf("a cooperative on PostgreSQL (--db) needs %s: every replica on the database is given the same keys and none makes its own; write them once with 'allmende keys init --out DIR'%s", strings.Join(missing, " and "), hint)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// openVault opens the vault with the configured key: made on first start
// in the data folder, or a given file that must exist.
func openVault(db *store.DB, cfg Config) (*vault.Vault, error) {
	if cfg.VaultKeyFile != "" {
		return vault.OpenShared(db, cfg.VaultKeyFile)
	}
	return vault.Open(db, cfg.vaultKeyFile())
}

// checkLogKey compares the log key with the public key the database
// recorded, before the log opens and signs anything with it.
func checkLogKey(ctx context.Context, db *store.DB, cfg Config) error {
	recorded, err := recordedLogKey(ctx, db)
	if err != nil {
		return err
	}
	keyFile := cfg.logKeyFile()
	if !fileExists(keyFile) {
		switch {
		case recorded != "" && cfg.LogKeyFile == "":
			return fmt.Errorf("log key %s is missing, but this cooperative's log has the public key %s: give this server that key (restore it from your key backup, or copy the file the other replicas are given); a new key would start a second log", keyFile, recorded)
		case cfg.LogKeyFile != "":
			return fmt.Errorf("log key %s does not exist: give this server the same --log-key file as every other replica; a replica on a shared database never makes its own key (a new cooperative's keys are written once with 'allmende keys init --out DIR')", keyFile)
		}
		return nil // an embedded log makes its key on first start
	}
	vkey, err := tlog.PublicKey(keyFile)
	if err != nil {
		return fmt.Errorf("transparency log: %w", err)
	}
	if recorded != "" && recorded != vkey {
		return logKeyMismatch(keyFile, vkey, recorded)
	}
	return nil
}

// recordLogKey records the open log's public key unless one is recorded,
// and compares: of two servers that started at once with different keys,
// the second to record is refused.
func recordLogKey(ctx context.Context, db *store.DB, cfg Config, vkey string) error {
	err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO key_checks (name, value, recorded_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`,
			logCheckName, vkey, store.Now())
		return err
	})
	if err != nil {
		return fmt.Errorf("transparency log: record its public key: %w", err)
	}
	recorded, err := recordedLogKey(ctx, db)
	if err != nil {
		return err
	}
	if recorded != vkey {
		return logKeyMismatch(cfg.logKeyFile(), vkey, recorded)
	}
	return nil
}

func recordedLogKey(ctx context.Context, db *store.DB) (string, error) {
	var v string
	err := db.Read().QueryRowContext(ctx, `SELECT value FROM key_checks WHERE name = $1`, logCheckName).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("transparency log: read the recorded public key: %w", err)
	}
	return v, nil
}

func logKeyMismatch(keyFile, vkey, recorded string) error {
	return fmt.Errorf("%w: log key %s has the public key %s, but this cooperative's log has %s: refusing to start rather than publish a second log; give this server the same --log-key file as every other replica", ErrLogKeyMismatch, keyFile, vkey, recorded)
}

// Keys says where InitKeys wrote a cooperative's keys, and the log's
// public facts; never the secrets.
type Keys struct {
	VaultFile, LogFile string
	// Origin names the log in its checkpoints (the signing key's name).
	Origin string
	// LogPublicKey is the log's note verifier key, as served at /log/key.
	LogPublicKey string
}

// InitKeys writes a new vault key and log signing key into dir (created
// with mode 0700 if missing) as vault.key and log.key, mode 0600, for the
// replicas of a cooperative on a shared database. It never replaces a key:
// if either file exists it writes nothing and returns ErrKeysExist. An
// empty origin means DefaultLogOrigin.
func InitKeys(dir, origin string) (k Keys, err error) {
	if origin == "" {
		origin = DefaultLogOrigin()
	}
	k = Keys{VaultFile: filepath.Join(dir, "vault.key"), LogFile: filepath.Join(dir, "log.key"), Origin: origin}
	var exist []string
	for _, p := range []string{k.VaultFile, k.LogFile} {
		if _, err := os.Lstat(p); err == nil {
			exist = append(exist, p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return k, fmt.Errorf("keys: %w", err)
		}
	}
	if len(exist) > 0 {
		return k, fmt.Errorf("%w: %s already exists; keys init never replaces a key, since the cooperative's sealed data and its log depend on it: choose another --out", ErrKeysExist, strings.Join(exist, " and "))
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return k, fmt.Errorf("keys: cannot create %s: %v", dir, unwrapPathError(err))
	}
	// The log key first: it checks the origin before anything is written.
	if k.LogPublicKey, err = tlog.CreateKey(k.LogFile, origin); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return k, fmt.Errorf("%w: %s appeared while writing; nothing replaced", ErrKeysExist, k.LogFile)
		}
		return k, fmt.Errorf("keys: %w", err)
	}
	if err := vault.CreateKey(k.VaultFile); err != nil {
		os.Remove(k.LogFile)
		if errors.Is(err, fs.ErrExist) {
			return k, fmt.Errorf("%w: %s appeared while writing; nothing replaced", ErrKeysExist, k.VaultFile)
		}
		return k, fmt.Errorf("keys: %w", err)
	}
	return k, nil
}
