package model_test

import (
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// fundingEnv is newEnv with the model tenancy-helper built by stella (1,000
// points a call), a version of its datanet to name, and ada and bob holding
// 5,000 points each to pledge.
func fundingEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	ctx := t.Context()
	e := newEnv(t, db)
	blobs, err := store.OpenBlobs(filepath.Join(e.dir, "weights"))
	if err != nil {
		t.Fatal(err)
	}
	e.s.UseFactory(ledger.New(db), blobs, 0)
	if _, err := e.s.Create(ctx, e.as("stella"), model.Model{Slug: "tenancy-helper", Name: "Tenancy helper", Kind: model.Retrieval, PricePerCall: 1000, Datanets: []string{"tenancy"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.d.CreateVersion(ctx, e.as("stella"), "tenancy"); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"ada", "bob"} {
		if _, err := e.s.Deposit(ctx, e.as("stella"), "m-"+who, 5000); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func terms(goal, costs, share int64) model.RoundTerms {
	return model.RoundTerms{Goal: goal, Costs: costs, ShareBP: share, Deadline: time.Now().Add(time.Hour), Versions: []string{"tenancy@1"}}
}

// wantField fails unless err is a 422 naming field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	p, ok := problem.As(err)
	if !ok || p.Kind != problem.Invalid || p.Fields[field] == "" {
		t.Fatalf("got %v, want a problem with %s", err, field)
	}
}

func wantKind(t *testing.T, err error, kind problem.Kind) {
	t.Helper()
	if !problem.Is(err, kind) {
		t.Fatalf("got %v, want %s", err, kind)
	}
}

func (e *env) eventsOf(t *testing.T, typ ledger.Type) int {
	var n int
	if err := e.db.Read().QueryRowContext(t.Context(), `SELECT count(*) FROM ledger_events WHERE type = $1`, string(typ)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *env) wantBalances(t *testing.T, want map[string]int64) {
	t.Helper()
	for account, b := range want {
		if got := e.balance(t, account); got != b {
			t.Errorf("%s holds %d, want %d", account, got, b)
		}
	}
}

// A round that meets its goal pays the builder's costs, returns the rest
// pro rata, and from then on every call pays the funders pro rata to their
// pledges out of the builder's part, in the call's one split.
func TestFundingRoundMetPaysCostsAndFunders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := fundingEnv(t, db)
		stella := e.as("stella")

		_, err := e.s.OpenRound(ctx, e.as("rita"), "tenancy-helper", terms(3000, 1200, 1500))
		wantKind(t, err, problem.Forbidden)
		for _, bad := range []struct {
			field string
			t     model.RoundTerms
		}{
			{"share_bp", terms(3000, 1200, 2001)}, // contributors 70 % + treasury 10 % leave the builder 20 %
			{"share_bp", terms(3000, 1200, 0)},
			{"costs", terms(3000, 3001, 1500)},
			{"goal", terms(0, 0, 1500)},
			{"goal", terms(1_000_000_000_001, 0, 1500)},
			{"deadline", model.RoundTerms{Goal: 10, ShareBP: 1, Deadline: time.Now().Add(-time.Minute), Versions: []string{"tenancy@1"}}},
			{"datanet_versions", model.RoundTerms{Goal: 10, ShareBP: 1, Deadline: time.Now().Add(time.Hour), Versions: []string{"tenancy@9"}}},
			{"datanet_versions", model.RoundTerms{Goal: 10, ShareBP: 1, Deadline: time.Now().Add(time.Hour), Versions: []string{"other@1"}}},
			{"datanet_versions", model.RoundTerms{Goal: 10, ShareBP: 1, Deadline: time.Now().Add(time.Hour)}},
		} {
			_, err := e.s.OpenRound(ctx, stella, "tenancy-helper", bad.t)
			wantField(t, err, bad.field)
		}
		r, err := e.s.OpenRound(ctx, stella, "tenancy-helper", terms(3000, 1200, 1500))
		if err != nil {
			t.Fatal(err)
		}
		if r.State != model.RoundOpen || r.Goal != 3000 || len(r.Versions) != 1 || r.Versions[0].Ref() != "tenancy@1" || r.Versions[0].Commitment == "" || r.EventID == "" {
			t.Fatalf("round %+v", r)
		}
		_, err = e.s.OpenRound(ctx, stella, "tenancy-helper", terms(3000, 1200, 1500))
		wantKind(t, err, problem.Conflict)

		if _, err := e.s.Pledge(ctx, e.as("ada"), "tenancy-helper", 2000); err != nil {
			t.Fatal(err)
		}
		_, err = e.s.Pledge(ctx, e.as("bob"), "tenancy-helper", 1500) // 1,000 remain
		wantField(t, err, "amount")
		_, err = e.s.Pledge(ctx, e.as("carol"), "tenancy-helper", 10) // carol holds nothing
		wantField(t, err, "amount")
		_, err = e.s.Pledge(ctx, e.as("bob"), "tenancy-helper", 0)
		wantField(t, err, "amount")
		if r, err = e.s.Pledge(ctx, e.as("bob"), "tenancy-helper", 1000); err != nil {
			t.Fatal(err)
		}
		if r.Pledged != 3000 || r.Funders != 2 || r.MyPledge != 1000 || !r.Met() {
			t.Fatalf("after the pledges: %+v", r)
		}
		escrow := model.FundingEscrow(r.ID)
		e.wantBalances(t, map[string]int64{"member:m-ada": 3000, "member:m-bob": 4000, escrow: 3000})

		_, err = e.s.CloseRound(ctx, e.as("rita"), "tenancy-helper")
		wantKind(t, err, problem.Forbidden)
		if r, err = e.s.CloseRound(ctx, stella, "tenancy-helper"); err != nil {
			t.Fatal(err)
		}
		if r.State != model.RoundFunded || r.CloseEventID == "" {
			t.Fatalf("closed: %+v", r)
		}
		// Costs 1,200 to the builder; the other 1,800 back 2:1.
		e.wantBalances(t, map[string]int64{"member:m-stella": 1200, "member:m-ada": 4200, "member:m-bob": 4600, escrow: 0})
		_, err = e.s.Pledge(ctx, e.as("ada"), "tenancy-helper", 1)
		wantKind(t, err, problem.Conflict)
		_, err = e.s.CloseRound(ctx, stella, "tenancy-helper")
		wantKind(t, err, problem.Conflict)

		// A call of 1,000: contributors 700, treasury 100, the builder's
		// 200 less the funders' 150 (ada 100, bob 50).
		res, err := e.s.Complete(ctx, e.client(), ask("My landlord wants to keep my deposit, may he?"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Attribution.Shares != (model.SplitShares{Contributors: 700, Builder: 50, Treasury: 100, Funders: 150}) {
			t.Fatalf("shares %+v", res.Attribution.Shares)
		}
		var contributors int64
		for _, rec := range res.Attribution.Records {
			if rec.ID == e.recs["ada"] {
				contributors += rec.Amount
			}
		}
		e.wantBalances(t, map[string]int64{"member:m-stella": 1250, "member:m-ada": 4300 + contributors, "member:m-bob": 4650 + bobsShare(res, e)})
		got, err := e.s.RoundOf(ctx, e.as("ada"), "tenancy-helper")
		if err != nil {
			t.Fatal(err)
		}
		if got.MyPledge != 2000 || got.MyEarnings != 100 || len(got.Stakes) != 2 || got.Stakes[0] != (model.Stake{Funder: "m-ada", Pledge: 2000, Earned: 100}) || got.Stakes[1] != (model.Stake{Funder: "m-bob", Pledge: 1000, Earned: 50}) {
			t.Fatalf("round after a call: %+v", got)
		}
		if n := e.eventsOf(t, ledger.FundingPledged); n != 2 {
			t.Fatalf("%d pledge events, want 2", n)
		}
		var total int64
		db.Read().QueryRowContext(ctx, `SELECT COALESCE(sum(amount), 0) FROM postings`).Scan(&total)
		if total != 0 {
			t.Fatalf("postings sum to %d", total)
		}
	})
}

// bobsShare is what bob's record earned in a call, if it was attributed.
func bobsShare(res model.Result, e *env) int64 {
	var n int64
	for _, rec := range res.Attribution.Records {
		if rec.ID == e.recs["bob"] {
			n += rec.Amount
		}
	}
	return n
}

// A round that misses its goal returns every pledge at its deadline, once.
func TestFundingRoundUnmetRefundsOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := fundingEnv(t, db)
		r, err := e.s.OpenRound(ctx, e.as("stella"), "tenancy-helper", terms(5000, 1000, 1000))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []struct {
			who    string
			amount int64
		}{{"ada", 1000}, {"bob", 250}, {"bob", 250}} {
			if _, err := e.s.Pledge(ctx, e.as(p.who), "tenancy-helper", p.amount); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := e.s.CloseDueRounds(ctx, time.Now()); err != nil || n != 0 {
			t.Fatalf("closed %d rounds before their deadline (%v)", n, err)
		}
		e.wantBalances(t, map[string]int64{"member:m-ada": 4000, "member:m-bob": 4500, model.FundingEscrow(r.ID): 1500})
		for range 2 {
			if _, err := e.s.CloseDueRounds(ctx, time.Now().Add(2*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		e.wantBalances(t, map[string]int64{"member:m-ada": 5000, "member:m-bob": 5000, model.FundingEscrow(r.ID): 0, "member:m-stella": 0})
		if n := e.eventsOf(t, ledger.FundingRefunded); n != 1 {
			t.Fatalf("%d refund events, want 1", n)
		}
		got, err := e.s.RoundOf(ctx, e.as("bob"), "tenancy-helper")
		if err != nil || got.State != model.RoundFailed || got.MyPledge != 500 || got.ClosedAt == nil {
			t.Fatalf("round %+v, %v", got, err)
		}
		_, err = e.s.CloseRound(ctx, e.as("stella"), "tenancy-helper")
		wantKind(t, err, problem.NotFound)
		_, err = e.s.Pledge(ctx, e.as("ada"), "tenancy-helper", 1)
		wantKind(t, err, problem.NotFound)
		// A call of a model whose round failed pays no funder.
		res, err := e.s.Complete(ctx, e.client(), ask("My landlord wants to keep my deposit, may he?"), nil)
		if err != nil || res.Attribution.Shares.Funders != 0 || res.Attribution.Shares.Builder != 200 {
			t.Fatalf("a call after the failed round: %+v %v", res.Attribution.Shares, err)
		}
		// The builder may try again.
		if _, err := e.s.OpenRound(ctx, e.as("stella"), "tenancy-helper", terms(100, 0, 1)); err != nil {
			t.Fatal(err)
		}
	})
}

// Pledges racing the close either land before it and are counted, or are
// refused with 409: every point pledged is in the escrow when it closes
// and comes back with the refund, none is lost.
func TestPledgeRacesTheClose(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := fundingEnv(t, db)
		r, err := e.s.OpenRound(ctx, e.as("stella"), "tenancy-helper", terms(1_000_000, 0, 1000))
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		landed, refused := map[string]int64{}, 0
		for i := range 30 {
			who := []string{"ada", "bob"}[i%2]
			wg.Go(func() {
				_, err := e.s.Pledge(ctx, e.as(who), "tenancy-helper", 10)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					landed[who] += 10
				case problem.Is(err, problem.Conflict), problem.Is(err, problem.NotFound):
					refused++
				default:
					t.Errorf("pledge: %v", err)
				}
			})
			if i == 15 {
				wg.Go(func() {
					if _, err := e.s.CloseRound(ctx, e.as("stella"), "tenancy-helper"); err != nil {
						t.Errorf("close: %v", err)
					}
				})
			}
		}
		wg.Wait()
		var pledged, refundedTo int64
		if err := db.Read().QueryRowContext(ctx, `SELECT pledged FROM funding_rounds WHERE id = $1`, r.ID).Scan(&pledged); err != nil {
			t.Fatal(err)
		}
		if err := db.Read().QueryRowContext(ctx, `SELECT COALESCE(sum(p.amount), 0) FROM postings p JOIN ledger_events e ON e.event_id = p.event_id
			WHERE e.type = 'funding.refunded' AND p.amount > 0`).Scan(&refundedTo); err != nil {
			t.Fatal(err)
		}
		t.Logf("%d points landed (%v), %d pledges refused", pledged, landed, refused)
		if pledged != landed["ada"]+landed["bob"] || refundedTo != pledged || refused+int(pledged/10) != 30 {
			t.Fatalf("%d pledged, %d refunded, %v landed, %d refused", pledged, refundedTo, landed, refused)
		}
		e.wantBalances(t, map[string]int64{"member:m-ada": 5000, "member:m-bob": 5000, model.FundingEscrow(r.ID): 0})
		if e.eventsOf(t, ledger.FundingPledged) != int(pledged/10) {
			t.Fatalf("%d pledge events for %d points", e.eventsOf(t, ledger.FundingPledged), pledged)
		}
	})
}
