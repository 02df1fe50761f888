package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/tessera/api"
	"github.com/transparency-dev/tessera/api/layout"
	tclient "github.com/transparency-dev/tessera/client"
)

var (
	hasher       = rfc6962.DefaultHasher
	rangeFactory = compact.RangeFactory{Hash: hasher.HashChildren}
)

// VerifyTree fetches the tiles along the right edge of the checkpoint's
// tree and checks that they hash to its root. This is what every proof
// served from those tiles relies on; it costs one tile per level.
func (c *Client) VerifyTree(ctx context.Context, cp *Checkpoint) error {
	root, err := c.rootFromTiles(ctx, cp.Size, c.readTile)
	if err != nil {
		return err
	}
	if !bytes.Equal(root, cp.Hash) {
		return fmt.Errorf("%w: tiles for tree size %d hash to %x, checkpoint root is %x", ErrTileHash, cp.Size, root, cp.Hash)
	}
	return nil
}

// rootFromTiles computes the root of the tree of the given size from tiles
// read with fetch.
func (c *Client) rootFromTiles(ctx context.Context, size uint64, fetch tclient.TileFetcherFunc) ([]byte, error) {
	if size == 0 {
		return hasher.EmptyRoot(), nil
	}
	nodes, err := tclient.FetchRangeNodes(ctx, size, fetch)
	if err != nil {
		return nil, tileError(size, err)
	}
	r, err := rangeFactory.NewRange(0, size, nodes)
	if err != nil {
		return nil, fmt.Errorf("%w: tree size %d: %v", ErrTileHash, size, err)
	}
	return r.GetRootHash(nil)
}

// tilesOf returns a tile fetcher that serves any smaller tree from the tiles
// of the tree of the given size. Tiles only grow by appending hashes, so a
// smaller tree's tile is a prefix of the larger tree's; and the partial tiles
// of a smaller size may never have existed (a batch can grow the tree past
// it) or may be deleted by now.
func (c *Client) tilesOf(size uint64) tclient.TileFetcherFunc {
	return func(ctx context.Context, level, index uint64, p uint8) ([]byte, error) {
		have := layout.PartialTileSize(level, index, size)
		if have != 0 && (p == 0 || p > have) {
			return nil, fmt.Errorf("tile %s is beyond the tree of size %d", layout.TilePath(level, index, p), size)
		}
		b, err := c.readTile(ctx, level, index, have)
		if err != nil || p == 0 {
			return b, err
		}
		return b[:int(p)*32], nil
	}
}

// tileError keeps fetch failures apart from tiles that arrived but are bad
// (wrong length, too few hashes).
func tileError(size uint64, err error) error {
	var fe *FetchError
	if errors.As(err, &fe) {
		return fmt.Errorf("tiles for tree size %d: %w", size, err)
	}
	return fmt.Errorf("%w: tiles for tree size %d: %v", ErrTileHash, size, err)
}

// An AuditReport says what Audit checked.
type AuditReport struct {
	From, To uint64 // entries [From, To) were hashed
	Bundles  int    // entry bundles fetched
	Tiles    int    // tiles fetched and compared
}

// Audit downloads every entry added between the checkpoints from and to
// (from may be nil: the whole log), hashes them, checks that together with
// the tree of from they give the root of to, and checks every tile hash that
// the new entries determine. The audit starts at the entry bundle that holds
// from's last entry, so the first bundle is checked whole and the entries
// up to from's size must give from's root. A bit flipped in any entry bundle
// it reads or in any tile hash those entries determine fails it. Run
// CheckConsistency(from, to) first.
func (c *Client) Audit(ctx context.Context, from, to *Checkpoint) (AuditReport, error) {
	return c.audit(ctx, from, to, nil)
}

