package client

import (
	"context"
	"fmt"

	"github.com/allmende/allmende/internal/tlog/receipt"
)

// VerifyOptions says what Verify checks besides the latest checkpoint.
type VerifyOptions struct {
	// Saved is a checkpoint verified earlier (the state file), or nil.
	Saved *Checkpoint
	// Audit downloads and checks every entry and tile added since Saved
	// (all of them when Saved is nil or Full is set).
	Audit bool
	// Full makes the audit start at the first entry even with a Saved
	// checkpoint, so that entries and tiles verified before are checked
	// again; Saved is still checked for consistency.
	Full bool
	// EachEntry, if set, is called with every audited entry that is new
	// (at or beyond Saved's size; every entry with Full or without Saved),
	// in log order. The first error it returns fails the audit, reported
	// once the entries are known to hash to the signed root, so that it
	// judges genuine entries and a tampered bundle is reported as such.
	EachEntry func(index uint64, entry []byte) error
	// Receipt, if not nil, is checked against the latest checkpoint;
	// Entry is the entry it is for, or nil to use the receipt's extra data.
	Receipt *receipt.Receipt
	Entry   []byte
}

// A Report says what Verify checked.
type Report struct {
	Latest *Checkpoint
	// Tree is set once the right-edge tiles hashed to Latest's root.
	Tree bool
	// Consistent is set once Latest was shown to contain Saved, with a
	// proof of ConsistencyProof hashes.
	Consistent       bool
	ConsistencyProof int
	Audit            *AuditReport
	// ReceiptCheckpoint is the checkpoint the receipt was issued against.
	ReceiptCheckpoint *Checkpoint
}

// Verify runs the checks in the order that makes a failure name its cause:
// the latest checkpoint's signature, the tiles of its right edge against its
// root, consistency with the saved checkpoint (rollback, fork), the audit of
// new entries and tiles, and the receipt.
func (c *Client) Verify(ctx context.Context, o VerifyOptions) (*Report, error) {
	rep := &Report{}
	latest, err := c.Checkpoint(ctx)
	if err != nil {
		return rep, err
	}
	rep.Latest = latest
	if err := c.VerifyTree(ctx, latest); err != nil {
		return rep, err
	}
	rep.Tree = true
	if o.Saved != nil {
		n, err := c.CheckConsistency(ctx, o.Saved, latest)
		if err != nil {
			return rep, fmt.Errorf("against the saved checkpoint: %w", err)
		}
		rep.Consistent, rep.ConsistencyProof = true, n
	}
	if o.Audit {
		from := o.Saved
		if o.Full {
			from = nil
		}
		a, err := c.audit(ctx, from, latest, o.EachEntry)
		if err != nil {
			return rep, fmt.Errorf("audit: %w", err)
		}
		rep.Audit = &a
	}
	if o.Receipt != nil {
		cp, err := c.CheckReceipt(ctx, o.Receipt, o.Entry, latest)
		if err != nil {
			return rep, fmt.Errorf("receipt: %w", err)
		}
		rep.ReceiptCheckpoint = cp
	}
	return rep, nil
}
