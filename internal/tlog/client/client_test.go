package client

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/allmende/allmende/internal/tlog/receipt"
)

func TestVerifyGoodLog(t *testing.T) {
	f := getFixture(t)
	c := newClient(t, f, &transport{h: f.good})

	rep, err := c.Verify(t.Context(), VerifyOptions{Saved: f.cps[0], Audit: true, Receipt: f.receipt})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if rep.Latest.Size != 588 || !rep.Tree || rep.ConsistencyProof == 0 {
		t.Errorf("report %+v", rep)
	}
	// The audit starts at the bundle holding the saved tree's last entry.
	if a := rep.Audit; a == nil || a.From != 0 || a.To != 588 || a.Bundles != 3 || a.Tiles < 4 {
		t.Errorf("audit report %+v", rep.Audit)
	}
	if rep.ReceiptCheckpoint == nil || rep.ReceiptCheckpoint.Size != 588 {
		t.Errorf("receipt checkpoint %+v", rep.ReceiptCheckpoint)
	}

	rep, err = c.Verify(t.Context(), VerifyOptions{Saved: f.cps[1], Audit: true})
	if err != nil {
		t.Fatalf("Verify from size 400: %v", err)
	}
	if a := rep.Audit; a.From != 256 || a.Bundles != 2 {
		t.Errorf("audit report from size 400: %+v", a)
	}

	// The whole log, from the first entry.
	rep, err = c.Verify(t.Context(), VerifyOptions{Audit: true})
	if err != nil {
		t.Fatalf("Verify without state: %v", err)
	}
	if a := rep.Audit; a.From != 0 || a.Bundles != 3 {
		t.Errorf("full audit report %+v", a)
	}
}

// TestVerifyDetectsTampering flips one bit in one served resource and
// expects the check that covers that resource to fail.
func TestVerifyDetectsTampering(t *testing.T) {
	f := getFixture(t)
	tests := []struct {
		name, path string
		offset     int
		want       error
	}{
		{"checkpoint body", "checkpoint", 20, ErrSignature},
		{"checkpoint origin", "checkpoint", 0, ErrSignature},
		{"checkpoint signature", "checkpoint", -10, ErrSignature},
		{"right-edge level-0 tile", "tile/0/002.p/76", 100, ErrTileHash},
		{"level-1 tile", "tile/1/000.p/2", 40, ErrTileHash},
		{"tile in the consistency proof", "tile/0/000", 110 * 32, ErrConsistency},
		{"inner tile only the audit reads", "tile/0/001", 5000, ErrTileHash},
		{"full entry bundle", "tile/entries/001", 3000, ErrEntryBundle},
		{"entry below the saved size", "tile/entries/000", 60, ErrEntryBundle},
		{"partial entry bundle", "tile/entries/002.p/76", 500, ErrEntryBundle},
		{"entry length prefix", "tile/entries/001", 0, ErrEntryBundle},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := &transport{h: f.good, path: tt.path, replace: func(b []byte) []byte {
				off := tt.offset
				if off < 0 {
					off += len(b)
				}
				return flip(off)(b)
			}}
			c := newClient(t, f, tr)
			_, err := c.Verify(t.Context(), VerifyOptions{Saved: f.cps[0], Audit: true, Receipt: f.receipt})
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify with %s tampered: err = %v, want %v", tt.path, err, tt.want)
			}
			if errors.Is(err, ErrFork) {
				t.Errorf("tampered tiles reported as a fork: %v", err)
			}
		})
	}
}

func TestRollbackAndFork(t *testing.T) {
	f := getFixture(t)
	servers := map[string]http.Handler{"good": f.good, "fork": f.fork, "rollback": f.rollback}
	tests := []struct {
		name, server string
		saved        *Checkpoint
		want         error
		message      string
	}{
		{"rolled back to an older size", "rollback", f.cps[2], ErrRollback, "signed a tree of size 588 before and now shows size 100"},
		{"forked and grown", "fork", f.cps[0], ErrFork, "does not contain the signed tree of size 100"},
		{"forked at the same size", "fork", f.cps[2], ErrFork, "two different roots for tree size 588"},
		{"saved checkpoint of the fork", "good", f.forkCP, ErrFork, "two different roots"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, f, &transport{h: servers[tt.server]})
			_, err := c.Verify(t.Context(), VerifyOptions{Saved: tt.saved, Audit: true})
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.message) {
				t.Errorf("message %q does not say %q", err, tt.message)
			}
		})
	}
}

