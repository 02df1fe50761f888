package model

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/allmende/allmende/internal/classify"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/store"
	"github.com/transparency-dev/merkle/rfc6962"
)

// trainingRecord is a record as training reads it: the example and what
// the card and erasure need (its row id and DNA — for a project's item,
// the item's id and hash), never kept as text.
type trainingRecord struct {
	rowID int64
	dna   string
	ex    classify.Example
}

// training serialises the trainings of one version inside a process: a
// job whose lease ran out while it still trained may be claimed again by
// another worker, and the second must wait, then find the version ready.
var training sync.Map // version id → *sync.Mutex

// TrainVersion is the queue's training job: it reads the version's
// datanets (accepted records only: erased and withdrawn ones are gone
// from the database), trains the classifier on one core with progress
// written after every epoch, stores the weights as a blob and then, in one
// transaction, makes the version ready with its card, its records and its
// model.trained event. Until that commit the version answers nothing, so a
// server killed mid-way leaves no half version: the job is claimed again
// when its lease ends and trains from the start (training is
// deterministic for a seed). A problem with the data (a single label, too
// few records, …) fails the version with its message and is not retried;
// after the last attempt any other failure fails it too.
func (s *Service) TrainVersion(ctx context.Context, versionID int64, attempt int) error {
	mu, _ := training.LoadOrStore(versionID, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()

	v, err := s.versionByID(ctx, versionID)
	if err != nil {
		return err
	}
	if v.Status != VersionQueued && v.Status != VersionTraining {
		return nil // done by an earlier claim of the same job
	}
	err = s.trainVersion(ctx, v)
	var bad *badTraining
	switch {
	case err == nil:
		return nil
	case errors.As(err, &bad) || attempt >= trainAttempts:
		if ferr := s.failVersion(context.WithoutCancel(ctx), v.ID, err); ferr != nil {
			return errors.Join(err, ferr)
		}
		return nil
	default:
		return err
	}
}

// badTraining is a training the data or the request makes impossible.
type badTraining struct{ msg string }

func (e *badTraining) Error() string { return e.msg }

func (s *Service) failVersion(ctx context.Context, id int64, cause error) error {
	msg := cause.Error()
	var bad *badTraining
	if !errors.As(cause, &bad) {
		// What the machine said stays in the server's log; the card says
		// that the training failed.
		s.logf("model training failed", "version", id, "err", cause)
		msg = "training failed; ask for a new version"
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE model_versions SET status = 'failed', error = $2, finished_at = $3 WHERE id = $1 AND status IN ('queued', 'training')`,
			id, msg, store.Now())
		return err
	})
}

func (s *Service) trainVersion(ctx context.Context, v Version) error {
	if s.factory.blobs == nil || s.factory.ledger == nil {
		return errors.New("model versions: no blob store or ledger (UseFactory)")
	}
	started := time.Now()
	claimed := false
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		// Conditional: another server whose claim of the same job ran
		// out may have finished it meanwhile; a ready version stays ready.
		res, err := tx.ExecContext(ctx, `UPDATE model_versions SET status = 'training', started_at = $2, progress = '{}' WHERE id = $1 AND status IN ('queued', 'training')`,
			v.ID, started.UnixMilli())
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		claimed = n == 1
		return err
	})
	if err != nil || !claimed {
		return err
	}
	recs, skipped, err := s.trainingSet(ctx, v)
	if err != nil {
		return err
	}
	examples := make([]classify.Example, len(recs))
	for i, r := range recs {
		examples[i] = r.ex
	}
	opt := classify.Options{Kind: classify.Kind(v.Kind), Epochs: v.Params.Epochs, L2: v.Params.L2, LearningRate: v.Params.LearningRate,
		K: v.Params.K, HeldOut: v.HeldOut, Seed: v.Params.Seed}
	cm, met, err := classify.Train(ctx, examples, opt, func(p classify.Progress) {
		b, _ := json.Marshal(TrainProgress{Epoch: p.Epoch, Epochs: p.Epochs, Loss: p.Loss, Accuracy: p.Accuracy, MacroF1: p.MacroF1})
		// Progress is for the page; losing one write loses nothing.
		_ = s.db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE model_versions SET progress = $2 WHERE id = $1`, v.ID, string(b))
			return err
		})
		if fn := s.factory.epochHook(); fn != nil {
			fn(v.ID, TrainProgress{Epoch: p.Epoch, Epochs: p.Epochs, Loss: p.Loss, Accuracy: p.Accuracy, MacroF1: p.MacroF1})
		}
	})
	if errors.Is(err, classify.ErrInput) {
		return &badTraining{msg: strings.TrimPrefix(err.Error(), classify.ErrInput.Error()+": ")}
	}
	if err != nil {
		return fmt.Errorf("train version %d of %s: %w", v.Number, v.Model, err)
	}
	// The held-out records measured the version but are not in its
	// weights: the card, the commitment and the erasure bookkeeping
	// cover the records it was trained on.
	trained := cm.TrainingIDs()
	recs = slices.DeleteFunc(recs, func(r trainingRecord) bool {
		_, ok := slices.BinarySearch(trained, r.ex.ID)
		return !ok
	})
	var buf bytes.Buffer
	if _, err := cm.WriteTo(&buf); err != nil {
		return fmt.Errorf("write weights: %w", err)
	}
	hash, size, err := s.factory.blobs.Put(&buf)
	if err != nil {
		return err
	}
	metrics, _ := json.Marshal(VersionMetrics{Accuracy: met.Accuracy, MacroF1: met.MacroF1, Train: met.Train, HeldOut: met.HeldOut, Classes: met.Classes,
		Labels: cm.Labels(), Skipped: skipped, Seconds: time.Since(started).Seconds()})
	commitment := trainingCommitment(recs)
	var replaced string // the weights of the version this one replaced
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		// Only the first finisher makes the version ready.
		res, err := tx.ExecContext(ctx, `UPDATE model_versions SET status = 'ready', metrics = $2, commitment = $3, records = $4, blob = $5, size = $6, finished_at = $7
			WHERE id = $1 AND status = 'training'`, v.ID, string(metrics), commitment, len(recs), hash, size, store.Now())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		for _, r := range recs {
			if v.Project != "" {
				_, err = tx.ExecContext(ctx, `INSERT INTO model_version_items (version_id, item_id, label, hash) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
					v.ID, r.rowID, r.ex.Label, r.dna)
			} else {
				_, err = tx.ExecContext(ctx, `INSERT INTO model_version_records (version_id, contribution_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, v.ID, r.rowID)
			}
			if err != nil {
				return err
			}
		}
		content := map[string]any{"version": v.Number, "kind": v.Kind, "commitment": commitment, "records": len(recs)}
		if len(v.DatanetVersions) > 0 {
			// The versions a funding round named are public; the log
			// shows the version was trained on them.
			content["datanet_versions"] = v.DatanetVersions
		}
		id, err := s.factory.ledger.Record(ctx, tx, ledger.Event{Type: ledger.ModelTrained, Scope: fmt.Sprintf("model:%d", v.ModelID),
			Content: content})
		if err != nil {
			return err
		}
		if _, err = tx.ExecContext(ctx, `UPDATE model_versions SET event_id = $2 WHERE id = $1`, v.ID, id); err != nil {
			return err
		}
		if v.replaces != 0 {
			replaced, err = s.replace(ctx, tx, v.ModelID, v.ID, v.replaces)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store version %d of %s: %w", v.Number, v.Model, err)
	}
	if v.replaces != 0 {
		s.factory.forgetServing(v.Model)
		s.factory.cache.remove(v.replaces)
		s.dropBlob(ctx, replaced)
	}
	return nil
}

