package web_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/store"
)

// BenchmarkDashboard measures what a member's history costs the pages
// they open most: /dashboard, /contributions, /receipts (every payment,
// each with its receipt) and /my-data, each driven by 100
// concurrent connections for a few seconds, for a member with 100,000
// contributions (each used by a model call and paid, so the balance,
// the ledger and the earnings carry the same history) and, as the
// baseline in the same run, a member with none. Target: p99 under 50 ms
// for the member with history, on SQLite.
//
//	go test ./internal/web -run '^$' -bench Dashboard -benchtime 1x
//
// ALLMENDE_BENCH_HISTORY (contributions, default 100000),
// ALLMENDE_BENCH_SECONDS (per page and member, default 5) and
// ALLMENDE_BENCH_CONNS (default 100) change the figures.
func BenchmarkDashboard(b *testing.B) {
	history := benchEnv(b, "ALLMENDE_BENCH_HISTORY", 100_000)
	seconds := benchEnv(b, "ALLMENDE_BENCH_SECONDS", 5)
	conns := benchEnv(b, "ALLMENDE_BENCH_CONNS", 100)
	f := newFixture(b, store.SQLite)
	withDatanets(b, f)
	start := time.Now()
	seedHistory(b, f, "ada", history)
	seeded := time.Since(start)
	// Wait until the log has every event, so that publishing does not
	// share the machine with the measurement.
	for {
		st, err := f.app.Ledger.Stats(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		if st.Pending == 0 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	// And fold the write-ahead log into the database, as the periodic
	// checkpoints of a running server do: readers of a long log look up
	// every page in its index first.
	if err := f.app.DB.Purge(b.Context()); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d contributions in %.1f s; log caught up after %.1f s", history, seeded.Seconds(), time.Since(start).Seconds())

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	drive := func(path, token string, d time.Duration) (lat []time.Duration, errs int) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		stop := time.Now().Add(d)
		for range conns {
			wg.Go(func() {
				var mine []time.Duration
				bad := 0
				for time.Now().Before(stop) {
					req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
					req.Header.Set("Authorization", "Bearer "+token)
					t0 := time.Now()
					resp, err := client.Do(req)
					if err != nil {
						bad++
						continue
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						bad++
						continue
					}
					mine = append(mine, time.Since(t0))
				}
				mu.Lock()
				lat, errs = append(lat, mine...), errs+bad
				mu.Unlock()
			})
		}
		wg.Wait()
		slices.Sort(lat)
		return lat, errs
	}
	pct := func(lat []time.Duration, p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	type row struct {
		path, who               string
		perSec, p50, p99, cpuMS float64
		requests, failures      int
	}
	var rows []row
	b.ResetTimer()
	for _, path := range []string{"/dashboard", "/contributions", "/receipts", "/my-data"} {
		for _, who := range []string{"bob", "ada"} {
			drive(path, f.tokens[who], time.Second) // warm up connections and caches
			cpu := processCPU()
			lat, errs := drive(path, f.tokens[who], time.Duration(seconds)*time.Second)
			cpuMS := float64((processCPU() - cpu).Microseconds()) / 1000 / float64(max(len(lat), 1))
			rows = append(rows, row{path: path, who: who, perSec: float64(len(lat)) / float64(seconds), p50: pct(lat, .5), p99: pct(lat, .99), cpuMS: cpuMS, requests: len(lat), failures: errs})
		}
	}
	b.StopTimer()
	fmt.Fprintf(os.Stdout, "\n%d connections, %d s per row, SQLite; CPU is the whole process's (server and client) per request\n%-15s %-22s %10s %9s %9s %8s %9s\n",
		conns, seconds, "page", "member", "requests/s", "p50 ms", "p99 ms", "CPU ms", "failures")
	for _, r := range rows {
		who := "no contributions"
		if r.who == "ada" {
			who = strconv.Itoa(history) + " contributions"
		}
		fmt.Fprintf(os.Stdout, "%-15s %-22s %10.0f %9.1f %9.1f %8.2f %9d\n", r.path, who, r.perSec, r.p50, r.p99, r.cpuMS, r.failures)
		if r.who == "ada" {
			b.ReportMetric(r.p99, r.path[1:]+"-p99-ms")
			b.ReportMetric(r.cpuMS, r.path[1:]+"-cpu-ms/req")
		}
	}
	fmt.Fprintln(os.Stdout, "target: p99 under 50 ms with history")
}

func benchEnv(b *testing.B, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	if err != nil || v <= 0 {
		b.Fatalf("%s=%q: want a positive integer", name, s)
	}
	return v
}
