package scaleout

import (
	"bytes"

	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/demo"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/tlog/mysqltest"
)

const haproxyBin = "/usr/sbin/haproxy"

// replica is one `allmende serve` process.
type replica struct {
	name        string
	addr, mAddr string // its own address and its metrics address
	cmd         *exec.Cmd
	out         string // its log file
	dead        bool
}

func (r *replica) url(path string) string { return "http://" + r.addr + path }

// TestThreeReplicas is the proof of issue 18: three replicas behind
// HAProxy, the publisher killed with SIGKILL under load.
func TestThreeReplicas(t *testing.T) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skipf("%s is not set", storetest.EnvPostgres)
	}
	if _, err := os.Stat(haproxyBin); err != nil {
		t.Skipf("no HAProxy at %s (apt-get install haproxy)", haproxyBin)
	}
	ctx := t.Context()
	mysqlDSN := mysqltest.DSN(t) // skips without ALLMENDE_TEST_MYSQL
	s3 := storetest.S3(t)
	t.Setenv("AWS_ACCESS_KEY_ID", s3.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", s3.SecretKey)
	blobs := fmt.Sprintf("s3://%s?endpoint=%s&region=%s&insecure=1", s3.Bucket, s3.Endpoint, s3.Region)
	pgURL := storetest.FreshURL(t, store.Postgres)

	tmp := t.TempDir()
	bin := filepath.Join(tmp, "allmende")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/allmende/allmende/cmd/allmende")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	keys, err := app.InitKeys(filepath.Join(tmp, "keys"), "scaleout.test/log")
	if err != nil {
		t.Fatal(err)
	}
	pubKey := filepath.Join(tmp, "log.pub")
	if err := os.WriteFile(pubKey, []byte(keys.LogPublicKey+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	// Seed the cooperative once, as the demo does, on the shared engines.
	// Its events wait in the outbox for the replica that will publish.
	cfg := app.Config{DataDir: filepath.Join(tmp, "seed"), DB: pgURL, Blobs: blobs, LogMySQL: mysqlDSN,
		VaultKeyFile: keys.VaultFile, LogKeyFile: keys.LogFile, ReplayBrowser: "none"}
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("open the cooperative to seed it: %v", err)
	}
	seeded, err := demo.Seed(ctx, a)
	if cerr := a.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("seed: %v", err)
	}

	reps := make([]*replica, 3)
	for i := range reps {
		r := &replica{name: fmt.Sprintf("r%d", i), addr: freeAddr(t), mAddr: freeAddr(t)}
		r.out = filepath.Join(tmp, r.name+".log")
		logf, err := os.Create(r.out)
		if err != nil {
			t.Fatal(err)
		}
		r.cmd = exec.Command(bin, "serve", "--data", filepath.Join(tmp, r.name), "--db", pgURL,
			"--vault-key", keys.VaultFile, "--log-key", keys.LogFile, "--blobs", blobs,
			"--addr", r.addr, "--metrics-addr", r.mAddr, "--replay-browser", "none",
			"--trusted-proxies", "127.0.0.1")
		r.cmd.Env = append(os.Environ(), "ALLMENDE_LOG_MYSQL="+mysqlDSN)
		r.cmd.Stdout, r.cmd.Stderr = logf, logf
		if err := r.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		reps[i] = r
		t.Cleanup(func() {
			if !r.dead {
				_ = r.cmd.Process.Kill()
			}
			_ = r.cmd.Wait()
			logf.Close()
			if t.Failed() {
				b, _ := os.ReadFile(r.out)
				t.Logf("--- %s (%s) log:\n%s", r.name, r.addr, tail(b, 4000))
			}
		})
	}
	for _, r := range reps {
		waitFor(t, 60*time.Second, r.name+" healthy", func() bool { return status(r.url("/healthz")) == 200 })
	}

	lb := startHAProxy(t, tmp, reps)
	c := &client{base: "http://" + lb, t: t}
	tokens := map[string]string{}
	for _, acc := range demo.Accounts {
		tokens[acc.Email] = c.signIn(acc.Email, demo.Password)
	}
	contributors := []string{"ada@example.org", "grace@example.org", "linus@example.org"}
	for _, who := range contributors {
		c.call(tokens[who], "POST", "/api/v1/datanets/tenancy-qa-de/consent", "application/json", `{"action":"grant"}`)
	}
	rita := tokens["rita@example.org"]
	var me struct {
		ID string `json:"id"`
	}
	c.decode(c.call(rita, "GET", "/api/v1/me", "", ""), &me)
	// Enough deposit for every call the run makes (the demo's covers 250).
	c.call(tokens["stella@example.org"], "POST", "/api/v1/members/"+me.ID+"/deposits", "application/json", `{"amount":10000000}`)
	chat := `{"model":"` + demo.ModelSlug + `","messages":[{"role":"user","content":"Darf mein Vermieter die Kaution behalten?"}]}`
	c.call(seeded.ClientKey, "POST", "/v1/chat/completions", "application/json", chat)
	balanceBefore := c.balance(c.base, rita)

	// Three more proposals to vote on, besides the demo's.
	closes := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	for i := range 3 {
		code, body := c.try(tokens["ada@example.org"], "POST", "/api/v1/proposals", "application/json",
			fmt.Sprintf(`{"title":"Replica poll %d","text":"Shall the cooperative try idea %d?","mode":"member","quorum":0.5,"closes_at":%q,"options":[{"label":"yes"},{"label":"no","status_quo":true}]}`, i, i, closes))
		var p struct {
			ID int64 `json:"id"`
		}
		if code != 201 || json.Unmarshal(body, &p) != nil {
			t.Fatalf("create a proposal: %d %s", code, body)
		}
		// Voting opens once enough members co-sign; a co-signer too many
		// is refused, which is fine here.
		for _, who := range []string{"grace@example.org", "linus@example.org", "stella@example.org"} {
			c.try(tokens[who], "POST", fmt.Sprintf("/api/v1/proposals/%d/cosigners", p.ID), "application/json", `{}`)
		}
	}

	// Who votes on what: each open proposal, by every member who has not.
	type vote struct {
		who string
		id  int64
	}
	var votes []vote
	for _, who := range []string{"stella@example.org", "ada@example.org", "grace@example.org", "linus@example.org"} {
		var list struct {
			Proposals []struct {
				ID    int64  `json:"id"`
				Phase string `json:"phase"`
				Voted bool   `json:"voted"`
			} `json:"proposals"`
		}
		c.decode(c.call(tokens[who], "GET", "/api/v1/proposals", "", ""), &list)
		for _, p := range list.Proposals {
			if p.Phase == "voting" && !p.Voted {
				votes = append(votes, vote{who, p.ID})
			}
		}
	}
	if len(votes) == 0 {
		t.Fatalf("no proposal open for votes after seeding: %+v", seeded.Voting)
	}

	// The load: contributors send records, Rita calls the model, members
	// vote; the publisher is killed half way through.
	var (
		mu         sync.Mutex
		ackedIDs   = map[string]string{} // contribution id → contributor
		ackedCalls atomic.Int64
		triedCalls atomic.Int64
		ackedVotes []vote
		failed     atomic.Int64
		stop       = make(chan struct{})
		wg         sync.WaitGroup
	)
	for w, who := range contributors {
		wg.Add(1)
		rng := rand.New(rand.NewPCG(uint64(w), 18))
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				rec := fmt.Sprintf(`{"question":"May I %s?","answer":"%s."}`, words(rng, 8), words(rng, 16))
				code, body := c.try(tokens[who], "POST", "/api/v1/datanets/tenancy-qa-de/contributions", "application/json", rec)
				if code != 201 {
					if failed.Add(1) < 3 {
						t.Logf("a contribution failed: %d %s", code, body)
					}
					continue
				}
				var res struct {
					Outcomes []struct {
						Status       string `json:"status"`
						Contribution string `json:"contribution"`
					} `json:"outcomes"`
				}
				if err := json.Unmarshal(body, &res); err != nil || len(res.Outcomes) != 1 || res.Outcomes[0].Contribution == "" {
					t.Errorf("contribution acknowledged with %s", body)
					continue
				}
				mu.Lock()
				ackedIDs[res.Outcomes[0].Contribution] = who
				mu.Unlock()
			}
		}()
	}
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				triedCalls.Add(1)
				code, body := c.try(seeded.ClientKey, "POST", "/v1/chat/completions", "application/json", chat)
				if code == 200 {
					ackedCalls.Add(1)
				} else if failed.Add(1) < 3 {
					t.Logf("a model call failed: %d %s", code, body)
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i, v := range votes {
			// Spread the votes over the run, before and after the kill.
			select {
			case <-stop:
				return
			case <-time.After(time.Duration(i%4) * 500 * time.Millisecond):
			}
			code, _ := c.try(tokens[v.who], "POST", fmt.Sprintf("/api/v1/proposals/%d/votes", v.id), "application/json", `{"option":0}`)
			if code == 201 {
				mu.Lock()
				ackedVotes = append(ackedVotes, v)
				mu.Unlock()
			}
		}
	}()

	time.Sleep(4 * time.Second)
	leader := waitLeader(t, reps)
	t.Logf("killing the publisher %s (%s) with SIGKILL under load", leader.name, leader.addr)
	if err := leader.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	leader.dead = true
	time.Sleep(5 * time.Second)
	close(stop)
	wg.Wait()

	var alive []*replica
	for _, r := range reps {
		if !r.dead {
			alive = append(alive, r)
		}
	}
	next := waitLeader(t, alive)
	t.Logf("%s publishes now; acknowledged: %d contributions, %d of %d model calls, %d votes; %d requests failed",
		next.name, len(ackedIDs), ackedCalls.Load(), triedCalls.Load(), len(ackedVotes), failed.Load())
	if len(ackedIDs) < 10 || ackedCalls.Load() < 10 {
		t.Fatalf("too little load got through: %d contributions, %d model calls", len(ackedIDs), ackedCalls.Load())
	}
	// Catch-up: the outbox drains into the log on the new publisher.
	waitFor(t, 60*time.Second, "the outbox to drain", func() bool {
		for _, r := range alive {
			if metric(r.mAddr, "allmende_ledger_events_pending") != "0" {
				return false
			}
		}
		return true
	})

	// Nothing acknowledged lost, nothing twice: on every surviving replica.
	for _, r := range alive {
		seen := map[string]int{}
		logIdx := map[int64]bool{}
		for _, who := range contributors {
			for _, ct := range c.contributions(r.url(""), tokens[who]) {
				seen[ct.ID]++
				if ct.LogIndex != nil {
					if logIdx[*ct.LogIndex] {
						t.Errorf("%s: two contributions at log index %d", r.name, *ct.LogIndex)
					}
					logIdx[*ct.LogIndex] = true
				}
				if _, ok := ackedIDs[ct.ID]; ok && (ct.EventID == "" || ct.LogIndex == nil) {
					t.Errorf("%s: acknowledged contribution %s is not in the log: event %q, index %v", r.name, ct.ID, ct.EventID, ct.LogIndex)
				}
			}
		}
		for id, who := range ackedIDs {
			if seen[id] != 1 {
				t.Errorf("%s: acknowledged contribution %s of %s is listed %d times", r.name, id, who, seen[id])
			}
		}
		// Every acknowledged call paid, none twice: Rita's balance fell
		// by the price of at least every acknowledged call and at most
		// every call tried (one cut off by the kill may have been paid).
		paid := balanceBefore - c.balance(r.url(""), rita)
		if calls := paid / demo.ModelPrice; paid%demo.ModelPrice != 0 || calls < ackedCalls.Load() || calls > triedCalls.Load() {
			t.Errorf("%s: Rita paid %d points at %d a call for %d acknowledged calls (%d tried)", r.name, paid, demo.ModelPrice, ackedCalls.Load(), triedCalls.Load())
		}
	}

	// The same pages on both survivors: the log's checkpoint, the
	// datanet, each voted proposal (with its tally).
	pages := []string{"/log/checkpoint", "/api/v1/datanets/tenancy-qa-de"}
	for _, v := range votes {
		pages = append(pages, fmt.Sprintf("/api/v1/proposals/%d", v.id))
	}
	for _, p := range pages {
		// A checkpoint signed between two reads is not a difference:
		// read again for a while before calling it one.
		var a, b []byte
		same := func() bool {
			_, a = c.try(tokens["stella@example.org"], "GET", alive[0].url(p), "", "")
			_, b = c.try(tokens["stella@example.org"], "GET", alive[1].url(p), "", "")
			return len(a) > 0 && bytes.Equal(a, b)
		}
		end := time.Now().Add(10 * time.Second)
		for !same() && time.Now().Before(end) {
			time.Sleep(300 * time.Millisecond)
		}
		if !bytes.Equal(a, b) || len(a) == 0 {
			t.Errorf("%s reads differently on %s and %s:\n%s\n---\n%s", p, alive[0].name, alive[1].name, a, b)
		}
	}
	// Every acknowledged vote counts, on every replica.
	for _, v := range ackedVotes {
		for _, r := range alive {
			var p struct {
				Voted bool `json:"voted"`
			}
			c.decode(c.call(tokens[v.who], "GET", r.url(fmt.Sprintf("/api/v1/proposals/%d", v.id)), "", ""), &p)
			if !p.Voted {
				t.Errorf("%s: the acknowledged vote of %s on proposal %d is missing", r.name, v.who, v.id)
			}
		}
	}

	// The log verifies, through the load balancer, every event once.
	verify := exec.CommandContext(ctx, bin, "log", "verify", "--url", c.base+"/log/", "--key", pubKey)
	out, err := verify.CombinedOutput()
	if err != nil {
		t.Fatalf("log verify: %v\n%s", err, out)
	}
	t.Logf("log verify: %s", strings.TrimSpace(string(out)))
}

