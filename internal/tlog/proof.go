package tlog

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"

	f_log "github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/tessera/api/layout"
	"github.com/transparency-dev/tessera/client"

	"github.com/allmende/allmende/internal/tlog/receipt"
)

// ErrNotCovered is returned for an index or tree size beyond the tree or the
// published checkpoint; wait with AwaitCheckpoint and ask again.
var ErrNotCovered = errors.New("not covered by the log yet")

// A Checkpoint is a signed tree head of the log (C2SP tlog-checkpoint).
type Checkpoint struct {
	Origin string
	Size   uint64
	Hash   []byte // RFC 6962 root hash of the first Size entries
	Note   []byte // the signed note, exactly as served at /checkpoint
}

// Checkpoint returns the latest published checkpoint.
func (l *Log) Checkpoint(ctx context.Context) (*Checkpoint, error) {
	cp, err := l.readCheckpoint(ctx)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	return cp, nil
}

func (l *Log) readCheckpoint(ctx context.Context) (*Checkpoint, error) {
	var raw []byte
	var err error
	if l.reader != nil {
		raw, err = l.reader.ReadCheckpoint(ctx)
	} else {
		// Open checks an existing checkpoint before Tessera starts.
		raw, err = client.FileFetcher{Root: l.cfg.Dir}.ReadCheckpoint(ctx)
	}
	if err != nil {
		return nil, err
	}
	return l.openCheckpoint(raw)
}

// openCheckpoint verifies the log's own signature even on its own file: a
// checkpoint that does not verify must never reach a receipt.
func (l *Log) openCheckpoint(raw []byte) (*Checkpoint, error) {
	cp, _, _, err := f_log.ParseCheckpoint(raw, l.cfg.Origin, l.key.verifier)
	if err != nil {
		return nil, err
	}
	if len(cp.Hash) != sha256.Size {
		return nil, fmt.Errorf("checkpoint root hash has %d bytes", len(cp.Hash))
	}
	return &Checkpoint{Origin: cp.Origin, Size: cp.Size, Hash: cp.Hash, Note: raw}, nil
}

// InclusionProof returns the RFC 6962 inclusion proof of the entry at index
// in the tree of the given size. size may be any size up to IntegratedSize,
// but only a published checkpoint's size gives a proof others can check.
func (l *Log) InclusionProof(ctx context.Context, index, size uint64) ([][]byte, error) {
	if err := l.checkSize(ctx, size); err != nil {
		return nil, fmt.Errorf("inclusion proof of %d in %d: %w", index, size, err)
	}
	if index >= size {
		return nil, fmt.Errorf("inclusion proof of %d in %d: %w", index, size, ErrNotCovered)
	}
	pb, err := client.NewProofBuilder(ctx, size, l.readTile)
	if err != nil {
		return nil, fmt.Errorf("inclusion proof of %d in %d: %w", index, size, err)
	}
	p, err := pb.InclusionProof(ctx, index)
	if err != nil {
		return nil, fmt.Errorf("inclusion proof of %d in %d: %w", index, size, err)
	}
	return p, nil
}

// ConsistencyProof returns the RFC 6962 consistency proof between the trees
// of sizes older and newer.
func (l *Log) ConsistencyProof(ctx context.Context, older, newer uint64) ([][]byte, error) {
	if err := l.checkSize(ctx, newer); err != nil {
		return nil, fmt.Errorf("consistency proof %d to %d: %w", older, newer, err)
	}
	if older > newer {
		return nil, fmt.Errorf("consistency proof %d to %d: sizes out of order", older, newer)
	}
	pb, err := client.NewProofBuilder(ctx, newer, l.readTile)
	if err != nil {
		return nil, fmt.Errorf("consistency proof %d to %d: %w", older, newer, err)
	}
	p, err := pb.ConsistencyProof(ctx, older, newer)
	if err != nil {
		return nil, fmt.Errorf("consistency proof %d to %d: %w", older, newer, err)
	}
	return p, nil
}

func (l *Log) checkSize(ctx context.Context, size uint64) error {
	n, err := l.IntegratedSize(ctx)
	if err != nil {
		return err
	}
	if size > n {
		return fmt.Errorf("tree size %d beyond the log's %d: %w", size, n, ErrNotCovered)
	}
	return nil
}

// Receipt returns a tlog-proof receipt for the entry at index against the
// latest published checkpoint, with the entry itself as the extra data so
// that the receipt can be checked with nothing but the log's key. It fails
// with ErrNotCovered until a checkpoint covers index.
func (l *Log) Receipt(ctx context.Context, index uint64) (*receipt.Receipt, error) {
	cp, err := l.Checkpoint(ctx)
	if err != nil {
		return nil, fmt.Errorf("receipt for %d: %w", index, err)
	}
	if index >= cp.Size {
		return nil, fmt.Errorf("receipt for %d: checkpoint has size %d: %w", index, cp.Size, ErrNotCovered)
	}
	var entry []byte
	for e, err := range l.Entries(ctx, index, index+1) {
		if err != nil {
			return nil, fmt.Errorf("receipt for %d: %w", index, err)
		}
		entry = e.Data
	}
	p, err := l.InclusionProof(ctx, index, cp.Size)
	if err != nil {
		return nil, fmt.Errorf("receipt for %d: %w", index, err)
	}
	return &receipt.Receipt{Extra: entry, Index: index, Proof: p, Checkpoint: cp.Note}, nil
}

// readTile reads a tile for proofs. Tessera writes a partial tile only for
// the sizes it integrated, and a batch can grow the tree past a size in one
// step. Tiles only ever grow by appending hashes, so a tile of a size that
// was skipped is the first p hashes of the partial tile at the current size.
func (l *Log) readTile(ctx context.Context, level, index uint64, p uint8) ([]byte, error) {
	t, err := l.reader.ReadTile(ctx, level, index, p)
	if err == nil || p == 0 || !errors.Is(err, fs.ErrNotExist) {
		return t, err
	}
	size, sErr := l.IntegratedSize(ctx)
	if sErr != nil {
		return nil, sErr
	}
	w := layout.PartialTileSize(level, index, size)
	if w <= p {
		return nil, err
	}
	t, err = l.reader.ReadTile(ctx, level, index, w)
	if err != nil {
		return nil, err
	}
	if len(t) < int(p)*sha256.Size {
		return nil, fmt.Errorf("tile %d/%d.p/%d has %d bytes", level, index, w, len(t))
	}
	return t[:int(p)*sha256.Size], nil
}