// trainingSet reads the accepted records of the version's datanets with
// their labels; records without the label field are counted, not used.
func (s *Service) trainingSet(ctx context.Context, v Version) ([]trainingRecord, int, error) {
	if v.Project != "" {
		recs, err := s.projectTrainingSet(ctx, v)
		return recs, 0, err
	}
	var recs []trainingRecord
	skipped := 0
	// A version trained on datanet versions takes their records only
	// (those still accepted and consented).
	versionOf := map[string]int64{}
	for _, ref := range v.DatanetVersions {
		slug, n, err := ParseVersionRef(ref)
		if err != nil {
			return nil, 0, &badTraining{msg: err.Error()}
		}
		dv, err := s.datanets.VersionOf(ctx, slug, n)
		if err != nil {
			return nil, 0, &badTraining{msg: fmt.Sprintf("the datanet version %s is gone", ref)}
		}
		versionOf[slug] = dv.ID
	}
	for _, slug := range v.Datanets {
		d, err := s.datanets.BySlug(ctx, slug)
		if err != nil {
			return nil, 0, &badTraining{msg: fmt.Sprintf("the datanet %s is gone", slug)}
		}
		dnas, err := s.acceptedDNAs(ctx, d.ID)
		if err != nil {
			return nil, 0, err
		}
		if id, ok := versionOf[slug]; ok {
			in, err := store.IDs(ctx, s.db.Read(), `SELECT contribution_id FROM datanet_version_records WHERE version_id = $1`, id)
			if err != nil {
				return nil, 0, fmt.Errorf("training records of %s: %w", slug, err)
			}
			keep := make(map[int64]bool, len(in))
			for _, c := range in {
				keep[c] = true
			}
			maps.DeleteFunc(dnas, func(_ string, m recordMeta) bool { return !keep[m.rowID] })
		}
		_, err = s.datanets.Export(ctx, slug, func(e datanet.Exported) error {
			text, label := exampleOf(e.Record, v.LabelField)
			meta, ok := dnas[e.ID]
			if !ok {
				return nil // erased between the two reads
			}
			if text == "" || label == "" {
				skipped++
				return nil
			}
			recs = append(recs, trainingRecord{rowID: meta.rowID, dna: meta.dna, ex: classify.Example{ID: e.ID, Text: text, Label: label}})
			return ctx.Err()
		})
		if err != nil {
			return nil, 0, err
		}
	}
	if len(recs) == 0 {
		return nil, 0, &badTraining{msg: fmt.Sprintf("no record of %s has a %q field", strings.Join(v.Datanets, ", "), v.LabelField)}
	}
	slices.SortFunc(recs, func(a, b trainingRecord) int { return strings.Compare(a.ex.ID, b.ex.ID) })
	return recs, skipped, nil
}

