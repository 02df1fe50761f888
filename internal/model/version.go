package model

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// A model version is a specialised classifier trained on a model's
// datanets (internal/classify): a linear head (representer points) or a
// kNN head (exact kNN-Shapley) over the hashed n-gram features all models
// share. It is trained by a job in the server's queue, has a card — the
// Merkle root over its training records' DNAs, held-out metrics,
// hyper-parameters, who trained it and when — and once published answers
// the model's calls with a label. See train.go (the job), serve.go (the
// adapters' cache) and classify_call.go (a call and its influence split).

// Version states. Only a ready version has weights and can be published;
// a deleted one keeps its card (calls and receipts name it) but answers
// no call.
const (
	VersionQueued   = "queued"
	VersionTraining = "training"
	VersionReady    = "ready"
	VersionFailed   = "failed"
	VersionDeleted  = "deleted"
)

// Version is a model version and its card.
type Version struct {
	ID         int64    `json:"-"`
	ModelID    int64    `json:"-"`
	Model      string   `json:"model"`
	Number     int      `json:"number"`
	Kind       string   `json:"kind"`
	LabelField string   `json:"label_field"`
	HeldOut    float64  `json:"held_out"`
	Datanets   []string `json:"datanets"`
	// DatanetVersions, if set, are the datanet versions (slug@number) the
	// version was trained on: the records of those versions that are still
	// accepted and consented, not the datanets as they stood.
	DatanetVersions []string `json:"datanet_versions,omitempty"`
	// Project, if set, is the annotation project whose inferred labels
	// the version was trained on instead of datanets (project_train.go).
	Project  string         `json:"project,omitempty"`
	Params   TrainParams    `json:"params"`
	Status   string         `json:"status"`
	Progress TrainProgress  `json:"progress"`
	Metrics  VersionMetrics `json:"metrics"`
	Error    string         `json:"error,omitempty"`
	// Commitment is the RFC 6962 Merkle root (hex) over the DNAs of the
	// records it was trained on, in the order of their public ids (for a
	// project: over its items' hashes, project_train.go); the
	// model.trained event publishes it.
	Commitment  string     `json:"commitment,omitempty"`
	Records     int        `json:"records"`
	Size        int64      `json:"size"`
	TrainedBy   string     `json:"trained_by,omitempty"`
	EventID     string     `json:"event_id,omitempty"`
	Published   bool       `json:"published"`
	CreatedAt   time.Time  `json:"created_at"`
	StartedAt   *time.Time `json:"started_at,omitempty"`
	FinishedAt  *time.Time `json:"finished_at,omitempty"`
	PublishedAt *time.Time `json:"published_at,omitempty"`

	blob     string
	replaces int64
}

// TrainParams are a version's hyper-parameters, as asked and as the
// trainer filled in its defaults.
type TrainParams struct {
	Epochs       int     `json:"epochs,omitempty"`
	L2           float64 `json:"l2,omitempty"`
	LearningRate float64 `json:"learning_rate,omitempty"`
	K            int     `json:"k,omitempty"`
	Seed         int64   `json:"seed"`
}

// TrainProgress is where a training stands, as the page shows it.
type TrainProgress struct {
	Epoch    int     `json:"epoch"`
	Epochs   int     `json:"epochs"`
	Loss     float64 `json:"loss"`
	Accuracy float64 `json:"accuracy"`
	MacroF1  float64 `json:"macro_f1"`
}

// VersionMetrics are measured on the held-out split.
type VersionMetrics struct {
	Accuracy float64  `json:"accuracy"`
	MacroF1  float64  `json:"macro_f1"`
	Train    int      `json:"train"`
	HeldOut  int      `json:"held_out"`
	Classes  int      `json:"classes"`
	Labels   []string `json:"labels,omitempty"`
	Skipped  int      `json:"skipped,omitempty"` // records without the label field
	Seconds  float64  `json:"seconds"`
}

