package tlog

import (
	"errors"
	"testing"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// rootOf computes the RFC 6962 root of entries with merkle's compact range.
func rootOf(t *testing.T, entries [][]byte) []byte {
	t.Helper()
	rf := compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}
	r := rf.NewEmptyRange(0)
	for _, e := range entries {
		if err := r.Append(rfc6962.DefaultHasher.HashLeaf(e), nil); err != nil {
			t.Fatal(err)
		}
	}
	root, err := r.GetRootHash(nil)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestProofsAtSkippedSizes appends in one batch, so Tessera never writes the
// partial tiles of the sizes in between; proofs for those sizes must still
// be built, from the prefix of the current partial tile.
func TestProofsAtSkippedSizes(t *testing.T) {
	cfg := testConfig(t)
	cfg.BatchMaxSize = 1024
	l := openTest(t, cfg)
	es := events("skip", 300)
	_, cp := appendAndPublish(t, l, es)
	if cp.Size != 300 {
		t.Fatalf("checkpoint size %d, want 300 in one batch", cp.Size)
	}
	if !equalBytes(cp.Hash, rootOf(t, es)) {
		t.Fatal("checkpoint root differs from the root of the entries")
	}

	for _, tc := range []struct{ index, size uint64 }{{3, 7}, {0, 1}, {6, 7}, {255, 256}, {100, 257}, {299, 300}, {280, 290}} {
		p, err := l.InclusionProof(t.Context(), tc.index, tc.size)
		if err != nil {
			t.Fatalf("InclusionProof(%d, %d): %v", tc.index, tc.size, err)
		}
		leaf := rfc6962.DefaultHasher.HashLeaf(es[tc.index])
		if err := proof.VerifyInclusion(rfc6962.DefaultHasher, tc.index, tc.size, leaf, p, rootOf(t, es[:tc.size])); err != nil {
			t.Errorf("InclusionProof(%d, %d) does not verify: %v", tc.index, tc.size, err)
		}
	}
	for _, tc := range []struct{ older, newer uint64 }{{7, 300}, {1, 7}, {256, 290}, {300, 300}} {
		p, err := l.ConsistencyProof(t.Context(), tc.older, tc.newer)
		if err != nil {
			t.Fatalf("ConsistencyProof(%d, %d): %v", tc.older, tc.newer, err)
		}
		if err := proof.VerifyConsistency(rfc6962.DefaultHasher, tc.older, tc.newer, p, rootOf(t, es[:tc.older]), rootOf(t, es[:tc.newer])); err != nil {
			t.Errorf("ConsistencyProof(%d, %d) does not verify: %v", tc.older, tc.newer, err)
		}
	}
}

func TestProofErrors(t *testing.T) {
	l := openTest(t, testConfig(t))
	appendAndPublish(t, l, events("e", 5))

	if _, err := l.InclusionProof(t.Context(), 0, 6); !errors.Is(err, ErrNotCovered) {
		t.Errorf("InclusionProof beyond the tree: err = %v, want ErrNotCovered", err)
	}
	if _, err := l.InclusionProof(t.Context(), 5, 5); !errors.Is(err, ErrNotCovered) {
		t.Errorf("InclusionProof of index == size: err = %v, want ErrNotCovered", err)
	}
	if _, err := l.Receipt(t.Context(), 5); !errors.Is(err, ErrNotCovered) {
		t.Errorf("Receipt beyond the checkpoint: err = %v, want ErrNotCovered", err)
	}
	if _, err := l.ConsistencyProof(t.Context(), 4, 3); err == nil {
		t.Error("ConsistencyProof(4, 3): no error")
	}
	r, err := l.Receipt(t.Context(), 4)
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Extra) != string(events("e", 5)[4]) {
		t.Errorf("receipt extra = %q", r.Extra)
	}
}

func equalBytes(a, b []byte) bool { return string(a) == string(b) }
