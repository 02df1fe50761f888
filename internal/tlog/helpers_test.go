package tlog

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

const testOrigin = "coop.example/log"

// testConfig returns a config in a fresh temporary data folder, with the
// shortest checkpoint interval so that tests do not wait long.
func testConfig(t *testing.T) Config {
	t.Helper()
	data := t.TempDir()
	return Config{
		Dir:                filepath.Join(data, "log"),
		KeyFile:            filepath.Join(data, "log.key"),
		Origin:             testOrigin,
		BatchMaxAge:        5 * time.Millisecond,
		CheckpointInterval: MinCheckpointInterval,
	}
}

// openTest opens a log and closes it when the test ends.
func openTest(t *testing.T, cfg Config) *Log {
	t.Helper()
	l, err := Open(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := l.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return l
}

// events returns n distinct entries shaped like ledger events.
func events(prefix string, n int) [][]byte {
	es := make([][]byte, n)
	for i := range es {
		es[i] = fmt.Appendf(nil, `{"id":"%s-%d","type":"test"}`, prefix, i)
	}
	return es
}

// appendAndPublish appends entries and waits for a checkpoint covering them.
func appendAndPublish(t *testing.T, l *Log, entries [][]byte) ([]uint64, *Checkpoint) {
	t.Helper()
	idx, err := l.Append(t.Context(), entries)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	cp, err := l.AwaitCheckpoint(ctx, idx[len(idx)-1]+1)
	if err != nil {
		t.Fatalf("AwaitCheckpoint: %v", err)
	}
	return idx, cp
}
