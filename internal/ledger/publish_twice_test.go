package ledger_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// startPublisher runs p until the returned stop is called (or the test
// ends), and reports any error it returns.
func startPublisher(t *testing.T, p *ledger.Publisher) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("publisher: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// TestTwoPublishersLogEachEventOnce runs two publishers on one database and
// one log at once, in one process — the in-process case of what two
// servers on one data folder did in issue 11, where 9 reward.split events
// went into the log twice. (Two processes are kept apart by the data
// folder's lock: TestSecondServerOnAFolderIsRefused in cmd/allmende.)
// Each event must be in the log exactly once, at the index the database
// recorded. With small batches each publisher is always behind, so it
// reads its next batch while appending one — also while that append reads
// back the other's entries, whose events the batch read ahead may hold.
func TestTwoPublishersLogEachEventOnce(t *testing.T) {
	for _, batch := range []int{0, 7} {
		t.Run(fmt.Sprintf("batch=%d", batch), func(t *testing.T) { twoPublishers(t, batch) })
	}
}

func twoPublishers(t *testing.T, batch int) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := ledger.New(db)
		ada := addMember(t, db, "m-ada", "ada@example.org")
		tl := openLog(t, t.TempDir())
		var stops []func()
		for _, pl := range []*ledger.Ledger{l, ledger.New(db)} {
			p := ledger.NewPublisher(pl, tl, quiet)
			p.Poll = 5 * time.Millisecond
			if batch > 0 {
				p.Batch = batch
			}
			stops = append(stops, startPublisher(t, p))
		}
		recordEvents(t, db, l, ada, 600)
		waitPublished(t, l)
		// Stop both before counting, so that no late append goes unseen.
		for _, stop := range stops {
			stop()
		}
		checkLogMatchesDB(t, db, tl, 600)
	})
}

// TestPublisherDiesAfterAppendWhileAnotherRuns: publisher A appends a
// batch and dies before writing its indexes back, while publisher B keeps
// running. B must find the events in the log and record them rather than
// append them again.
func TestPublisherDiesAfterAppendWhileAnotherRuns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := ledger.New(db)
		ada := addMember(t, db, "m-ada", "ada@example.org")
		tl := openLog(t, t.TempDir())

		// B runs and has published an event of its own; it looks at the
		// outbox only when its own ledger signals a commit.
		lb := ledger.New(db)
		b := ledger.NewPublisher(lb, tl, quiet)
		b.Poll = time.Hour
		stopB := startPublisher(t, b)
		recordEvents(t, db, lb, ada, 1)
		waitPublished(t, l)

		a := ledger.NewPublisher(l, tl, quiet)
		appended := make(chan struct{})
		dead := make(chan struct{})
		var once sync.Once
		ledger.SetAfterAppend(a, func() {
			once.Do(func() {
				close(appended)
				<-dead // A never gets to write back
			})
		})
		ctxA, cancelA := context.WithCancel(context.Background())
		doneA := make(chan error, 1)
		go func() { doneA <- a.Run(ctxA) }()
		defer func() { cancelA(); close(dead); <-doneA }()

		recordEvents(t, db, l, ada, 50)
		select {
		case <-appended:
		case <-time.After(20 * time.Second):
			t.Fatal("publisher A did not append")
		}
		// Wake B: it now sees A's events unrecorded, and one more.
		recordEvents(t, db, lb, ada, 1)
		waitPublished(t, l)
		stopB()
		checkLogMatchesDB(t, db, tl, 52)

		// Publishing goes on normally afterwards.
		b2 := ledger.NewPublisher(ledger.New(db), tl, quiet)
		b2.Poll = 5 * time.Millisecond
		startPublisher(t, b2)
		recordEvents(t, db, l, ada, 10)
		waitPublished(t, l)
		checkLogMatchesDB(t, db, tl, 62)
	})
}

