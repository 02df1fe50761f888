// Package model runs the models built on the cooperative's datanets and
// pays the people whose records shape their answers.
//
// A model is registered with the datanets it is built on, a price, and
// either an OpenAI-compatible upstream (Ollama, vLLM, llama.cpp, …) or the
// built-in retrieval kind, which answers from the datanets themselves with
// BM25 (internal/search). Every answer is traced back to the records it
// came from — verbatim spans found in a suffix-array index of the datanets' text, in
// the manner of OLMoTrace, for retrieval the records it retrieved, and for
// an assistant over its datanets (an openai model with records in its
// prompt, or a LoRA adapter trained on a datanet version: assistant.go)
// each record's contribution to the answer by sentence n-gram overlap and
// leave-one-out retrieval relevance (contribution.go, docs/attribution.md),
// so that a paraphrase pays its source — and the call's charge is split: a share to those records' contributors by
// attribution weight, a share to the cooperative, the rest to the model's
// builder, in one ledger transaction that the public log records.
package model

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/egress"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/vault"
	"github.com/allmende/allmende/internal/work"
)

// Kind says how a model answers.
type Kind string

const (
	// Retrieval answers from the model's datanets with BM25: the whole loop
	// runs offline, with no language model at all.
	Retrieval Kind = "retrieval"
	// OpenAI forwards to an OpenAI-compatible chat completions endpoint.
	OpenAI Kind = "openai"
)

// Model is a registered model.
type Model struct {
	ID               int64     `json:"-"`
	Slug             string    `json:"id"`
	Name             string    `json:"name"`
	Kind             Kind      `json:"kind"`
	UpstreamURL      string    `json:"upstream_url,omitempty"`
	UpstreamModel    string    `json:"upstream_model,omitempty"`
	UpstreamKey      string    `json:"-"`
	Owner            string    `json:"owner"`
	OwnerID          int64     `json:"-"`
	PricePerCall     int64     `json:"price_per_call"`
	PricePer1kTokens int64     `json:"price_per_1k_tokens"`
	Datanets         []string  `json:"datanets"`
	Status           string    `json:"status"`
	Calls            int       `json:"calls"`
	CreatedAt        time.Time `json:"created_at"`
	// Assistant, for an openai model, makes it an assistant over its
	// datanets (assistant.go).
	Assistant *Assistant `json:"assistant,omitempty"`
}

// Service is the models' part of the cooperative.
type Service struct {
	db       *store.DB
	reward   *reward.Service
	params   *coop.Params
	datanets *datanet.Service
	// projects, once UseProjects is called, lets versions train on an
	// annotation project's inferred labels.
	projects *work.Service
	vault    *vault.Vault
	dir      string
	client   *clientPool

	// Timeout bounds a call to an upstream.
	Timeout time.Duration
	// Guard decides which addresses upstreams may have, at registration
	// and at every dial: the same check automations' pages get. Its
	// AllowPrivate lets upstreams live on private, loopback and link-local
	// addresses (a cooperative's own LLM on its LAN); set it before the
	// service is used.
	egress.Guard
	// Log receives what upstreams answer when they fail, for the
	// operator; callers only learn that the upstream failed.
	Log *slog.Logger
	// lookup resolves an upstream's host at registration.
	lookup func(ctx context.Context, host string) ([]netip.Addr, error)

	mu      sync.Mutex
	corpora map[int64]*corpus
	// callable caches the models calls use, for modelCacheTTL.
	callable map[string]callModel
	// factory serves and trains model versions (serve.go, train.go).
	factory *factory
	// charges commits concurrent calls' charges together on SQLite.
	charges chargeBatch
	// cover is this replica's leases of payers' balances (cover.go).
	cover coverBook
}

// modelCacheTTL bounds how long a call may use a model's registration
// after it changed on another server.
const modelCacheTTL = 2 * time.Second

type callModel struct {
	m        Model
	datanets []int64
	at       time.Time
}

// forCall returns an active model and its datanets' ids, from the cache
// when it is fresh: a call should not pay for reading the registry.
func (s *Service) forCall(ctx context.Context, slug string) (Model, []int64, error) {
	s.mu.Lock()
	c, ok := s.callable[slug]
	s.mu.Unlock()
	if ok && time.Since(c.at) < modelCacheTTL {
		return c.m, c.datanets, nil
	}
	m, err := s.BySlug(ctx, slug)
	if err != nil {
		return Model{}, nil, err
	}
	if m.Status != "active" {
		return Model{}, nil, problem.New(problem.NotFound, "no such model")
	}
	ids, err := s.datanetIDs(ctx, m.ID)
	if err != nil {
		return Model{}, nil, err
	}
	s.mu.Lock()
	s.callable[slug] = callModel{m: m, datanets: ids, at: time.Now()}
	s.mu.Unlock()
	return m, ids, nil
}

