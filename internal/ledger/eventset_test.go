package ledger_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/ledger"
)

func testEntry(id int) []byte {
	return fmt.Appendf(nil, `{"v":1,"id":"%032x","type":"task.paid","time":0,"commitment":"00"}`, id)
}

func TestEventSet(t *testing.T) {
	s := ledger.NewEventSet()
	for i := range 5 {
		if err := s.Add(uint64(i), testEntry(i)); err != nil {
			t.Fatal(err)
		}
	}
	err := s.Add(5, testEntry(2))
	if !errors.Is(err, ledger.ErrDuplicateEvent) || !strings.Contains(err.Error(), "entry 2 and entry 5") {
		t.Fatalf("a copy of entry 2: %v, want ErrDuplicateEvent naming both entries", err)
	}
	for _, bad := range [][]byte{[]byte(`{"id":"a-0"}`), []byte(`{"v":1,"id":"zz000000000000000000000000000000","type":"t","time":0,"commitment":""}`)} {
		if err := s.Add(5, bad); err == nil || !strings.Contains(err.Error(), "not a ledger event") {
			t.Errorf("Add(%s): %v, want not a ledger event", bad, err)
		}
	}
	if err := s.Add(7, testEntry(7)); err == nil {
		t.Error("an entry out of order was added")
	}

	path := filepath.Join(t.TempDir(), "state.events")
	if err := s.Save(path); err != nil {
		t.Fatal(err)
	}
	// The copy is found against a list loaded from disk too.
	for _, size := range []uint64{5, 3} {
		got, err := ledger.LoadEventSet(path, size)
		if err != nil || got == nil || got.Len() != size {
			t.Fatalf("LoadEventSet(%d) = %v, %v", size, got, err)
		}
		if err := got.Add(size, testEntry(2)); !errors.Is(err, ledger.ErrDuplicateEvent) {
			t.Errorf("copy after loading %d: %v", size, err)
		}
	}
	// Too short or missing: read the whole log.
	if got, err := ledger.LoadEventSet(path, 6); got != nil || err != nil {
		t.Errorf("list shorter than the state: %v, %v; want nil, nil", got, err)
	}
	if got, err := ledger.LoadEventSet(path+".missing", 1); got != nil || err != nil {
		t.Errorf("missing list: %v, %v; want nil, nil", got, err)
	}
	// A list with one id twice was altered.
	raw, _ := os.ReadFile(path)
	copy(raw[16:32], raw[0:16])
	os.WriteFile(path, raw, 0o600)
	if _, err := ledger.LoadEventSet(path, 5); err == nil {
		t.Error("a list with an id twice loaded")
	}
}

func FuzzEventSet(f *testing.F) {
	f.Add(append(testEntry(1), '\n'), uint8(1))
	f.Add([]byte(strings.Repeat("x", 40)), uint8(2))
	f.Fuzz(func(t *testing.T, raw []byte, size uint8) {
		path := filepath.Join(t.TempDir(), "events")
		os.WriteFile(path, raw, 0o600)
		s, err := ledger.LoadEventSet(path, uint64(size))
		if err != nil || s == nil {
			return
		}
		if s.Len() != uint64(size) {
			t.Fatalf("Len %d, want %d", s.Len(), size)
		}
		// Every entry is refused or accepted without a panic; an
		// accepted one is refused the second time.
		for _, line := range strings.Split(string(raw), "\n") {
			n := s.Len()
			if s.Add(n, []byte(line)) == nil {
				if err := s.Add(n+1, []byte(line)); !errors.Is(err, ledger.ErrDuplicateEvent) {
					t.Fatalf("the same entry twice: %v", err)
				}
			}
		}
	})
}
