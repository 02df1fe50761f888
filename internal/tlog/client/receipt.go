package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/transparency-dev/merkle/proof"
	"golang.org/x/mod/sumdb/note"

	"github.com/allmende/allmende/internal/tlog/receipt"
)

// VerifyReceipt checks a receipt offline: its checkpoint is signed by v and
// its inclusion proof leads from entry to that checkpoint's root. entry may
// be nil to use the entry the receipt carries in its extra data. It returns
// the receipt's checkpoint.
func VerifyReceipt(r *receipt.Receipt, entry []byte, v note.Verifier) (*Checkpoint, error) {
	cp, err := OpenCheckpoint(r.Checkpoint, v)
	if err != nil {
		return nil, fmt.Errorf("receipt's checkpoint: %w", err)
	}
	switch {
	case entry == nil && r.Extra == nil:
		return nil, errors.New("receipt carries no entry; give the entry it is for")
	case entry == nil:
		entry = r.Extra
	case r.Extra != nil && !bytes.Equal(entry, r.Extra):
		return nil, fmt.Errorf("%w: the receipt is for different entry bytes than the entry given", ErrInclusion)
	}
	if r.Index >= cp.Size {
		return nil, fmt.Errorf("%w: index %d is not in the receipt's tree of size %d", ErrInclusion, r.Index, cp.Size)
	}
	if err := proof.VerifyInclusion(hasher, r.Index, cp.Size, hasher.HashLeaf(entry), r.Proof, cp.Hash); err != nil {
		return nil, fmt.Errorf("%w: entry %d in tree size %d: %v", ErrInclusion, r.Index, cp.Size, err)
	}
	return cp, nil
}

// CheckReceipt verifies a receipt and then that its checkpoint is part of
// the log as it is now (latest, already verified): a receipt is worth only
// as much as the log's promise never to drop what it signed.
func (c *Client) CheckReceipt(ctx context.Context, r *receipt.Receipt, entry []byte, latest *Checkpoint) (*Checkpoint, error) {
	cp, err := VerifyReceipt(r, entry, c.verifier)
	if err != nil {
		return nil, err
	}
	if _, err := c.CheckConsistency(ctx, cp, latest); err != nil {
		return cp, fmt.Errorf("receipt's checkpoint against the latest: %w", err)
	}
	return cp, nil
}