// TrainRequest is what a builder asks for: which of the model's datanets
// (none: all) — or instead a text-classification project whose inferred
// labels to train on —, which field of their records is the label (not
// for a project: its items' labels), what share to hold out for the
// metrics, which kind, and optional hyper-parameters.
type TrainRequest struct {
	Datanets []string
	// Versions name datanet versions (slug@number) to train on instead of
	// the datanets as they stand, e.g. those a funding round named.
	Versions []string
	// Project is the slug of an annotation project to train on instead
	// of datanets; exactly one kind of source is asked for.
	Project    string
	LabelField string
	// HeldOut is the share held out for the metrics: nil for the default
	// (DefaultHeldOut), 0 for none (every record trains; the card has no
	// metrics), or 0.05 to 0.5.
	HeldOut *float64
	Kind    string
	Params  TrainParams
}

// Bounds of a training request.
const (
	maxEpochs = 50
	maxK      = 100
	// DefaultHeldOut is the share held out when none is asked.
	DefaultHeldOut = 0.2
)

// LabelFromLabels names a record's first label as the label to predict;
// any other label field is one of the datanets' declared metadata fields.
// Labels are categories: a version keeps their names in its weights and on
// its card, so free text (a question's answer, say) is never a label —
// erasing a record must not leave its words behind.
const LabelFromLabels = "labels"

// ProjectLabel is the label field of a version trained on a project: each
// item's inferred label.
const ProjectLabel = "inferred label"

// MayTrain reports whether actor may train, publish and delete versions of
// m: its builder, or a steward.
func MayTrain(actor member.Member, m Model) bool {
	return MayBuild(actor) && (actor.ID == m.OwnerID || actor.IsSteward())
}

// JobTrain is the queue's job kind for a version's training; its payload
// is the version's row id.
const JobTrain = "model.train"

// trainAttempts is how often a training job is tried: a killed server's
// job is taken up again by the next (restarted from the first epoch,
// since training is deterministic for a seed), and after the last attempt
// the version is marked failed rather than left training.
const trainAttempts = 3

func (r *TrainRequest) validate(m Model) error {
	f := problem.Fields{}
	switch r.Kind {
	case "linear", "knn":
	case "":
		r.Kind = "linear"
	default:
		f.Add("kind", "linear or knn")
	}
	if r.HeldOut == nil {
		share := DefaultHeldOut
		r.HeldOut = &share
	}
	if h := *r.HeldOut; h != 0 && (h < 0.05 || h > 0.5) {
		f.Add("held_out", "a share between 0.05 and 0.5, or 0 for none")
	}
	if len(r.Versions) > 0 {
		if r.Project != "" || len(r.Datanets) > 0 {
			f.Add("datanet_versions", "train on datanet versions, on datanets or on a project's labels: one of them")
		}
		seen := map[string]bool{}
		for _, ref := range r.Versions {
			slug, _, err := ParseVersionRef(ref)
			switch {
			case err != nil:
				f.Add("datanet_versions", "%v", err)
			case !slices.Contains(m.Datanets, slug):
				f.Add("datanet_versions", "%s is not one of this model's datanets: %s", slug, strings.Join(m.Datanets, ", "))
			case seen[slug]:
				f.Add("datanet_versions", "one version of %s", slug)
			}
			seen[slug] = true
		}
	}
	if r.Project != "" {
		f.Line("project", r.Project)
		if len(r.Datanets) > 0 {
			f.Add("datanets", "train on datanets or on a project's labels, not both")
		}
		if len(r.Project) > 100 {
			f.Add("project", "at most 100 characters")
		}
		// A project's items carry their label; any field named is the
		// inferred label.
		r.LabelField = ProjectLabel
	}
	f.Line("label_field", r.LabelField)
	if r.LabelField == "" {
		f.Add("label_field", "the field of the records to predict, e.g. labels")
	} else if len(r.LabelField) > 60 {
		f.Add("label_field", "at most 60 characters")
	}
	if r.Params.Epochs < 0 || r.Params.Epochs > maxEpochs {
		f.Add("epochs", "between 1 and %d (0: the default)", maxEpochs)
	}
	if r.Params.K < 0 || r.Params.K > maxK {
		f.Add("k", "between 1 and %d (0: the default)", maxK)
	}
	if r.Params.L2 < 0 || r.Params.L2 > 1 {
		f.Add("l2", "between 0 and 1 (0: the default)")
	}
	if r.Params.LearningRate < 0 || r.Params.LearningRate > 10 {
		f.Add("learning_rate", "between 0 and 10 (0: the default)")
	}
	if r.Project != "" {
		return f.Err()
	}
	if len(r.Datanets) == 0 {
		r.Datanets = slices.Clone(m.Datanets)
	}
	for _, d := range r.Datanets {
		if !slices.Contains(m.Datanets, d) {
			f.Add("datanets", "%q is not one of this model's datanets: %s", d, strings.Join(m.Datanets, ", "))
			break
		}
	}
	slices.Sort(r.Datanets)
	r.Datanets = slices.Compact(r.Datanets)
	return f.Err()
}

