package ledger_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/tlog"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func openLog(t testing.TB, dir string) *tlog.Log {
	t.Helper()
	l, err := tlog.Open(context.Background(), logConfig(dir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		l.Close(ctx)
	})
	return l
}

func logConfig(dir string) tlog.Config {
	return tlog.Config{
		Dir:                filepath.Join(dir, "log"),
		KeyFile:            filepath.Join(dir, "log.key"),
		Origin:             "coop.example/log",
		BatchMaxAge:        5 * time.Millisecond,
		CheckpointInterval: tlog.MinCheckpointInterval,
	}
}

// recordEvents commits n events of member m, several per transaction and
// from several goroutines at once, and returns their ids.
func recordEvents(t *testing.T, db *store.DB, l *ledger.Ledger, m int64, n int) []string {
	t.Helper()
	var mu sync.Mutex
	var ids []string
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 2 * w; i < n; i += 8 {
				err := db.InTx(context.Background(), func(tx *store.Tx) error {
					for j := i; j < min(i+2, n); j++ {
						id, err := l.Record(context.Background(), tx, ledger.Event{
							Type: ledger.TaskPaid, MemberID: m, Scope: "project:1",
							Postings: []ledger.Posting{{Account: "escrow:project:1", Amount: -int64(j + 1)}, {Account: "member:m-ada", Amount: int64(j + 1)}},
							Content:  map[string]int{"task": j},
						})
						if err != nil {
							return err
						}
						mu.Lock()
						ids = append(ids, id)
						mu.Unlock()
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if len(ids) != n {
		t.Fatalf("recorded %d events, want %d", len(ids), n)
	}
	return ids
}

// waitPublished waits until the outbox is empty.
func waitPublished(t *testing.T, l *ledger.Ledger) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		s, err := l.Stats(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if s.Pending == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("events were not published")
}

// checkLogMatchesDB checks that the log holds exactly the database's events,
// each once, each at the index the database recorded.
func checkLogMatchesDB(t *testing.T, db *store.DB, tl *tlog.Log, want int) {
	t.Helper()
	size, err := tl.IntegratedSize(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if size != uint64(want) {
		t.Fatalf("log holds %d entries, want %d (an event was appended twice or lost)", size, want)
	}
	rows, err := db.Read().QueryContext(t.Context(), `SELECT entry, log_index FROM ledger_events`)
	if err != nil {
		t.Fatal(err)
	}
	dbEntries := map[uint64]string{}
	for rows.Next() {
		var e []byte
		var idx int64
		if err := rows.Scan(&e, &idx); err != nil {
			t.Fatal(err)
		}
		dbEntries[uint64(idx)] = string(e)
	}
	rows.Close()
	for e, err := range tl.Entries(t.Context(), 0, size) {
		if err != nil {
			t.Fatal(err)
		}
		if dbEntries[e.Index] != string(e.Data) {
			t.Fatalf("log entry %d is not the event the database put there", e.Index)
		}
	}
}

func runPublisher(t *testing.T, l *ledger.Ledger, tl *tlog.Log) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ledger.NewPublisher(l, tl, quiet).Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("publisher: %v", err)
		}
	})
}

func TestPublisherLogsEveryEventOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := ledger.New(db)
		ada := addMember(t, db, "m-ada", "ada@example.org")
		tl := openLog(t, t.TempDir())
		runPublisher(t, l, tl)
		recordEvents(t, db, l, ada, 300)
		waitPublished(t, l)
		checkLogMatchesDB(t, db, tl, 300)
	})
}

const crashEnv = "ALLMENDE_LEDGER_CRASH"

func TestMain(m *testing.M) {
	if v := os.Getenv(crashEnv); v != "" {
		dbURL, dir, _ := strings.Cut(v, "|")
		publishThenDie(dbURL, dir)
	}
	os.Exit(m.Run())
}

