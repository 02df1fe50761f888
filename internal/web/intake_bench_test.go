package web_test

import (
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/store"
)

// BenchmarkIntake measures accepted text records per second end to end:
// JSONL batches through the HTTP API → validation → PII redaction →
// fingerprint → near-duplicate check → sealed storage → ledger event, on
// SQLite. In the same run it measures the raw rate of inserting 1 KB rows
// into SQLite in transactions of the same size, as the baseline the
// pipeline is compared with. Target: at least 1,000 records/s of 1 KB.
//
//	go test ./internal/web -run '^$' -bench Intake -benchtime 5x
func BenchmarkIntake(b *testing.B) {
	f := newFixture(b, store.SQLite)
	withDatanets(b, f)
	f.do("ada", "POST", "/api/v1/datanets/tenancy/consent", "application/json", `{"action":"grant"}`, nil).Body.Close()
	const batch = 500
	rng := rand.New(rand.NewPCG(7, 7))
	bodies := make([]string, b.N)
	for i := range bodies {
		var sb strings.Builder
		for range batch {
			q := fmt.Sprintf("%s?", randomWords(rng, 12))
			a := randomWords(rng, 150) // about 1 KB with the question
			if rng.IntN(10) == 0 {
				a += " Call me on +49 30 1234567 or write to someone@example.org."
			}
			fmt.Fprintf(&sb, "{\"question\":%q,\"answer\":%q}\n", q, a)
		}
		bodies[i] = sb.String()
	}
	records := 0
	var bytes int
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		req := httptest.NewRequest("POST", "/api/v1/datanets/tenancy/contributions", strings.NewReader(bodies[i]))
		req.Header.Set("Content-Type", "application/x-ndjson")
		req.Header.Set("Authorization", "Bearer "+f.tokens["ada"])
		rec := httptest.NewRecorder()
		f.app.Web.ServeHTTP(rec, req)
		if rec.Code != 201 {
			b.Fatalf("status %d: %.300s", rec.Code, rec.Body)
		}
		records += batch
		bytes += len(bodies[i])
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(records)/elapsed.Seconds(), "records/s")
	b.ReportMetric(float64(bytes)/float64(records), "bytes/record")

	// Baseline: the same number of 1 KB rows inserted raw, same batch size.
	db := f.app.DB
	if err := db.InTx(b.Context(), func(tx *store.Tx) error {
		_, err := tx.ExecContext(b.Context(), `CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, body BLOB)`)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	row := make([]byte, 1024)
	start = time.Now()
	for range b.N {
		err := db.InTx(b.Context(), func(tx *store.Tx) error {
			for range batch {
				if _, err := tx.ExecContext(b.Context(), `INSERT INTO bench_raw (body) VALUES ($1)`, row); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/time.Since(start).Seconds(), "raw-inserts/s")
}

func randomWords(rng *rand.Rand, n int) string {
	words := strings.Fields("tenant landlord deposit rent heating repair notice contract flat room water damage mould noise neighbour court letter month year cost meter lease owner agency law right duty pay return keep wall floor window door key garden stairs")
	out := make([]string, n)
	for i := range out {
		out[i] = words[rng.IntN(len(words))]
	}
	return strings.Join(out, " ")
}
