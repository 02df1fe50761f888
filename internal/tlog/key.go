package tlog

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// signingKey is the log's checkpoint key: the signer and the public verifier
// key string that clients need (served at /log/key).
type signingKey struct {
	signer   note.Signer
	verifier note.Verifier
	vkey     string
}

// loadKey reads a note private key ("PRIVATE+KEY+<name>+<hash>+<key>") from
// path. The key's name is the checkpoint origin, so a key made for another
// origin is refused rather than silently changing the log's identity.
func loadKey(path, origin string) (*signingKey, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("signing key %s is readable by others (mode %04o); run chmod 600 on it", path, perm)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	k, err := parseKey(strings.TrimSpace(string(raw)))
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", path, err)
	}
	if k.signer.Name() != origin {
		return nil, fmt.Errorf("signing key %s is for origin %q, but the log's origin is %q; the origin is part of the log's identity and cannot change", path, k.signer.Name(), origin)
	}
	return k, nil
}

// parseKey builds the signer and derives its verifier key. x/mod's note
// package cannot derive one from the other, so the Ed25519 seed is decoded
// here and the result is checked against the signer's key hash.
func parseKey(skey string) (*signingKey, error) {
	signer, err := note.NewSigner(skey)
	if err != nil {
		return nil, fmt.Errorf("not a note signing key: %w", err)
	}
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 {
		return nil, errors.New("not a note signing key")
	}
	seed, err := base64.StdEncoding.DecodeString(parts[4])
	const algEd25519 = 1
	if err != nil || len(seed) != 1+ed25519.SeedSize || seed[0] != algEd25519 {
		return nil, errors.New("not an Ed25519 note signing key")
	}
	pub := ed25519.NewKeyFromSeed(seed[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(signer.Name(), pub)
	if err != nil {
		return nil, fmt.Errorf("deriving the verifier key: %w", err)
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("deriving the verifier key: %w", err)
	}
	if verifier.KeyHash() != signer.KeyHash() {
		return nil, errors.New("derived verifier key does not match the signing key's hash")
	}
	return &signingKey{signer: signer, verifier: verifier, vkey: vkey}, nil
}

// createKey generates a key named origin and writes it to path with mode
// 0600. The key is written to a temporary file and hard-linked into place,
// so a crash leaves either no key file or a complete one, and two processes
// starting at once cannot both create a key.
func createKey(path, origin string) (err error) {
	skey, _, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		return fmt.Errorf("generating signing key for origin %q: %w", origin, err)
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".tmp-log-key-*") // CreateTemp uses mode 0600.
	if err != nil {
		return fmt.Errorf("creating signing key: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if rmErr := os.Remove(tmp); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) && err == nil {
			err = fmt.Errorf("creating signing key: %w", rmErr)
		}
	}()
	if _, err := f.WriteString(skey + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("creating signing key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("creating signing key: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("creating signing key: %w", err)
	}
	if err := os.Link(tmp, path); err != nil {
		return fmt.Errorf("creating signing key: %w", err)
	}
	return syncDir(dir)
}

// syncDir makes a new directory entry durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// KeyOrigin returns the origin an existing signing key was made for, so a
// server that is not told its origin keeps the one it started with (a
// renamed host must not change the log's identity).
func KeyOrigin(path string) (string, error) {
	k, err := readKey(path)
	if err != nil {
		return "", err
	}
	return k.signer.Name(), nil
}

// CreateKey writes a new signing key for origin to path (mode 0600), for a
// log whose replicas are all given the same key, and returns its public
// verifier key. It never replaces a key: an existing file gives an error
// wrapping fs.ErrExist.
func CreateKey(path, origin string) (vkey string, err error) {
	if err := checkOrigin(origin); err != nil {
		return "", err
	}
	if err := createKey(path, origin); err != nil {
		return "", err
	}
	return PublicKey(path)
}

// PublicKey returns the verifier key (as served at /log/key) of the
// signing key in path, so that a server can compare it with the one its
// cooperative recorded before it signs anything.
func PublicKey(path string) (string, error) {
	k, err := readKey(path)
	if err != nil {
		return "", err
	}
	return k.vkey, nil
}

// readKey reads and parses the signing key file at path.
func readKey(path string) (*signingKey, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	k, err := parseKey(strings.TrimSpace(string(raw)))
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", path, err)
	}
	return k, nil
}