// NewService returns the model service; dir holds the per-datanet indexes.
// Upstream API keys are sealed with v's server key.
func NewService(db *store.DB, r *reward.Service, params *coop.Params, d *datanet.Service, v *vault.Vault, dir string) *Service {
	s := &Service{db: db, reward: r, params: params, datanets: d, vault: v, dir: dir, lookup: lookupHost,
		Timeout: 60 * time.Second, corpora: map[int64]*corpus{}, callable: map[string]callModel{}, factory: newFactory()}
	s.client = newClientPool(s.Guard.Control)
	return s
}

// Close releases the indexes.
func (s *Service) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for id, c := range s.corpora {
		errs = append(errs, c.close())
		delete(s.corpora, id)
	}
	return errors.Join(errs...)
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+([-._][a-z0-9]+)*$`)

func (m *Model) validate() error {
	f := problem.Fields{}
	if !slugPattern.MatchString(m.Slug) || len(m.Slug) > 60 {
		f.Add("id", "lowercase letters, digits, dashes and dots, at most 60")
	}
	if strings.TrimSpace(m.Name) == "" {
		f.Add("name", "is required")
	}
	f.Line("name", m.Name)
	f.Line("upstream_url", m.UpstreamURL)
	f.Line("upstream_model", m.UpstreamModel)
	f.Line("upstream_key", m.UpstreamKey)
	switch m.Kind {
	case Retrieval:
		if m.UpstreamURL != "" {
			f.Add("upstream_url", "a retrieval model has no upstream")
		}
	case OpenAI:
		u, err := url.Parse(m.UpstreamURL)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "":
			f.Add("upstream_url", "the base URL of an OpenAI-compatible server, e.g. https://llm.example.org/v1")
		case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
			// A call appends /chat/completions: after ? or # it would
			// not be part of the path.
			f.Add("upstream_url", "a base URL without ? or #")
		case u.User != nil:
			// Credentials in the URL would be shown to every member
			// with the model: the key goes in upstream_key, sealed.
			f.Add("upstream_url", "no user name or password in the URL; give the key as upstream_key")
		}
		if m.UpstreamModel == "" {
			f.Add("upstream_model", "the model name the upstream knows")
		}
	default:
		f.Add("kind", "retrieval or openai")
	}
	// Bounded so that no call's price can overflow: see docs/money.md.
	f.Merge(points.Check("price_per_call", m.PricePerCall, 0, points.MaxPrice))
	f.Merge(points.Check("price_per_1k_tokens", m.PricePer1kTokens, 0, points.MaxPrice))
	if m.PricePerCall == 0 && m.PricePer1kTokens == 0 {
		f.Add("price_per_call", "a model has a price: per call, per 1,000 tokens, or both")
	}
	if len(m.Datanets) == 0 {
		f.Add("datanets", "at least one datanet the model is built on")
	}
	m.Assistant.check(m, f)
	return f.Err()
}

// Create registers a model built on the given datanets (by slug).
// Its builder is actor, who must be allowed to build (MayBuild).
func (s *Service) Create(ctx context.Context, actor member.Member, m Model) (Model, error) {
	if !MayBuild(actor) {
		return Model{}, problem.New(problem.Forbidden, "requesters and stewards register models")
	}
	if err := m.validate(); err != nil {
		return Model{}, err
	}
	if m.Kind == OpenAI {
		if err := s.checkUpstream(ctx, m.UpstreamURL); err != nil {
			return Model{}, err
		}
	}
	if err := s.resolveVersion(ctx, m.Assistant); err != nil {
		return Model{}, err
	}
	var ids []int64
	for _, slug := range m.Datanets {
		d, err := s.datanets.BySlug(ctx, slug)
		if err != nil {
			return Model{}, &problem.Error{Kind: problem.Invalid, Message: "unknown datanet", Fields: map[string]string{"datanets": fmt.Sprintf("no datanet %q", slug)}}
		}
		if d.RecordKind != datanet.KindText && d.RecordKind != datanet.KindQA {
			return Model{}, &problem.Error{Kind: problem.Invalid, Message: "models are built on text datanets", Fields: map[string]string{"datanets": slug + " holds " + string(d.RecordKind) + " records"}}
		}
		ids = append(ids, d.ID)
	}
	m.Status = "active"
	m.CreatedAt = time.Now().UTC()
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO models (slug, name, kind, upstream_url, upstream_model, upstream_key, owner_id, price_per_call, price_per_1k_tokens, status, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', $10) RETURNING id`,
			m.Slug, m.Name, string(m.Kind), strings.TrimRight(m.UpstreamURL, "/"), m.UpstreamModel, s.vault.SealSecret(m.UpstreamKey, "model:"+m.Slug), actor.ID, m.PricePerCall, m.PricePer1kTokens, m.CreatedAt.UnixMilli()).Scan(&m.ID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO model_datanets (model_id, datanet_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, m.ID, id); err != nil {
				return err
			}
		}
		return insertAssistant(ctx, tx, m.ID, m.Assistant)
	})
	if store.IsUniqueViolation(err) {
		return Model{}, &problem.Error{Kind: problem.Conflict, Message: "a model with this id exists", Fields: map[string]string{"id": "taken"}}
	}
	if err != nil {
		return Model{}, fmt.Errorf("create model: %w", err)
	}
	return s.BySlug(ctx, m.Slug)
}