// TestPublisherStartsOnALogWithCopies: a log written before issue 11 was
// fixed may hold copies of events; they stay in it for good. The publisher
// must record each event's first index, report the copy, and go on
// publishing — across restarts, where the copy leaves a gap in the indexes
// the database knows.
func TestPublisherStartsOnALogWithCopies(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	l := ledger.New(db)
	ada := addMember(t, db, "m-ada", "ada@example.org")
	ids := recordEvents(t, db, l, ada, 5)
	entries := map[string][]byte{}
	rows, err := db.Read().QueryContext(t.Context(), `SELECT event_id, entry FROM ledger_events`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		var e []byte
		rows.Scan(&id, &e)
		entries[id] = e
	}
	rows.Close()
	tl := openLog(t, t.TempDir())
	// What the old bug left: event 0 twice, at 0 and 2.
	order := []string{ids[0], ids[1], ids[0], ids[2], ids[3], ids[4]}
	var raw [][]byte
	for _, id := range order {
		raw = append(raw, entries[id])
	}
	if _, err := tl.Append(t.Context(), raw); err != nil {
		t.Fatal(err)
	}

	for round := range 2 {
		stop := startPublisher(t, ledger.NewPublisher(l, tl, quiet))
		recordEvents(t, db, l, ada, 3)
		waitPublished(t, l)
		stop()
		size, _ := tl.IntegratedSize(t.Context())
		if want := uint64(len(order) + 3*(round+1)); size != want {
			t.Fatalf("round %d: log holds %d entries, want %d (the copies plus each new event once)", round, size, want)
		}
		var idx0 int64
		db.Read().QueryRowContext(t.Context(), `SELECT log_index FROM ledger_events WHERE event_id = $1`, ids[0]).Scan(&idx0)
		if idx0 != 0 {
			t.Fatalf("event 0 recorded at %d, want its first index 0", idx0)
		}
	}
}

// TestPublisherKeepsTheStatementCacheSmall: the publisher asks which
// events of each batch the database already has an index for. Built with
// one placeholder per event, that query had a new text for every batch
// size, and each text took a place in SQLite's statement cache for the
// life of the process; the cache filled with them and every query after
// ran unprepared. Batches of every size must now leave the cache as they
// found it, with room for a new query.
func TestPublisherKeepsTheStatementCacheSmall(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	l := ledger.New(db)
	ada := addMember(t, db, "m-ada", "ada@example.org")
	tl := openLog(t, t.TempDir())
	publish := func(batch int) {
		t.Helper()
		recordEvents(t, db, l, ada, batch)
		p := ledger.NewPublisher(l, tl, quiet)
		p.Batch, p.Poll = batch, 5*time.Millisecond
		stop := startPublisher(t, p)
		waitPublished(t, l)
		stop()
	}
	publish(1)
	cached := db.PreparedStatements()
	for batch := 2; batch <= 30; batch++ {
		publish(batch)
	}
	after := db.PreparedStatements()
	if after > cached+2 {
		t.Fatalf("publishing batches of 2 to 30 events left %d more statements in the cache (%d before)", after-cached, cached)
	}
	var n int
	if err := db.Read().QueryRowContext(t.Context(), `SELECT count(*) FROM ledger_events WHERE type = $1`, "task.paid").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if db.PreparedStatements() != after+1 {
		t.Fatalf("a new query was not kept prepared: %d statements, %d before it", db.PreparedStatements(), after)
	}
}

// TestABatchReadAheadSkipsEventsFoundInTheLog: the publisher reads its
// next batch while it appends the current one, and that append may read
// back, from the log, entries another publisher appended — events the
// batch read ahead holds, whose indexes are not in the database yet. The
// next append must leave those to the write-back of what was found.
func TestABatchReadAheadSkipsEventsFoundInTheLog(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := t.Context()
	l := ledger.New(db)
	ada := addMember(t, db, "m-ada", "ada@example.org")
	ids := recordEvents(t, db, l, ada, 2)
	tl := openLog(t, t.TempDir())
	p := ledger.NewPublisher(l, tl, quiet)
	if err := p.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	ahead, err := ledger.ReadAhead(ctx, p)
	if err != nil || len(ahead) != 2 {
		t.Fatalf("read ahead %d events (%v), want 2", len(ahead), err)
	}
	other := ahead[0]
	if other.EventID != ids[0] && other.EventID != ids[1] {
		t.Fatalf("read ahead %s, not one of the recorded events", other.EventID)
	}
	// Another publisher appends the first event meanwhile.
	if _, err := tl.Append(ctx, [][]byte{other.Entry}); err != nil {
		t.Fatal(err)
	}
	// The current append (of nothing new here) reads it back.
	appended, found, err := ledger.AppendOnce(ctx, p, nil)
	if err != nil || len(appended) != 0 || len(found) != 1 || found[0] != other.EventID {
		t.Fatalf("append: appended %v, found %v (%v), want %s found", appended, found, err, other.EventID)
	}
	rest := ahead[1].EventID
	appended, found, err = ledger.AppendOnce(ctx, p, ahead)
	if err != nil {
		t.Fatal(err)
	}
	if len(appended) != 1 || appended[0] != rest || len(found) != 0 {
		t.Fatalf("the batch read ahead appended %v and found %v, want only %s appended", appended, found, rest)
	}
	if size, err := tl.IntegratedSize(ctx); err != nil || size != 2 {
		t.Fatalf("the log holds %d entries (%v), want 2: each event once", size, err)
	}
}
