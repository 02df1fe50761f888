package tlog

import (
	"crypto/rand"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

// TestCreateKeyForReplicas: the key every replica is given is written once,
// never replaced, and is the key a log opened with it signs with.
func TestCreateKeyForReplicas(t *testing.T) {
	cfg := testConfig(t)
	vkey, err := CreateKey(cfg.KeyFile, testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(cfg.KeyFile); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v", err, st.Mode().Perm())
	}
	before, _ := os.ReadFile(cfg.KeyFile)
	if _, err := CreateKey(cfg.KeyFile, testOrigin); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("CreateKey over a key: %v, want ErrExist", err)
	}
	if after, _ := os.ReadFile(cfg.KeyFile); string(after) != string(before) {
		t.Fatal("CreateKey replaced a key")
	}
	if pub, err := PublicKey(cfg.KeyFile); err != nil || pub != vkey {
		t.Fatalf("PublicKey = %q, %v; want %q", pub, err, vkey)
	}
	if l := openTest(t, cfg); l.VerifierKey() != vkey {
		t.Fatalf("the log signs with %q, want %q", l.VerifierKey(), vkey)
	}

	bad := filepath.Join(t.TempDir(), "log.key")
	if _, err := CreateKey(bad, "coop example/log"); err == nil {
		t.Fatal("a key for an origin with a space")
	}
	if _, err := os.Stat(bad); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("a refused origin left a key behind")
	}
	if _, err := PublicKey(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Fatal("PublicKey of no file")
	}
}

// FuzzParseKey: a key file given to a replica is read by PublicKey before
// anything else; whatever it holds, parsing does not panic, and a key it
// accepts has a verifier that checks its signer's signatures.
func FuzzParseKey(f *testing.F) {
	skey, _, err := note.GenerateKey(rand.Reader, testOrigin)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(skey)
	f.Add("PRIVATE+KEY+x+00000000+")
	f.Add("coop.example/log+3a4b5c6d+AQ==")
	f.Fuzz(func(t *testing.T, skey string) {
		k, err := parseKey(skey)
		if err != nil {
			return
		}
		if k.verifier.Name() != k.signer.Name() || k.verifier.KeyHash() != k.signer.KeyHash() {
			t.Fatalf("verifier %s/%08x for signer %s/%08x", k.verifier.Name(), k.verifier.KeyHash(), k.signer.Name(), k.signer.KeyHash())
		}
		sig, err := k.signer.Sign([]byte("msg\n"))
		if err != nil {
			t.Fatal(err)
		}
		if !k.verifier.Verify([]byte("msg\n"), sig) {
			t.Fatal("the derived verifier rejects the signer's signature")
		}
	})
}
