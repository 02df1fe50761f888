package model_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// BenchmarkEraseOne measures erasing one contribution from a datanet of
// ALLMENDE_BENCH_RECORDS question-and-answer records (2,000 by default;
// about 400 bytes each) that a retrieval model has indexed: the
// transaction, the near-duplicate index, the BM25 index and the rewrite
// of the span segment that held it, on SQLite. It also reports what the
// first call after a restart costs, when the BM25 index is built again
// from the sealed records, and as the baseline, the same erasure without
// the model's indexes, measured in the same run.
func BenchmarkEraseOne(b *testing.B) {
	n := 2000
	if s := os.Getenv("ALLMENDE_BENCH_RECORDS"); s != "" {
		fmt.Sscan(s, &n)
	}
	e := newEnv(b, storetest.Open(b, store.SQLite))
	ctx := b.Context()
	d, err := e.d.BySlug(ctx, "tenancy")
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	word := func() string { return fmt.Sprintf("w%d", r.IntN(20000)) }
	var ids []string
	for done := 0; done < n; {
		var sb strings.Builder
		for range min(500, n-done) {
			var q, a []string
			for range 10 {
				q = append(q, word())
			}
			for range 55 {
				a = append(a, word())
			}
			js, _ := json.Marshal(map[string]string{"question": strings.Join(q, " ") + "?", "answer": strings.Join(a, " ") + "."})
			sb.Write(js)
			sb.WriteByte('\n')
			done++
		}
		sub, err := d.ParseRecords(datanet.FormatJSONL, strings.NewReader(sb.String()))
		if err != nil {
			b.Fatal(err)
		}
		res, err := e.d.Contribute(ctx, e.ids["ada"], "tenancy", sub, datanet.IntakeOptions{Partial: true})
		if err != nil {
			b.Fatal(err)
		}
		for _, o := range res.Outcomes {
			if o.Contribution != "" && o.Status == "accepted" {
				ids = append(ids, o.Contribution)
			}
		}
	}
	if _, err := e.s.Create(ctx, e.as("stella"), model.Model{Slug: "tenancy-helper", Name: "Tenancy helper", Kind: model.Retrieval, PricePerCall: 1, Datanets: []string{"tenancy"}}); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if _, err := e.s.Complete(ctx, e.client(), ask("w17 w4242 w19999"), nil); err != nil {
		b.Fatal(err)
	}
	first := time.Since(start)
	restarted := model.NewService(e.db, e.r, e.params, e.d, e.vault, filepath.Join(e.dir, "models"))
	defer restarted.Close()
	start = time.Now()
	if _, err := restarted.Complete(ctx, e.client(), ask("w17 w4242 w19999"), nil); err != nil {
		b.Fatal(err)
	}
	afterRestart := time.Since(start)
	// The baseline: the same erasure without reaching the model's indexes
	// (as before they had to forget at once).
	const baseline = 5
	start = time.Now()
	for i := range baseline {
		if err := e.d.Erase(ctx, e.ids["ada"], ids[len(ids)-1-i]); err != nil {
			b.Fatal(err)
		}
	}
	dbOnly := time.Since(start) / baseline
	e.d.KeepCopy(e.s)
	i := 0
	for b.Loop() {
		if err := e.d.Erase(ctx, e.ids["ada"], ids[i]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	// Reported after the loop, which resets the metrics.
	b.ReportMetric(float64(len(ids)), "records")
	b.ReportMetric(first.Seconds()*1000, "first-call-ms")
	b.ReportMetric(afterRestart.Seconds()*1000, "call-after-restart-ms")
	b.ReportMetric(dbOnly.Seconds()*1000, "without-indexes-ms/op")
}
