package demo_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/demo"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// TestDemoAttributionLoop is the whole loop as the demo shows it: Rita's
// key calls the retrieval model over HTTP, the answer carries attribution,
// Ada's earnings show it, the split is a ledger event; then the seeded
// proposal to raise the contributors' share passes with one more vote, and
// the next call is split by the new share.
func TestDemoAttributionLoop(t *testing.T) {
	a, err := app.Open(t.Context(), app.Config{DataDir: t.TempDir()}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	seeded, err := demo.Seed(t.Context(), a)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Web)
	defer srv.Close()
	call := func() (contributors int64, eventID string) {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+"/v1/chat/completions", strings.NewReader(
			`{"model":"`+demo.ModelSlug+`","messages":[{"role":"user","content":"Darf mein Vermieter die Kaution behalten?"}]}`))
		req.Header.Set("Authorization", "Bearer "+seeded.ClientKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			Att struct {
				Charge  int64
				EventID string `json:"event_id"`
				Records []struct{ ID string }
				Shares  struct{ Contributors int64 }
			} `json:"allmende_attribution"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 || len(out.Att.Records) == 0 || out.Att.Charge != 20 {
			t.Fatalf("call: %d %+v %v", resp.StatusCode, out, err)
		}
		return out.Att.Shares.Contributors, out.Att.EventID
	}
	ada, _ := a.Members.ByEmail(t.Context(), "ada@example.org")
	before, _ := a.Reward.Balance(t.Context(), reward.MemberAccount(ada.PublicID))
	got, eventID := call()
	if got != 14 { // 70% of 20
		t.Fatalf("contributors got %d of 20 before the vote", got)
	}
	if after, _ := a.Reward.Balance(t.Context(), reward.MemberAccount(ada.PublicID)); after <= before {
		t.Fatalf("Ada's balance did not grow: %d → %d", before, after)
	}
	earned, _, err := a.Models.WhereMyDataWent(t.Context(), ada.ID, store.Page{})
	paid := slices.ContainsFunc(earned, func(e model.RecordEarning) bool { return e.Points > 0 })
	if err != nil || !paid {
		t.Fatalf("Ada's record earnings: %+v %v", earned, err)
	}
	var typ string
	if err := a.DB.Read().QueryRowContext(t.Context(), `SELECT type FROM ledger_events WHERE event_id = $1`, eventID).Scan(&typ); err != nil || typ != string(ledger.RewardSplit) {
		t.Fatalf("split event %s: %q %v", eventID, typ, err)
	}

	if len(seeded.Voting) != 1 {
		t.Fatalf("seeded proposals open for votes: %d", len(seeded.Voting))
	}
	p := seeded.Voting[0]
	linus, _ := a.Members.ByEmail(t.Context(), "linus@example.org")
	if _, err := a.Govern.Vote(t.Context(), linus.ID, p.ID, 0, time.Now()); err != nil {
		t.Fatal(err)
	}
	if n, err := a.Govern.Decide(t.Context(), p.ClosesAt.Add(time.Second)); err != nil || n != 1 {
		t.Fatalf("decided %d: %v", n, err)
	}
	// The change waits out the demo's timelock, then applies.
	if got, _ := call(); got != 14 { // still 70% of 20
		t.Fatalf("contributors got %d of 20 while the change waits", got)
	}
	if _, err := a.Govern.Decide(t.Context(), p.ClosesAt.Add(demo.DemoTimelockHours*time.Hour+time.Second)); err != nil {
		t.Fatal(err)
	}
	if got, _ := call(); got != 15 { // 75% of 20
		t.Fatalf("contributors got %d of 20 after the proposal passed", got)
	}
}

// TestDemoRouterLoop is the model factory as the demo shows it: Rita
// trains the router on the labelled datanet and publishes it; her key
// calls it over HTTP; the answer names the training records that shaped
// it, their contributors are paid in one split; once the most influential
// record is erased, the next answer neither names nor pays it.
func TestDemoRouterLoop(t *testing.T) {
	a, err := app.Open(t.Context(), app.Config{DataDir: t.TempDir()}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	seeded, err := demo.Seed(t.Context(), a)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	rita, err := a.Members.ByEmail(ctx, "rita@example.org")
	if err != nil {
		t.Fatal(err)
	}
	v, err := a.Models.Train(ctx, rita, demo.RouterSlug, model.TrainRequest{LabelField: demo.LabelField})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Models.TrainVersion(ctx, v.ID, 1); err != nil { // the job, run here
		t.Fatal(err)
	}
	if v, err = a.Models.Publish(ctx, rita, demo.RouterSlug, v.Number); err != nil || v.Metrics.Train+v.Metrics.HeldOut != 60 || v.Records != v.Metrics.Train || v.Metrics.Classes != 4 {
		t.Fatalf("published %+v: %v", v, err)
	}
	t.Logf("demo router: %d records, held-out accuracy %.2f, macro-F1 %.2f", v.Records, v.Metrics.Accuracy, v.Metrics.MacroF1)
	srv := httptest.NewServer(a.Web)
	defer srv.Close()
	type paid struct {
		ID     string
		Amount int64
	}
	call := func() (string, []paid, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/models/"+demo.RouterSlug+"/predict", strings.NewReader(`{"inputs":"The heating has not worked for a week and the radiator stays cold"}`))
		req.Header.Set("Authorization", "Bearer "+seeded.ClientKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var scores []struct{ Label string }
		var atts []struct {
			EventID string `json:"event_id"`
			Records []paid
		}
		if err := json.NewDecoder(resp.Body).Decode(&scores); err != nil || resp.StatusCode != 200 || len(scores) != 4 {
			t.Fatalf("predict: %d %+v %v", resp.StatusCode, scores, err)
		}
		if err := json.Unmarshal([]byte(resp.Header.Get("Allmende-Attribution")), &atts); err != nil || len(atts) != 1 {
			t.Fatalf("attribution %q: %v", resp.Header.Get("Allmende-Attribution"), err)
		}
		return scores[0].Label, atts[0].Records, atts[0].EventID
	}
	label, recs, event := call()
	if label != "repairs" || len(recs) == 0 || event == "" {
		t.Fatalf("the router answered %q, paying %+v in %q", label, recs, event)
	}
	var typ string
	if err := a.DB.Read().QueryRowContext(ctx, `SELECT type FROM ledger_events WHERE event_id = $1`, event).Scan(&typ); err != nil || typ != string(ledger.RewardSplit) {
		t.Fatalf("the call's event is %q: %v", typ, err)
	}
	// The contributor of the most influential record erases it.
	top := recs[0]
	var who int64
	if err := a.DB.Read().QueryRowContext(ctx, `SELECT member_id FROM contributions WHERE public_id = $1`, top.ID).Scan(&who); err != nil {
		t.Fatal(err)
	}
	m, err := a.Members.ByID(ctx, who)
	if err != nil {
		t.Fatal(err)
	}
	earned, err := a.Reward.Balance(ctx, reward.MemberAccount(m.PublicID))
	if err != nil || earned < top.Amount {
		t.Fatalf("the contributor holds %d, was paid %d: %v", earned, top.Amount, err)
	}
	if err := a.Datanets.Erase(ctx, who, top.ID); err != nil {
		t.Fatal(err)
	}
	_, recs, _ = call()
	if slices.ContainsFunc(recs, func(p paid) bool { return p.ID == top.ID }) {
		t.Fatalf("the erased record %s is still paid: %+v", top.ID, recs)
	}
	if after, _ := a.Reward.Balance(ctx, reward.MemberAccount(m.PublicID)); after > earned && !slices.ContainsFunc(recs, func(p paid) bool { return ownerOf(t, a, p.ID) == who }) {
		t.Fatalf("the contributor was paid %d more for no record of theirs", after-earned)
	}
}

func ownerOf(t *testing.T, a *app.App, record string) int64 {
	var who int64
	if err := a.DB.Read().QueryRowContext(t.Context(), `SELECT COALESCE(member_id, 0) FROM contributions WHERE public_id = $1`, record).Scan(&who); err != nil {
		t.Fatal(err)
	}
	return who
}