// Train asks for a new version of a model: it is queued as a job and
// trained in the background (TrainVersion); the version's page shows its
// progress. Only one training per model runs at a time: a second request
// meanwhile is a conflict. A model whose funding round was funded is
// trained on the round's datanet versions (fundedSource).
func (s *Service) Train(ctx context.Context, actor member.Member, slug string, req TrainRequest) (Version, error) {
	m, err := s.BySlug(ctx, slug)
	if err != nil {
		return Version{}, err
	}
	if !MayTrain(actor, m) {
		return Version{}, problem.New(problem.Forbidden, "only the model's builder or a steward trains its versions")
	}
	if m.Status != "active" {
		return Version{}, problem.New(problem.Conflict, "the model %s is retired", m.Slug)
	}
	if err := s.fundedSource(ctx, m, &req); err != nil {
		return Version{}, err
	}
	if err := req.validate(m); err != nil {
		return Version{}, err
	}
	if req.Project != "" {
		if err := s.checkProject(ctx, actor, req.Project); err != nil {
			return Version{}, err
		}
	}
	for _, slug := range req.Datanets {
		d, err := s.datanets.BySlug(ctx, slug)
		if err != nil {
			return Version{}, err
		}
		if req.LabelField != LabelFromLabels && !slices.Contains(d.Fields, req.LabelField) {
			return Version{}, &problem.Error{Kind: problem.Invalid, Message: "no such field to predict", Fields: map[string]string{
				"label_field": fmt.Sprintf("%s has the fields %v; or labels, for a record's first label", slug, d.Fields)}}
		}
	}
	if req.Datanets == nil {
		req.Datanets = []string{}
	}
	// Versions must exist now; the datanets trained on are theirs.
	var refs []string
	if len(req.Versions) > 0 {
		req.Datanets = req.Datanets[:0]
		for _, ref := range req.Versions {
			slug, n, _ := ParseVersionRef(ref)
			if _, err := s.datanets.VersionOf(ctx, slug, n); err != nil {
				return Version{}, &problem.Error{Kind: problem.Invalid, Message: "no such datanet version", Fields: map[string]string{"datanet_versions": fmt.Sprintf("%s has no version %d", slug, n)}}
			}
			refs = append(refs, RoundVersion{Datanet: slug, Number: n}.Ref())
			req.Datanets = append(req.Datanets, slug)
		}
		slices.Sort(req.Datanets)
	}
	if refs == nil {
		refs = []string{}
	}
	versionRefs, _ := json.Marshal(refs)
	datanets, _ := json.Marshal(req.Datanets)
	params, _ := json.Marshal(req.Params)
	var id int64
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM model_versions WHERE model_id = $1`, m.ID).Scan(&n); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO model_versions (model_id, number, kind, label_field, held_out, datanets, params, status, trained_by, created_at, project, datanet_versions)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8, $9, $10, $11) RETURNING id`,
			m.ID, n, req.Kind, req.LabelField, *req.HeldOut, string(datanets), string(params), actor.ID, store.Now(), req.Project, string(versionRefs)).Scan(&id)
		if err != nil {
			return err
		}
		return store.Enqueue(ctx, tx, JobTrain, []byte(strconv.FormatInt(id, 10)), store.JobOptions{MaxAttempts: trainAttempts})
	})
	if store.IsUniqueViolation(err) {
		return Version{}, problem.New(problem.Conflict, "a version of %s is already being trained; wait until it is done", m.Slug)
	}
	if err != nil {
		return Version{}, fmt.Errorf("train %s: %w", m.Slug, err)
	}
	s.factory.wakeRunner()
	return s.versionByID(ctx, id)
}

