package client

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestIncrementalAndFullAudit: issue 11 found that `log verify --state`
// accepted a log whose already-verified entry bundles were altered. That
// is what the incremental mode does, by design: it reads only the bundles
// from the saved size on. Full re-reads everything and names the altered
// bundle.
func TestIncrementalAndFullAudit(t *testing.T) {
	f := getFixture(t)
	// Entry 60 lies in bundle 0; the saved checkpoint (size 400) was
	// verified past it, so the incremental audit starts at bundle 1.
	tr := &transport{h: f.good, path: "tile/entries/000", replace: flip(60)}
	c := newClient(t, f, tr)

	rep, err := c.Verify(t.Context(), VerifyOptions{Saved: f.cps[1], Audit: true})
	if err != nil {
		t.Fatalf("incremental audit: %v (bundle 0 was verified before; it is not read again)", err)
	}
	if rep.Audit.From != 256 {
		t.Errorf("incremental audit from entry %d, want 256", rep.Audit.From)
	}

	rep, err = c.Verify(t.Context(), VerifyOptions{Saved: f.cps[1], Audit: true, Full: true})
	if !errors.Is(err, ErrEntryBundle) {
		t.Fatalf("full audit of an altered bundle: %v, want ErrEntryBundle", err)
	}
	if !strings.Contains(err.Error(), "tile/entries/000") {
		t.Errorf("the error does not name the altered bundle: %v", err)
	}
	if !rep.Consistent {
		t.Error("the full audit skipped the consistency check against the saved checkpoint")
	}

	// Unaltered, the full audit reads every entry from the first.
	rep, err = newClient(t, f, &transport{h: f.good}).Verify(t.Context(), VerifyOptions{Saved: f.cps[1], Audit: true, Full: true})
	if err != nil {
		t.Fatal(err)
	}
	if a := rep.Audit; a.From != 0 || a.To != 588 || a.Bundles != 3 {
		t.Errorf("full audit report %+v", a)
	}
}

// TestEachEntry: the caller sees every new entry once, in order, and its
// verdict fails the audit — but only once the entries are shown genuine,
// so that a tampered bundle is reported as such.
func TestEachEntry(t *testing.T) {
	f := getFixture(t)
	for _, tt := range []struct {
		name  string
		saved *Checkpoint
		full  bool
		from  uint64
	}{
		{"whole log", nil, false, 0},
		{"after the saved size", f.cps[1], false, 400},
		{"full", f.cps[1], true, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			next := tt.from
			_, err := newClient(t, f, &transport{h: f.good}).Verify(t.Context(), VerifyOptions{
				Saved: tt.saved, Audit: true, Full: tt.full,
				EachEntry: func(i uint64, e []byte) error {
					if i != next || !bytes.Equal(e, f.entries[i]) {
						return fmt.Errorf("got entry %d, want %d", i, next)
					}
					next++
					return nil
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			if next != 588 {
				t.Fatalf("saw entries up to %d, want 588", next)
			}
		})
	}

	reject := errors.New("entry 500 is a copy")
	each := func(i uint64, e []byte) error {
		if i == 500 {
			return reject
		}
		return nil
	}
	_, err := newClient(t, f, &transport{h: f.good}).Verify(t.Context(), VerifyOptions{Audit: true, EachEntry: each})
	if !errors.Is(err, reject) || !strings.Contains(err.Error(), "entry 500") {
		t.Fatalf("rejected entry: %v", err)
	}
	tampered := &transport{h: f.good, path: "tile/entries/001", replace: flip(3000)}
	_, err = newClient(t, f, tampered).Verify(t.Context(), VerifyOptions{Audit: true, EachEntry: each})
	if !errors.Is(err, ErrEntryBundle) {
		t.Fatalf("tampered bundle with a rejected entry: %v, want ErrEntryBundle first", err)
	}
}
