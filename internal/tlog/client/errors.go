package client

import "errors"

// Each failed check wraps one of these, so that a caller (and the message a
// person reads) can tell which check failed.
var (
	// ErrSignature: a checkpoint is not signed by the log's key, or is not
	// for the log's origin.
	ErrSignature = errors.New("checkpoint signature does not verify")
	// ErrCheckpoint: a correctly signed checkpoint whose body is malformed.
	ErrCheckpoint = errors.New("malformed checkpoint")
	// ErrTileHash: a tile's hashes do not match the tree the checkpoint
	// commits to.
	ErrTileHash = errors.New("tile hash mismatch")
	// ErrEntryBundle: entry bundles are malformed or their entries do not
	// hash to the checkpoint's root.
	ErrEntryBundle = errors.New("entry bundle does not match the tree")
	// ErrInclusion: an inclusion proof (a receipt's) does not verify.
	ErrInclusion = errors.New("inclusion proof does not verify")
	// ErrConsistency: a consistency proof between two checkpoints does not
	// verify.
	ErrConsistency = errors.New("consistency proof does not verify")
	// ErrRollback: the log shows a smaller tree than one it signed before.
	ErrRollback = errors.New("log rolled back")
	// ErrFork: the log signed two trees of which neither contains the other.
	ErrFork = errors.New("log forked")
)
