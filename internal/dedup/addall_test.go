package dedup

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
)

// AddAll stores a batch with one write; reopening the file finds every
// record, and a batch with a bad member stores nothing.
func TestAddAllPersistsAtomically(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.idx")
	x, err := Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	var fps []Fingerprint
	for i := range 50 {
		ids = append(ids, int64(i+1))
		fps = append(fps, FingerprintText(fmt.Sprintf("record %d says something rather different: %d %d %d", i, i*i, i*7, i*13)))
	}
	if err := x.AddAll(ids, fps); err != nil {
		t.Fatal(err)
	}
	if err := x.AddAll([]int64{100, 3}, fps[:2]); !errors.Is(err, ErrDuplicateID) {
		t.Fatalf("batch with a taken id: %v", err)
	}
	if m := x.Query(fps[7]); len(m) == 0 || m[0].ID != 8 || !m[0].Exact {
		t.Fatalf("query after AddAll: %+v", m)
	}
	x.Close()
	y, err := Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	if got := y.IDs(); !slices.Equal(got, ids) {
		t.Fatalf("ids after reopen = %v, want %v (nothing of the refused batch)", got, ids)
	}
}
