package model_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// topicTexts are labelled messages: each topic has its own words, and
// each message its own details, so that no two are near duplicates.
var topicTexts = map[string][]string{
	"heating": {"the radiator stays cold all day", "no hot water and the boiler shows an error", "the heating failed in the coldest week",
		"radiators in two rooms never warm up", "the boiler makes a loud bang and shuts off", "heating is switched off by the caretaker at night",
		"the thermostat is broken and the flat is freezing", "warm water runs only for a minute"},
	"deposit": {"the landlord keeps my deposit after moving out", "half of the security deposit was withheld for painting",
		"nobody says when the deposit comes back", "the deposit was never placed in a savings account", "the agency deducted cleaning fees from the deposit",
		"the new owner denies receiving our deposit", "interest on the deposit was never paid", "the deposit return is delayed by a year"},
	"noise": {"the bar downstairs plays music until dawn", "a neighbour drills every sunday morning", "the dog next door barks for hours",
		"parties upstairs with shouting several nights", "construction noise starts at six every day", "a humming fan on the roof keeps me awake",
		"loud television through the thin wall at midnight", "children stomping above us late in the evening"},
}

// seedTopics adds a text datanet with a topic field, contributed by ada,
// bob and carol in turn, and the model rita builds on it.
func (e *env) seedTopics(t *testing.T) map[string]string {
	t.Helper()
	ctx := t.Context()
	d, err := e.d.Create(ctx, e.as("stella"), datanet.Datanet{Slug: "topics", Name: "Topics", Domain: "law", Client: "Tenants", Purpose: "routing",
		Licence: "CC BY-SA 4.0", RecordKind: datanet.KindText, Fields: []string{"topic"}})
	if err != nil {
		t.Fatal(err)
	}
	owner := map[string]string{} // record → who
	who := []string{"ada", "bob", "carol"}
	for _, w := range who {
		if _, err := e.d.ConsentAction(ctx, e.ids[w], "topics", "grant"); err != nil {
			t.Fatal(err)
		}
	}
	i := 0
	for _, topic := range []string{"heating", "deposit", "noise"} {
		for _, text := range topicTexts[topic] {
			w := who[i%3]
			i++
			js, _ := json.Marshal(map[string]any{"text": text, "fields": map[string]string{"topic": topic}})
			sub, err := d.ParseRecords(datanet.FormatJSON, strings.NewReader(string(js)))
			if err != nil {
				t.Fatal(err)
			}
			res, err := e.d.Contribute(ctx, e.ids[w], "topics", sub, datanet.IntakeOptions{})
			if err != nil || res.Outcomes[0].Contribution == "" {
				t.Fatalf("contribute %q: %+v %v", text, res, err)
			}
			owner[res.Outcomes[0].Contribution] = w
		}
	}
	if _, err := e.s.Create(ctx, e.as("rita"), model.Model{Slug: "router", Name: "Router", Kind: model.Retrieval, PricePerCall: 100, Datanets: []string{"topics"}}); err != nil {
		t.Fatal(err)
	}
	blobs, err := store.OpenBlobs(filepath.Join(e.dir, "weights"))
	if err != nil {
		t.Fatal(err)
	}
	e.s.UseFactory(ledger.New(e.db), blobs, 0)
	e.d.KeepCopy(e.s)
	return owner
}

