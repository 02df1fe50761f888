// Package datanet runs the cooperative's data pools. A datanet says openly
// whom its data serves — the client, the purpose, the licence — so that
// every contributor knows where their work goes before they give it.
package datanet

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// RecordKind is the shape of the records a datanet accepts.
type RecordKind string

const (
	KindText      RecordKind = "text"
	KindQA        RecordKind = "qa"
	KindImage     RecordKind = "image"
	KindRecording RecordKind = "recording"
)

// Datanet is a pool of domain data.
type Datanet struct {
	ID         int64
	Slug       string
	Name       string
	Domain     string
	Client     string
	Purpose    string
	Licence    string
	RecordKind RecordKind
	Open       bool
	CreatedAt  time.Time
}

// Service is the datanets' part of the cooperative.
type Service struct {
	db *store.DB
}

// NewService returns the datanet service.
func NewService(db *store.DB) *Service { return &Service{db: db} }

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Create adds a datanet, open for contributions.
func (s *Service) Create(ctx context.Context, creatorID int64, d Datanet) (Datanet, error) {
	f := problem.Fields{}
	if !slugPattern.MatchString(d.Slug) || len(d.Slug) > 60 {
		f.Add("slug", "lowercase letters, digits and dashes, at most 60")
	}
	for field, v := range map[string]string{"name": d.Name, "domain": d.Domain, "client": d.Client, "purpose": d.Purpose, "licence": d.Licence} {
		if strings.TrimSpace(v) == "" {
			f.Add(field, "is required")
		}
	}
	switch d.RecordKind {
	case KindText, KindQA, KindImage, KindRecording:
	default:
		f.Add("record_kind", "must be text, qa, image or recording")
	}
	if err := f.Err(); err != nil {
		return Datanet{}, err
	}
	d.Open = true
	d.CreatedAt = time.Now().UTC()
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, `
			INSERT INTO datanets (slug, name, domain, client, purpose, licence, record_kind, status, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9) RETURNING id`,
			d.Slug, d.Name, d.Domain, d.Client, d.Purpose, d.Licence, string(d.RecordKind), creatorID, d.CreatedAt.UnixMilli()).Scan(&d.ID)
	})
	if store.IsUniqueViolation(err) {
		return Datanet{}, &problem.Error{Kind: problem.Conflict, Message: "a datanet with this slug exists", Fields: map[string]string{"slug": "taken"}}
	}
	if err != nil {
		return Datanet{}, fmt.Errorf("create datanet: %w", err)
	}
	return d, nil
}

// List returns every datanet, open ones first.
func (s *Service) List(ctx context.Context) ([]Datanet, error) {
	rows, err := s.db.Read().QueryContext(ctx, `
		SELECT id, slug, name, domain, client, purpose, licence, record_kind, status, created_at
		FROM datanets ORDER BY status DESC, name`)
	if err != nil {
		return nil, fmt.Errorf("list datanets: %w", err)
	}
	defer rows.Close()
	var out []Datanet
	for rows.Next() {
		var d Datanet
		var status string
		var created int64
		if err := rows.Scan(&d.ID, &d.Slug, &d.Name, &d.Domain, &d.Client, &d.Purpose, &d.Licence, &d.RecordKind, &status, &created); err != nil {
			return nil, fmt.Errorf("list datanets: %w", err)
		}
		d.Open = status == "open"
		d.CreatedAt = store.Time(created)
		out = append(out, d)
	}
	return out, rows.Err()
}