// publishThenDie runs a publisher that is killed right after its first
// append, before it writes any log index back to the database.
func publishThenDie(dbURL, dir string) {
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL, store.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	tl, err := tlog.Open(ctx, logConfig(dir))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	p := ledger.NewPublisher(ledger.New(db), tl, quiet)
	ledger.SetAfterAppend(p, func() { syscall.Kill(os.Getpid(), syscall.SIGKILL) })
	p.Run(ctx)
	os.Exit(3) // never reached: the kill comes first
}

// TestCrashBetweenAppendAndWriteBack kills the publishing server after the
// log has the events and before the database knows their indexes, restarts
// it, and checks that every event is in the log exactly once.
func TestCrashBetweenAppendAndWriteBack(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dbURL := storetest.URL(t, d)
			db, err := store.Open(t.Context(), dbURL, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			l := ledger.New(db)
			ada := addMember(t, db, "m-ada", "ada@example.org")
			recordEvents(t, db, l, ada, 50)
			dir := t.TempDir()

			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), crashEnv+"="+dbURL+"|"+dir)
			out, _ := cmd.CombinedOutput()
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
				t.Fatalf("child did not die by SIGKILL after appending: %v %s", cmd.ProcessState, out)
			}
			s, _ := l.Stats(t.Context())
			if s.Pending != 50 {
				t.Fatalf("after the crash %d events are pending, want all 50 (the write-back must not have happened)", s.Pending)
			}

			tl := openLog(t, dir)
			if size, _ := tl.IntegratedSize(t.Context()); size != 50 {
				t.Fatalf("the log holds %d entries after the crash, want the 50 appended", size)
			}
			runPublisher(t, l, tl)
			waitPublished(t, l)
			checkLogMatchesDB(t, db, tl, 50)

			// Publishing goes on normally after the recovery.
			recordEvents(t, db, l, ada, 10)
			waitPublished(t, l)
			checkLogMatchesDB(t, db, tl, 60)
		})
	}
}

func TestPublisherRefusesALogThatWasRolledBack(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	l := ledger.New(db)
	ada := addMember(t, db, "m-ada", "ada@example.org")
	recordEvents(t, db, l, ada, 5)
	dir := t.TempDir()
	func() {
		tl, err := tlog.Open(t.Context(), logConfig(dir))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- ledger.NewPublisher(l, tl, quiet).Run(ctx) }()
		waitPublished(t, l)
		cancel()
		<-done
		tl.Close(t.Context())
	}()
	// The log folder is replaced by an older (here: empty) one.
	other := t.TempDir()
	tl := openLog(t, other)
	err := ledger.NewPublisher(l, tl, quiet).Reconcile(t.Context())
	if !errors.Is(err, ledger.ErrLogBehind) {
		t.Fatalf("Reconcile with a rolled-back log: %v, want ErrLogBehind", err)
	}
}