const versionColumns = `v.id, v.model_id, m.slug, v.number, v.kind, v.label_field, v.held_out, v.datanets, v.params, v.status, v.progress, v.metrics, v.error,
	v.commitment, v.records, COALESCE(v.blob, ''), v.size, COALESCE(t.public_id, ''), COALESCE(v.event_id, ''), COALESCE(m.published_version, 0) = v.id,
	v.created_at, v.started_at, v.finished_at, v.published_at, COALESCE(v.replaces, 0), v.project, v.datanet_versions`

const versionFrom = ` FROM model_versions v JOIN models m ON m.id = v.model_id LEFT JOIN members t ON t.id = v.trained_by `

func scanVersion(row interface{ Scan(...any) error }) (Version, error) {
	var v Version
	var datanets, params, progress, metrics, versionRefs string
	var created int64
	var started, finished, published sql.NullInt64
	err := row.Scan(&v.ID, &v.ModelID, &v.Model, &v.Number, &v.Kind, &v.LabelField, &v.HeldOut, &datanets, &params, &v.Status, &progress, &metrics, &v.Error,
		&v.Commitment, &v.Records, &v.blob, &v.Size, &v.TrainedBy, &v.EventID, &v.Published, &created, &started, &finished, &published, &v.replaces, &v.Project, &versionRefs)
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, problem.New(problem.NotFound, "no such model version")
	}
	if err != nil {
		return Version{}, fmt.Errorf("read model version: %w", err)
	}
	// These columns are written only by this package, from these types.
	_ = json.Unmarshal([]byte(datanets), &v.Datanets)
	_ = json.Unmarshal([]byte(versionRefs), &v.DatanetVersions)
	_ = json.Unmarshal([]byte(params), &v.Params)
	_ = json.Unmarshal([]byte(progress), &v.Progress)
	_ = json.Unmarshal([]byte(metrics), &v.Metrics)
	v.CreatedAt = store.Time(created)
	at := func(n sql.NullInt64) *time.Time {
		if !n.Valid {
			return nil
		}
		t := store.Time(n.Int64)
		return &t
	}
	v.StartedAt, v.FinishedAt, v.PublishedAt = at(started), at(finished), at(published)
	return v, nil
}

func (s *Service) versionByID(ctx context.Context, id int64) (Version, error) {
	return scanVersion(s.db.Read().QueryRowContext(ctx, `SELECT `+versionColumns+versionFrom+`WHERE v.id = $1`, id))
}

// VersionOf returns a model's version by number; anyone who may see the
// model may see its versions' cards.
func (s *Service) VersionOf(ctx context.Context, slug string, number int) (Version, error) {
	return scanVersion(s.db.Read().QueryRowContext(ctx, `SELECT `+versionColumns+versionFrom+`WHERE m.slug = $1 AND v.number = $2`, slug, number))
}

// maxVersionsListed bounds a model's version list on its page and in the
// API: a model trained more often than this shows its newest.
const maxVersionsListed = 100