func TestReceiptTampering(t *testing.T) {
	f := getFixture(t)
	c := newClient(t, f, &transport{h: f.good})
	latest := f.cps[2]
	tests := []struct {
		name   string
		change func(r *receipt.Receipt)
		entry  []byte
		want   error
	}{
		{"proof hash", func(r *receipt.Receipt) { r.Proof[2][5] ^= 1 }, nil, ErrInclusion},
		{"index", func(r *receipt.Receipt) { r.Index ^= 1 }, nil, ErrInclusion},
		{"index beyond the tree", func(r *receipt.Receipt) { r.Index = 600 }, nil, ErrInclusion},
		{"entry in extra", func(r *receipt.Receipt) { r.Extra[10] ^= 1 }, nil, ErrInclusion},
		{"proof hash dropped", func(r *receipt.Receipt) { r.Proof = r.Proof[1:] }, nil, ErrInclusion},
		{"checkpoint size", func(r *receipt.Receipt) {
			r.Checkpoint = bytes.Replace(r.Checkpoint, []byte("\n588\n"), []byte("\n589\n"), 1)
		}, nil, ErrSignature},
		{"checkpoint signature", func(r *receipt.Receipt) { r.Checkpoint[len(r.Checkpoint)-5] ^= 1 }, nil, ErrSignature},
		{"other entry given", func(r *receipt.Receipt) {}, entry(1, 51), ErrInclusion},
		{"other entry given, no extra", func(r *receipt.Receipt) { r.Extra = nil }, entry(1, 51), ErrInclusion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := receipt.Parse(f.receipt.Marshal()) // a deep copy
			if err != nil {
				t.Fatal(err)
			}
			tt.change(r)
			if _, err := c.CheckReceipt(t.Context(), r, tt.entry, latest); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}

	// Untouched, with the entry given separately instead of in extra.
	r, _ := receipt.Parse(f.receipt.Marshal())
	r.Extra = nil
	if _, err := c.CheckReceipt(t.Context(), r, f.entries[f.receiptIndex], latest); err != nil {
		t.Fatalf("receipt with the entry given: %v", err)
	}
	if _, err := c.CheckReceipt(t.Context(), r, nil, latest); err == nil {
		t.Fatal("receipt without any entry verified")
	}
	// A receipt issued before a rollback: the log no longer shows its tree.
	if _, err := c.CheckReceipt(t.Context(), f.receipt, nil, f.cps[0]); !errors.Is(err, ErrRollback) {
		t.Fatalf("receipt newer than the latest checkpoint: err = %v, want ErrRollback", err)
	}
}

func TestState(t *testing.T) {
	f := getFixture(t)
	v, _ := note.NewVerifier(f.vkey)
	path := filepath.Join(t.TempDir(), "state")

	if cp, err := LoadState(path, v); cp != nil || err != nil {
		t.Fatalf("LoadState of a missing file = %v, %v; want nil, nil", cp, err)
	}
	if err := SaveState(path, f.cps[1]); err != nil {
		t.Fatal(err)
	}
	cp, err := LoadState(path, v)
	if err != nil || cp.Size != 400 || !bytes.Equal(cp.Hash, f.cps[1].Hash) {
		t.Fatalf("LoadState = %+v, %v", cp, err)
	}
	raw, _ := os.ReadFile(path)
	raw[len("coop.example/log\n")] ^= 1 // the size line
	os.WriteFile(path, raw, 0o644)
	if _, err := LoadState(path, v); !errors.Is(err, ErrSignature) {
		t.Fatalf("LoadState of an edited file: err = %v, want ErrSignature", err)
	}
}

func TestOpenCheckpoint(t *testing.T) {
	f := getFixture(t)
	v, _ := note.NewVerifier(f.vkey)
	skey, err := os.ReadFile(filepath.Join(fixDir, "log.key"))
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(strings.TrimSpace(string(skey)))
	if err != nil {
		t.Fatal(err)
	}
	_, otherV, _ := note.GenerateKey(nil, "coop.example/log")
	otherSkey, _, _ := note.GenerateKey(nil, "coop.example/log")
	otherSigner, _ := note.NewSigner(otherSkey)
	_ = otherV
	root := "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
	sign := func(s note.Signer, text string) []byte {
		b, err := note.Sign(&note.Note{Text: text}, s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name string
		raw  []byte
		want error
	}{
		{"valid", sign(signer, "coop.example/log\n0\n"+root+"\n"), nil},
		{"valid with extension line", sign(signer, "coop.example/log\n7\n"+root+"\nextension\n"), nil},
		{"other key", sign(otherSigner, "coop.example/log\n0\n"+root+"\n"), ErrSignature},
		{"other origin", sign(signer, "other.example/log\n0\n"+root+"\n"), ErrSignature},
		{"size not a number", sign(signer, "coop.example/log\nten\n"+root+"\n"), ErrCheckpoint},
		{"size with leading zero", sign(signer, "coop.example/log\n07\n"+root+"\n"), ErrCheckpoint},
		{"short root", sign(signer, "coop.example/log\n0\nAAAA\n"), ErrCheckpoint},
		{"two lines", sign(signer, "coop.example/log\n0\n"), ErrCheckpoint},
		{"not a note", []byte("hello"), ErrSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cp, err := OpenCheckpoint(tt.raw, v)
			if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("OpenCheckpoint = %+v, %v; want %v", cp, err, tt.want)
			}
		})
	}
}

