package app_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create a database

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/tlog/client"
	"github.com/allmende/allmende/internal/tlog/mysqltest"
)

// replicaEnv makes the test binary a replica of TestSharedLogLeaderKilled:
// it serves the cooperative whose app.Config (JSON) the variable holds,
// records events, and is killed with SIGKILL.
const replicaEnv = "ALLMENDE_APP_TEST_REPLICA"

func TestMain(m *testing.M) {
	if cfg := os.Getenv(replicaEnv); cfg != "" {
		runReplica(cfg)
		return
	}
	os.Exit(m.Run())
}

// replicaConfig is what the helper replica is told.
type replicaConfig struct {
	Config app.Config
	Member int64
}

// runReplica serves the cooperative, prints "url <URL>", records 100 events
// and prints "recorded", then on "more" from stdin records events until it
// is killed.
func runReplica(raw string) {
	var rc replicaConfig
	if err := json.Unmarshal([]byte(raw), &rc); err != nil {
		panic(err)
	}
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	a, err := app.Open(ctx, rc.Config, logger)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	ln, err := app.Listen("127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go a.Serve(ctx, ln, func(url string) { fmt.Println("url", url) })
	recordEvents(a, rc.Member, "replica-a", 0, 100)
	fmt.Println("recorded")
	bufio.NewReader(os.Stdin).ReadString('\n')
	for i := 100; ; i += 5 {
		recordEvents(a, rc.Member, "replica-a", i, i+5)
	}
}

// recordEvents commits events [from, to) of member m, two per transaction.
func recordEvents(a *app.App, m int64, who string, from, to int) {
	for i := from; i < to; i += 2 {
		err := a.DB.InTx(context.Background(), func(tx *store.Tx) error {
			for j := i; j < min(i+2, to); j++ {
				_, err := a.Ledger.Record(context.Background(), tx, ledger.Event{
					Type: ledger.TaskPaid, MemberID: m, Scope: "project:1",
					Postings: []ledger.Posting{{Account: "escrow:project:1", Amount: -int64(j + 1)}, {Account: "member:m-ada", Amount: int64(j + 1)}},
					Content:  map[string]any{"by": who, "n": j},
				})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			panic(err)
		}
	}
}

// postgresDatabase creates a PostgreSQL database of the test's own (not a
// schema: advisory locks, and so the publisher lease, are per database)
// and returns its URL. It skips without ALLMENDE_TEST_POSTGRES.
func postgresDatabase(t *testing.T) string {
	t.Helper()
	base := os.Getenv(storetest.EnvPostgres)
	if base == "" {
		t.Skipf("%s is not set", storetest.EnvPostgres)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	name := "allmende_test_" + strings.ToLower(rand.Text()[:12])
	if _, err := admin.ExecContext(t.Context(), "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// sharedKeys writes the cooperative's two keys once, as `allmende keys
// init` does; every replica is given the same files.
func sharedKeys(t *testing.T) app.Keys {
	t.Helper()
	k, err := app.InitKeys(t.TempDir(), "coop.example/log")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestSharedLogLeaderKilled runs two replicas on one PostgreSQL database
// and one MariaDB log: A, a separate process, and B, in the test. A takes
// the publisher lease; events recorded through either are published once,
// and both serve the same checkpoint. Then A is killed with SIGKILL while
// it records and appends: B takes the lease over, publishes what A left in
// the outbox and everything after, and the log verifies with every event
// in it exactly once, at the index the database recorded.
func TestSharedLogLeaderKilled(t *testing.T) {
	pg := postgresDatabase(t)
	dsn := mysqltest.DSN(t)
	keys := sharedKeys(t)
	cfgB := app.Config{DataDir: t.TempDir(), DB: pg, LogMySQL: dsn, LogOrigin: "coop.example/log", ReplayBrowser: "none",
		VaultKeyFile: keys.VaultFile, LogKeyFile: keys.LogFile}
	b, err := app.Open(t.Context(), cfgB, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var member int64
	err = b.DB.InTx(t.Context(), func(tx *store.Tx) error {
		return tx.QueryRowContext(t.Context(), `INSERT INTO members (public_id, email, name, password_hash, role, created_at)
			VALUES ('m-ada', 'ada@example.org', 'Ada', 'x', 'member', 0) RETURNING id`).Scan(&member)
	})
	if err != nil {
		t.Fatal(err)
	}

	// Replica A, in its own process, with B's keys.
	cfgA := cfgB
	cfgA.DataDir = t.TempDir()
	raw, _ := json.Marshal(replicaConfig{Config: cfgA, Member: member})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), replicaEnv+"="+string(raw))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var waitOnce sync.Once
	wait := func() { waitOnce.Do(func() { cmd.Wait() }) }
	defer func() {
		cmd.Process.Kill()
		wait()
		if t.Failed() {
			t.Logf("replica A's log:\n%s", stderr.String())
		}
	}()
	lines := bufio.NewReader(stdout)
	line, err := lines.ReadString('\n')
	urlA, ok := strings.CutPrefix(strings.TrimSpace(line), "url ")
	if !ok {
		t.Fatalf("replica A: %q %v", line, err)
	}
	if line, err := lines.ReadString('\n'); line != "recorded\n" {
		t.Fatalf("replica A: %q %v", line, err)
	}
	waitPublished(t, b.Ledger, 100)

	// B runs too, but A holds the lease: B's events reach the log through
	// A's publisher, which reads the shared outbox.
	ctxB, stopB := context.WithCancel(context.Background())
	var bg sync.WaitGroup
	bg.Go(func() { b.Background(ctxB) })
	defer func() { stopB(); bg.Wait() }()
	recordEvents(b, member, "replica-b", 0, 100)
	waitPublished(t, b.Ledger, 200)
	srvB := httptest.NewServer(b.Web)
	defer srvB.Close()
	sameCheckpoint(t, urlA, srvB.URL, 200)
	if b.Publishing() {
		t.Fatal("B publishes while A holds the lease")
	}
	if m := metric(t, b, "allmende_log_publisher"); m != "0" {
		t.Errorf("B's allmende_log_publisher is %s, want 0", m)
	}

	// A records and appends without pause, and is killed at it.
	io.WriteString(stdin, "more\n")
	countEvents := func() int {
		var n int
		if err := b.DB.Read().QueryRowContext(t.Context(), `SELECT count(*) FROM ledger_events`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for deadline := time.Now().Add(30 * time.Second); countEvents() < 260; {
		if time.Now().After(deadline) {
			t.Fatal("replica A does not record events")
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	wait()
	recordEvents(b, member, "replica-b", 100, 200)
	n := countEvents()
	waitPublished(t, b.Ledger, n)
	if !b.Publishing() {
		t.Error("B published A's and its own events without holding the lease")
	}
	if m := metric(t, b, "allmende_log_publisher"); m != "1" {
		t.Errorf("B's allmende_log_publisher is %s, want 1", m)
	}
	checkSharedLog(t, b, srvB.URL, n)
}

// metric returns the value of an unlabelled metric on a's metrics handler.
func metric(t *testing.T, a *app.App, name string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	a.Web.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for line := range strings.Lines(rec.Body.String()) {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("no metric %s", name)
	return ""
}

// waitPublished waits until the database holds n events, all with a log
// index.
func waitPublished(t *testing.T, l *ledger.Ledger, n int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var s ledger.Stats
	for time.Now().Before(deadline) {
		var err error
		if s, err = l.Stats(t.Context()); err != nil {
			t.Fatal(err)
		}
		if s.Pending == 0 && s.Events >= int64(n) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("events not published: %+v, want %d", s, n)
}

// sameCheckpoint checks that two replicas serve the same checkpoint, of
// the given size.
func sameCheckpoint(t *testing.T, urlA, urlB string, size uint64) {
	t.Helper()
	get := func(u string) string {
		resp, err := http.Get(u + "/log/checkpoint")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s/log/checkpoint: %s", u, resp.Status)
		}
		return string(body)
	}
	want := fmt.Sprintf("\n%d\n", size)
	var a, b string
	for range 50 {
		// The checkpoint for the last write-back may still be on its way.
		if a, b = get(urlA), get(urlB); a == b && strings.Contains(a, want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the replicas serve different checkpoints:\n%s\n%s", a, b)
}

// checkSharedLog checks the log as a stranger would (client.Verify, full
// audit, every entry a ledger event, none twice) and against the database:
// n entries, each event at the index the database recorded.
func checkSharedLog(t *testing.T, a *app.App, base string, n int) {
	t.Helper()
	c, err := client.New(base+"/log", a.Log.VerifierKey(), nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]uint64{}
	logged := map[uint64]string{}
	var rep *client.Report
	for range 50 {
		clear(seen)
		clear(logged)
		rep, err = c.Verify(t.Context(), client.VerifyOptions{Audit: true, EachEntry: func(i uint64, e []byte) error {
			ev, err := ledger.ParseEntry(e)
			if err != nil {
				return err
			}
			if first, dup := seen[ev.ID]; dup {
				return fmt.Errorf("event %s at %d and %d", ev.ID, first, i)
			}
			seen[ev.ID] = i
			logged[i] = string(e)
			return nil
		}})
		if err != nil {
			t.Fatalf("verify the shared log: %v", err)
		}
		if rep.Latest.Size >= uint64(n) {
			break
		}
		time.Sleep(100 * time.Millisecond) // the last checkpoint is on its way
	}
	if rep.Latest.Size != uint64(n) {
		t.Fatalf("the log holds %d entries, the database %d events", rep.Latest.Size, n)
	}
	rows, err := a.DB.Read().QueryContext(t.Context(), `SELECT entry, log_index FROM ledger_events`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var e []byte
		var idx int64
		if err := rows.Scan(&e, &idx); err != nil {
			t.Fatal(err)
		}
		if logged[uint64(idx)] != string(e) {
			t.Fatalf("log entry %d is not the event the database put there", idx)
		}
	}
}

// syncBuffer is a log destination the test reads while replicas write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSharedLogLeaseLostWhileAlive: the leader's PostgreSQL session ends
// (an operator or a network failure) while its process lives on. It must
// notice, stop publishing and close its appender; publishing goes on under
// whichever replica takes the lease next, and each event is in the log
// once.
func TestSharedLogLeaseLostWhileAlive(t *testing.T) {
	pg := postgresDatabase(t)
	dsn := mysqltest.DSN(t)
	var logA syncBuffer
	keys := sharedKeys(t)
	cfgA := app.Config{DataDir: t.TempDir(), DB: pg, LogMySQL: dsn, LogOrigin: "coop.example/log", ReplayBrowser: "none",
		VaultKeyFile: keys.VaultFile, LogKeyFile: keys.LogFile}
	a, err := app.Open(t.Context(), cfgA, slog.New(slog.NewTextHandler(&logA, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	cfgB := cfgA
	cfgB.DataDir = t.TempDir()
	b, err := app.Open(t.Context(), cfgB, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var member int64
	err = a.DB.InTx(t.Context(), func(tx *store.Tx) error {
		return tx.QueryRowContext(t.Context(), `INSERT INTO members (public_id, email, name, password_hash, role, created_at)
			VALUES ('m-ada', 'ada@example.org', 'Ada', 'x', 'member', 0) RETURNING id`).Scan(&member)
	})
	if err != nil {
		t.Fatal(err)
	}

	ctx, stop := context.WithCancel(context.Background())
	var bg sync.WaitGroup
	defer func() { stop(); bg.Wait() }()
	bg.Go(func() { a.Background(ctx) })
	waitFor(t, "A to take the lease", a.Publishing)
	bg.Go(func() { b.Background(ctx) })
	recordEvents(a, member, "replica-a", 0, 50)
	waitPublished(t, a.Ledger, 50)

	// End the session that holds the lease (publishLock in publish.go).
	const publishLock = 0x616c6d6c6f67
	admin, err := sql.Open("pgx", pg)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var n int
	err = admin.QueryRowContext(t.Context(), `
		SELECT count(pg_terminate_backend(pid)) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND classid = $1 AND objid = $2
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
		uint32(publishLock>>32), uint32(publishLock&0xffffffff)).Scan(&n)
	if err != nil || n != 1 {
		t.Fatalf("terminate the lease holder's session: %d sessions, %v", n, err)
	}
	waitFor(t, "A to notice that it lost the lease", func() bool {
		return strings.Contains(logA.String(), "lost the publisher lease")
	})

	recordEvents(b, member, "replica-b", 0, 50)
	recordEvents(a, member, "replica-a", 50, 100)
	waitPublished(t, b.Ledger, 150)
	waitFor(t, "one replica to publish", func() bool { return a.Publishing() != b.Publishing() })
	srv := httptest.NewServer(b.Web)
	defer srv.Close()
	checkSharedLog(t, b, srv.URL, 150)
}

// waitFor waits up to 20 s for cond.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("waited in vain for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
