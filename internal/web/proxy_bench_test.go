package web_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/store"
)

// BenchmarkProxyOverhead measures what Allmende adds to a model call:
// authentication, payment cover, forwarding, span tracing of the answer,
// the split and its ledger event. 100 clients call an OpenAI-compatible
// stub on loopback through /v1/chat/completions; in the same run they call
// the stub directly, and the difference of the latency percentiles is the
// overhead. Target: p99 overhead under 5 ms at 100 concurrent clients.
// ALLMENDE_BENCH_DB=postgres runs the server on PostgreSQL
// (ALLMENDE_TEST_POSTGRES) instead of SQLite. Stages are traced as
// regions (model.reserve, model.upstream, model.attribute, model.charge,
// store.writeWait): run with -trace and read them in go tool trace.
//
//	go test ./internal/web -run '^$' -bench ProxyOverhead -benchtime 20000x
func BenchmarkProxyOverhead(b *testing.B) {
	const clients = 100
	answer := `{"choices":[{"message":{"role":"assistant","content":"Tenants may give notice with three months to the end of a calendar month, whatever the lease says."}}],"usage":{"prompt_tokens":12,"completion_tokens":24,"total_tokens":36}}`
	// ALLMENDE_BENCH_UPSTREAM_MS makes the stub take that long, like a
	// real model; by default it answers at once.
	delay, _ := strconv.Atoi(os.Getenv("ALLMENDE_BENCH_UPSTREAM_MS"))
	stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		time.Sleep(time.Duration(delay) * time.Millisecond)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, answer)
	}))
	defer stub.Close()

	dialect := store.SQLite
	if os.Getenv("ALLMENDE_BENCH_DB") == "postgres" {
		dialect = store.Postgres
	}
	f := newFixture(b, dialect)
	withDatanets(b, f)
	ctx := b.Context()
	stella, ada := mustMember(b, f, "stella"), mustMember(b, f, "ada")
	if _, err := f.app.Datanets.ConsentAction(ctx, ada.ID, "tenancy", "grant"); err != nil {
		b.Fatal(err)
	}
	d, _ := f.app.Datanets.BySlug(ctx, "tenancy")
	rng := rand.New(rand.NewPCG(1, 2))
	var sb strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&sb, "{\"question\":\"Question %d about tenancy?\",\"answer\":\"Answer %d: %s\"}\n", i, i, randomWords(rng, 40))
	}
	sb.WriteString(`{"question":"How long is the notice period?","answer":"Tenants may give notice with three months to the end of a calendar month, whatever the lease says."}` + "\n")
	sub, err := d.ParseRecords(datanet.FormatJSONL, strings.NewReader(sb.String()))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := f.app.Datanets.Contribute(ctx, ada.ID, "tenancy", sub, datanet.IntakeOptions{Partial: true}); err != nil {
		b.Fatal(err)
	}
	if _, err := f.app.Models.Create(ctx, stella, model.Model{Slug: "llm", Name: "LLM", Kind: model.OpenAI, UpstreamURL: stub.URL + "/v1", UpstreamModel: "stub",
		PricePerCall: 1, Datanets: []string{"tenancy"}}); err != nil {
		b.Fatal(err)
	}
	key, _, err := f.app.Models.CreateKey(ctx, stella.ID, "bench")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := f.app.Models.Deposit(ctx, stella, stella.PublicID, 100_000_000); err != nil {
		b.Fatal(err)
	}
	body := `{"model":"llm","max_tokens":50,"messages":[{"role":"user","content":"How long is the notice period?"}]}`
	httpc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}

	run := func(url, auth string) []time.Duration {
		var mu sync.Mutex
		var lat []time.Duration
		var wg sync.WaitGroup
		per := max(b.N/clients, 1)
		for range clients {
			wg.Go(func() {
				mine := make([]time.Duration, 0, per)
				for range per {
					req, _ := http.NewRequest("POST", url, strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+auth)
					start := time.Now()
					resp, err := httpc.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
					mine = append(mine, time.Since(start))
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			})
		}
		wg.Wait()
		slices.Sort(lat)
		return lat
	}
	pct := func(lat []time.Duration, p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	// The process's CPU time (server, stub and clients alike) per call,
	// through Allmende and directly: their difference is what Allmende
	// spends on a call, a figure that other work on a shared machine
	// does not inflate, as it does the latencies.
	cpuTime := func() time.Duration {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	run(f.srv.URL+"/v1/chat/completions", key) // warm the index and connections
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	via := run(f.srv.URL+"/v1/chat/completions", key)
	elapsed, viaCPU := time.Since(start), cpuTime()-cpu0
	b.StopTimer()
	cpu0 = cpuTime()
	direct := run(stub.URL+"/v1/chat/completions", "x")
	directCPU := cpuTime() - cpu0
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	perCall := func(d time.Duration, n int) float64 { return ms(d) / float64(max(n, 1)) }
	b.ReportMetric(perCall(viaCPU, len(via))-perCall(directCPU, len(direct)), "overhead-cpu-ms/call")
	b.Logf("CPU per call: through Allmende %.3f ms, stub directly (baseline) %.3f ms; Allmende's share %.3f ms",
		perCall(viaCPU, len(via)), perCall(directCPU, len(direct)), perCall(viaCPU, len(via))-perCall(directCPU, len(direct)))
	b.ReportMetric(ms(pct(via, .5)-pct(direct, .5)), "overhead-p50-ms")
	b.ReportMetric(ms(pct(via, .99)-pct(direct, .99)), "overhead-p99-ms")
	b.ReportMetric(float64(len(via))/elapsed.Seconds(), "calls/s")
	b.Logf("%s, %d clients, upstream %d ms, %d calls: through Allmende p50 %.2f ms p99 %.2f ms; stub directly (baseline) p50 %.2f ms p99 %.2f ms; overhead p50 %.2f ms p99 %.2f ms (target p99 < 5 ms)",
		dialect, clients, delay, len(via), ms(pct(via, .5)), ms(pct(via, .99)), ms(pct(direct, .5)), ms(pct(direct, .99)),
		ms(pct(via, .5)-pct(direct, .5)), ms(pct(via, .99)-pct(direct, .99)))
}
