package dedup

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestMultimapAgainstMap drives multimaps of both key widths through all
// their levels (and, for 16-bit keys, the offset table), with deletions
// of both kinds, and compares every lookup with a plain map.
func TestMultimapAgainstMap(t *testing.T) {
	for _, shift := range []uint{32, 48} {
		t.Run(fmt.Sprintf("key shift %d", shift), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(8, uint64(shift)))
			m := multimap{keyShift: shift}
			ref := map[uint64][]uint64{} // key → entries
			check := func(stage string) {
				t.Helper()
				n := 0
				for k, want := range ref {
					got := m.appendEntries(nil, k)
					slices.Sort(got)
					w := slices.Clone(want)
					slices.Sort(w)
					if !slices.Equal(got, w) {
						t.Fatalf("%s: key %d: %d entries, want %d", stage, k, len(got), len(w))
					}
					n += len(want)
				}
				if m.len() != n {
					t.Fatalf("%s: %d entries, want %d", stage, m.len(), n)
				}
				if !slices.IsSorted(m.main) || !slices.IsSorted(m.mid) {
					t.Fatalf("%s: a sorted level is out of order", stage)
				}
				if got := m.appendEntries(nil, 9999); len(got) != 0 {
					t.Fatalf("%s: absent key has entries", stage)
				}
				// Near lookup: every key within radius 1 of key 77.
				var want []uint64
				for k, es := range ref {
					if bits.OnesCount64(k^77) <= 1 {
						want = append(want, es...)
					}
				}
				got := m.appendNear(nil, 77, probeMasks(1), 1)
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Fatalf("%s: %d entries within 1 of key 77, want %d", stage, len(got), len(want))
				}
			}
			for round := range 3 {
				for range 40000 {
					// Few keys, so that runs of equal keys cross levels.
					k := uint64(rng.IntN(3000))
					e := k<<shift | rng.Uint64()&(1<<shift-1)
					m.add(e)
					ref[k] = append(ref[k], e)
				}
				check("after adds")
				if round == 0 && len(m.main) == 0 {
					t.Fatal("main level never used")
				}
				if shift == 48 && round == 2 && m.starts == nil {
					t.Fatal("offset table never built")
				}
				m.deleteFunc(func(e uint64) bool { return e%5 == 0 })
				for k, es := range ref {
					ref[k] = slices.DeleteFunc(es, func(e uint64) bool { return e%5 == 0 })
				}
				check("after deleteFunc")
				for range 300 {
					k := uint64(rng.IntN(3000))
					if len(ref[k]) == 0 {
						continue
					}
					i := rng.IntN(len(ref[k]))
					if !m.deleteOne(ref[k][i]) {
						t.Fatal("deleteOne missed a stored entry")
					}
					ref[k] = slices.Delete(ref[k], i, i+1)
				}
				if m.deleteOne(12345 << shift) {
					t.Fatal("deleteOne found an absent entry")
				}
				check("after deleteOne")
			}
		})
	}
}

func TestSlotTableAgainstMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	keys := make([]uint64, 5000) // key of each slot
	// A weak hash clusters keys, so that probe runs are long and wrap.
	tab := newSlotTable(func(s uint32) uint64 { return keys[s] % 97 })
	live := map[uint32]bool{}
	for step := range 40000 {
		s := uint32(rng.IntN(len(keys)))
		if live[s] {
			tab.delete(s)
			delete(live, s)
		} else {
			keys[s] = rng.Uint64()
			tab.insert(s)
			live[s] = true
		}
		if step%997 != 0 {
			continue
		}
		if tab.used != len(live) {
			t.Fatalf("step %d: %d used, want %d", step, tab.used, len(live))
		}
		for s := range uint32(len(keys)) {
			got, ok := tab.find(keys[s]%97, func(c uint32) bool { return c == s })
			if ok != live[s] || (ok && got != s) {
				t.Fatalf("step %d: find slot %d = %d, %v; live %v", step, s, got, ok, live[s])
			}
		}
	}
	if len(tab.cells) < 4*tab.used/3 {
		t.Errorf("table over-full: %d cells for %d slots", len(tab.cells), tab.used)
	}
}
