package tlog

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// MeasureAppends creates a log in dir (which must not hold one), appends n
// entries of size bytes in one call and returns entries integrated per
// second: from the first Add until every entry is durably in the tree,
// checkpoint publication excluded. It uses large batches, as a bulk import
// would; it measures the storage, not the latency settings. The log is
// closed but left in dir.
func MeasureAppends(ctx context.Context, dir string, n, size int) (perSecond float64, err error) {
	if n <= 0 || size < 64 || size > MaxEntrySize {
		return 0, fmt.Errorf("measure appends: need n > 0 and 64 <= size <= %d", MaxEntrySize)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("measure appends: %w", err)
	}
	l, err := Open(ctx, Config{
		Dir:                filepath.Join(dir, "log"),
		KeyFile:            filepath.Join(dir, "log.key"),
		Origin:             "bench.allmende.invalid/log",
		BatchMaxSize:       1024,
		BatchMaxAge:        100 * time.Millisecond,
		CheckpointInterval: 200 * time.Millisecond,
	})
	if err != nil {
		return 0, fmt.Errorf("measure appends: %w", err)
	}
	defer func() {
		if cErr := l.Close(ctx); cErr != nil && err == nil {
			err = fmt.Errorf("measure appends: %w", cErr)
		}
	}()

	entries := make([][]byte, n)
	for i := range entries {
		entries[i] = benchEntry(i, size)
	}
	start := time.Now()
	if _, err := l.Append(ctx, entries); err != nil {
		return 0, fmt.Errorf("measure appends: %w", err)
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// benchEntry returns a distinct entry shaped like a ledger event line.
func benchEntry(i, size int) []byte {
	e := fmt.Appendf(make([]byte, 0, size), `{"id":"bench-%08d","type":"bench","pad":"`, i)
	for len(e) < size-2 {
		e = append(e, 'x')
	}
	return append(e, '"', '}')[:size]
}