const modelColumns = `m.id, m.slug, m.name, m.kind, m.upstream_url, m.upstream_model, m.upstream_key, o.public_id, m.owner_id, m.price_per_call, m.price_per_1k_tokens, m.status, m.created_at,
	COALESCE((SELECT c.calls FROM model_call_counts c WHERE c.model_id = m.id), 0)`

func (s *Service) scan(ctx context.Context, row interface{ Scan(...any) error }) (Model, error) {
	var m Model
	var created int64
	err := row.Scan(&m.ID, &m.Slug, &m.Name, &m.Kind, &m.UpstreamURL, &m.UpstreamModel, &m.UpstreamKey, &m.Owner, &m.OwnerID, &m.PricePerCall, &m.PricePer1kTokens, &m.Status, &created, &m.Calls)
	if errors.Is(err, sql.ErrNoRows) {
		return Model{}, problem.New(problem.NotFound, "no such model")
	}
	if err != nil {
		return Model{}, fmt.Errorf("read model: %w", err)
	}
	m.CreatedAt = store.Time(created)
	if m.UpstreamKey, err = s.vault.OpenSecret(m.UpstreamKey, "model:"+m.Slug); err != nil {
		return Model{}, fmt.Errorf("model %s: upstream key: %w", m.Slug, err)
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT d.slug FROM model_datanets md JOIN datanets d ON d.id = md.datanet_id WHERE md.model_id = $1 ORDER BY d.slug`, m.ID)
	if err != nil {
		return Model{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var slug string
		if err := rows.Scan(&slug); err != nil {
			return Model{}, err
		}
		m.Datanets = append(m.Datanets, slug)
	}
	if err := rows.Err(); err != nil {
		return Model{}, err
	}
	return m, s.loadAssistant(ctx, &m)
}

// BySlug returns a model.
func (s *Service) BySlug(ctx context.Context, slug string) (Model, error) {
	return s.scan(ctx, s.db.Read().QueryRowContext(ctx, `SELECT `+modelColumns+` FROM models m JOIN members o ON o.id = m.owner_id WHERE m.slug = $1`, slug))
}

// List returns a page of the active models, newest first, and the cursor
// (a model id, its slug) of the next page.
func (s *Service) List(ctx context.Context, page store.Page) ([]Model, string, error) {
	q := s.db.Read()
	where, args := `m.status = 'active'`, []any{page.Fetch()}
	if page.Before != "" {
		id, err := page.Row(ctx, q, "not a model; use the next cursor of the previous page", `SELECT id FROM models WHERE slug = $1`)
		if err != nil {
			return nil, "", fmt.Errorf("list models: %w", err)
		}
		where, args = where+` AND m.id < $2`, append(args, id)
	}
	rows, err := q.QueryContext(ctx, `SELECT m.slug FROM models m WHERE `+where+` ORDER BY m.id DESC LIMIT $1`, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list models: %w", err)
	}
	var slugs []string
	for rows.Next() {
		var slug string
		if err := rows.Scan(&slug); err != nil {
			rows.Close()
			return nil, "", err
		}
		slugs = append(slugs, slug)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, "", fmt.Errorf("list models: %w", err)
	}
	slugs, next := store.Cut(page, slugs, func(s string) string { return s })
	out := make([]Model, 0, len(slugs))
	for _, slug := range slugs {
		m, err := s.BySlug(ctx, slug)
		if err != nil {
			return nil, "", err
		}
		out = append(out, m)
	}
	return out, next, nil
}

func (s *Service) datanetIDs(ctx context.Context, modelID int64) ([]int64, error) {
	return store.IDs(ctx, s.db.Read(), `SELECT datanet_id FROM model_datanets WHERE model_id = $1 ORDER BY datanet_id`, modelID)
}
