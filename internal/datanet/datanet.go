// Package datanet runs the cooperative's data pools. A datanet says openly
// whom its data serves — the client, the purpose, the licence, the reward
// rules — so that every contributor knows where their work goes before they
// give it. Contributions come in through one pipeline (intake.go): validate,
// redact personal data, fingerprint, refuse duplicates, seal with the
// contributor's key, and record a ledger event, all in one transaction.
package datanet

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/vault"
)

// RecordKind is the shape of the records a datanet accepts.
type RecordKind string

const (
	KindText      RecordKind = "text"
	KindQA        RecordKind = "qa"
	KindImage     RecordKind = "image"
	KindRecording RecordKind = "recording"
)

// DefaultNearDuplicate is the Jaccard similarity from which a text counts
// as a near duplicate of one already in the datanet.
const DefaultNearDuplicate = 0.8

// Datanet is a pool of domain data.
type Datanet struct {
	ID          int64      `json:"-"`
	Slug        string     `json:"slug"`
	Name        string     `json:"name"`
	Domain      string     `json:"domain"`
	Client      string     `json:"client"`
	Purpose     string     `json:"purpose"`
	Licence     string     `json:"licence"`
	RewardRules string     `json:"reward_rules"`
	RecordKind  RecordKind `json:"record_kind"`
	// Fields are extra metadata fields records may carry (e.g. "age",
	// "region"), the quasi-identifiers an export can make k-anonymous.
	Fields []string `json:"fields"`
	// Labels, for image datanets, are the allowed labels.
	Labels []string `json:"labels"`
	// NearDuplicate is the similarity threshold, in (0, 1].
	NearDuplicate float64   `json:"near_duplicate"`
	TermsVersion  int       `json:"terms_version"`
	Open          bool      `json:"open"`
	CreatedAt     time.Time `json:"created_at"`
	// Curated says contributions wait for a curator's decision before they
	// count (curation.go); RewardPerRecord, in points, is what each pays
	// its contributor on acceptance, from the creator's funding account.
	Curated         bool  `json:"curated"`
	RewardPerRecord int64 `json:"reward_per_record"`
	// CreatorID is the member who created it (0: gone, or the operator).
	CreatorID int64 `json:"-"`
}

// Stats are a datanet's public numbers.
type Stats struct {
	Records      int `json:"records"`
	Contributors int `json:"contributors"`
}

// Service is the datanets' part of the cooperative.
type Service struct {
	db     *store.DB
	ledger *ledger.Ledger
	vault  *vault.Vault
	blobs  store.Blobs
	dedup  *dedupIndexes
	// copies are reached by every erasure (see KeepCopy).
	copies []Copy

	// Log receives what goes wrong out of band (an index write after a
	// commit); nil means slog's default.
	Log *slog.Logger

	// intake serialises contributions per datanet, so two near-duplicate
	// records submitted at once cannot both pass the check.
	intakeMu sync.Map // datanet id → *sync.Mutex
}

