package demo_test

import (
	"io"
	"log/slog"
	"slices"
	"testing"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/demo"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// The demo must come up seeded on both databases, and starting it again on
// the same data must neither fail nor seed twice.
func TestSeedIsCompleteAndIdempotent(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			cfg := app.Config{DataDir: t.TempDir()}
			if d == store.Postgres {
				keys, err := app.InitKeys(t.TempDir(), "")
				if err != nil {
					t.Fatal(err)
				}
				cfg.DB, cfg.VaultKeyFile, cfg.LogKeyFile = storetest.URL(t, d), keys.VaultFile, keys.LogFile
			}
			for round := range 2 {
				a, err := app.Open(t.Context(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
				if err != nil {
					t.Fatal(err)
				}
				seeded, err := demo.Seed(t.Context(), a)
				if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
				if len(seeded.Invitations) != 2 {
					t.Fatalf("round %d: %d open invitations, want 2", round, len(seeded.Invitations))
				}
				if n, _ := a.Members.Count(t.Context()); n != len(demo.Accounts) {
					t.Fatalf("round %d: %d members, want %d", round, n, len(demo.Accounts))
				}
				for _, acc := range demo.Accounts {
					if _, err := a.Members.SignIn(t.Context(), acc.Email, demo.Password); err != nil {
						t.Fatalf("demo sign-in %s: %v", acc.Email, err)
					}
				}
				projects, _, _ := a.Work.Approved(t.Context(), store.Page{})
				if len(projects) != 1 || projects[0].Items != 6 {
					t.Fatalf("round %d: projects %+v, want one approved with 6 images", round, projects)
				}
				qa, err := a.Datanets.BySlug(t.Context(), "tenancy-qa-de")
				if err != nil || !qa.Open {
					t.Fatalf("round %d: the Q&A datanet %+v: %v", round, qa, err)
				}
				if rec, err := a.Datanets.BySlug(t.Context(), demo.RecordingDatanet); err != nil || rec.RecordKind != datanet.KindRecording {
					t.Fatalf("round %d: the recording datanet %+v: %v", round, rec, err)
				}
				if treasury, _ := a.Reward.Balance(t.Context(), reward.Treasury); treasury < 50000 {
					t.Fatalf("round %d: the treasury holds %d, want the demo grant of 50000", round, treasury)
				}
				if st, _ := a.Datanets.Stats(t.Context(), qa.ID); st.Records != 3 || st.Contributors != 2 {
					t.Fatalf("round %d: datanet stats %+v, want 3 records from 2 members", round, st)
				}
				// The labelled datanet a requester trains the router on.
				lab, err := a.Datanets.BySlug(t.Context(), demo.LabelledDatanet)
				if err != nil || !slices.Contains(lab.Fields, demo.LabelField) {
					t.Fatalf("round %d: the labelled datanet %+v: %v", round, lab, err)
				}
				if st, _ := a.Datanets.Stats(t.Context(), lab.ID); st.Records != 60 || st.Contributors != 3 {
					t.Fatalf("round %d: labelled datanet stats %+v, want 60 records from 3 members", round, st)
				}
				if r, err := a.Models.BySlug(t.Context(), demo.RouterSlug); err != nil || r.Owner != rita(t, a) {
					t.Fatalf("round %d: the router model %+v: %v", round, r, err)
				}
				c, err := a.Models.Authenticate(t.Context(), seeded.ClientKey)
				if err != nil {
					t.Fatalf("round %d: the demo client key %q does not work: %v", round, seeded.ClientKey, err)
				}
				res, err := a.Models.Complete(t.Context(), c, model.Request{Model: demo.ModelSlug, Messages: []model.Message{{Role: "user", Content: "Darf mein Vermieter die Kaution behalten?"}}}, nil)
				if err != nil || len(res.Attribution.Records) == 0 || res.Attribution.Charge != 20 {
					t.Fatalf("round %d: demo model call: %+v, %v", round, res.Attribution, err)
				}
				a.Close()
			}
		})
	}
}

func rita(t *testing.T, a *app.App) string {
	m, err := a.Members.ByEmail(t.Context(), "rita@example.org")
	if err != nil {
		t.Fatal(err)
	}
	return m.PublicID
}
