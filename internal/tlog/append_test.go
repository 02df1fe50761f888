package tlog

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestAppendConcurrentIndicesAndReadBack(t *testing.T) {
	l := openTest(t, testConfig(t))
	const workers, perWorker = 8, 60

	var mu sync.Mutex
	byIndex := map[uint64]string{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			es := events(fmt.Sprintf("w%d", w), perWorker)
			idx, err := l.Append(t.Context(), es)
			if err != nil {
				t.Errorf("Append: %v", err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for i, x := range idx {
				if prev, dup := byIndex[x]; dup {
					t.Errorf("index %d given to %q and %q", x, prev, es[i])
				}
				byIndex[x] = string(es[i])
			}
			for i := 1; i < len(idx); i++ {
				if idx[i] <= idx[i-1] {
					t.Errorf("indices of one Append out of order: %v", idx)
					break
				}
			}
		})
	}
	wg.Wait()
	const total = workers * perWorker
	if len(byIndex) != total {
		t.Fatalf("got %d distinct indices, want %d", len(byIndex), total)
	}

	size, err := l.IntegratedSize(t.Context())
	if err != nil || size != total {
		t.Fatalf("IntegratedSize = %d, %v; want %d", size, err, total)
	}
	n := 0
	for e, err := range l.Entries(t.Context(), 0, total) {
		if err != nil {
			t.Fatal(err)
		}
		if string(e.Data) != byIndex[e.Index] {
			t.Fatalf("entry %d = %q, want %q", e.Index, e.Data, byIndex[e.Index])
		}
		n++
	}
	if n != total {
		t.Fatalf("Entries yielded %d, want %d", n, total)
	}

	// A range in the middle, crossing the first bundle boundary.
	var got []uint64
	for e, err := range l.Entries(t.Context(), 250, 260) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e.Index)
	}
	if len(got) != 10 || got[0] != 250 || got[9] != 259 {
		t.Errorf("Entries(250, 260) indices = %v", got)
	}
}

func TestEntriesBeyondSize(t *testing.T) {
	l := openTest(t, testConfig(t))
	if _, err := l.Append(t.Context(), events("e", 3)); err != nil {
		t.Fatal(err)
	}
	for _, r := range [][2]uint64{{0, 4}, {3, 2}} {
		var err error
		for _, err = range l.Entries(t.Context(), r[0], r[1]) {
		}
		if err == nil {
			t.Errorf("Entries(%d, %d) on a log of 3: no error", r[0], r[1])
		}
	}
}

func TestAppendEntrySizeLimit(t *testing.T) {
	l := openTest(t, testConfig(t))
	tooBig := [][]byte{[]byte("ok"), make([]byte, MaxEntrySize+1)}
	if _, err := l.Append(t.Context(), tooBig); !errors.Is(err, ErrEntryTooLarge) {
		t.Fatalf("Append of %d bytes: err = %v, want ErrEntryTooLarge", MaxEntrySize+1, err)
	}
	idx, err := l.Append(t.Context(), [][]byte{make([]byte, MaxEntrySize)})
	if err != nil {
		t.Fatalf("Append of %d bytes: %v", MaxEntrySize, err)
	}
	// The rejected call must not have appended its valid entry.
	if idx[0] != 0 {
		t.Errorf("index after a rejected call = %d, want 0", idx[0])
	}
}

func TestAwaitCheckpoint(t *testing.T) {
	l := openTest(t, testConfig(t))
	idx, cp := appendAndPublish(t, l, events("a", 5))
	if cp.Size < idx[4]+1 {
		t.Fatalf("AwaitCheckpoint returned size %d, want at least %d", cp.Size, idx[4]+1)
	}
	root := cp.Hash

	// Nothing will ever cover size 100: the wait must end with the context.
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	if _, err := l.AwaitCheckpoint(ctx, 100); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("AwaitCheckpoint(100) on a log of 5: err = %v, want deadline exceeded", err)
	}
	latest, err := l.AwaitCheckpoint(t.Context(), 0)
	if err != nil || latest.Size != 5 || string(latest.Hash) != string(root) {
		t.Fatalf("AwaitCheckpoint(0) = %+v, %v", latest, err)
	}
}

func TestAppendCanceledReportsUnknownOutcome(t *testing.T) {
	cfg := testConfig(t)
	cfg.BatchMaxAge = time.Second // the batch waits; the context does not
	l := openTest(t, cfg)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := l.Append(ctx, events("slow", 1))
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want ErrOutcomeUnknown wrapping the deadline", err)
	}
}