// TestReceiptsVerifyWithStandardLibraries records one event of every type,
// publishes them, and checks each receipt with nothing but the C2SP formats,
// golang.org/x/mod/sumdb/note and transparency-dev/merkle — none of the
// project's own verification code.
func TestReceiptsVerifyWithStandardLibraries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		l := ledger.New(db)
		ada := addMember(t, db, "m-ada", "ada@example.org")
		eve := addMember(t, db, "m-eve", "eve@example.org")
		tl := openLog(t, t.TempDir())
		runPublisher(t, l, tl)
		pay := []ledger.Posting{{Account: "treasury", Amount: -7}, {Account: "member:m-ada", Amount: 7}}
		events := []ledger.Event{
			{Type: ledger.MemberJoined, MemberID: ada},
			{Type: ledger.ContributionAccepted, MemberID: ada, Scope: "datanet:1", Content: map[string]string{"dna": "ab12"}},
			{Type: ledger.ContributionErased, MemberID: ada, Scope: "datanet:1", Content: map[string]string{"dna": "ab12"}},
			{Type: ledger.TaskPaid, MemberID: ada, Scope: "project:2", Postings: pay},
			{Type: ledger.RewardSplit, MemberID: ada, Scope: "model:3", Postings: pay},
			{Type: ledger.SharesIssued, MemberID: ada, Scope: "epoch:4", Postings: []ledger.Posting{{Account: "shares", Amount: -2}, {Account: "member:m-ada", Amount: 2}}},
			{Type: ledger.VoteCast, MemberID: ada, Scope: "proposal:5", Content: map[string]string{"option": "yes"}},
			{Type: ledger.ProposalDecided, MemberID: ada, Scope: "proposal:5", Content: map[string]int{"yes": 3, "no": 1}},
		}
		var ids []string
		for _, ev := range events {
			err := db.InTx(ctx, func(tx *store.Tx) error {
				id, err := l.Record(ctx, tx, ev)
				ids = append(ids, id)
				return err
			})
			if err != nil {
				t.Fatalf("%s: %v", ev.Type, err)
			}
		}
		waitPublished(t, l)

		verifier, err := note.NewVerifier(tl.VerifierKey())
		if err != nil {
			t.Fatal(err)
		}
		for i, id := range ids {
			var rec *ledger.Receipt
			deadline := time.Now().Add(10 * time.Second)
			for {
				rec, err = l.Receipt(ctx, tl, ada, id)
				if err == nil || !errors.Is(err, ledger.ErrNotYetLogged) || time.Now().After(deadline) {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			if err != nil {
				t.Fatalf("receipt for %s: %v", events[i].Type, err)
			}
			verifyByHand(t, verifier, rec)
		}
		if _, err := l.Receipt(ctx, tl, eve, ids[0]); err == nil {
			t.Fatal("another member got a receipt (with its private salt) for ada's event")
		}
	})
}

// verifyByHand parses the tlog-proof text itself and checks signature,
// inclusion and commitment with standard libraries only.
func verifyByHand(t *testing.T, v note.Verifier, r *ledger.Receipt) {
	t.Helper()
	lines := strings.Split(r.TlogProof, "\n")
	if lines[0] != "c2sp.org/tlog-proof@v1" {
		t.Fatalf("not a tlog-proof: %q", lines[0])
	}
	k := 1
	if strings.HasPrefix(lines[k], "extra ") {
		extra, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(lines[k], "extra "))
		if err != nil || string(extra) != r.Entry {
			t.Fatalf("extra data is not the entry")
		}
		k++
	}
	index, err := strconv.ParseUint(strings.TrimPrefix(lines[k], "index "), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	k++
	var hashes [][]byte
	for ; lines[k] != ""; k++ {
		h, err := base64.StdEncoding.DecodeString(lines[k])
		if err != nil || len(h) != 32 {
			t.Fatalf("proof line %q", lines[k])
		}
		hashes = append(hashes, h)
	}
	n, err := note.Open([]byte(strings.Join(lines[k+1:], "\n")), note.VerifierList(v))
	if err != nil {
		t.Fatalf("checkpoint signature: %v", err)
	}
	body := strings.Split(n.Text, "\n")
	size, _ := strconv.ParseUint(body[1], 10, 64)
	root, _ := base64.StdEncoding.DecodeString(body[2])
	leaf := rfc6962.DefaultHasher.HashLeaf([]byte(r.Entry))
	if err := proof.VerifyInclusion(rfc6962.DefaultHasher, index, size, leaf, hashes, root); err != nil {
		t.Fatalf("inclusion of %d in %d: %v", index, size, err)
	}
	// The commitment opens: SHA-256(salt ‖ content).
	salt := make([]byte, len(r.Salt)/2)
	fmt.Sscanf(r.Salt, "%x", &salt)
	sum := sha256.Sum256(append(salt, r.Content...))
	if !strings.Contains(r.Entry, fmt.Sprintf(`"commitment":"%x"`, sum)) {
		t.Fatalf("commitment does not open: entry %s", r.Entry)
	}
	// Flipping one bit of the entry breaks the proof.
	bad := []byte(r.Entry)
	bad[10] ^= 1
	if proof.VerifyInclusion(rfc6962.DefaultHasher, index, size, rfc6962.DefaultHasher.HashLeaf(bad), hashes, root) == nil {
		t.Fatal("a tampered entry verified")
	}
}
