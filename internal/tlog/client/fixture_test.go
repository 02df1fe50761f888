package client

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/allmende/allmende/internal/tlog"
	"github.com/allmende/allmende/internal/tlog/receipt"
)

const baseURL = "http://log.test/log/"

// fixture is a real log grown in three batches, plus two impostors signed
// with the same key: one that forked (other entries) and one that rolled
// back (a shorter history).
type fixture struct {
	vkey                 string
	entries              [][]byte
	cps                  []*Checkpoint // after each batch: sizes 100, 400, 588
	good, fork, rollback http.Handler
	forkCP               *Checkpoint // size 588, different entries
	receipt              *receipt.Receipt
	receiptIndex         uint64
}

var (
	fixOnce sync.Once
	fix     *fixture
	fixErr  error
	fixDir  string
	closers []func()
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, c := range closers {
		c()
	}
	if fixDir != "" {
		os.RemoveAll(fixDir)
	}
	os.Exit(code)
}

func getFixture(t testing.TB) *fixture {
	t.Helper()
	fixOnce.Do(func() { fix, fixErr = buildFixture() })
	if fixErr != nil {
		t.Fatalf("building the test log: %v", fixErr)
	}
	return fix
}

func entry(batch, i int) []byte {
	return fmt.Appendf(nil, `{"id":"ev-%d-%d","type":"task.paid","amount":%d}`, batch, i, batch*1000+i)
}

func openLog(dir, name string) (*tlog.Log, error) {
	l, err := tlog.Open(context.Background(), tlog.Config{
		Dir:                filepath.Join(dir, name),
		KeyFile:            filepath.Join(dir, "log.key"),
		Origin:             "coop.example/log",
		BatchMaxAge:        5 * time.Millisecond,
		CheckpointInterval: tlog.MinCheckpointInterval,
	})
	if err == nil {
		closers = append(closers, func() { l.Close(context.Background()) })
	}
	return l, err
}

// grow appends entries and returns the checkpoint that covers them.
func grow(l *tlog.Log, es [][]byte) (*tlog.Checkpoint, error) {
	ctx := context.Background()
	idx, err := l.Append(ctx, es)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return l.AwaitCheckpoint(ctx, idx[len(idx)-1]+1)
}

func buildFixture() (*fixture, error) {
	var err error
	if fixDir, err = os.MkdirTemp("", "tlog-client-test-"); err != nil {
		return nil, err
	}
	f := &fixture{}
	good, err := openLog(fixDir, "good")
	if err != nil {
		return nil, err
	}
	f.vkey = good.VerifierKey()
	v, err := note.NewVerifier(f.vkey)
	if err != nil {
		return nil, err
	}
	for b, n := range []int{100, 300, 188} {
		var batch [][]byte
		for i := range n {
			batch = append(batch, entry(b, i))
		}
		cp, err := grow(good, batch)
		if err != nil {
			return nil, err
		}
		f.entries = append(f.entries, batch...)
		ccp, err := OpenCheckpoint(cp.Note, v)
		if err != nil {
			return nil, err
		}
		f.cps = append(f.cps, ccp)
	}
	f.receiptIndex = 150
	if f.receipt, err = good.Receipt(context.Background(), f.receiptIndex); err != nil {
		return nil, err
	}

	fork, err := openLog(fixDir, "fork")
	if err != nil {
		return nil, err
	}
	var other [][]byte
	for i := range 588 {
		other = append(other, entry(9, i))
	}
	cp, err := grow(fork, other)
	if err != nil {
		return nil, err
	}
	if f.forkCP, err = OpenCheckpoint(cp.Note, v); err != nil {
		return nil, err
	}

	rollback, err := openLog(fixDir, "rollback")
	if err != nil {
		return nil, err
	}
	if _, err := grow(rollback, f.entries[:100]); err != nil {
		return nil, err
	}

	f.good = http.StripPrefix("/log", good.Handler())
	f.fork = http.StripPrefix("/log", fork.Handler())
	f.rollback = http.StripPrefix("/log", rollback.Handler())
	return f, nil
}

// transport serves a handler in process, optionally replacing the body of
// one resource, as a tampering server or network would.
type transport struct {
	h       http.Handler
	path    string // e.g. "tile/0/000"
	replace func([]byte) []byte
}

func (tr *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	tr.h.ServeHTTP(rec, req)
	body := rec.Body.Bytes()
	if tr.replace != nil && strings.TrimPrefix(req.URL.Path, "/log/") == tr.path {
		body = tr.replace(bytes.Clone(body))
	}
	return &http.Response{
		StatusCode: rec.Code,
		Status:     http.StatusText(rec.Code),
		Header:     rec.Header(),
		Body:       io.NopCloser(bytes.NewReader(body)),
		Request:    req,
	}, nil
}

func newClient(t testing.TB, f *fixture, tr *transport) *Client {
	t.Helper()
	c, err := New(baseURL, f.vkey, &http.Client{Transport: tr})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// flip returns a function that flips one bit of a body.
func flip(offset int) func([]byte) []byte {
	return func(b []byte) []byte {
		if len(b) > 0 {
			b[offset%len(b)] ^= 0x10
		}
		return b
	}
}
