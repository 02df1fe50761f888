package vault

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// secretPrefix marks a sealed secret in a text column, so that a value
// written before sealing existed is told apart from ciphertext.
const secretPrefix = "sealed:"

// SealSecret encrypts a server-side secret (an upstream API key) with the
// server key, bound to what it belongs to, for a text column: a copy of the
// database alone does not reveal it.
func (v *Vault) SealSecret(plaintext, owner string) string {
	if plaintext == "" {
		return ""
	}
	nonce := make([]byte, v.server.NonceSize())
	rand.Read(nonce)
	sealed := v.server.Seal(nonce, nonce, []byte(plaintext), []byte("secret:"+owner))
	return secretPrefix + base64.RawStdEncoding.EncodeToString(sealed)
}

// OpenSecret decrypts what SealSecret produced for the same owner.
func (v *Vault) OpenSecret(sealed, owner string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	b64, ok := strings.CutPrefix(sealed, secretPrefix)
	if !ok {
		return "", errors.New("vault: the secret is not sealed")
	}
	raw, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil || len(raw) < v.server.NonceSize()+v.server.Overhead() {
		return "", errors.New("vault: the sealed secret is damaged")
	}
	n := v.server.NonceSize()
	out, err := v.server.Open(nil, raw[:n], raw[n:], []byte("secret:"+owner))
	if err != nil {
		return "", fmt.Errorf("vault: open secret: %w", err)
	}
	return string(out), nil
}
