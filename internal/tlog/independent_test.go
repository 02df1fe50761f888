package tlog_test

// This test checks the served log the way an outside auditor would: with
// golang.org/x/mod/sumdb/note for signatures, transparency-dev/merkle for
// RFC 6962 hashing and proof checking, and the RFC 6962 proof algorithms
// written out below. It uses none of package tlog's verification code, so a
// bug there cannot hide a bug in what the log serves.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/allmende/allmende/internal/tlog"
	"github.com/allmende/allmende/internal/tlog/receipt"
)

var hasher = rfc6962.DefaultHasher

func TestIndependentVerification(t *testing.T) {
	data := t.TempDir()
	l, err := tlog.Open(t.Context(), tlog.Config{
		Dir:                filepath.Join(data, "log"),
		KeyFile:            filepath.Join(data, "log.key"),
		Origin:             "coop.example/log",
		BatchMaxAge:        5 * time.Millisecond,
		CheckpointInterval: tlog.MinCheckpointInterval,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close(context.Background())

	// Three batches: the first checkpoint is kept to check consistency, and
	// the tree ends with two full bundles and a partial one.
	var entries [][]byte
	var first *tlog.Checkpoint
	for b, n := range []int{100, 300, 188} {
		batch := make([][]byte, n)
		for i := range batch {
			batch[i] = fmt.Appendf(nil, `{"id":"ev-%d-%d","type":"contribution.accepted","salted_hash":"%064x"}`, b, i, b*1000+i)
		}
		idx, err := l.Append(t.Context(), batch)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, batch...)
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		cp, err := l.AwaitCheckpoint(ctx, idx[n-1]+1)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if b == 0 {
			first = cp
		}
	}

	srv := httptest.NewServer(http.StripPrefix("/log", l.Handler()))
	defer srv.Close()
	get := func(path string) []byte {
		t.Helper()
		resp, err := http.Get(srv.URL + "/log/" + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s %v", path, resp.Status, err)
		}
		return body
	}

	// The checkpoint verifies with the published key.
	v, err := note.NewVerifier(strings.TrimSpace(string(get("key"))))
	if err != nil {
		t.Fatalf("/log/key: %v", err)
	}
	origin, size, root := openCheckpoint(t, get("checkpoint"), v)
	if origin != "coop.example/log" || size != uint64(len(entries)) {
		t.Fatalf("checkpoint: origin %q size %d, want coop.example/log %d", origin, size, len(entries))
	}

	// The entry bundles hold exactly the appended entries, and their leaf
	// hashes give the checkpoint's root.
	var leaves [][]byte
	for _, path := range []string{"tile/entries/000", "tile/entries/001", "tile/entries/002.p/76"} {
		for _, e := range parseBundle(t, get(path)) {
			if i := len(leaves); !bytes.Equal(e, entries[i]) {
				t.Fatalf("entry %d = %q, want %q", i, e, entries[i])
			}
			leaves = append(leaves, hasher.HashLeaf(e))
		}
	}
	if len(leaves) != len(entries) {
		t.Fatalf("bundles hold %d entries, want %d", len(leaves), len(entries))
	}
	if got := mth(leaves); !bytes.Equal(got, root) {
		t.Fatalf("root from entry bundles %x != checkpoint root %x", got, root)
	}

	// Level-0 tiles are the leaf hashes; the level-1 tile holds the roots of
	// the two full level-0 tiles.
	for path, want := range map[string][]byte{
		"tile/0/000":      bytes.Join(leaves[0:256], nil),
		"tile/0/001":      bytes.Join(leaves[256:512], nil),
		"tile/0/002.p/76": bytes.Join(leaves[512:588], nil),
		"tile/1/000.p/2":  append(mth(leaves[0:256]), mth(leaves[256:512])...),
	} {
		if got := get(path); !bytes.Equal(got, want) {
			t.Errorf("%s does not match the hashes recomputed from the entries", path)
		}
	}

	// Inclusion: proofs computed here verify, and the log's receipts carry
	// the same proofs against a checkpoint that verifies.
	for _, i := range []uint64{0, 1, 99, 255, 256, 300, 511, 512, 587} {
		want := path(i, leaves)
		if err := proof.VerifyInclusion(hasher, i, size, leaves[i], want, root); err != nil {
			t.Fatalf("inclusion of %d (independent proof): %v", i, err)
		}
		r, err := l.Receipt(t.Context(), i)
		if err != nil {
			t.Fatal(err)
		}
		r, err = receipt.Parse(r.Marshal())
		if err != nil {
			t.Fatal(err)
		}
		_, rSize, rRoot := openCheckpoint(t, r.Checkpoint, v)
		if !bytes.Equal(r.Extra, entries[i]) || r.Index != i {
			t.Fatalf("receipt %d: index %d extra %q", i, r.Index, r.Extra)
		}
		if err := proof.VerifyInclusion(hasher, r.Index, rSize, hasher.HashLeaf(r.Extra), r.Proof, rRoot); err != nil {
			t.Fatalf("receipt for %d does not verify: %v", i, err)
		}
		if rSize == size && !equalHashes(r.Proof, want) {
			t.Errorf("receipt proof for %d differs from the RFC 6962 audit path", i)
		}
	}

	// Consistency between the first and the latest checkpoint.
	_, size1, root1 := openCheckpoint(t, first.Note, v)
	if want := mth(leaves[:size1]); !bytes.Equal(root1, want) {
		t.Fatalf("first checkpoint root %x, want %x", root1, want)
	}
	cons := consistency(size1, leaves)
	if err := proof.VerifyConsistency(hasher, size1, size, cons, root1, root); err != nil {
		t.Fatalf("consistency %d -> %d (independent proof): %v", size1, size, err)
	}
	served, err := l.ConsistencyProof(t.Context(), size1, size)
	if err != nil {
		t.Fatal(err)
	}
	if !equalHashes(served, cons) {
		t.Errorf("log's consistency proof differs from the RFC 6962 one")
	}
}

// openCheckpoint verifies a signed checkpoint and parses its body
// (c2sp.org/tlog-checkpoint: origin, size, base64 root).
func openCheckpoint(t *testing.T, raw []byte, v note.Verifier) (string, uint64, []byte) {
	t.Helper()
	n, err := note.Open(raw, note.VerifierList(v))
	if err != nil {
		t.Fatalf("checkpoint signature: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 {
		t.Fatalf("checkpoint body %q", n.Text)
	}
	size, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != 32 {
		t.Fatalf("checkpoint root %q", lines[2])
	}
	return lines[0], size, root
}

// parseBundle splits an entry bundle: big-endian uint16 length prefixes.
func parseBundle(t *testing.T, b []byte) [][]byte {
	t.Helper()
	var es [][]byte
	for len(b) > 0 {
		if len(b) < 2 {
			t.Fatal("truncated entry bundle")
		}
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n {
			t.Fatal("truncated entry bundle")
		}
		es = append(es, b[2:2+n])
		b = b[2+n:]
	}
	return es
}

// mth is the Merkle Tree Hash of RFC 6962 section 2.1 over leaf hashes.
func mth(leaves [][]byte) []byte {
	switch len(leaves) {
	case 0:
		return hasher.EmptyRoot()
	case 1:
		return leaves[0]
	}
	k := split(len(leaves))
	return hasher.HashChildren(mth(leaves[:k]), mth(leaves[k:]))
}

// split is the largest power of two smaller than n.
func split(n int) int {
	k := 1
	for k<<1 < n {
		k <<= 1
	}
	return k
}

// path is the audit path PATH(m, D[n]) of RFC 6962 section 2.1.1.
func path(m uint64, leaves [][]byte) [][]byte {
	if len(leaves) <= 1 {
		return nil
	}
	k := uint64(split(len(leaves)))
	if m < k {
		return append(path(m, leaves[:k]), mth(leaves[k:]))
	}
	return append(path(m-k, leaves[k:]), mth(leaves[:k]))
}

// consistency is PROOF(m, D[n]) of RFC 6962 section 2.1.2.
func consistency(m uint64, leaves [][]byte) [][]byte {
	return subproof(m, leaves, true)
}

func subproof(m uint64, leaves [][]byte, b bool) [][]byte {
	n := uint64(len(leaves))
	if m == n {
		if b {
			return nil
		}
		return [][]byte{mth(leaves)}
	}
	k := uint64(split(len(leaves)))
	if m <= k {
		return append(subproof(m, leaves[:k], b), mth(leaves[k:]))
	}
	return append(subproof(m-k, leaves[k:], false), mth(leaves[:k]))
}

func equalHashes(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}