// audit is Audit, calling each (if not nil) with every entry at or beyond
// from's size.
func (c *Client) audit(ctx context.Context, from, to *Checkpoint, each func(uint64, []byte) error) (AuditReport, error) {
	rep := AuditReport{To: to.Size}
	var rejected error // the first error of each, reported once the root matched
	var saved *Checkpoint
	if from != nil && from.Size > 0 {
		if from.Size > to.Size {
			return rep, fmt.Errorf("%w: saved tree size %d, latest %d", ErrRollback, from.Size, to.Size)
		}
		saved = from
		rep.From = from.Size - from.Size%layout.EntryBundleWidth
	}
	r := rangeFactory.NewEmptyRange(0)
	if rep.From > 0 {
		// The tree below the first bundle, from the tiles of the latest
		// tree; they are authenticated when the final root matches.
		nodes, err := tclient.FetchRangeNodes(ctx, rep.From, c.tilesOf(to.Size))
		if err != nil {
			return rep, tileError(rep.From, err)
		}
		if r, err = rangeFactory.NewRange(0, rep.From, nodes); err != nil {
			return rep, fmt.Errorf("%w: tree size %d: %v", ErrTileHash, rep.From, err)
		}
	}
	// checkSaved compares the root once the entries reach the saved size.
	checkSaved := func() error {
		if saved == nil || r.End() != saved.Size {
			return nil
		}
		root, err := r.GetRootHash(nil)
		if err != nil {
			return err
		}
		if !bytes.Equal(root, saved.Hash) {
			return fmt.Errorf("%w: the first %d entries hash to root %x, the saved checkpoint has %x", ErrEntryBundle, saved.Size, root, saved.Hash)
		}
		return nil
	}
	if err := checkSaved(); err != nil {
		return rep, err
	}

	tiles := tileChecker{c: c, size: to.Size, pending: map[tileKey]map[uint64][]byte{}}
	for ri := range layout.Range(rep.From, to.Size-rep.From, to.Size) {
		raw, want, err := c.readBundle(ctx, ri.Index, ri.Partial)
		if err != nil {
			return rep, err
		}
		rep.Bundles++
		var b api.EntryBundle
		if err := b.UnmarshalText(raw); err != nil {
			return rep, fmt.Errorf("%w: %s: %v", ErrEntryBundle, layout.EntriesPath(ri.Index, ri.Partial), err)
		}
		if len(b.Entries) != want {
			return rep, fmt.Errorf("%w: %s holds %d entries, want %d", ErrEntryBundle, layout.EntriesPath(ri.Index, ri.Partial), len(b.Entries), want)
		}
		for _, e := range b.Entries[ri.First : ri.First+ri.N] {
			if index := r.End(); each != nil && rejected == nil && (saved == nil || index >= saved.Size) {
				if err := each(index, e); err != nil {
					rejected = fmt.Errorf("entry %d: %w", index, err)
				}
			}
			if err := r.Append(hasher.HashLeaf(e), tiles.visit); err != nil {
				return rep, err
			}
			if err := checkSaved(); err != nil {
				return rep, err
			}
		}
		if err := tiles.flush(ctx, false); err != nil {
			return rep, err
		}
	}
	if err := tiles.flush(ctx, true); err != nil {
		return rep, err
	}
	rep.Tiles = tiles.fetched
	root, err := r.GetRootHash(nil)
	if err != nil {
		return rep, err
	}
	// A mismatch between a bundle and its tile means one of the two was
	// altered; the root decides which: entries that still give the signed
	// root are genuine, so the tile is the one that lies.
	if !bytes.Equal(root, to.Hash) {
		where := ""
		if tiles.mismatch != nil {
			where = fmt.Sprintf(" (first difference: %v)", tiles.mismatch)
		}
		return rep, fmt.Errorf("%w: entries %d to %d hash to root %x, the checkpoint of size %d has %x%s", ErrEntryBundle, rep.From, to.Size, root, to.Size, to.Hash, where)
	}
	if tiles.mismatch != nil {
		return rep, fmt.Errorf("%w: %v", ErrTileHash, tiles.mismatch)
	}
	return rep, rejected
}

type tileKey struct{ level, index uint64 }

// tileChecker collects the hashes that the audited entries determine at
// tile levels (tree levels 0, 8, 16, …) and compares them with the served
// tiles, one tile at a time once it is complete or the audit ends.
type tileChecker struct {
	c        *Client
	size     uint64
	pending  map[tileKey]map[uint64][]byte // position in tile -> hash
	done     []tileKey
	fetched  int
	mismatch error // the first served hash that differs from the computed one
}

func (t *tileChecker) visit(id compact.NodeID, hash []byte) {
	if id.Level%layout.TileHeight != 0 {
		return
	}
	k := tileKey{uint64(id.Level / layout.TileHeight), id.Index / layout.TileWidth}
	if t.pending[k] == nil {
		t.pending[k] = map[uint64][]byte{}
	}
	pos := id.Index % layout.TileWidth
	t.pending[k][pos] = hash
	if pos == layout.TileWidth-1 {
		t.done = append(t.done, k)
	}
}

// flush compares the tiles that are complete, or all of them at the end.
func (t *tileChecker) flush(ctx context.Context, all bool) error {
	keys := t.done
	if all {
		keys = keys[:0]
		for k := range t.pending {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		if err := t.check(ctx, k); err != nil {
			return err
		}
		delete(t.pending, k)
	}
	t.done = t.done[:0]
	return nil
}

func (t *tileChecker) check(ctx context.Context, k tileKey) error {
	p := layout.PartialTileSize(k.level, k.index, t.size)
	raw, err := t.c.readTile(ctx, k.level, k.index, p)
	if err != nil {
		return err
	}
	t.fetched++
	path := layout.TilePath(k.level, k.index, p)
	for pos, h := range t.pending[k] {
		// readTile checked the length; the audited entries cannot complete
		// a subtree beyond the checkpoint's size.
		if !bytes.Equal(raw[pos*32:pos*32+32], h) && t.mismatch == nil {
			if k.level == 0 {
				// Name the entry too: either it or the tile was altered.
				t.mismatch = fmt.Errorf("entry %d in %s does not hash to %s hash %d", k.index*layout.TileWidth+pos, layout.EntriesPath(k.index, p), path, pos)
			} else {
				t.mismatch = fmt.Errorf("%s hash %d differs from the hash of the entries below it", path, pos)
			}
		}
	}
	return nil
}