// Versions returns a model's versions, newest first (at most 100).
func (s *Service) Versions(ctx context.Context, slug string) ([]Version, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+versionColumns+versionFrom+`WHERE m.slug = $1 ORDER BY v.number DESC LIMIT $2`, slug, maxVersionsListed)
	if err != nil {
		return nil, fmt.Errorf("model versions: %w", err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Publish makes a ready version the one the model answers with. From
// then on the model's calls are answered by the classifier (a label and
// its scores) and paid by influence.
func (s *Service) Publish(ctx context.Context, actor member.Member, slug string, number int) (Version, error) {
	v, m, err := s.versionFor(ctx, actor, slug, number)
	if err != nil {
		return Version{}, err
	}
	if v.Status != VersionReady {
		return Version{}, problem.New(problem.Conflict, "version %d of %s is %s; only a ready version can be published", number, slug, v.Status)
	}
	if erased, err := s.trainedOnErased(ctx, v.ID); err != nil {
		return Version{}, err
	} else if erased {
		return Version{}, problem.New(problem.Conflict, "version %d of %s was trained on records erased since; train a new version, which leaves them out", number, slug)
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE models SET published_version = $2 WHERE id = $1
			AND EXISTS (SELECT 1 FROM model_versions WHERE id = $2 AND status = 'ready')`, m.ID, v.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return problem.New(problem.Conflict, "version %d of %s is no longer ready", number, slug)
		}
		_, err = tx.ExecContext(ctx, `UPDATE model_versions SET published_at = $2 WHERE id = $1`, v.ID, store.Now())
		return err
	})
	if err != nil {
		return Version{}, err
	}
	s.factory.forgetServing(m.Slug)
	return s.versionByID(ctx, v.ID)
}

// DeleteVersion deletes a version's weights and stops it answering; its
// card stays, since calls and receipts name it. A call already holding the
// loaded weights finishes, but is charged only if the version is still
// ready when its split commits (see chargeVersion): nothing is paid for
// an answer of a deleted version, and nothing twice. A version in training
// cannot be deleted (its job would bring it back); wait for it.
func (s *Service) DeleteVersion(ctx context.Context, actor member.Member, slug string, number int) error {
	v, m, err := s.versionFor(ctx, actor, slug, number)
	if err != nil {
		return err
	}
	switch v.Status {
	case VersionDeleted:
		return nil
	case VersionQueued, VersionTraining:
		return problem.New(problem.Conflict, "version %d of %s is being trained; delete it when it is done", number, slug)
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE models SET published_version = NULL WHERE id = $1 AND published_version = $2`, m.ID, v.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE model_versions SET status = 'deleted', blob = NULL WHERE id = $1`, v.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete version: %w", err)
	}
	s.factory.forgetServing(m.Slug)
	s.factory.cache.remove(v.ID)
	// Another ready version may hold the same weights (content-addressed).
	s.dropBlob(ctx, v.blob)
	return nil
}

// versionFor finds a version of a model that actor may manage.
func (s *Service) versionFor(ctx context.Context, actor member.Member, slug string, number int) (Version, Model, error) {
	m, err := s.BySlug(ctx, slug)
	if err != nil {
		return Version{}, Model{}, err
	}
	if !MayTrain(actor, m) {
		return Version{}, Model{}, problem.New(problem.Forbidden, "only the model's builder or a steward manages its versions")
	}
	v, err := s.VersionOf(ctx, slug, number)
	if err != nil {
		return Version{}, Model{}, err
	}
	return v, m, nil
}

func (s *Service) logf(msg string, args ...any) {
	if s.Log != nil {
		s.Log.Warn(msg, args...)
	}
}

// RecordVersion is a model version trained on one of a member's records.
type RecordVersion struct {
	Model  string `json:"model"`
	Number int    `json:"number"`
	Status string `json:"status"`
}

// RecordVersions lists the versions whose weights were trained on one of
// the member's records (newest first, at most 100): after an erasure they
// still hold its share of their weights — though they never name or pay
// it — until a version trained later replaces them; every version not
// listed excludes it. A record that is not the member's has none.
func (s *Service) RecordVersions(ctx context.Context, memberID int64, record string) ([]RecordVersion, error) {
	if problem.LineProblem(record) != "" {
		return nil, nil
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT m.slug, v.number, v.status FROM contributions c
		JOIN model_version_records r ON r.contribution_id = c.id JOIN model_versions v ON v.id = r.version_id JOIN models m ON m.id = v.model_id
		WHERE c.public_id = $1 AND c.member_id = $2 ORDER BY v.id DESC LIMIT $3`, record, memberID, maxVersionsListed)
	if err != nil {
		return nil, fmt.Errorf("record versions: %w", err)
	}
	defer rows.Close()
	var out []RecordVersion
	for rows.Next() {
		var v RecordVersion
		if err := rows.Scan(&v.Model, &v.Number, &v.Status); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
