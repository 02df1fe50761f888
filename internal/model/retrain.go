package model

import (
	"context"
	"fmt"
	"strconv"

	"github.com/allmende/allmende/internal/store"
)

// Erasure and the weights of model versions. A project's item erased by
// its requester (work.EraseItem) counts as an erased record throughout
// (project_train.go).
//
// From the moment a record is erased it is never named or paid by any
// version: every call's split re-reads the records' status in its
// transaction, and loaded adapters drop it (Forget → forgetInAdapters); a
// kNN version stops counting it among the neighbours at once. A linear
// version's weights still carry its share until retrained, so:
//
//   - RetrainErased, a chore the server runs every hour (JobRetrainErased),
//     queues a new version of every model whose published version was
//     trained on a record erased since, with the same datanets, field,
//     kind and hyper-parameters. The new version excludes the record (it
//     reads accepted records only) and, once ready, takes the old one's
//     place: it is published and the old version's weights are deleted
//     (its card stays, status deleted). The bound: an erasure reaches the
//     published weights within an hour plus one training.
//   - Publish refuses a version trained on a record erased since: train a
//     new one. So the same chore deletes the weights of every unpublished
//     ready version trained on an erased record (its card stays): no
//     version keeps anything derived from an erased record beyond the hour.
//   - RecordVersions tells a member which versions were trained on their
//     record; every other version excludes it.

// JobRetrainErased is the hourly chore's job kind.
const JobRetrainErased = "model.retrain-erased"

// RetrainErased queues the retraining of every published version trained
// on a record erased since, and returns how many it queued. A model that
// is already training is left for the next run. It acts for nobody: it
// repeats a training its builder asked for, as the published rule says.
func (s *Service) RetrainErased(ctx context.Context) (int, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT v.id FROM models m JOIN model_versions v ON v.id = m.published_version
		WHERE `+trainedOnErasedSQL+`
		AND NOT EXISTS (SELECT 1 FROM model_versions q WHERE q.model_id = m.id AND q.status IN ('queued', 'training'))`)
	if err != nil {
		return 0, fmt.Errorf("retrain erased: %w", err)
	}
	var stale []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		stale = append(stale, id)
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	n := 0
	for _, old := range stale {
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			var id int64
			err := tx.QueryRowContext(ctx, `INSERT INTO model_versions (model_id, number, kind, label_field, held_out, datanets, params, status, trained_by, created_at, replaces, project, datanet_versions)
				SELECT model_id, (SELECT MAX(number) + 1 FROM model_versions WHERE model_id = o.model_id), kind, label_field, held_out, datanets, params, 'queued', trained_by, $2, id, project, datanet_versions
				FROM model_versions o WHERE id = $1 RETURNING id`, old, store.Now()).Scan(&id)
			if err != nil {
				return err
			}
			return store.Enqueue(ctx, tx, JobTrain, []byte(strconv.FormatInt(id, 10)), store.JobOptions{MaxAttempts: trainAttempts})
		})
		if store.IsUniqueViolation(err) {
			continue // a training was asked for meanwhile
		}
		if err != nil {
			return n, fmt.Errorf("retrain erased: %w", err)
		}
		n++
	}
	if n > 0 {
		s.factory.wakeRunner()
	}
	return n, s.dropUnpublishedErased(ctx)
}

// dropUnpublishedErased deletes the weights of the ready versions that are
// not published and were trained on a record erased since: they can never
// be published again.
func (s *Service) dropUnpublishedErased(ctx context.Context) error {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT v.id, COALESCE(v.blob, '') FROM model_versions v JOIN models m ON m.id = v.model_id
		WHERE v.status = 'ready' AND COALESCE(m.published_version, 0) <> v.id
		AND `+trainedOnErasedSQL+``)
	if err != nil {
		return fmt.Errorf("drop erased weights: %w", err)
	}
	type stale struct {
		id   int64
		blob string
	}
	var list []stale
	for rows.Next() {
		var v stale
		if err := rows.Scan(&v.id, &v.blob); err != nil {
			rows.Close()
			return err
		}
		list = append(list, v)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, v := range list {
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			// Still unpublished: a publish meanwhile was refused anyway.
			_, err := tx.ExecContext(ctx, `UPDATE model_versions SET status = 'deleted', blob = NULL WHERE id = $1 AND status = 'ready'
				AND NOT EXISTS (SELECT 1 FROM models WHERE published_version = $1)`, v.id)
			return err
		})
		if err != nil {
			return fmt.Errorf("drop erased weights: %w", err)
		}
		s.factory.cache.remove(v.id)
		s.dropBlob(ctx, v.blob)
	}
	return nil
}

// replace makes a retrained version take the place of the one it
// replaces, in the transaction that makes it ready: published if the old
// one still is, and the old one's weights deleted (their blob once no
// version names it, after the commit). It returns the blob to delete.
func (s *Service) replace(ctx context.Context, tx *store.Tx, modelID, newID, oldID int64) (string, error) {
	res, err := tx.ExecContext(ctx, `UPDATE models SET published_version = $2 WHERE id = $1 AND published_version = $3`, modelID, newID, oldID)
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", nil // the builder published another version meanwhile
	}
	if _, err := tx.ExecContext(ctx, `UPDATE model_versions SET published_at = $2 WHERE id = $1`, newID, store.Now()); err != nil {
		return "", err
	}
	var blob string
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(blob, '') FROM model_versions WHERE id = $1`, oldID).Scan(&blob); err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE model_versions SET status = 'deleted', blob = NULL WHERE id = $1`, oldID); err != nil {
		return "", err
	}
	return blob, nil
}

// dropBlob deletes weights no version names any more.
func (s *Service) dropBlob(ctx context.Context, blob string) {
	if blob == "" {
		return
	}
	var others int
	if err := s.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM model_versions WHERE blob = $1`, blob).Scan(&others); err != nil || others > 0 {
		return
	}
	if err := s.factory.blobs.Delete(blob); err != nil {
		s.logf("delete replaced weights", "blob", blob, "err", err)
	}
}

// trainedOnErased reports whether a version was trained on a record
// erased since.
func (s *Service) trainedOnErased(ctx context.Context, versionID int64) (bool, error) {
	var n int
	err := s.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM model_versions v WHERE v.id = $1 AND `+trainedOnErasedSQL, versionID).Scan(&n)
	return n > 0, err
}

// trainedOnErasedSQL is true of a version v trained on a record or a
// project's item erased since (a record withdrawn counts too: it is no
// longer accepted), or on an item a worker's answer to which was erased
// since the version started training (its label may have rested on it).
const trainedOnErasedSQL = `(EXISTS (SELECT 1 FROM model_version_records r JOIN contributions c ON c.id = r.contribution_id WHERE r.version_id = v.id AND c.status <> 'accepted')
	OR EXISTS (SELECT 1 FROM model_version_items r JOIN items i ON i.id = r.item_id WHERE r.version_id = v.id AND i.erased_at IS NOT NULL)
	OR EXISTS (SELECT 1 FROM model_version_items r JOIN assignments a ON a.item_id = r.item_id WHERE r.version_id = v.id AND a.erased_at >= COALESCE(v.started_at, 0)))`
