package model_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/vault"
)

type env struct {
	dir    string // the data folder
	db     *store.DB
	vault  *vault.Vault
	s      *model.Service
	d      *datanet.Service
	r      *reward.Service
	params *coop.Params
	ids    map[string]int64
	recs   map[string]string // who → contribution id
}

// as is the named member acting: stella is a steward, the others are
// requesters.
func (e *env) as(who string) member.Member {
	role := member.RoleRequester
	if who == "stella" {
		role = member.RoleSteward
	}
	return member.Member{ID: e.ids[who], PublicID: "m-" + who, Role: role}
}

var records = map[string][2]string{
	"ada":   {"Can my landlord keep the whole deposit?", "Only for damage beyond normal wear and tear, and the landlord must account for every deduction in writing within six months."},
	"bob":   {"How much notice do I give to move out?", "Three months' notice to the end of a calendar month, unless the lease agreed on a shorter period in your favour."},
	"carol": {"Who pays for a broken heating boiler?", "The landlord repairs the heating at their own cost; the tenant may reduce the rent while it is broken in winter."},
}

func newEnv(t testing.TB, db *store.DB) *env {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	l := ledger.New(db)
	v, err := vault.Open(db, filepath.Join(dir, "vault.key"))
	if err != nil {
		t.Fatal(err)
	}
	blobs, _ := store.OpenBlobs(filepath.Join(dir, "blobs"))
	e := &env{dir: dir, db: db, vault: v, d: datanet.NewService(db, l, v, blobs, filepath.Join(dir, "dedup")), r: reward.NewService(db, l), params: coop.New(db), ids: map[string]int64{}, recs: map[string]string{}}
	t.Cleanup(func() { e.d.Close() })
	e.s = model.NewService(db, e.r, e.params, e.d, v, filepath.Join(dir, "models"))
	e.s.AllowPrivate = true // the stub upstreams listen on 127.0.0.1
	t.Cleanup(func() { e.s.Close() })
	for _, who := range []string{"ada", "bob", "carol", "rita", "stella"} {
		var id int64
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRowContext(ctx, `INSERT INTO members (public_id, email, name, password_hash, role, created_at) VALUES ($1, $2, $3, 'x', $4, 0) RETURNING id`,
				"m-"+who, who+"@example.org", who, string(e.as(who).Role)).Scan(&id)
		})
		if err != nil {
			t.Fatal(err)
		}
		e.ids[who] = id
	}
	d, err := e.d.Create(ctx, e.as("stella"), datanet.Datanet{Slug: "tenancy", Name: "Tenancy", Domain: "law", Client: "Tenants", Purpose: "answers", Licence: "CC BY-SA 4.0", RecordKind: datanet.KindQA})
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"ada", "bob", "carol"} {
		if _, err := e.d.ConsentAction(ctx, e.ids[who], "tenancy", "grant"); err != nil {
			t.Fatal(err)
		}
		js, _ := json.Marshal(map[string]string{"question": records[who][0], "answer": records[who][1]})
		sub, err := d.ParseRecords(datanet.FormatJSON, strings.NewReader(string(js)))
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.d.Contribute(ctx, e.ids[who], "tenancy", sub, datanet.IntakeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		e.recs[who] = res.Outcomes[0].Contribution
	}
	if _, err := e.s.Deposit(ctx, e.as("stella"), "m-rita", 10000); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) balance(t *testing.T, account string) int64 {
	b, err := e.r.Balance(t.Context(), account)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (e *env) client() model.Client { return model.Client{MemberID: e.ids["rita"], PublicID: "m-rita"} }

func ask(q string) model.Request {
	return model.Request{Model: "tenancy-helper", Messages: []model.Message{{Role: "user", Content: q}}}
}

func TestRetrievalModelAnswersAndPaysContributors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		m, err := e.s.Create(ctx, e.as("stella"), model.Model{Slug: "tenancy-helper", Name: "Tenancy helper", Kind: model.Retrieval, PricePerCall: 100, Datanets: []string{"tenancy"}})
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.s.Complete(ctx, e.client(), ask("My landlord wants to keep my deposit, may he?"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Text != records["ada"][1] {
			t.Fatalf("answer %q, want ada's answer", res.Text)
		}
		att := res.Attribution
		if len(att.Records) == 0 || att.Records[0].ID != e.recs["ada"] || att.Charge != 100 || att.EventID == "" {
			t.Fatalf("attribution %+v", att)
		}
		if len(att.Spans) == 0 {
			t.Fatal("the verbatim answer was not traced to a span")
		}
		if att.Shares != (model.SplitShares{Contributors: 70, Builder: 20, Treasury: 10}) {
			t.Fatalf("shares %+v", att.Shares)
		}
		var paid int64
		for _, r := range att.Records {
			paid += r.Amount
		}
		if paid != 70 || e.balance(t, "member:m-ada") < 35 {
			t.Fatalf("records got %d in all, ada %d", paid, e.balance(t, "member:m-ada"))
		}
		if e.balance(t, "member:m-rita") != 10000-100 || e.balance(t, reward.Treasury) != 10 || e.balance(t, "member:m-stella") != 20 {
			t.Fatalf("client %d, treasury %d, builder %d", e.balance(t, "member:m-rita"), e.balance(t, reward.Treasury), e.balance(t, "member:m-stella"))
		}
		where, _, err := e.s.WhereMyDataWent(ctx, e.ids["ada"], store.Page{})
		if err != nil || len(where) != 1 || where[0].Calls != 1 || where[0].Points < 35 || where[0].Models != "Tenancy helper" {
			t.Fatalf("where ada's data went: %+v %v", where, err)
		}
		top, _ := e.s.TopContributors(ctx, m.ID, 5)
		if len(top) == 0 || top[0].Member != "m-ada" {
			t.Fatalf("top contributors %+v", top)
		}

		// The members vote a new contributors' share: the next call uses it.
		if err := db.InTx(ctx, func(tx *store.Tx) error { return e.params.Set(ctx, tx, coop.ContributorShare, 5000) }); err != nil {
			t.Fatal(err)
		}
		res, err = e.s.Complete(ctx, e.client(), ask("Who pays when the heating boiler breaks?"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Attribution.Shares.Contributors != 50 || res.Attribution.Records[0].ID != e.recs["carol"] {
			t.Fatalf("after the vote: %+v", res.Attribution)
		}

		// An erased record is neither returned nor paid.
		if err := e.d.Erase(ctx, e.ids["ada"], e.recs["ada"]); err != nil {
			t.Fatal(err)
		}
		before := e.balance(t, "member:m-ada")
		res, err = e.s.Complete(ctx, e.client(), ask("My landlord wants to keep my deposit, may he?"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(res.Text, "six months") {
			t.Fatalf("an erased record was returned: %q", res.Text)
		}
		for _, r := range res.Attribution.Records {
			if r.ID == e.recs["ada"] {
				t.Fatal("an erased record was attributed")
			}
		}
		if e.balance(t, "member:m-ada") != before {
			t.Fatal("an erased record was paid")
		}
		var total int64
		db.Read().QueryRowContext(ctx, `SELECT COALESCE(sum(amount), 0) FROM postings`).Scan(&total)
		if total != 0 {
			t.Fatalf("postings sum to %d", total)
		}
	})
}

func TestNoCallWithoutCover(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ctx := t.Context()
	if _, err := e.s.Create(ctx, e.as("stella"), model.Model{Slug: "tenancy-helper", Name: "Helper", Kind: model.Retrieval, PricePerCall: 20000, Datanets: []string{"tenancy"}}); err != nil {
		t.Fatal(err)
	}
	_, err := e.s.Complete(ctx, e.client(), ask("deposit?"), nil)
	if !problem.Is(err, problem.PaymentRequired) {
		t.Fatalf("a call beyond the balance: %v", err)
	}
	if e.balance(t, "member:m-rita") != 10000 {
		t.Fatal("a refused call was charged")
	}
	if _, err := e.s.Complete(ctx, e.client(), model.Request{Model: "nope", Messages: []model.Message{{Role: "user", Content: "x"}}}, nil); !problem.Is(err, problem.NotFound) {
		t.Fatalf("unknown model: %v", err)
	}
}

// upstream is an OpenAI-compatible stub: it answers with the given text,
// or fails the way it is told to.
func upstream(t *testing.T, answer string, mode *string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Stream bool `json:"stream"`
			Model  string
		}
		json.NewDecoder(r.Body).Decode(&req)
		if r.Header.Get("Authorization") != "Bearer sk-upstream" {
			http.Error(w, "bad key", http.StatusUnauthorized)
			return
		}
		switch *mode {
		case "down":
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
			return
		case "slow":
			time.Sleep(300 * time.Millisecond)
		case "garbage":
			w.Write([]byte("<html>not json</html>"))
			return
		}
		if req.Stream {
			w.Header().Set("Content-Type", "text/event-stream")
			for _, part := range strings.SplitAfter(answer, " ") {
				fmt.Fprintf(w, "data: {\"choices\":[{\"delta\":{\"content\":%q}}]}\n\n", part)
			}
			fmt.Fprint(w, "data: [DONE]\n\n")
			return
		}
		json.NewEncoder(w).Encode(map[string]any{
			"choices": []map[string]any{{"message": map[string]string{"role": "assistant", "content": answer}}},
			"usage":   map[string]int{"prompt_tokens": 20, "completion_tokens": 30, "total_tokens": 50},
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestUpstreamModel(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ctx := t.Context()
	answer := "As far as I know, three months' notice to the end of a calendar month, unless the lease agreed on a shorter period in your favour."
	mode := "ok"
	srv := upstream(t, answer, &mode)
	if _, err := e.s.Create(ctx, e.as("stella"), model.Model{Slug: "tenancy-helper", Name: "LLM", Kind: model.OpenAI, UpstreamURL: srv.URL + "/v1", UpstreamModel: "llama3", UpstreamKey: "sk-upstream",
		PricePerCall: 10, PricePer1kTokens: 1000, Datanets: []string{"tenancy"}}); err != nil {
		t.Fatal(err)
	}
	var stored string
	e.db.Read().QueryRowContext(ctx, `SELECT upstream_key FROM models WHERE slug = 'tenancy-helper'`).Scan(&stored)
	if stored == "" || strings.Contains(stored, "sk-upstream") {
		t.Fatalf("the upstream key is stored readable: %q", stored)
	}
	e.s.Timeout = 100 * time.Millisecond
	res, err := e.s.Complete(ctx, e.client(), ask("How long is the notice period?"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Text != answer || res.Usage.TotalTokens != 50 || res.Attribution.Charge != 10+50 {
		t.Fatalf("result %+v", res)
	}
	if len(res.Attribution.Records) != 1 || res.Attribution.Records[0].ID != e.recs["bob"] {
		t.Fatalf("the copied sentence was not traced to bob's record: %+v", res.Attribution)
	}
	var chunks int
	res, err = e.s.Complete(ctx, e.client(), model.Request{Model: "tenancy-helper", Stream: true, Messages: []model.Message{{Role: "user", Content: "notice?"}}}, func([]byte) error { chunks++; return nil })
	if err != nil || res.Text != answer || chunks < 5 || res.Attribution.Records[0].ID != e.recs["bob"] {
		t.Fatalf("stream: %d chunks, %+v, %v", chunks, res.Attribution, err)
	}
	balance := e.balance(t, "member:m-rita")
	for _, tt := range []struct {
		mode string
		kind problem.Kind
	}{{"down", problem.BadGateway}, {"slow", problem.GatewayTimeout}, {"garbage", problem.BadGateway}} {
		mode = tt.mode
		_, err := e.s.Complete(ctx, e.client(), ask("notice?"), nil)
		if !problem.Is(err, tt.kind) {
			t.Errorf("upstream %s: %v, want %s", tt.mode, err, tt.kind)
		}
	}
	if e.balance(t, "member:m-rita") != balance {
		t.Fatal("failed calls were charged")
	}
	var failed int
	e.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM model_calls WHERE status = 'failed'`).Scan(&failed)
	if failed != 3 {
		t.Fatalf("failed calls logged: %d", failed)
	}
}

func TestKeys(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ctx := t.Context()
	secret, k, err := e.s.CreateKey(ctx, e.ids["rita"], "laptop")
	if err != nil || !strings.HasPrefix(secret, model.KeyPrefix) {
		t.Fatal(err)
	}
	c, err := e.s.Authenticate(ctx, secret)
	if err != nil || c.PublicID != "m-rita" {
		t.Fatalf("authenticate: %+v %v", c, err)
	}
	if _, err := e.s.Authenticate(ctx, secret+"x"); !problem.Is(err, problem.Unauthorized) {
		t.Fatalf("bad key: %v", err)
	}
	if err := e.s.RevokeKey(ctx, e.ids["ada"], k.ID); !problem.Is(err, problem.NotFound) {
		t.Fatalf("revoking another member's key: %v", err)
	}
	if err := e.s.RevokeKey(ctx, e.ids["rita"], k.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.Authenticate(ctx, secret); !problem.Is(err, problem.Unauthorized) {
		t.Fatalf("revoked key: %v", err)
	}
}

// TestLedgerInvariantsOverRandomCalls runs a random sequence of deposits,
// calls (some concurrent, some beyond the balance), erasures and changes of
// the contributors' share, and checks after each step that the ledger sums
// to zero, that no member's balance is negative, that every call's parts
// add up to its charge, and that no erased record is ever named or paid.
func TestLedgerInvariantsOverRandomCalls(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		if _, err := e.s.Create(ctx, e.as("stella"), model.Model{Slug: "tenancy-helper", Name: "Helper", Kind: model.Retrieval, PricePerCall: 237, Datanets: []string{"tenancy"}}); err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(7, uint64(len(db.Dialect()))))
		questions := []string{"deposit damage", "notice to move out", "broken heating boiler", "rent reduction winter", "nothing relevant here"}
		erased := map[string]bool{}
		calls, refused := 0, 0
		for step := range 60 {
			switch op := rng.IntN(10); {
			case op == 0:
				if _, err := e.s.Deposit(ctx, e.as("stella"), "m-rita", int64(rng.IntN(500)+1)); err != nil {
					t.Fatal(err)
				}
			case op == 1:
				who := []string{"ada", "bob", "carol"}[rng.IntN(3)]
				if !erased[e.recs[who]] {
					if err := e.d.Erase(ctx, e.ids[who], e.recs[who]); err != nil {
						t.Fatal(err)
					}
					erased[e.recs[who]] = true
				}
			case op == 2:
				share := int64(rng.IntN(80)+10) * 100
				if err := db.InTx(ctx, func(tx *store.Tx) error { return e.params.Set(ctx, tx, coop.ContributorShare, share) }); err != nil {
					t.Fatal(err)
				}
			default:
				// A burst of concurrent calls: together they may cost more
				// than Rita has; those beyond her balance are refused.
				n := rng.IntN(4) + 1
				results := make(chan error, n)
				atts := make(chan model.Attribution, n)
				for range n {
					q := questions[rng.IntN(len(questions))]
					go func() {
						res, err := e.s.Complete(ctx, e.client(), ask(q), nil)
						if err == nil {
							atts <- res.Attribution
						}
						results <- err
					}()
				}
				for range n {
					if err := <-results; problem.Is(err, problem.PaymentRequired) {
						refused++
					} else if err != nil {
						t.Fatalf("step %d: %v", step, err)
					} else {
						calls++
					}
				}
				close(atts)
				for att := range atts {
					if att.Shares.Contributors+att.Shares.Builder+att.Shares.Treasury != att.Charge {
						t.Fatalf("step %d: shares %+v do not add up to %d", step, att.Shares, att.Charge)
					}
					var paid int64
					for _, r := range att.Records {
						paid += r.Amount
						if erased[r.ID] {
							t.Fatalf("step %d: erased record %s named in an answer", step, r.ID)
						}
					}
					for _, sp := range att.Spans {
						for _, id := range sp.Records {
							if erased[id] {
								t.Fatalf("step %d: erased record %s named in a span", step, id)
							}
						}
					}
					if paid != att.Shares.Contributors {
						t.Fatalf("step %d: records paid %d of %d", step, paid, att.Shares.Contributors)
					}
				}
			}
			var total int64
			if err := db.Read().QueryRowContext(ctx, `SELECT COALESCE(sum(amount), 0) FROM postings`).Scan(&total); err != nil || total != 0 {
				t.Fatalf("step %d: postings sum to %d (%v)", step, total, err)
			}
			for _, who := range []string{"ada", "bob", "carol", "rita", "stella"} {
				if b := e.balance(t, "member:m-"+who); b < 0 {
					t.Fatalf("step %d: %s's balance is %d", step, who, b)
				}
			}
		}
		if calls == 0 || refused == 0 {
			t.Fatalf("the sequence did not exercise both paid and refused calls: %d paid, %d refused", calls, refused)
		}
	})
}
