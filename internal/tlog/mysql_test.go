package tlog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/transparency-dev/tessera/api"

	"github.com/allmende/allmende/internal/tlog/client"
	"github.com/allmende/allmende/internal/tlog/mysqltest"
)

// mysqlConfig is a log on a fresh MariaDB database, with the signing key in
// a fresh data folder (each server has its own folder and a copy of the
// key).
func mysqlConfig(t *testing.T, dsn string) Config {
	t.Helper()
	return Config{
		MySQL:              dsn,
		KeyFile:            filepath.Join(t.TempDir(), "log.key"),
		Origin:             testOrigin,
		BatchMaxAge:        5 * time.Millisecond,
		CheckpointInterval: MinMySQLCheckpointInterval,
	}
}

// lead opens the appending side of l and closes it when the test ends.
func lead(t *testing.T, l *Log) *Log {
	t.Helper()
	w, err := l.Lead(t.Context())
	if err != nil {
		t.Fatalf("Lead: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := w.Close(ctx); err != nil {
			t.Errorf("Close the leader: %v", err)
		}
	})
	return w
}

// copyKey gives a second server the first one's key file.
func copyKey(t *testing.T, from Config, to *Config) {
	t.Helper()
	raw, err := os.ReadFile(from.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to.KeyFile, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestMySQLLogVerifies: a log on MariaDB, appended to by the leader, read
// and served by another server's reader, passes the verification client's
// full audit, and serves partial tiles and bundles of exactly the width
// the URL names (the driver keeps one growing row per tile).
func TestMySQLLogVerifies(t *testing.T) {
	dsn := mysqltest.DSN(t)
	cfgA := mysqlConfig(t, dsn)
	a := openTest(t, cfgA)
	cfgB := mysqlConfig(t, dsn)
	copyKey(t, cfgA, &cfgB)
	b := openTest(t, cfgB)

	if _, err := b.Append(t.Context(), events("x", 1)); !errors.Is(err, ErrNotLeader) {
		t.Fatalf("Append on a reader: %v, want ErrNotLeader", err)
	}
	w := lead(t, a)
	const n = 600 // two full bundles and a partial one of 88
	var want [][]byte
	for i := range 6 {
		es := events(fmt.Sprintf("batch%d", i), n/6)
		want = append(want, es...)
		appendAndPublish(t, w, es)
	}

	// The other server's reader sees the same checkpoint and entries.
	cp, err := b.Checkpoint(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if cp.Size != n {
		t.Fatalf("reader's checkpoint has size %d, want %d", cp.Size, n)
	}
	var got [][]byte
	for e, err := range b.Entries(t.Context(), 0, n) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e.Data)
	}
	if len(got) != n || !bytes.Equal(bytes.Join(got, nil), bytes.Join(want, nil)) {
		t.Fatalf("reader's entries differ from those appended (%d of %d)", len(got), n)
	}

	srv := httptest.NewServer(http.StripPrefix("/log", b.Handler()))
	defer srv.Close()
	c, err := client.New(srv.URL+"/log", b.VerifierKey(), srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.Verify(t.Context(), client.VerifyOptions{Audit: true})
	if err != nil {
		t.Fatalf("verify the log on MySQL: %v", err)
	}
	if rep.Latest.Size != n {
		t.Fatalf("verified size %d, want %d", rep.Latest.Size, n)
	}

	get := func(path string) []byte {
		t.Helper()
		resp, err := srv.Client().Get(srv.URL + "/log/" + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s", path, resp.Status)
		}
		return body
	}
	if tile := get("tile/0/002.p/88"); len(tile) != 88*32 {
		t.Errorf("partial tile of width 88 has %d bytes, want %d", len(tile), 88*32)
	}
	if tile := get("tile/0/002.p/10"); len(tile) != 10*32 {
		t.Errorf("partial tile of width 10 has %d bytes, want %d", len(tile), 10*32)
	}
	var eb api.EntryBundle
	if err := eb.UnmarshalText(get("tile/entries/002.p/40")); err != nil || len(eb.Entries) != 40 {
		t.Errorf("partial bundle of width 40: %d entries, %v", len(eb.Entries), err)
	} else if !bytes.Equal(eb.Entries[39], want[2*256+39]) {
		t.Errorf("partial bundle's last entry is %q, want %q", eb.Entries[39], want[2*256+39])
	}
	resp, err := srv.Client().Get(srv.URL + "/log/tile/0/002.p/89")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("tile beyond the checkpoint: %s, want 404", resp.Status)
	}

	// Receipts and proofs from the reader check out too.
	r, err := b.Receipt(t.Context(), 300)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.VerifyReceipt(r, nil, c.Verifier()); err != nil {
		t.Fatalf("receipt from the reader: %v", err)
	}
}

// TestMySQLLogRefusesAnotherKey: a server with another key than the one the
// shared log is signed with is refused, and so is one without a key once
// the log exists; neither gets to sign a second log.
func TestMySQLLogRefusesAnotherKey(t *testing.T) {
	dsn := mysqltest.DSN(t)
	first := openTest(t, mysqlConfig(t, dsn))
	appendAndPublish(t, lead(t, first), events("a", 3))

	other := mysqlConfig(t, dsn)
	if err := createKey(other.KeyFile, testOrigin); err != nil {
		t.Fatal(err)
	}
	_, err := Open(t.Context(), other)
	if !errors.Is(err, ErrOtherKey) || !strings.Contains(err.Error(), first.VerifierKey()) {
		t.Fatalf("Open with another key: %v, want ErrOtherKey naming the log's key", err)
	}

	none := mysqlConfig(t, dsn)
	_, err = Open(t.Context(), none)
	if err == nil || !strings.Contains(err.Error(), "has no signing key") {
		t.Fatalf("Open without a key: %v, want a refusal", err)
	}
	if ok, _ := fileExists(none.KeyFile); ok {
		t.Error("Open without a key created one for a log that exists")
	}
}

// TestMySQLAppendsLockedAcrossServers: LockAppends on a shared log keeps
// out the appends of another server (another Log on the same database),
// so that two servers that both believe they lead still append each event
// once; a server that dies loses the lock with its connection.
func TestMySQLAppendsLockedAcrossServers(t *testing.T) {
	dsn := mysqltest.DSN(t)
	cfgA := mysqlConfig(t, dsn)
	a := openTest(t, cfgA)
	cfgB := mysqlConfig(t, dsn)
	copyKey(t, cfgA, &cfgB)
	b := openTest(t, cfgB)
	wa, wb := lead(t, a), lead(t, b)

	unlock, err := wa.LockAppends(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 1500*time.Millisecond)
	_, err = wb.LockAppends(ctx)
	cancel()
	if err == nil {
		t.Fatal("a second server took the appends while the first held them")
	}
	unlock()
	unlockB, err := wb.LockAppends(t.Context())
	if err != nil {
		t.Fatalf("after the first let go: %v", err)
	}
	idx, _ := appendAndPublish(t, wb, events("b", 2))
	unlockB()
	if idx[0] != 0 || idx[1] != 1 {
		t.Errorf("indexes %v, want [0 1]", idx)
	}

	// A leader that dies: its connection ends, and with it the lock.
	unlock, err = wa.LockAppends(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer unlock() // only at the end: the server "dies" holding it
	var holder int64
	if err := wb.shared.db.QueryRowContext(t.Context(), "SELECT IS_USED_LOCK(?)", wa.shared.lockName).Scan(&holder); err != nil {
		t.Fatal(err)
	}
	if _, err := wb.shared.db.ExecContext(t.Context(), fmt.Sprintf("KILL %d", holder)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel = context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	unlockB, err = wb.LockAppends(ctx)
	if err != nil {
		t.Fatalf("the lock of a server whose connections ended: %v", err)
	}
	unlockB()
}

func FuzzBundlePrefix(f *testing.F) {
	f.Add([]byte{0, 1, 'a', 0, 2, 'b', 'c'}, 2)
	f.Add([]byte{0, 5, 'a'}, 1)
	f.Fuzz(func(t *testing.T, b []byte, w int) {
		if w < 0 || w > 256 {
			return
		}
		n, err := bundlePrefix(b, w)
		if err != nil {
			return
		}
		if n > len(b) {
			t.Fatalf("prefix %d beyond %d bytes", n, len(b))
		}
		var eb api.EntryBundle
		if err := eb.UnmarshalText(b[:n]); err != nil || len(eb.Entries) != w {
			t.Fatalf("prefix of %d entries parses to %d (%v)", w, len(eb.Entries), err)
		}
	})
}

// BenchmarkAppendMySQL is BenchmarkAppend's raw and call=100 cases on
// Tessera's MySQL driver (ALLMENDE_TEST_MYSQL): entries per second until
// durably integrated, one transaction per batch.
func BenchmarkAppendMySQL(b *testing.B) {
	for _, bc := range []struct {
		name    string
		perCall int
		batch   uint
		age     time.Duration
	}{
		{name: "raw", perCall: 8192, batch: 1024, age: 100 * time.Millisecond},
		{name: "default/call=100", perCall: 100},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r, err := Open(b.Context(), Config{
				MySQL: mysqltest.DSN(b), KeyFile: filepath.Join(b.TempDir(), "log.key"), Origin: "bench.example/log",
				BatchMaxSize: bc.batch, BatchMaxAge: bc.age,
			})
			if err != nil {
				b.Fatal(err)
			}
			defer r.Close(context.Background())
			l, err := r.Lead(b.Context())
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close(context.Background())
			chunk := make([][]byte, bc.perCall)
			for i := range chunk {
				chunk[i] = benchEntry(i, 300)
			}
			b.ResetTimer()
			start := time.Now()
			for b.Loop() {
				if _, err := l.Append(b.Context(), chunk); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*bc.perCall)/time.Since(start).Seconds(), "entries/s")
		})
	}
}
