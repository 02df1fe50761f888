// Package bounty lets a requester fund wanted work into an escrow under
// terms that are public before anyone starts: what counts, the reward per
// accepted unit, a cap of units per member, a deadline and who verifies.
// A unit is work that already exists and was verified where it lives — a
// recording the behaviour checks (or a steward) verified, a record a
// datanet accepted, an annotation task its project accepted and paid — so
// a bounty adds money, never a second judgement. A member claims their own
// units; each claim is paid from the escrow in one ledger event, a unit
// pays at most one bounty, and what is left returns to the funder, once,
// when the bounty closes (at its deadline, by a chore, or earlier by its
// funder or a steward).
package bounty

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// Kind is the kind of work a bounty pays for.
type Kind string

// The kinds of bounty.
const (
	Recordings Kind = "recordings" // verified recordings of a task on a site
	Records    Kind = "records"    // accepted records of a datanet
	Annotation Kind = "annotation" // accepted tasks of an annotation project
)

// Kinds are all kinds, in the order the form offers them.
var Kinds = []Kind{Recordings, Records, Annotation}

// Unit is what one unit of a kind is called.
func (k Kind) Unit() string {
	switch k {
	case Recordings:
		return "recording"
	case Records:
		return "record"
	case Annotation:
		return "task"
	}
	return ""
}

// Verifier says who verifies a unit of the kind: the part of the
// cooperative that accepted it before it can be claimed.
func (k Kind) Verifier() string {
	switch k {
	case Recordings:
		return "the behaviour checks of every upload, and a steward for a recording they doubt"
	case Records:
		return "the datanet's intake: its schema, the privacy checks and the duplicate check"
	case Annotation:
		return "the project's review: a task counts once its requester or a steward accepted and paid it"
	}
	return ""
}

// The bounds of a bounty's terms.
const (
	MaxTitle = 120
	MaxTerms = 4000
	MaxSite  = 300
	// MaxReward bounds the reward per unit, as a model's price.
	MaxReward int64 = 1_000_000_000
	// MaxBudget bounds what a bounty holds, as a project's budget.
	MaxBudget int64 = 1_000_000_000_000
	// MaxCap bounds the units one member may be paid for.
	MaxCap int64 = 1_000_000
	// MaxDuration bounds how far ahead a deadline may lie.
	MaxDuration = 366 * 24 * time.Hour
	// MinDuration is the least time a bounty is open.
	MinDuration = time.Hour
)

// Bounty is a funded call for work and where it stands.
type Bounty struct {
	ID     int64  `json:"id"`
	Funder string `json:"funder"` // the funder's pseudonym
	Kind   Kind   `json:"kind"`
	Title  string `json:"title"`
	// Terms say in words what counts.
	Terms string `json:"terms"`
	// Site is, for recordings, where a recording must start: a URL
	// prefix ("https://shop.example/orders") or a path on any host
	// ("/practice/parcel", the cooperative's own practice pages).
	Site string `json:"site,omitempty"`
	// Datanet and Project name, by slug, where records or tasks come from.
	Datanet      string    `json:"datanet,omitempty"`
	Project      string    `json:"project,omitempty"`
	Reward       int64     `json:"reward"`
	CapPerMember int64     `json:"cap_per_member"`
	Budget       int64     `json:"budget"`
	Deadline     time.Time `json:"deadline"`
	Verifier     string    `json:"verified_by"`
	Status       string    `json:"status"` // open, closed
	CreatedAt    time.Time `json:"created_at"`
	ClosedAt     time.Time `json:"closed_at,omitzero"`
	// Left is what the escrow holds now; Paid how many units it paid and
	// PaidPoints what they cost; Refund what went back to the funder.
	Left       int64 `json:"left"`
	Paid       int64 `json:"paid_units"`
	PaidPoints int64 `json:"paid"`
	Refund     int64 `json:"refund"`

	funderID, datanetID, projectID int64
}

// Open says whether the bounty still takes claims at now.
func (b Bounty) Open(now time.Time) bool { return b.Status == "open" && now.Before(b.Deadline) }

// FundedBy says whether m funded the bounty.
func (b Bounty) FundedBy(m member.Member) bool { return m.ID != 0 && m.ID == b.funderID }

// Scope is the bounty's scope in the ledger.
func (b Bounty) Scope() string { return fmt.Sprintf("bounty:%d", b.ID) }

// EscrowAccount holds a bounty's budget until its units are paid.
func EscrowAccount(id int64) string { return fmt.Sprintf("escrow:bounty:%d", id) }

// Opener opens a recording's steps for its recorder: action.Service.
type Opener interface {
	Open(ctx context.Context, viewer member.Member, id string) (action.Recording, recording.Recording, error)
}

