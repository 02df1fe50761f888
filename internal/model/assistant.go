package model

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/search"
	"github.com/allmende/allmende/internal/store"
)

// Assistant makes an openai model an assistant over its datanets:
// retrieval-augmented calls that put the records best matching the
// question into the prompt, and pay them by their contribution to the
// answer (contribution.go). With an Adapter, the upstream serves a LoRA
// adapter under that name (vLLM's --lora-modules, LoRAX's adapter ids):
// the adapter name is what the upstream is sent as "model". TrainedOn
// names the datanet version the adapter was trained on; the answers then
// pay that version's records — the ones the adapter learnt from — by the
// same measure, whether or not they are also put in the prompt.
type Assistant struct {
	// Context is how many retrieved records go into every prompt, 0 to
	// MaxContextRecords.
	Context int `json:"context_records"`
	// Adapter is the LoRA adapter's name at the upstream; "" for none.
	Adapter string `json:"adapter,omitempty"`
	// TrainedOn is the datanet version the adapter was trained on.
	TrainedOn *VersionRef `json:"trained_on,omitempty"`
}

// VersionRef names a datanet version: at registration by datanet and
// number; the commitment is filled in from the stored version.
type VersionRef struct {
	Datanet    string `json:"datanet"`
	Version    int    `json:"version"`
	Commitment string `json:"commitment,omitempty"`
	Records    int    `json:"records,omitempty"`
	id         int64
}

// Bounds on what an assistant puts into a prompt: a prompt is paid by its
// caller, and the cover reserved for a call counts it.
const (
	// MaxContextRecords bounds Assistant.Context.
	MaxContextRecords = 20
	// maxRecordChars is the most of one record a prompt holds; a longer
	// one is cut at a word.
	maxRecordChars = 2000
	// maxContextChars is the most of all records a prompt holds.
	maxContextChars = 12000
	// payCandidates is how many records of a trained-on version are
	// weighed for an answer when they are not in the prompt.
	payCandidates = 10
)

// upstreamName is what the upstream is asked for as "model": the LoRA
// adapter if the model serves one, else the upstream's model.
func (m Model) upstreamName() string {
	if m.Assistant != nil && m.Assistant.Adapter != "" {
		return m.Assistant.Adapter
	}
	return m.UpstreamModel
}

// check adds what is wrong with an assistant to f.
func (a *Assistant) check(m *Model, f problem.Fields) {
	if a == nil {
		return
	}
	if m.Kind != OpenAI {
		f.Add("assistant", "only an openai model is an assistant over its datanets")
		return
	}
	if a.Context < 0 || a.Context > MaxContextRecords {
		f.Add("context_records", "0 to %d records", MaxContextRecords)
	}
	f.Line("adapter", a.Adapter)
	if len(a.Adapter) > 200 {
		f.Add("adapter", "at most 200 characters")
	}
	if a.TrainedOn != nil {
		if a.Adapter == "" {
			f.Add("adapter", "the name the upstream serves the adapter trained on the datanet version under")
		}
		if !slices.Contains(m.Datanets, a.TrainedOn.Datanet) {
			f.Add("trained_on", "the datanet of the version must be one of the model's datanets")
		}
		if a.TrainedOn.Version < 1 {
			f.Add("trained_on", "a version number from 1, as its export's manifest gives it")
		}
	}
	if a.Context == 0 && a.TrainedOn == nil {
		f.Add("context_records", "an assistant puts records into the prompt or was trained on a datanet version")
	}
}

// resolveVersion finds the stored version an assistant names, so that its
// commitment is the one the export gave.
func (s *Service) resolveVersion(ctx context.Context, a *Assistant) error {
	if a == nil || a.TrainedOn == nil {
		return nil
	}
	v, err := s.datanets.VersionOf(ctx, a.TrainedOn.Datanet, a.TrainedOn.Version)
	if problem.Is(err, problem.NotFound) {
		return &problem.Error{Kind: problem.Invalid, Message: "unknown datanet version",
			Fields: map[string]string{"trained_on": fmt.Sprintf("%s has no version %d; export one first", a.TrainedOn.Datanet, a.TrainedOn.Version)}}
	}
	if err != nil {
		return err
	}
	if a.TrainedOn.Commitment != "" && a.TrainedOn.Commitment != v.Commitment {
		return &problem.Error{Kind: problem.Invalid, Message: "the commitment is not the version's",
			Fields: map[string]string{"trained_on": fmt.Sprintf("version %d of %s has commitment %s", v.Number, v.Datanet, v.Commitment)}}
	}
	a.TrainedOn.id, a.TrainedOn.Commitment, a.TrainedOn.Records = v.ID, v.Commitment, v.Records
	return nil
}

