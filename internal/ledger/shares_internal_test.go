package ledger

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// TestShareTreeIsRFC6962 checks the share tree against transparency-dev's
// compact ranges (the root) and inclusion verifier (every path), for every
// size up to past a few powers of two: the tree a receipt's share proof
// lives in must be the one any RFC 6962 tool computes.
func TestShareTreeIsRFC6962(t *testing.T) {
	h := rfc6962.DefaultHasher
	for n := 1; n <= 70; n++ {
		leaves := make([][]byte, n)
		cr := (&compact.RangeFactory{Hash: h.HashChildren}).NewEmptyRange(0)
		for i := range leaves {
			leaves[i] = h.HashLeaf(fmt.Appendf(nil, "line %d", i))
			if err := cr.Append(leaves[i], nil); err != nil {
				t.Fatal(err)
			}
		}
		want, err := cr.GetRootHash(nil)
		if err != nil {
			t.Fatal(err)
		}
		root := treeHash(leaves)
		if !bytes.Equal(root, want) {
			t.Fatalf("n=%d: root %x, compact range says %x", n, root, want)
		}
		for m := range n {
			path := inclusionPath(m, leaves)
			if err := proof.VerifyInclusion(h, uint64(m), uint64(n), leaves[m], path, root); err != nil {
				t.Fatalf("n=%d m=%d: %v", n, m, err)
			}
			if n > 1 && proof.VerifyInclusion(h, uint64((m+1)%n), uint64(n), leaves[m], path, root) == nil {
				t.Fatalf("n=%d: the path of line %d also proves line %d", n, m, (m+1)%n)
			}
		}
	}
}