// train asks for a version as rita and runs its job here.
func (e *env) train(t *testing.T, req model.TrainRequest) model.Version {
	t.Helper()
	v, err := e.s.Train(t.Context(), e.as("rita"), "router", req)
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != model.VersionQueued {
		t.Fatalf("a new version is %s, want queued", v.Status)
	}
	if err := e.s.TrainVersion(t.Context(), v.ID, 1); err != nil {
		t.Fatal(err)
	}
	v, err = e.s.VersionOf(t.Context(), "router", v.Number)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (e *env) callRouter(t *testing.T, text string) (model.Result, error) {
	t.Helper()
	return e.s.Complete(t.Context(), e.client(), model.Request{Model: "router", Messages: []model.Message{{Role: "user", Content: text}}}, nil)
}

func TestVersionIsTrainedPublishedAndPaysByInfluence(t *testing.T) {
	for _, kind := range []string{"knn", "linear"} {
		t.Run(kind, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := t.Context()
				e := newEnv(t, db)
				owner := e.seedTopics(t)

				// Only the builder (or a steward) trains the model.
				if _, err := e.s.Train(ctx, e.as("bob"), "router", model.TrainRequest{LabelField: "topic"}); !problem.Is(err, problem.Forbidden) {
					t.Fatalf("another requester trains rita's model: %v", err)
				}
				// Three neighbours: the set is small.
				params := model.TrainParams{K: 3}
				v := e.train(t, model.TrainRequest{LabelField: "topic", Kind: kind, HeldOut: share(0.2), Params: params})
				if v.Status != model.VersionReady {
					t.Fatalf("version %+v, want ready", v)
				}
				// The card counts the records in the weights; the held-out
				// ones only measured it.
				if v.Records != v.Metrics.Train || v.Metrics.Classes != 3 || v.Metrics.Train+v.Metrics.HeldOut != 24 || v.Size == 0 {
					t.Fatalf("card %+v", v)
				}
				if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(v.Commitment) || v.EventID == "" || v.TrainedBy != "m-rita" {
					t.Fatalf("card commitment %q, event %q, trainer %q", v.Commitment, v.EventID, v.TrainedBy)
				}
				// The model.trained event names the version's model and
				// commits to the version, publishing no member.
				var typ, entry string
				if err := db.Read().QueryRowContext(ctx, `SELECT type, entry FROM ledger_events WHERE event_id = $1`, v.EventID).Scan(&typ, &entry); err != nil {
					t.Fatal(err)
				}
				if typ != string(ledger.ModelTrained) || strings.Contains(entry, `"member"`) || !strings.Contains(entry, `"scope":"model:`) {
					t.Fatalf("model.trained entry %s %s", typ, entry)
				}

				// Unpublished, the model still answers by retrieval.
				if res, err := e.callRouter(t, "the radiator is cold"); err != nil || res.Scores != nil {
					t.Fatalf("before publishing: %+v %v", res, err)
				}
				if _, err := e.s.Publish(ctx, e.as("bob"), "router", v.Number); !problem.Is(err, problem.Forbidden) {
					t.Fatalf("bob publishes rita's version: %v", err)
				}
				if _, err := e.s.Publish(ctx, e.as("rita"), "router", v.Number); err != nil {
					t.Fatal(err)
				}
				splits := func() int {
					var n int
					if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM ledger_events WHERE type = 'reward.split'`).Scan(&n); err != nil {
						t.Fatal(err)
					}
					return n
				}
				splitsBefore := splits()
				before := e.balance(t, reward.MemberAccount("m-rita"))
				res, err := e.callRouter(t, "the boiler shows an error and the radiator stays cold")
				if err != nil {
					t.Fatal(err)
				}
				if res.Text != "heating" || len(res.Scores) != 3 || res.Scores[0].Label != "heating" || res.Attribution.Version != v.Number {
					t.Fatalf("answer %q scores %+v version %d", res.Text, res.Scores, res.Attribution.Version)
				}
				// Rita is both the client and the builder: the builder's
				// part of her charge comes back to her.
				if got := before - e.balance(t, reward.MemberAccount("m-rita")); res.Attribution.Charge != 100 || got != 100-res.Attribution.Shares.Builder {
					t.Fatalf("the call cost rita %d (charge %d, builder's part %d), want the price 100", got, res.Attribution.Charge, res.Attribution.Shares.Builder)
				}
				recs := res.Attribution.Records
				if len(recs) == 0 || len(recs) > model.MaxInfluences {
					t.Fatalf("%d records paid", len(recs))
				}
				var paid int64
				for _, r := range recs {
					if _, ok := owner[r.ID]; !ok || r.Weight <= 0 {
						t.Fatalf("paid %+v: not a training record with a positive influence", r)
					}
					paid += r.Amount
				}
				if paid != res.Attribution.Shares.Contributors || paid != 70 {
					t.Fatalf("records got %d, contributors' share %d, want 70 of 100", paid, res.Attribution.Shares.Contributors)
				}
				// The records that shaped a "heating" answer are heating
				// messages: the most influential one surely is.
				top := recs[0].ID
				text, err := e.d.RecordText(ctx, mustDatanet(t, e, "topics"), top)
				if err != nil || !isTopic(text, "heating") {
					t.Fatalf("the most influential record %s says %q", top, text)
				}
				// One reward.split per call, whose share lines name the
				// version; the call row names it too.
				if n := splits() - splitsBefore; n != 1 {
					t.Fatalf("%d reward.split events for the call, want 1", n)
				}
				var versionID int
				if err := db.Read().QueryRowContext(ctx, `SELECT version_id FROM model_calls WHERE id = $1`, res.Attribution.CallID).Scan(&versionID); err != nil || int64(versionID) != v.ID {
					t.Fatalf("call's version %d, want %d: %v", versionID, v.ID, err)
				}
				calls, _, _, err := e.recordCalls(t, owner[top], top)
				// Newest first: this call, by the version; the retrieval
				// call before publishing named no version.
				if err != nil || len(calls) == 0 || calls[0].Version != fmt.Sprint(v.Number) || calls[0].Amount != recs[0].Amount || calls[0].EventID != res.Attribution.EventID {
					t.Fatalf("the contributor's record calls %+v: %v", calls, err)
				}

				// Erased, the top record is never cited or paid again.
				if err := e.d.Erase(ctx, e.ids[owner[top]], top); err != nil {
					t.Fatal(err)
				}
				res, err = e.callRouter(t, "the boiler shows an error and the radiator stays cold")
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range res.Attribution.Records {
					if r.ID == top {
						t.Fatalf("the erased record %s is paid %d", top, r.Amount)
					}
				}
				// The next version excludes it, and says so.
				v2 := e.train(t, model.TrainRequest{LabelField: "topic", Kind: kind, Params: params})
				if v2.Metrics.Train+v2.Metrics.HeldOut != 23 || v2.Commitment == v.Commitment {
					t.Fatalf("version 2 trained on %d records, commitment %s (v1 %s)", v2.Records, v2.Commitment, v.Commitment)
				}
				in, err := e.s.RecordVersions(ctx, e.ids[owner[top]], top)
				if err != nil || len(in) != 1 || in[0].Number != v.Number || in[0].Model != "router" {
					t.Fatalf("versions trained on the erased record: %+v %v, want only version %d", in, err, v.Number)
				}

				// Deleted, the version answers no more and costs nothing.
				if err := e.s.DeleteVersion(ctx, e.as("rita"), "router", v.Number); err != nil {
					t.Fatal(err)
				}
				if res, err := e.callRouter(t, "the radiator is cold"); err != nil || res.Scores != nil {
					t.Fatalf("after deletion the model should answer by retrieval again: %+v %v", res.Scores, err)
				}
				if _, err := e.s.Publish(ctx, e.as("rita"), "router", v.Number); !problem.Is(err, problem.Conflict) {
					t.Fatalf("a deleted version is published: %v", err)
				}
			})
		})
	}
}

func isTopic(text, topic string) bool {
	for _, s := range topicTexts[topic] {
		if s == text {
			return true
		}
	}
	return false
}

func mustDatanet(t *testing.T, e *env, slug string) int64 {
	d, err := e.d.BySlug(t.Context(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

func (e *env) recordCalls(t *testing.T, who, record string) ([]model.RecordCall, model.RecordEarning, string, error) {
	re, calls, next, err := e.s.RecordCalls(t.Context(), e.ids[who], record, store.Page{Limit: 20})
	return calls, re, next, err
}

func TestTrainingRefusesWhatCannotBeLearnt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		e.seedTopics(t)
		for name, req := range map[string]model.TrainRequest{
			"kind":     {LabelField: "topic", Kind: "forest"},
			"held out": {LabelField: "topic", HeldOut: share(0.9)},
			"field":    {},
			"datanet":  {LabelField: "topic", Datanets: []string{"tenancy"}},
			"epochs":   {LabelField: "topic", Params: model.TrainParams{Epochs: 1000}},
			// Free text is no label: its words would stay in the weights.
			"no such field": {LabelField: "text"},
		} {
			if _, err := e.s.Train(ctx, e.as("rita"), "router", req); !problem.Is(err, problem.Invalid) {
				t.Errorf("%s: %v, want invalid", name, err)
			}
		}
		// Labels no record has fail the version with a message the
		// builder can act on, once, without retries.
		v := e.train(t, model.TrainRequest{LabelField: "labels"})
		if v.Status != model.VersionFailed || !strings.Contains(v.Error, `"labels"`) {
			t.Fatalf("version %+v, want failed naming the field", v)
		}
		if _, err := e.s.Publish(ctx, e.as("rita"), "router", v.Number); !problem.Is(err, problem.Conflict) {
			t.Fatalf("a failed version is published: %v", err)
		}
	})
}

// One training per model at a time, and a training killed mid-way leaves
// a version that answers nothing until its job runs again.
func TestTrainingIsOneAtATimeAndSurvivesAKill(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		e.seedTopics(t)
		v, err := e.s.Train(ctx, e.as("rita"), "router", model.TrainRequest{LabelField: "topic", Params: model.TrainParams{Epochs: 50}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Train(ctx, e.as("rita"), "router", model.TrainRequest{LabelField: "topic"}); !problem.Is(err, problem.Conflict) {
			t.Fatalf("a second training at once: %v, want a conflict", err)
		}
		// The server dies in the first epoch.
		killed, kill := context.WithCancel(ctx)
		kill()
		if err := e.s.TrainVersion(killed, v.ID, 1); err == nil {
			t.Fatal("a cancelled training reported success")
		}
		got, _ := e.s.VersionOf(ctx, "router", v.Number)
		if got.Status == model.VersionReady || got.Commitment != "" {
			t.Fatalf("after the kill the version is %+v", got)
		}
		// Or it dies after a few epochs, as a killed server's job does.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE model_versions SET status = 'training', progress = '{"epoch":3,"epochs":50}' WHERE id = $1`, v.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Publish(ctx, e.as("rita"), "router", v.Number); !problem.Is(err, problem.Conflict) {
			t.Fatalf("a half-trained version is published: %v", err)
		}
		if err := e.s.DeleteVersion(ctx, e.as("rita"), "router", v.Number); !problem.Is(err, problem.Conflict) {
			t.Fatalf("a training version is deleted: %v", err)
		}
		// The job's retry trains it from the start.
		if err := e.s.TrainVersion(ctx, v.ID, 2); err != nil {
			t.Fatal(err)
		}
		got, _ = e.s.VersionOf(ctx, "router", v.Number)
		if got.Status != model.VersionReady || got.Progress.Epoch != 50 {
			t.Fatalf("after the retry the version is %+v", got)
		}
		// A late duplicate of the job changes nothing.
		if err := e.s.TrainVersion(ctx, v.ID, 3); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM ledger_events WHERE type = 'model.trained'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d model.trained events, want 1: %v", n, err)
		}
	})
}

// An erased record leaves the published weights within the bound: the
// hourly chore retrains the version without it, the new version takes
// the old one's place and the old weights are deleted.
func TestErasureRetrainsThePublishedVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		owner := e.seedTopics(t)
		// Nothing held out: every record is in the weights.
		v1 := e.train(t, model.TrainRequest{LabelField: "topic", HeldOut: share(0), Params: model.TrainParams{Epochs: 20}})
		v0 := e.train(t, model.TrainRequest{LabelField: "topic", HeldOut: share(0), Kind: "knn", Params: model.TrainParams{K: 3}})
		if v1.Records != 24 || v0.Records != 24 {
			t.Fatalf("trained on %d and %d records, want all 24", v1.Records, v0.Records)
		}
		if _, err := e.s.Publish(ctx, e.as("rita"), "router", v1.Number); err != nil {
			t.Fatal(err)
		}
		if n, err := e.s.RetrainErased(ctx); err != nil || n != 0 {
			t.Fatalf("nothing erased, yet %d retrainings: %v", n, err)
		}
		var gone string
		for id := range owner {
			gone = id
			break
		}
		if err := e.d.Erase(ctx, e.ids[owner[gone]], gone); err != nil {
			t.Fatal(err)
		}
		// An unpublished version trained on it is not published again.
		if _, err := e.s.Publish(ctx, e.as("rita"), "router", v0.Number); !problem.Is(err, problem.Conflict) {
			t.Fatalf("a version trained on an erased record is published: %v", err)
		}
		if n, err := e.s.RetrainErased(ctx); err != nil || n != 1 {
			t.Fatalf("%d retrainings queued, want 1: %v", n, err)
		}
		if n, _ := e.s.RetrainErased(ctx); n != 0 {
			t.Fatalf("the chore queued %d more while one is queued", n)
		}
		// The unpublished version trained on it loses its weights.
		if v0, _ = e.s.VersionOf(ctx, "router", v0.Number); v0.Status != model.VersionDeleted {
			t.Fatalf("the unpublished version trained on the erased record is %s, want deleted", v0.Status)
		}
		v3, err := e.s.VersionOf(ctx, "router", 3)
		if err != nil || v3.Status != model.VersionQueued || v3.Kind != "linear" || v3.Params.Epochs != 20 || v3.TrainedBy != "m-rita" {
			t.Fatalf("the retraining %+v: %v", v3, err)
		}
		if err := e.s.TrainVersion(ctx, v3.ID, 1); err != nil {
			t.Fatal(err)
		}
		v3, _ = e.s.VersionOf(ctx, "router", 3)
		old, _ := e.s.VersionOf(ctx, "router", v1.Number)
		if !v3.Published || v3.Records != 23 || old.Status != model.VersionDeleted || old.Published {
			t.Fatalf("after the retraining: new %+v, old %+v", v3, old)
		}
		res, err := e.callRouter(t, "the dog next door barks for hours")
		if err != nil || res.Attribution.Version != 3 {
			t.Fatalf("the model answers with version %d: %v", res.Attribution.Version, err)
		}
		in, err := e.s.RecordVersions(ctx, e.ids[owner[gone]], gone)
		if err != nil || len(in) != 2 {
			t.Fatalf("versions trained on the erased record: %+v %v", in, err)
		}
		if n, _ := e.s.RetrainErased(ctx); n != 0 {
			t.Fatalf("the chore retrains a version that excludes the record: %d", n)
		}
	})
}