type recordMeta struct {
	rowID int64
	dna   string
}

// acceptedDNAs are the records a new version may be trained on: accepted,
// and their contributor's consent neither paused nor withdrawn.
func (s *Service) acceptedDNAs(ctx context.Context, datanetID int64) (map[string]recordMeta, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT c.public_id, c.id, c.dna `+datanet.ConsentedAccepted, datanetID)
	if err != nil {
		return nil, fmt.Errorf("training records: %w", err)
	}
	defer rows.Close()
	out := map[string]recordMeta{}
	for rows.Next() {
		var id string
		var m recordMeta
		if err := rows.Scan(&id, &m.rowID, &m.dna); err != nil {
			return nil, err
		}
		out[id] = m
	}
	return out, rows.Err()
}

// exampleOf is a record's text and label for a label field: the field of
// the record's metadata, or its first label ("labels"). A
// question-and-answer record's text is its question and answer.
func exampleOf(r datanet.Record, field string) (text, label string) {
	text = r.Text
	if text == "" {
		text = strings.TrimSpace(r.Question + "\n" + r.Answer)
	}
	switch field {
	case LabelFromLabels:
		if len(r.Labels) > 0 {
			label = r.Labels[0]
		}
	default:
		label = r.Fields[field]
	}
	return strings.TrimSpace(text), strings.TrimSpace(label)
}

// trainingCommitment is the RFC 6962 Merkle root, in hex, over the
// training records' DNAs in the order of their public ids: anyone handed
// the DNAs can recompute it, and a record's DNA with its path proves it
// was in the training set.
func trainingCommitment(recs []trainingRecord) string {
	leaves := make([][]byte, len(recs))
	for i, r := range recs {
		leaves[i] = rfc6962.DefaultHasher.HashLeaf([]byte(r.dna))
	}
	return hex.EncodeToString(ledger.TreeHash(leaves))
}