// Service keeps the bounties.
type Service struct {
	db         *store.DB
	reward     *reward.Service
	recordings Opener
	now        func() time.Time
}

// NewService returns the bounty service; recordings opens a claimed
// recording to see where it starts.
func NewService(db *store.DB, r *reward.Service, recordings Opener) *Service {
	return &Service{db: db, reward: r, recordings: recordings, now: time.Now}
}

// SetClock replaces the clock, for tests that pass a deadline.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// MayFund says whether m may fund bounties: requesters (partners of the
// cooperative) and stewards.
func MayFund(m member.Member) bool { return m.Role == member.RoleRequester || m.IsSteward() }

// MayClose says whether m may close b early: its funder or a steward.
func MayClose(m member.Member, b Bounty) bool { return b.FundedBy(m) || m.IsSteward() }

const bountyColumns = `b.id, m.public_id, b.funder_id, b.kind, b.title, b.terms, b.site, COALESCE(d.slug, ''), COALESCE(b.datanet_id, 0),
	COALESCE(p.slug, ''), COALESCE(b.project_id, 0), b.reward, b.cap_per_member, b.budget, b.deadline, b.status, b.created_at,
	COALESCE(b.closed_at, 0), b.refund, COALESCE(ab.balance, 0),
	(SELECT count(*) FROM bounty_claims c WHERE c.bounty_id = b.id)`

const bountyFrom = ` FROM bounties b JOIN members m ON m.id = b.funder_id
	LEFT JOIN datanets d ON d.id = b.datanet_id LEFT JOIN projects p ON p.id = b.project_id
	LEFT JOIN account_balances ab ON ab.account = 'escrow:bounty:' || b.id`

func scanBounty(row interface{ Scan(...any) error }) (Bounty, error) {
	var b Bounty
	var deadline, created, closed int64
	err := row.Scan(&b.ID, &b.Funder, &b.funderID, &b.Kind, &b.Title, &b.Terms, &b.Site, &b.Datanet, &b.datanetID,
		&b.Project, &b.projectID, &b.Reward, &b.CapPerMember, &b.Budget, &deadline, &b.Status, &created,
		&closed, &b.Refund, &b.Left, &b.Paid)
	if errors.Is(err, sql.ErrNoRows) {
		return Bounty{}, problem.New(problem.NotFound, "no such bounty")
	}
	if err != nil {
		return Bounty{}, fmt.Errorf("bounty: read: %w", err)
	}
	b.Deadline, b.CreatedAt = store.Time(deadline), store.Time(created)
	if closed != 0 {
		b.ClosedAt = store.Time(closed)
	}
	b.Verifier = b.Kind.Verifier()
	// Every claim paid the reward of its bounty, fixed at creation.
	b.PaidPoints = b.Reward * b.Paid // ≤ the budget, so it cannot overflow
	return b, nil
}

// Get returns a bounty; its terms are public to every member.
func (s *Service) Get(ctx context.Context, id int64) (Bounty, error) {
	return scanBounty(s.db.Read().QueryRowContext(ctx, `SELECT `+bountyColumns+bountyFrom+` WHERE b.id = $1`, id))
}

// Filter narrows a list of bounties.
type Filter struct {
	Status  string // "", open, closed
	Datanet string // a datanet's slug
	Project string // a project's slug
}

// List returns a page of bounties, newest first, and the next cursor.
func (s *Service) List(ctx context.Context, f Filter, page store.Page) ([]Bounty, string, error) {
	before, err := page.ID("a bounty id: the next cursor of the previous page")
	if err != nil {
		return nil, "", err
	}
	cond, args := []string{"b.id < $1"}, []any{before}
	if f.Status != "" {
		if f.Status != "open" && f.Status != "closed" {
			return nil, "", &problem.Error{Kind: problem.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"status": "open or closed"}}
		}
		args = append(args, f.Status)
		cond = append(cond, fmt.Sprintf("b.status = $%d", len(args)))
	}
	if f.Datanet != "" {
		args = append(args, f.Datanet)
		cond = append(cond, fmt.Sprintf("d.slug = $%d", len(args)))
	}
	if f.Project != "" {
		args = append(args, f.Project)
		cond = append(cond, fmt.Sprintf("p.slug = $%d", len(args)))
	}
	args = append(args, page.Fetch())
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+bountyColumns+bountyFrom+` WHERE `+strings.Join(cond, " AND ")+
		fmt.Sprintf(` ORDER BY b.id DESC LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, "", fmt.Errorf("bounty: list: %w", err)
	}
	defer rows.Close()
	var out []Bounty
	for rows.Next() {
		b, err := scanBounty(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("bounty: list: %w", err)
	}
	out, next := store.Cut(page, out, func(b Bounty) string { return strconv.FormatInt(b.ID, 10) })
	return out, next, nil
}
