package ledger_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// BenchmarkRecordSplit measures what committing to share lines adds to
// recording a split, on SQLite: a model call's largest split (200
// contributors and the builder, 201 share lines) and a typical one (3),
// each against the same postings recorded as a version 1 entry (an event
// type that publishes its postings) in the same run.
//
//	go test ./internal/ledger -run '^$' -bench RecordSplit -benchtime 200x
func BenchmarkRecordSplit(b *testing.B) {
	db := storetest.Open(b, store.SQLite)
	l := ledger.New(db)
	for _, lines := range []int{3, 201} {
		postings := []ledger.Posting{{Account: "member:m-client", Amount: -int64(lines) * 10}}
		for i := range lines {
			postings = append(postings, ledger.Posting{Account: fmt.Sprintf("member:m-%06d", i), Amount: 10})
		}
		record := func(b *testing.B, typ ledger.Type) time.Duration {
			start := time.Now()
			for range b.N {
				err := db.InTx(b.Context(), func(tx *store.Tx) error {
					_, err := l.Record(b.Context(), tx, ledger.Event{Type: typ, Scope: "model:1", Postings: postings})
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			return time.Since(start) / time.Duration(b.N)
		}
		b.Run(fmt.Sprintf("lines=%d", lines), func(b *testing.B) {
			v1 := record(b, ledger.FundsDeposited)
			v2 := record(b, ledger.RewardSplit)
			fmt.Fprintf(os.Stdout, "%3d share lines: version 2 split %7.3f ms per event, the same postings as version 1 %7.3f ms (×%.2f)\n",
				lines, float64(v2.Microseconds())/1000, float64(v1.Microseconds())/1000, float64(v2)/float64(v1))
			b.ReportMetric(float64(v2.Microseconds())/1000, "v2-ms/event")
			b.ReportMetric(float64(v1.Microseconds())/1000, "v1-ms/event")
		})
	}
}