// startHAProxy runs HAProxy in front of the replicas (round robin, health
// check /healthz) and returns its address.
func startHAProxy(t *testing.T, dir string, reps []*replica) string {
	t.Helper()
	addr := freeAddr(t)
	var servers strings.Builder
	for _, r := range reps {
		fmt.Fprintf(&servers, "  server %s %s check\n", r.name, r.addr)
	}
	conf := fmt.Sprintf(`global
  maxconn 2000
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  retries 3
  option redispatch
  option forwardfor
frontend allmende
  bind %s
  default_backend replicas
backend replicas
  balance roundrobin
  option httpchk GET /healthz
  default-server inter 500ms fall 2 rise 2
%s`, addr, servers.String())
	file := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(file, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(dir, "haproxy.log")
	lf, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(haproxyBin, "-db", "-f", file)
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		lf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logFile)
			t.Logf("--- haproxy log:\n%s", tail(b, 2000))
		}
	})
	waitFor(t, 20*time.Second, "HAProxy", func() bool { return status("http://"+addr+"/healthz") == 200 })
	return addr
}

// waitLeader returns the replica whose metrics say it publishes the log.
func waitLeader(t *testing.T, reps []*replica) *replica {
	t.Helper()
	var leader *replica
	waitFor(t, 30*time.Second, "a publisher", func() bool {
		var n int
		for _, r := range reps {
			if metric(r.mAddr, "allmende_log_publisher") == "1" {
				leader = r
				n++
			}
		}
		if n > 1 {
			t.Fatalf("%d replicas publish at once", n)
		}
		return n == 1
	})
	return leader
}