// FuzzOpenCheckpoint: whatever the bytes, no panic, and anything accepted
// carries the fixture log's signature and origin.
func FuzzOpenCheckpoint(f *testing.F) {
	fx := getFixture(f)
	v, _ := note.NewVerifier(fx.vkey)
	for _, cp := range fx.cps {
		f.Add(cp.Note)
	}
	f.Add([]byte("coop.example/log\n0\n\n— x AAAA\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		cp, err := OpenCheckpoint(raw, v)
		if err != nil {
			return
		}
		if cp.Origin != "coop.example/log" || len(cp.Hash) != 32 {
			t.Fatalf("accepted %+v", cp)
		}
	})
}

// fuzzPaths are the resources FuzzServedResource may replace.
var fuzzPaths = []string{"checkpoint", "tile/0/000", "tile/0/001", "tile/0/002.p/76", "tile/1/000.p/2", "tile/entries/000", "tile/entries/001", "tile/entries/002.p/76"}

// FuzzServedResource replaces one served resource with arbitrary bytes. A
// full verification must never panic and must fail whenever the bytes differ
// from what the log really serves.
func FuzzServedResource(f *testing.F) {
	fx := getFixture(f)
	originals := map[string][]byte{}
	for _, p := range fuzzPaths {
		rec := httptest.NewRecorder()
		fx.good.ServeHTTP(rec, httptest.NewRequest("GET", "/log/"+p, nil))
		originals[p] = rec.Body.Bytes()
	}
	for i, p := range fuzzPaths {
		f.Add(uint8(i), originals[p])
		f.Add(uint8(i), flip(len(originals[p])/2)(bytes.Clone(originals[p])))
		f.Add(uint8(i), originals[p][:len(originals[p])-1])
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		p := fuzzPaths[int(which)%len(fuzzPaths)]
		tr := &transport{h: fx.good, path: p, replace: func([]byte) []byte { return body }}
		c := newClient(t, fx, tr)
		_, err := c.Verify(t.Context(), VerifyOptions{Saved: fx.cps[0], Audit: true, Receipt: fx.receipt})
		if same := bytes.Equal(body, originals[p]); same != (err == nil) {
			t.Fatalf("%s replaced (identical: %v): err = %v", p, same, err)
		}
	})
}