// A version deleted while calls are in flight: every call either answers
// and is charged once, or fails and costs nothing; the splits add up to
// what the client paid.
func TestVersionDeletedWhileCalled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		e.seedTopics(t)
		v := e.train(t, model.TrainRequest{LabelField: "topic", Kind: "knn", Params: model.TrainParams{K: 3}})
		if _, err := e.s.Publish(ctx, e.as("rita"), "router", v.Number); err != nil {
			t.Fatal(err)
		}
		// Stella calls, so that no share of the charge comes back to her.
		if _, err := e.s.Deposit(ctx, e.as("stella"), "m-stella", 100000); err != nil {
			t.Fatal(err)
		}
		stella := model.Client{MemberID: e.ids["stella"], PublicID: "m-stella"}
		before := e.balance(t, reward.MemberAccount("m-stella"))
		const calls = 40
		results := make(chan error, calls)
		start := make(chan struct{})
		for range calls {
			go func() {
				<-start
				res, err := e.s.Complete(ctx, stella, model.Request{Model: "router", Messages: []model.Message{{Role: "user", Content: "the heating failed"}}}, nil)
				if err == nil && res.Scores == nil {
					err = fmt.Errorf("answered by retrieval") // after the deletion took effect
				}
				results <- err
			}()
		}
		close(start)
		time.Sleep(5 * time.Millisecond)
		if err := e.s.DeleteVersion(ctx, e.as("rita"), "router", v.Number); err != nil {
			t.Fatal(err)
		}
		answered := 0
		for range calls {
			err := <-results
			switch {
			case err == nil:
				answered++
			case err.Error() == "answered by retrieval":
			case problem.Is(err, problem.Conflict):
			default:
				t.Fatalf("a call failed otherwise: %v", err)
			}
		}
		var charged, ok, byVersion int64
		if err := db.Read().QueryRowContext(ctx, `SELECT COALESCE(SUM(charge), 0), count(*), count(version_id) FROM model_calls WHERE client_id = $1 AND status = 'ok'`,
			e.ids["stella"]).Scan(&charged, &ok, &byVersion); err != nil {
			t.Fatal(err)
		}
		if byVersion != int64(answered) {
			t.Fatalf("%d calls answered by the version, %d charged as such", answered, byVersion)
		}
		if paid := before - e.balance(t, reward.MemberAccount("m-stella")); paid != charged {
			t.Fatalf("stella paid %d for calls charged %d in all", paid, charged)
		}
		var splits int64
		if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM model_calls WHERE client_id = $1 AND event_id IS NOT NULL`, e.ids["stella"]).Scan(&splits); err != nil || splits != ok {
			t.Fatalf("%d splits for %d charged calls: %v", splits, ok, err)
		}
		t.Logf("%d of %d calls answered by the version before it was deleted", answered, calls)
	})
}

func share(f float64) *float64 { return &f }

// A server that did not run an erasure drops the record from its loaded
// adapters at its next sweep (every 30 s), as it does its indexes: its
// kNN version's influences are then those of the server that erased it,
// which are those of a model without the record.
func TestOtherServersAdaptersForgetErasedRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		owner := e.seedTopics(t)
		v := e.train(t, model.TrainRequest{LabelField: "topic", Kind: "knn", HeldOut: share(0), Params: model.TrainParams{K: 1}})
		if _, err := e.s.Publish(ctx, e.as("rita"), "router", v.Number); err != nil {
			t.Fatal(err)
		}
		// Server B: its own service on the same database and blobs.
		other := model.NewService(db, e.r, e.params, e.d, e.vault, filepath.Join(t.TempDir(), "models"))
		t.Cleanup(func() { other.Close() })
		blobs, err := store.OpenBlobs(filepath.Join(e.dir, "weights"))
		if err != nil {
			t.Fatal(err)
		}
		other.UseFactory(ledger.New(db), blobs, 0)
		text := topicTexts["heating"][0]
		ask := func(s *model.Service) string {
			t.Helper()
			res, err := s.Complete(ctx, e.client(), model.Request{Model: "router", Messages: []model.Message{{Role: "user", Content: text}}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, r := range res.Attribution.Records {
				fmt.Fprintf(&b, "%s:%.6f ", r.ID, r.Weight)
			}
			return b.String()
		}
		var x string
		for id := range owner {
			if got, _ := e.d.RecordText(ctx, mustDatanet(t, e, "topics"), id); got == text {
				x = id
			}
		}
		if got := ask(other); !strings.Contains(got, x+":") {
			t.Fatalf("server B pays %s for the record's own text, want its record %s among them", got, x)
		}
		if err := e.d.Erase(ctx, e.ids[owner[x]], x); err != nil { // on server A
			t.Fatal(err)
		}
		a := ask(e.s)
		if b := ask(other); b == a || strings.Contains(b, x) {
			t.Fatalf("before its sweep server B should still count the erased record among the neighbours (and never pay it):\nA %s\nB %s", a, b)
		}
		if err := other.ForgetErased(ctx); err != nil {
			t.Fatal(err)
		}
		if b := ask(other); b != a || a == "" {
			t.Fatalf("after its sweep server B pays\n%s\nwhere A pays\n%s", b, a)
		}
		// A server that loads the version after the erasure leaves the
		// record out as it loads.
		third := model.NewService(db, e.r, e.params, e.d, e.vault, filepath.Join(t.TempDir(), "models"))
		t.Cleanup(func() { third.Close() })
		third.UseFactory(ledger.New(db), blobs, 0)
		if c := ask(third); c != a {
			t.Fatalf("a server loading after the erasure pays\n%s\nwhere A pays\n%s", c, a)
		}
	})
}
