package model

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/allmende/allmende/internal/classify"
	"github.com/allmende/allmende/internal/problem"
)

// LabelScore is one label of a specialised model's answer and its score
// (scores sum to 1).
type LabelScore struct {
	Label string  `json:"label"`
	Score float64 `json:"score"`
}

// MaxInfluences bounds how many training records one answer of a
// specialised model names and pays: the records of largest positive
// influence on the predicted label (kNN: exact kNN-Shapley values, at most
// K records have any; linear: representer-point terms). It is the bound on
// a call's cost besides the prediction itself: the split, its share lines
// and the record_earnings rows grow with it, not with the training set.
// Explain itself costs one pass over the version's training vectors
// (linear) or one nearest-neighbour search (kNN) — linear in the training
// set, like the prediction of a kNN model.
const MaxInfluences = 20

// MaxPredictInputs bounds the texts of one prediction request; each text
// is one call, charged and split on its own.
const MaxPredictInputs = 32

// completeVersion answers a chat request with a model's published
// version: the label of the last user message, its scores, and the
// training records that shaped it, paid by influence.
func (s *Service) completeVersion(ctx context.Context, client Client, m Model, versionID int64, req Request, stream func([]byte) error) (Result, error) {
	res, err := s.classifyCall(ctx, client, m, versionID, lastUser(req.Messages))
	if err != nil {
		return Result{}, err
	}
	if stream != nil {
		if err := streamText(m, res.Text, stream); err != nil {
			return Result{}, err
		}
	}
	return res, nil
}

// Predict answers texts in the Hugging Face Inference convention: for
// each, the labels and scores of the model's published version. Each text
// is one call: its own cover, charge and reward.split, so a list costs
// what its texts called one by one would.
func (s *Service) Predict(ctx context.Context, client Client, slug string, inputs []string) ([]Result, error) {
	if len(inputs) == 0 || len(inputs) > MaxPredictInputs {
		return nil, &problem.Error{Kind: problem.Invalid, Message: "inputs: a text or a list of 1 to 32 texts", Fields: map[string]string{"inputs": fmt.Sprintf("1 to %d texts", MaxPredictInputs)}}
	}
	m, _, err := s.forCall(ctx, slug)
	if problem.Is(err, problem.NotFound) {
		return nil, &problem.Error{Kind: problem.NotFound, Message: fmt.Sprintf("no model %q", slug), Fields: map[string]string{"model": "unknown"}}
	}
	if err != nil {
		return nil, err
	}
	vid, err := s.servingVersion(ctx, m)
	if err != nil {
		return nil, err
	}
	if vid == 0 {
		return nil, problem.New(problem.Conflict, "the model %s has no published version to predict with; train and publish one", slug)
	}
	out := make([]Result, 0, len(inputs))
	for _, text := range inputs {
		r, err := s.classifyCall(ctx, client, m, vid, text)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// classifyCall is one call of a version: reserve the cover, predict and
// explain, then charge and split the charge by influence in one
// transaction (charge), which re-reads every record's status and the
// version's: an erased record is neither paid nor named, and an answer of
// a version deleted meanwhile is not charged at all.
func (s *Service) classifyCall(ctx context.Context, client Client, m Model, versionID int64, text string) (Result, error) {
	start := time.Now()
	f := problem.Fields{}
	switch {
	case len(text) == 0:
		f.Add("inputs", "a text to classify")
	case len(text) > classify.MaxTextBytes:
		f.Add("inputs", "at most %d bytes of text", classify.MaxTextBytes)
	}
	if err := f.Err(); err != nil {
		return Result{}, err
	}
	usage := Usage{PromptTokens: estimateTokens(text), CompletionTokens: 1}
	usage.TotalTokens = usage.PromptTokens + usage.CompletionTokens
	cover, err := m.price(usage.TotalTokens)
	if err != nil {
		return Result{}, err
	}
	hold, err := s.reserve(ctx, client, cover)
	if err != nil {
		return Result{}, err
	}
	att := Attribution{cover: hold}
	defer func() {
		if !att.settled {
			s.release(ctx, hold)
		}
	}()

	a, err := s.loadAdapter(ctx, versionID)
	if err != nil {
		s.logCall(context.WithoutCancel(ctx), m, client, "failed", time.Since(start))
		if problem.Is(err, problem.NotFound) {
			return Result{}, problem.New(problem.Conflict, "the model's version was withdrawn while you called; call again")
		}
		return Result{}, err
	}
	scores, infl := a.model.Explain(text, MaxInfluences)
	if len(scores) == 0 {
		return Result{}, fmt.Errorf("version %d of %s predicted nothing", a.version.Number, m.Slug)
	}
	att.Version, att.versionID, att.Charge = a.version.Number, versionID, cover
	for _, in := range infl {
		// Only a record that pushed towards the answer is paid: a
		// negative representer term argued against the label.
		if in.Weight > 0 && !math.IsInf(in.Weight, 0) && !math.IsNaN(in.Weight) {
			att.Records = append(att.Records, AttrRecord{ID: in.ID, Weight: in.Weight})
		}
	}
	if err := s.charge(context.WithoutCancel(ctx), m, client, usage, &att, time.Since(start)); err != nil {
		return Result{}, err
	}
	ls := make([]LabelScore, len(scores))
	for i, sc := range scores {
		ls[i] = LabelScore{Label: sc.Label, Score: sc.Score}
	}
	return Result{Model: m, Text: scores[0].Label, Usage: usage, Attribution: att, Scores: ls}, nil
}
