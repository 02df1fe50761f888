package model_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestFundedRoundChoosesTheTrainingData: once a model's round is funded,
// a training that names no source is trained on the versions the round
// named (not on the datanet as it has grown since) and says so on its
// card and in its model.trained event; other versions, the datanets as
// they stand and a project are refused, naming the round's versions.
// Before the round is funded, training is as free as ever.
func TestFundedRoundChoosesTheTrainingData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		e.seedTopics(t)
		if _, err := e.d.CreateVersion(ctx, e.as("stella"), "topics"); err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{"ada", "bob"} {
			if _, err := e.s.Deposit(ctx, e.as("stella"), "m-"+who, 5000); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.s.OpenRound(ctx, e.as("rita"), "router", model.RoundTerms{Goal: 3000, Costs: 1000, ShareBP: 1000,
			Deadline: time.Now().Add(time.Hour), Versions: []string{"topics@1"}}); err != nil {
			t.Fatal(err)
		}
		// A record after the round's version, and a newer version.
		d, err := e.d.BySlug(ctx, "topics")
		if err != nil {
			t.Fatal(err)
		}
		js, _ := json.Marshal(map[string]any{"text": "the landlord keeps the deposit for a scratch", "fields": map[string]string{"topic": "deposit"}})
		sub, err := d.ParseRecords(datanet.FormatJSON, strings.NewReader(string(js)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.d.Contribute(ctx, e.ids["ada"], "topics", sub, datanet.IntakeOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.d.CreateVersion(ctx, e.as("stella"), "topics"); err != nil {
			t.Fatal(err)
		}
		// While the round is open, the builder trains on what they like.
		if v := e.train(t, model.TrainRequest{LabelField: "topic", Kind: "knn", HeldOut: share(0)}); v.Records != 25 || len(v.DatanetVersions) != 0 {
			t.Fatalf("before funding: %+v, want the datanet as it stands", v)
		}
		router, err := e.s.BySlug(ctx, "router")
		if err != nil {
			t.Fatal(err)
		}
		if funded, err := e.s.FundedVersions(ctx, router.ID); err != nil || funded != nil {
			t.Fatalf("funded versions of an open round: %v %v", funded, err)
		}
		if _, err := e.s.Pledge(ctx, e.as("ada"), "router", 2000); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Pledge(ctx, e.as("bob"), "router", 1000); err != nil {
			t.Fatal(err)
		}
		if r, err := e.s.CloseRound(ctx, e.as("rita"), "router"); err != nil || r.State != model.RoundFunded {
			t.Fatalf("close: %+v %v", r, err)
		}

		for _, bad := range []struct {
			field string
			req   model.TrainRequest
		}{
			{"datanet_versions", model.TrainRequest{LabelField: "topic", Versions: []string{"topics@2"}}},
			{"datanet_versions", model.TrainRequest{LabelField: "topic", Versions: []string{"topics@1", "topics@2"}}},
			{"datanets", model.TrainRequest{LabelField: "topic", Datanets: []string{"topics"}}},
			{"project", model.TrainRequest{Project: "anything"}},
		} {
			_, err := e.s.Train(ctx, e.as("rita"), "router", bad.req)
			p, ok := problem.As(err)
			if !ok || p.Kind != problem.Invalid || !strings.Contains(p.Fields[bad.field], "topics@1") {
				t.Fatalf("training on %+v after funding: %v, want a problem on %s naming topics@1", bad.req, err, bad.field)
			}
		}
		v := e.train(t, model.TrainRequest{LabelField: "topic", Kind: "knn", HeldOut: share(0)})
		if v.Status != model.VersionReady || v.Records != 24 || !slices.Equal(v.DatanetVersions, []string{"topics@1"}) {
			t.Fatalf("after funding, no source named: %+v, want the 24 records of topics@1", v)
		}
		// Naming the round's versions is the same; a steward is held to
		// them too.
		same, err := e.s.Train(ctx, e.as("stella"), "router", model.TrainRequest{LabelField: "topic", Kind: "knn", HeldOut: share(0), Versions: []string{" topics@1"}})
		if err != nil || !slices.Equal(same.DatanetVersions, []string{"topics@1"}) {
			t.Fatalf("naming the round's version: %+v %v", same, err)
		}
		var content []byte
		if err := db.Read().QueryRowContext(ctx, `SELECT e.content FROM ledger_events e JOIN model_versions v ON v.event_id = e.event_id WHERE v.id = $1`, v.ID).Scan(&content); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(content), `"datanet_versions":["topics@1"]`) {
			t.Fatalf("the %s event does not name the version: %s", ledger.ModelTrained, content)
		}
	})
}
