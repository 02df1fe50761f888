package app_test

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestReplicasShareNearDuplicates is issue 18's "everything per process
// made shared" for the near-duplicate indexes: two servers on one
// PostgreSQL database, each with its own data folder (and so its own index
// files), refuse each other's near copies, and the same record's near
// copies sent to both at once are taken once.
func TestReplicasShareNearDuplicates(t *testing.T) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skip(storetest.EnvPostgres + " is not set")
	}
	ctx := t.Context()
	db := storetest.URL(t, store.Postgres)
	keys := initKeys(t)
	var reps [2]*app.App
	for i := range reps {
		a, err := app.Open(ctx, replica(t, db, keys), quiet)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		reps[i] = a
	}
	ada, err := reps[0].Members.Found(ctx, "ada@example.org", "Ada", "correct horse battery", member.RoleRequester)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reps[0].Datanets.Create(ctx, ada, datanet.Datanet{Slug: "notes", Name: "Notes", Domain: "d", Client: "c", Purpose: "p", Licence: "l", RecordKind: datanet.KindText}); err != nil {
		t.Fatal(err)
	}
	if _, err := reps[0].Datanets.ConsentAction(ctx, ada.ID, "notes", "grant"); err != nil {
		t.Fatal(err)
	}
	notes, err := reps[0].Datanets.BySlug(ctx, "notes")
	if err != nil {
		t.Fatal(err)
	}
	send := func(i int, text string) datanet.Result {
		sub, err := notes.ParseRecords(datanet.FormatJSON, strings.NewReader(fmt.Sprintf(`{"text":%q}`, text)))
		if err != nil {
			t.Error(err)
			return datanet.Result{}
		}
		res, err := reps[i].Datanets.Contribute(ctx, ada.ID, "notes", sub, datanet.IntakeOptions{})
		if err != nil && err != datanet.ErrBatchRejected {
			t.Errorf("replica %d: %v", i, err)
		}
		return res
	}
	// Each round's text shares no shingle with another round's.
	text := func(round int) string {
		var b strings.Builder
		for w := range 60 {
			fmt.Fprintf(&b, "r%dw%d ", round, w)
		}
		return b.String()
	}
	send(1, text(99)) // the second replica's index is open before the first takes anything
	if res := send(0, text(0)); res.Accepted != 1 {
		t.Fatalf("first replica: %+v", res)
	}
	if res := send(1, text(0)+" and one more word"); res.Accepted != 0 || res.Outcomes[0].Status != "duplicate" {
		t.Fatalf("the second replica takes a near copy of the first's record: %+v", res)
	}
	for round := 1; round <= 6; round++ {
		var wg sync.WaitGroup
		got := make([]int, 2)
		for i := range 2 {
			wg.Go(func() { got[i] = send(i, text(round)+strings.Repeat(" again", i)).Accepted })
		}
		wg.Wait()
		if got[0]+got[1] != 1 {
			t.Fatalf("round %d: the replicas took %d of two near copies sent at once", round, got[0]+got[1])
		}
	}
}
