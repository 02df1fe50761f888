package client

import (
	"bytes"
	"context"
	"fmt"

	"github.com/transparency-dev/merkle/proof"
	tclient "github.com/transparency-dev/tessera/client"
)

// CheckConsistency checks that the log's tree at checkpoint newer contains
// the tree at checkpoint older, with a consistency proof built from the
// tiles of newer. A smaller newer is a rollback (ErrRollback); equal sizes
// with different roots, or a proof that fails, are a fork (ErrFork, and
// ErrConsistency for a failed proof). Run VerifyTree on newer first: once
// its tiles are known to hash to its root, a failing proof can only mean
// that older is not part of that tree.
func (c *Client) CheckConsistency(ctx context.Context, older, newer *Checkpoint) (proofLen int, err error) {
	switch {
	case newer.Size < older.Size:
		return 0, fmt.Errorf("%w: it signed a tree of size %d before and now shows size %d", ErrRollback, older.Size, newer.Size)
	case newer.Size == older.Size:
		if !bytes.Equal(newer.Hash, older.Hash) {
			return 0, fmt.Errorf("%w: two different roots for tree size %d: %x and %x", ErrFork, older.Size, older.Hash, newer.Hash)
		}
		return 0, nil
	case older.Size == 0:
		return 0, nil
	}
	pb, err := tclient.NewProofBuilder(ctx, newer.Size, c.readTile)
	if err != nil {
		return 0, err
	}
	p, err := pb.ConsistencyProof(ctx, older.Size, newer.Size)
	if err != nil {
		return 0, tileError(newer.Size, err)
	}
	if err := proof.VerifyConsistency(hasher, older.Size, newer.Size, p, older.Hash, newer.Hash); err != nil {
		// Tell a fork from tampered tiles: if the served tiles are a
		// consistent tree whose prefix of the older size has another
		// root than the saved one, the log signed two different histories.
		prefix, pErr := c.rootFromTiles(ctx, older.Size, c.tilesOf(newer.Size))
		if pErr == nil && !bytes.Equal(prefix, older.Hash) &&
			proof.VerifyConsistency(hasher, older.Size, newer.Size, p, prefix, newer.Hash) == nil {
			return len(p), fmt.Errorf("%w (%w): the signed tree of size %d does not contain the signed tree of size %d; its first %d entries have root %x, not %x",
				ErrFork, ErrConsistency, newer.Size, older.Size, older.Size, prefix, older.Hash)
		}
		return len(p), fmt.Errorf("%w: from tree size %d to %d: the log served tampered tiles or forked: %v", ErrConsistency, older.Size, newer.Size, err)
	}
	return len(p), nil
}