// metric reads one unlabelled metric's value, or "" when unavailable.
func metric(addr, name string) string {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindSubmatch(b)
	if m == nil {
		return ""
	}
	return string(m[1])
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func status(u string) int {
	resp, err := http.Get(u)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func waitFor(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	end := time.Now().Add(d)
	for !ok() {
		if time.Now().After(end) {
			t.Fatalf("waited %s for %s", d, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// client speaks to the API through the load balancer (base) or, given a
// full URL, to one replica.
type client struct {
	base string
	t    *testing.T
	http http.Client
}

func (c *client) abs(path string) string {
	if strings.HasPrefix(path, "http://") {
		return path
	}
	return c.base + path
}

// try sends a request and returns its status and body; 0 when it got no
// answer.
func (c *client) try(token, method, path, ctype, body string) (int, []byte) {
	req, err := http.NewRequest(method, c.abs(path), strings.NewReader(body))
	if err != nil {
		c.t.Error(err)
		return 0, nil
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	c.http.Timeout = 30 * time.Second
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// call is try for requests that must succeed.
func (c *client) call(token, method, path, ctype, body string) []byte {
	c.t.Helper()
	code, b := c.try(token, method, path, ctype, body)
	if code/100 != 2 {
		c.t.Fatalf("%s %s: %d %s", method, path, code, b)
	}
	return b
}

func (c *client) decode(b []byte, v any) {
	c.t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		c.t.Fatalf("decode %s: %v", b, err)
	}
}

func (c *client) signIn(email, password string) string {
	c.t.Helper()
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	var s struct {
		Token string `json:"token"`
	}
	c.decode(c.call("", "POST", "/api/v1/sessions", "application/json", string(body)), &s)
	return s.Token
}

type contribution struct {
	ID       string `json:"id"`
	EventID  string `json:"event_id"`
	LogIndex *int64 `json:"log_index"`
}

// contributions lists all of a member's contributions at base, page by page.
func (c *client) contributions(base, token string) []contribution {
	var all []contribution
	cursor := ""
	for {
		var page struct {
			Contributions []contribution `json:"contributions"`
			Next          string         `json:"next"`
		}
		c.decode(c.call(token, "GET", base+"/api/v1/members/me/contributions?limit=100&before="+url.QueryEscape(cursor), "", ""), &page)
		all = append(all, page.Contributions...)
		if page.Next == "" {
			return all
		}
		cursor = page.Next
	}
}

// balance is a member's balance at base.
func (c *client) balance(base, token string) int64 {
	c.t.Helper()
	var me struct {
		Balance int64 `json:"balance"`
	}
	c.decode(c.call(token, "GET", base+"/api/v1/me", "", ""), &me)
	return me.Balance
}

// vocabulary makes the records of the run: random sentences, far apart
// enough that none is a near duplicate of another.
var vocabulary = strings.Fields(`rent deposit landlord tenant heating window lease notice repair mould
kitchen balcony garden neighbour noise water meter contract clause month year key door stairs roof
cellar bike parking pet cat dog fee bill invoice court letter office agent broker sale owner sublet
guest room flat house street city village council insurance damage paint floor wall carpet light
power gas oven fridge washer dryer lift garbage recycling snow ice cleaning hall mailbox bell lock`)

func words(rng *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = vocabulary[rng.IntN(len(vocabulary))]
	}
	return strings.Join(w, " ")
}
