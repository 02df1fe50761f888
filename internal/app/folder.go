package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/allmende/allmende/internal/filelock"
	"github.com/allmende/allmende/internal/store"
)

// ErrFolderInUse is returned by Open when another server process has the
// data folder.
var ErrFolderInUse = errors.New("data folder in use")

// ErrNoCooperative is returned by Open with MustExist when the data folder
// or database holds no cooperative.
var ErrNoCooperative = errors.New("no cooperative")

// lockFile is the data folder's lock, held by the one server that runs on
// it. The transparency log and the blobs are plain files in the folder,
// and two writers of one log publish events twice; that holds whether the
// database is the folder's SQLite file or a PostgreSQL server that several
// replicas share (each replica then has a folder of its own).
const lockFile = ".lock"

// lockDataDir takes the data folder's lock for the life of the process (or
// until Close), without waiting.
func lockDataDir(dir string) (*filelock.Lock, error) {
	l, err := filelock.Acquire(filepath.Join(dir, lockFile))
	var held *filelock.HeldError
	if errors.As(err, &held) {
		who := "another allmende process"
		if held.PID > 0 {
			who = fmt.Sprintf("%s (pid %d)", who, held.PID)
		}
		return nil, folderInUse(fmt.Sprintf("the data folder %s is in use by %s; stop it first or choose another --data", dir, who))
	}
	if err != nil {
		return nil, fmt.Errorf("data folder %s: %w", dir, err)
	}
	return l, nil
}

// folderInUse is ErrFolderInUse with a message that reads as one sentence.
type folderInUse string

func (e folderInUse) Error() string        { return string(e) }
func (e folderInUse) Is(target error) bool { return target == ErrFolderInUse }

// checkCooperative refuses, before anything is created, a data folder that
// holds no cooperative. A cooperative is its database at a migrated schema
// (the folder's allmende.db, or the PostgreSQL database of --db; store.Open
// checks the schema) and its vault key: without the key nothing sealed in
// the database can be opened, and a new one would be made in its place.
func checkCooperative(cfg Config) error {
	st, err := os.Stat(cfg.DataDir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w in %s: the folder does not exist; check --data (serve or steward creates a cooperative)", ErrNoCooperative, cfg.DataDir)
	case err != nil:
		return fmt.Errorf("cannot use data folder %s: %v; check --data", cfg.DataDir, unwrapPathError(err))
	case !st.IsDir():
		return fmt.Errorf("%w in %s: it is a file, not a folder; check --data", ErrNoCooperative, cfg.DataDir)
	}
	if cfg.DB == "" {
		if _, err := os.Stat(filepath.Join(cfg.DataDir, "allmende.db")); errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%w in %s: the folder has no allmende.db; check --data (or --db for a cooperative on PostgreSQL)", ErrNoCooperative, cfg.DataDir)
		}
	}
	if cfg.VaultKeyFile != "" {
		if _, err := os.Stat(cfg.VaultKeyFile); errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%w: the vault key %s does not exist; check --vault-key, or restore the key from your key backup", ErrNoCooperative, cfg.VaultKeyFile)
		}
	} else if _, err := os.Stat(filepath.Join(cfg.DataDir, "vault.key")); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w in %s: the folder has no vault.key, the cooperative's key; check --data, or restore the key from your key backup", ErrNoCooperative, cfg.DataDir)
	}
	return nil
}

// cooperativeWhere names where a cooperative was looked for, for errors.
func cooperativeWhere(cfg Config) string {
	if cfg.DB != "" {
		return "the --db database"
	}
	return cfg.DataDir
}

// noSchema turns the store's finding into the app's error.
func noSchema(cfg Config, err error) error {
	if errors.Is(err, store.ErrNoSchema) {
		return fmt.Errorf("%w in %s: %w", ErrNoCooperative, cooperativeWhere(cfg), err)
	}
	return err
}