// NewService returns the datanet service. dedupDir holds the persisted
// near-duplicate indexes.
func NewService(db *store.DB, l *ledger.Ledger, v *vault.Vault, blobs store.Blobs, dedupDir string) *Service {
	return &Service{db: db, ledger: l, vault: v, blobs: blobs, dedup: newDedupIndexes(db, dedupDir)}
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func (d *Datanet) validate() error {
	f := problem.Fields{}
	if !slugPattern.MatchString(d.Slug) || len(d.Slug) > 60 {
		f.Add("slug", "lowercase letters, digits and dashes, at most 60")
	}
	for _, p := range []struct {
		field string
		v     *string
		max   int
	}{{"name", &d.Name, 120}, {"domain", &d.Domain, 120}, {"client", &d.Client, 200}, {"purpose", &d.Purpose, 2000}, {"licence", &d.Licence, 200}, {"reward_rules", &d.RewardRules, 2000}} {
		*p.v = strings.TrimSpace(*p.v)
		switch {
		case *p.v == "" && p.field != "reward_rules":
			f.Add(p.field, "is required")
		case utf8.RuneCountInString(*p.v) > p.max:
			f.Add(p.field, "at most %d characters", p.max)
		case p.field == "purpose" || p.field == "reward_rules":
			f.Text(p.field, *p.v)
		default:
			f.Line(p.field, *p.v)
		}
	}
	switch d.RecordKind {
	case KindText, KindQA, KindImage, KindRecording:
	default:
		f.Add("record_kind", "must be text, qa, image or recording")
	}
	if d.NearDuplicate == 0 {
		d.NearDuplicate = DefaultNearDuplicate
	}
	if d.NearDuplicate < 0.5 || d.NearDuplicate > 1 {
		f.Add("near_duplicate", "must be between 0.5 and 1")
	}
	fieldName := regexp.MustCompile(`^[a-z][a-z0-9_]{0,30}$`)
	for _, name := range d.Fields {
		if !fieldName.MatchString(name) || slices.Contains([]string{"text", "question", "answer", "labels", "boxes", "id"}, name) {
			f.Add("fields", "%q is not a usable field name (lowercase, digits, _, not a record part)", name)
		}
	}
	if err := points.Check("reward_per_record", d.RewardPerRecord, 0, MaxRewardPerRecord); err != nil {
		f.Merge(err)
	}
	if d.RewardPerRecord > 0 && !d.Curated {
		f.Add("reward_per_record", "only a curated datanet pays on acceptance")
	}
	if len(d.Fields) > 20 {
		f.Add("fields", "at most 20 fields")
	}
	if len(d.Labels) > 0 && d.RecordKind != KindImage {
		f.Add("labels", "only image datanets have labels")
	}
	for _, l := range d.Labels {
		if strings.TrimSpace(l) == "" || utf8.RuneCountInString(l) > 60 {
			f.Add("labels", "labels are 1 to 60 characters")
		}
		f.Line("labels", l)
	}
	return f.Err()
}

// MayCreate says whether a member may create datanets: stewards and
// requesters. Any member may consent and contribute.
func MayCreate(actor member.Member) bool {
	return actor.IsSteward() || actor.Role == member.RoleRequester
}

// Create adds a datanet, open for contributions, created by actor (see
// MayCreate).
func (s *Service) Create(ctx context.Context, actor member.Member, d Datanet) (Datanet, error) {
	if !MayCreate(actor) {
		return Datanet{}, problem.New(problem.Forbidden, "only stewards and requesters create datanets")
	}
	if err := d.validate(); err != nil {
		return Datanet{}, err
	}
	if d.Fields == nil {
		d.Fields = []string{}
	}
	if d.Labels == nil {
		d.Labels = []string{}
	}
	d.Open, d.TermsVersion = true, 1
	d.CreatedAt = time.Now().UTC()
	fields, _ := json.Marshal(d.Fields)
	labels, _ := json.Marshal(d.Labels)
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, `
			INSERT INTO datanets (slug, name, domain, client, purpose, licence, record_kind, status, created_by, created_at,
			                      reward_rules, terms_version, near_duplicate, fields, labels, curated, reward_per_record)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
			d.Slug, d.Name, d.Domain, d.Client, d.Purpose, d.Licence, string(d.RecordKind), actor.ID, d.CreatedAt.UnixMilli(),
			d.RewardRules, d.TermsVersion, d.NearDuplicate, string(fields), string(labels), flag(d.Curated), d.RewardPerRecord).Scan(&d.ID)
	})
	if store.IsUniqueViolation(err) {
		return Datanet{}, &problem.Error{Kind: problem.Conflict, Message: "a datanet with this slug exists", Fields: map[string]string{"slug": "taken"}}
	}
	if err != nil {
		return Datanet{}, fmt.Errorf("create datanet: %w", err)
	}
	d.CreatorID = actor.ID
	return d, nil
}

// flag is a boolean as both databases store it here: 0 or 1.
func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

const datanetColumns = `id, slug, name, domain, client, purpose, licence, record_kind, status, created_at,
	reward_rules, terms_version, near_duplicate, fields, labels, curated, reward_per_record, COALESCE(created_by, 0)`

func scanDatanet(row interface{ Scan(...any) error }) (Datanet, error) {
	var d Datanet
	var status, fields, labels string
	var created, curated int64
	err := row.Scan(&d.ID, &d.Slug, &d.Name, &d.Domain, &d.Client, &d.Purpose, &d.Licence, &d.RecordKind, &status, &created,
		&d.RewardRules, &d.TermsVersion, &d.NearDuplicate, &fields, &labels, &curated, &d.RewardPerRecord, &d.CreatorID)
	if errors.Is(err, sql.ErrNoRows) {
		return Datanet{}, problem.New(problem.NotFound, "no such datanet")
	}
	if err != nil {
		return Datanet{}, fmt.Errorf("read datanet: %w", err)
	}
	d.Open, d.Curated = status == "open", curated != 0
	d.CreatedAt = store.Time(created)
	if err := json.Unmarshal([]byte(fields), &d.Fields); err != nil {
		return Datanet{}, fmt.Errorf("datanet %s fields: %w", d.Slug, err)
	}
	if err := json.Unmarshal([]byte(labels), &d.Labels); err != nil {
		return Datanet{}, fmt.Errorf("datanet %s labels: %w", d.Slug, err)
	}
	return d, nil
}

// Filter narrows a list of datanets; the zero value keeps them all.
type Filter struct {
	// Open keeps those open for contributions.
	Open bool
	// Kind, if set, keeps those that take this kind of record.
	Kind RecordKind
}

// List returns a page of datanets, newest first, and the cursor of the
// next page (a slug; "" after the last).
func (s *Service) List(ctx context.Context, f Filter, page store.Page) ([]Datanet, string, error) {
	q := s.db.Read()
	where, args := `TRUE`, []any{page.Fetch()}
	if f.Open {
		where += ` AND status = 'open'`
	}
	if f.Kind != "" {
		args = append(args, string(f.Kind))
		where += fmt.Sprintf(` AND record_kind = $%d`, len(args))
	}
	if page.Before != "" {
		id, err := page.Row(ctx, q, "not a datanet; use the next cursor of the previous page", `SELECT id FROM datanets WHERE slug = $1`)
		if err != nil {
			return nil, "", fmt.Errorf("list datanets: %w", err)
		}
		args = append(args, id)
		where += fmt.Sprintf(` AND id < $%d`, len(args))
	}
	rows, err := q.QueryContext(ctx, `SELECT `+datanetColumns+` FROM datanets WHERE `+where+` ORDER BY id DESC LIMIT $1`, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list datanets: %w", err)
	}
	defer rows.Close()
	var out []Datanet
	for rows.Next() {
		d, err := scanDatanet(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list datanets: %w", err)
	}
	out, next := store.Cut(page, out, func(d Datanet) string { return d.Slug })
	return out, next, nil
}

// Total counts the datanets.
func (s *Service) Total(ctx context.Context) (int, error) {
	var n int
	if err := s.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM datanets`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count datanets: %w", err)
	}
	return n, nil
}

