package client

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// A Checkpoint is a verified signed tree head (C2SP tlog-checkpoint).
type Checkpoint struct {
	Origin string
	Size   uint64
	Hash   []byte // RFC 6962 root of the first Size entries
	Note   []byte // the signed note as received
}

// Checkpoint fetches /checkpoint and verifies it.
func (c *Client) Checkpoint(ctx context.Context) (*Checkpoint, error) {
	raw, err := c.fetch(ctx, "checkpoint", maxCheckpointBytes)
	if err != nil {
		return nil, err
	}
	cp, err := OpenCheckpoint(raw, c.verifier)
	if err != nil {
		return nil, fmt.Errorf("checkpoint from %s: %w", c.base.JoinPath("checkpoint"), err)
	}
	return cp, nil
}

// OpenCheckpoint verifies that raw is a checkpoint signed by v and parses
// it. The origin must be v's name. Other signatures (witness cosignatures)
// are allowed and ignored; extension lines after the root are ignored.
func OpenCheckpoint(raw []byte, v note.Verifier) (*Checkpoint, error) {
	n, err := note.Open(raw, note.VerifierList(v))
	if err != nil {
		var unverified *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		if errors.As(err, &unverified) || errors.As(err, &invalid) {
			return nil, fmt.Errorf("%w: no valid signature by %s+%08x", ErrSignature, v.Name(), v.KeyHash())
		}
		// note.Open calls a damaged signature line a malformed note too;
		// either way the signature cannot be trusted.
		return nil, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 {
		return nil, fmt.Errorf("%w: fewer than three lines", ErrCheckpoint)
	}
	if lines[0] != v.Name() {
		return nil, fmt.Errorf("%w: origin %q, want %q", ErrSignature, lines[0], v.Name())
	}
	size, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil || (len(lines[1]) > 1 && lines[1][0] == '0') {
		return nil, fmt.Errorf("%w: tree size %q is not a decimal", ErrCheckpoint, lines[1])
	}
	hash, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(hash) != sha256.Size {
		return nil, fmt.Errorf("%w: root hash %q is not a base64 SHA-256 hash", ErrCheckpoint, lines[2])
	}
	return &Checkpoint{Origin: lines[0], Size: size, Hash: hash, Note: bytes.Clone(raw)}, nil
}