func insertAssistant(ctx context.Context, tx *store.Tx, modelID int64, a *Assistant) error {
	if a == nil {
		return nil
	}
	var version *int64
	if a.TrainedOn != nil {
		version = &a.TrainedOn.id
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO model_assistants (model_id, context_records, adapter, version_id) VALUES ($1, $2, $3, $4)`,
		modelID, a.Context, a.Adapter, version)
	return err
}

// loadAssistant reads the model's assistant settings, if it has any.
func (s *Service) loadAssistant(ctx context.Context, m *Model) error {
	var a Assistant
	var version sql.NullInt64
	err := s.db.Read().QueryRowContext(ctx, `SELECT context_records, adapter, version_id FROM model_assistants WHERE model_id = $1`, m.ID).Scan(&a.Context, &a.Adapter, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("model %s: assistant: %w", m.Slug, err)
	}
	if version.Valid {
		v, err := s.datanets.VersionByID(ctx, version.Int64)
		if err != nil {
			return fmt.Errorf("model %s: trained on: %w", m.Slug, err)
		}
		a.TrainedOn = &VersionRef{Datanet: v.Datanet, Version: v.Number, Commitment: v.Commitment, Records: v.Records, id: v.ID}
	}
	m.Assistant = &a
	return nil
}

// source is a record an assistant's answer may draw on.
type source struct {
	id    string
	text  string
	score float64 // BM25, for the question (or question and answer)
}

// augmented is an assistant call under way: what went into the prompt,
// and what else an answer is weighed against.
type augmented struct {
	s        *Service
	m        Model
	corpora  []*corpus
	question string
	context  []source
}

// augment retrieves the records that best match the question and puts
// them into a system message in front of the request's messages, within
// the bounds above, and adds its text to prompt, which the cover counts.
// It returns nil for a model that is no assistant.
func (s *Service) augment(ctx context.Context, m Model, datanets []int64, req *Request, prompt *strings.Builder) (*augmented, error) {
	a := m.Assistant
	if a == nil || m.Kind != OpenAI {
		return nil, nil
	}
	corpora, err := s.indexes(ctx, datanets, true)
	if err != nil {
		return nil, err
	}
	aug := &augmented{s: s, m: m, corpora: corpora, question: lastUser(req.Messages)}
	if a.Context == 0 {
		return aug, nil
	}
	aug.context, err = s.sources(ctx, corpora, aug.question, a.Context, nil)
	if err != nil || len(aug.context) == 0 {
		return aug, err
	}
	var b strings.Builder
	b.WriteString("Answer with the help of these records of the cooperative's members where they are relevant; say so when they do not hold the answer.\n")
	used := 0
	kept := aug.context[:0]
	for _, src := range aug.context {
		t := cut(src.text, min(maxRecordChars, maxContextChars-used))
		if t == "" {
			break
		}
		used += utf8.RuneCountInString(t)
		src.text = t
		kept = append(kept, src)
		fmt.Fprintf(&b, "\n[%d] %s\n", len(kept), t)
	}
	aug.context = kept
	req.Messages = append([]Message{{Role: "system", Content: b.String()}}, req.Messages...)
	prompt.WriteString(b.String())
	return aug, nil
}

// cut returns at most n characters of s, ending at a word when it cuts.
func cut(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	if i := strings.LastIndexAny(string(r), " \n\t"); i > 0 {
		return string(r)[:i]
	}
	return string(r)
}

// sources returns up to k records of the corpora that best match query,
// best first, read from the sealed store (a record erased since the index
// looked is left out); with only, those of one datanet version alone.
func (s *Service) sources(ctx context.Context, corpora []*corpus, query string, k int, only *VersionRef) ([]source, error) {
	type hit struct {
		datanet int64
		search.Hit
	}
	var hits []hit
	fetch := k
	if only != nil {
		fetch = 4 * k // some may be newer than the version
	}
	for _, c := range corpora {
		for _, h := range c.search().Search(query, fetch) {
			hits = append(hits, hit{c.datanetID, h})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return cmp.Compare(b.Score, a.Score) })
	if only != nil {
		ids := make([]string, len(hits))
		for i, h := range hits {
			ids[i] = h.ID
		}
		in, err := s.datanets.InVersion(ctx, only.id, ids)
		if err != nil {
			return nil, err
		}
		hits = slices.DeleteFunc(hits, func(h hit) bool { return !in[h.ID] })
	}
	var out []source
	for _, h := range hits {
		if len(out) == k {
			break
		}
		t, err := s.datanets.RecordText(ctx, h.datanet, h.ID)
		if problem.Is(err, problem.NotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, source{id: h.ID, text: t, score: h.Score})
	}
	return out, nil
}

// weigh measures each candidate record's contribution to the answer: the
// records in the prompt and, for an adapter trained on a datanet version,
// that version's records that best match the question and the answer.
// The weights go to the split with the verbatim spans' (see attribute).
func (a *augmented) weigh(ctx context.Context, answer string) (map[string]float64, error) {
	cands := slices.Clone(a.context)
	if v := a.m.Assistant.TrainedOn; v != nil {
		d, err := a.s.datanets.BySlug(ctx, v.Datanet)
		if err != nil {
			return nil, err
		}
		var corpora []*corpus
		for _, c := range a.corpora {
			if c.datanetID == d.ID {
				corpora = append(corpora, c)
			}
		}
		more, err := a.s.sources(ctx, corpora, a.question+"\n"+answer, payCandidates, v)
		if err != nil {
			return nil, err
		}
		for _, src := range more {
			if !slices.ContainsFunc(cands, func(c source) bool { return c.id == src.id }) {
				cands = append(cands, src)
			}
		}
	}
	texts := make([]string, len(cands))
	for i, c := range cands {
		texts[i] = c.text
	}
	out := map[string]float64{}
	for i, w := range Contributions(answer, texts) {
		if w > 0 {
			out[cands[i].id] += w
		}
	}
	return out, nil
}
