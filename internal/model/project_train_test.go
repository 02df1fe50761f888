package model_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/work"
	"github.com/transparency-dev/merkle/rfc6962"
)

// projectItem is an item of a seeded project: its row id, text and true
// topic.
type projectItem struct {
	id    int64
	text  string
	topic string
}

// seedProject adds a text-classification project requested by who, with
// the topic messages as items, and answers as given by answer (worker →
// label, or "" for none; a label starting with "!" is a rejected answer).
func (e *env) seedProject(t *testing.T, w *work.Service, who, slug string, answer func(it projectItem) map[string]string) []projectItem {
	t.Helper()
	ctx := t.Context()
	p, err := w.Create(ctx, e.as(who), work.Project{Slug: slug, Name: "Tickets " + slug, Client: "Tenants", Purpose: "routing",
		TaskType: work.TextClassification, Labels: []string{"heating", "deposit", "noise"}, Instructions: "Pick the topic.", Redundancy: 2, PayPerTask: 10, EstSeconds: 30})
	if err != nil {
		t.Fatal(err)
	}
	var add []work.NewItem
	var items []projectItem
	for _, topic := range []string{"heating", "deposit", "noise"} {
		for _, text := range topicTexts[topic] {
			add = append(add, work.NewItem{Item: work.Item{Text: text}})
			items = append(items, projectItem{text: text, topic: topic})
		}
	}
	if err := w.AddItems(ctx, p.ID, add); err != nil {
		t.Fatal(err)
	}
	rows, err := e.db.Read().QueryContext(ctx, `SELECT id, text FROM items WHERE project_id = $1`, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for rows.Next() {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			t.Fatal(err)
		}
		ids[text] = id
	}
	rows.Close()
	err = e.db.InTx(ctx, func(tx *store.Tx) error {
		for i := range items {
			items[i].id = ids[items[i].text]
			for _, worker := range []string{"ada", "bob", "carol"} {
				label := answer(items[i])[worker]
				if label == "" {
					continue
				}
				status := "paid"
				if l, ok := strings.CutPrefix(label, "!"); ok {
					label, status = l, "rejected"
				}
				js, _ := json.Marshal(map[string]string{"label": label})
				if _, err := tx.ExecContext(ctx, `INSERT INTO assignments (project_id, item_id, worker_id, kind, status, assigned_at, seen_at, submitted_at, answer)
					VALUES ($1, $2, $3, 'task', $4, 0, 0, 0, $5)`, p.ID, items[i].id, e.ids[worker], status, string(js)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// fieldOf is the field a refusal names.
func fieldOf(err error) string {
	var pe *problem.Error
	if e, ok := err.(*problem.Error); ok {
		pe = e
	}
	if pe == nil {
		return ""
	}
	for k := range pe.Fields {
		return k
	}
	return ""
}

func TestVersionTrainedOnProjectLabelsPaysAgreeingWorkers(t *testing.T) {
	for _, kind := range []string{"knn", "linear"} {
		t.Run(kind, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := t.Context()
				e := newEnv(t, db)
				e.seedTopics(t)
				blobs, _ := store.OpenBlobs(filepath.Join(e.dir, "items"))
				w := work.NewService(db, blobs, e.r, e.params)
				e.s.UseProjects(w)

				// ada and bob give every item its topic; carol calls every
				// deposit message noise, and her heating answers are
				// rejected. One noise item is split between ada and bob:
				// undecided, it is not trained on.
				var undecided string
				items := e.seedProject(t, w, "rita", "tickets", func(it projectItem) map[string]string {
					a := map[string]string{"ada": it.topic, "bob": it.topic, "carol": it.topic}
					switch it.topic {
					case "deposit":
						a["carol"] = "noise"
					case "heating":
						a["carol"] = "!" + it.topic
					}
					if it.text == topicTexts["noise"][0] {
						undecided = it.text
						a["bob"], a["carol"] = "heating", ""
					}
					return a
				})

				// Bad requests are refused before anything is queued,
				// naming what is wrong.
				bobs := e.seedProject(t, w, "bob", "bobs-tickets", func(it projectItem) map[string]string { return map[string]string{"ada": it.topic, "bob": it.topic} })
				_ = bobs
				mono := e.seedProject(t, w, "rita", "mono", func(it projectItem) map[string]string { return map[string]string{"ada": "heating", "bob": "heating"} })
				_ = mono
				if _, err := w.Create(ctx, e.as("rita"), work.Project{Slug: "photos", Name: "Photos", Client: "x", Purpose: "y", TaskType: work.ImageClassification,
					Labels: []string{"cat", "dog"}, Instructions: "Pick.", Redundancy: 2, PayPerTask: 10, EstSeconds: 30}); err != nil {
					t.Fatal(err)
				}
				for _, c := range []struct {
					name  string
					req   model.TrainRequest
					field string
				}{
					{"someone else's project", model.TrainRequest{Project: "bobs-tickets"}, "project"},
					{"no such project", model.TrainRequest{Project: "nope"}, "project"},
					{"an image project", model.TrainRequest{Project: "photos"}, "project"},
					{"a single decided label", model.TrainRequest{Project: "mono"}, "project"},
					{"both sources", model.TrainRequest{Project: "tickets", Datanets: []string{"topics"}}, "datanets"},
				} {
					_, err := e.s.Train(ctx, e.as("rita"), "router", c.req)
					if !problem.Is(err, problem.Invalid) || fieldOf(err) != c.field {
						t.Errorf("%s: %v (field %q), want invalid naming %s", c.name, err, fieldOf(err), c.field)
					}
				}
				// Bob manages his project but not rita's model.
				if _, err := e.s.Train(ctx, e.as("bob"), "router", model.TrainRequest{Project: "bobs-tickets"}); !problem.Is(err, problem.Forbidden) {
					t.Fatalf("bob trains rita's model: %v", err)
				}

				v := e.train(t, model.TrainRequest{Project: "tickets", Kind: kind, HeldOut: share(0), Params: model.TrainParams{K: 3}})
				if v.Status != model.VersionReady || v.Project != "tickets" || len(v.Datanets) != 0 || v.LabelField != model.ProjectLabel {
					t.Fatalf("version %+v", v)
				}
				if v.Records != len(items)-1 || v.Metrics.Classes != 3 {
					t.Fatalf("trained on %d items (%d classes), want the %d decided ones", v.Records, v.Metrics.Classes, len(items)-1)
				}
				// The commitment is the Merkle root over the items' hashes
				// (SHA-256 of their label and text), in the order of their
				// record names; the undecided item is not among them.
				byID := map[int64]projectItem{}
				for _, it := range items {
					byID[it.id] = it
				}
				rows, err := db.Read().QueryContext(ctx, `SELECT item_id, label, hash FROM model_version_items WHERE version_id = $1`, v.ID)
				if err != nil {
					t.Fatal(err)
				}
				type leaf struct{ name, hash string }
				var leaves []leaf
				for rows.Next() {
					var id int64
					var label, hash string
					if err := rows.Scan(&id, &label, &hash); err != nil {
						t.Fatal(err)
					}
					it := byID[id]
					sum := sha256.Sum256([]byte("allmende-item\x00" + it.topic + "\x00" + it.text))
					if it.text == undecided || label != it.topic || hash != hex.EncodeToString(sum[:]) {
						t.Fatalf("item %d (%q) trained as %q with hash %s", id, it.text, label, hash)
					}
					leaves = append(leaves, leaf{"item-" + strconv.FormatInt(id, 10), hash})
				}
				rows.Close()
				slices.SortFunc(leaves, func(a, b leaf) int { return strings.Compare(a.name, b.name) })
				hashes := make([][]byte, len(leaves))
				for i, l := range leaves {
					hashes[i] = rfc6962.DefaultHasher.HashLeaf([]byte(l.hash))
				}
				if root := hex.EncodeToString(ledger.TreeHash(hashes)); len(leaves) != v.Records || root != v.Commitment {
					t.Fatalf("commitment %s over %d items, recomputed %s over %d", v.Commitment, v.Records, root, len(leaves))
				}

				if _, err := e.s.Publish(ctx, e.as("rita"), "router", v.Number); err != nil {
					t.Fatal(err)
				}
				// A deposit answer: its items' shares go to ada and bob,
				// who gave them their label, equally; never to carol,
				// who said noise.
				res, err := e.callRouter(t, "the landlord keeps my deposit and the agency deducted fees")
				if err != nil {
					t.Fatal(err)
				}
				if res.Text != "deposit" || len(res.Attribution.Records) == 0 {
					t.Fatalf("answer %q paying %+v", res.Text, res.Attribution.Records)
				}
				var total int64
				for _, r := range res.Attribution.Records {
					id, err := strconv.ParseInt(strings.TrimPrefix(r.ID, "item-"), 10, 64)
					if err != nil || byID[id].text == "" {
						t.Fatalf("paid %q: not an item of the project", r.ID)
					}
					total += r.Amount
				}
				if total != 70 || res.Attribution.Shares.Contributors != 70 {
					t.Fatalf("items paid %d, contributors' share %d, want 70", total, res.Attribution.Shares.Contributors)
				}
				got := e.postings(t, res.Attribution.EventID)
				ada, bob, carol := got[reward.MemberAccount("m-ada")], got[reward.MemberAccount("m-bob")], got[reward.MemberAccount("m-carol")]
				if carol != 0 || ada+bob != 70 || ada-bob > 1 || bob-ada > 1 {
					t.Fatalf("postings %v: want ada and bob 35 each, carol nothing", got)
				}
				// A heating answer does not pay carol either: her heating
				// answers were rejected.
				res, err = e.callRouter(t, "the boiler shows an error and the radiator stays cold")
				if err != nil {
					t.Fatal(err)
				}
				if got := e.postings(t, res.Attribution.EventID); res.Text != "heating" || got[reward.MemberAccount("m-carol")] != 0 {
					t.Fatalf("heating answer %q paid %v", res.Text, got)
				}
				// A noise answer pays carol too: she agreed there.
				res, err = e.callRouter(t, "a neighbour drills every sunday and the dog next door barks for hours")
				if err != nil {
					t.Fatal(err)
				}
				if got := e.postings(t, res.Attribution.EventID); res.Text != "noise" || got[reward.MemberAccount("m-carol")] <= 0 {
					t.Fatalf("noise answer %q paid %v, want carol paid", res.Text, got)
				}

				// The requester erases the most influential item: it is
				// never named or paid again, and the hourly chore
				// retrains the version without it.
				top := res.Attribution.Records[0].ID
				topID, _ := strconv.ParseInt(strings.TrimPrefix(top, "item-"), 10, 64)
				if err := w.EraseItem(ctx, e.as("bob"), "tickets", topID); !problem.Is(err, problem.NotFound) {
					t.Fatalf("bob erases rita's item: %v", err)
				}
				if err := w.EraseItem(ctx, e.as("rita"), "tickets", topID); err != nil {
					t.Fatal(err)
				}
				res, err = e.callRouter(t, "a neighbour drills every sunday and the dog next door barks for hours")
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range res.Attribution.Records {
					if r.ID == top {
						t.Fatalf("the erased item %s is paid %d", top, r.Amount)
					}
				}
				if n, err := e.s.RetrainErased(ctx); err != nil || n != 1 {
					t.Fatalf("retraining queued %d versions (%v), want 1", n, err)
				}
				var next int64
				if err := db.Read().QueryRowContext(ctx, `SELECT id FROM model_versions WHERE status = 'queued'`).Scan(&next); err != nil {
					t.Fatal(err)
				}
				if err := e.s.TrainVersion(ctx, next, 1); err != nil {
					t.Fatal(err)
				}
				v2, err := e.s.VersionOf(ctx, "router", v.Number+1)
				if err != nil || v2.Status != model.VersionReady || !v2.Published || v2.Project != "tickets" || v2.Records != v.Records-1 {
					t.Fatalf("the retrained version %+v (%v), want ready, published, one item fewer", v2, err)
				}
				var held int
				if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM model_version_items WHERE version_id = $1 AND item_id = $2`, v2.ID, topID).Scan(&held); err != nil || held != 0 {
					t.Fatalf("the retrained version holds the erased item (%d, %v)", held, err)
				}

				// carol erases her answers: from that moment no answer pays
				// her, and the version trained before is retrained.
				const noisy = "construction noise starts at six every day and loud television through the thin wall"
				res, err = e.callRouter(t, noisy)
				if err != nil {
					t.Fatal(err)
				}
				if got := e.postings(t, res.Attribution.EventID); res.Text != "noise" || got[reward.MemberAccount("m-carol")] <= 0 {
					t.Fatalf("before carol's erasure the noise answer %q pays %v, want carol paid", res.Text, got)
				}
				if n, err := w.EraseAnswers(ctx, e.ids["carol"]); err != nil || n == 0 {
					t.Fatalf("carol erased %d answers: %v", n, err)
				}
				res, err = e.callRouter(t, noisy)
				if err != nil {
					t.Fatal(err)
				}
				if got := e.postings(t, res.Attribution.EventID); res.Text != "noise" || got[reward.MemberAccount("m-carol")] != 0 || len(res.Attribution.Records) == 0 {
					t.Fatalf("after carol's erasure the noise answer %q pays %v", res.Text, got)
				}
				if n, err := e.s.RetrainErased(ctx); err != nil || n != 1 {
					t.Fatalf("retraining after an answer's erasure queued %d versions (%v), want 1", n, err)
				}
			})
		})
	}
}

// postings are the amounts an event moved, by account.
func (e *env) postings(t *testing.T, eventID string) map[string]int64 {
	t.Helper()
	rows, err := e.db.Read().QueryContext(t.Context(), `SELECT account, amount FROM postings WHERE event_id = $1`, eventID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var a string
		var n int64
		if err := rows.Scan(&a, &n); err != nil {
			t.Fatal(err)
		}
		out[a] += n
	}
	return out
}
