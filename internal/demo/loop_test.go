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
	if got, _ := call(); got != 15 { // 75% of 20
		t.Fatalf("contributors got %d of 20 after the proposal passed", got)
	}
}