// BySlug returns one datanet.
func (s *Service) BySlug(ctx context.Context, slug string) (Datanet, error) {
	return scanDatanet(s.db.Read().QueryRowContext(ctx, `SELECT `+datanetColumns+` FROM datanets WHERE slug = $1`, slug))
}

// Stats counts a datanet's accepted records and the members behind them,
// from the counts kept per contributor (see Counts): a row per contributor,
// not per record.
func (s *Service) Stats(ctx context.Context, datanetID int64) (Stats, error) {
	var st Stats
	err := s.db.Read().QueryRowContext(ctx, `
		SELECT COALESCE(sum(accepted), 0), COALESCE(sum(CASE WHEN accepted > 0 AND member_id <> 0 THEN 1 ELSE 0 END), 0)
		FROM contribution_counts WHERE datanet_id = $1`, datanetID).
		Scan(&st.Records, &st.Contributors)
	if err != nil {
		return Stats{}, fmt.Errorf("datanet stats: %w", err)
	}
	return st, nil
}

// SetOpen opens or closes a datanet for contributions. Only stewards and
// the datanet's creator may.
func (s *Service) SetOpen(ctx context.Context, actor member.Member, slug string, open bool) (Datanet, error) {
	d, err := s.BySlug(ctx, slug)
	if err != nil {
		return Datanet{}, err
	}
	status := "closed"
	if open {
		status = "open"
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var creator int64
		if err := tx.QueryRowContext(ctx, `SELECT created_by FROM datanets WHERE id = $1`, d.ID).Scan(&creator); err != nil {
			return err
		}
		if !actor.IsSteward() && (actor.ID == 0 || creator != actor.ID) {
			return problem.New(problem.Forbidden, "only a steward or the datanet's creator can open or close it")
		}
		_, err := tx.ExecContext(ctx, `UPDATE datanets SET status = $2 WHERE id = $1`, d.ID, status)
		return err
	})
	if err != nil {
		return Datanet{}, err
	}
	d.Open = open
	return d, nil
}
