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
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
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

// Verify is who verifies a unit before a bounty pays it: the funder
// chooses one of the kind's options (Kind.Verifies) in the terms.
type Verify string

// The ways of verifying a unit.
const (
	// VerifyChecks: a recording the behaviour checks of every upload (and
	// a steward, for one they doubt) verified.
	VerifyChecks Verify = "checks"
	// VerifyApproval: as VerifyChecks, and then the funder accepts each
	// claim, or rejects it with a reason; the claim waits meanwhile.
	VerifyApproval Verify = "approval"
	// VerifyIntake: a record the datanet's intake accepted.
	VerifyIntake Verify = "intake"
	// VerifyCuration: a record a curator of a curated datanet accepted,
	// optionally with at least a minimum validation score.
	VerifyCuration Verify = "curation"
	// VerifyAcceptance: a task its project accepted and paid.
	VerifyAcceptance Verify = "acceptance"
	// VerifyAgreement: as VerifyAcceptance, and its answer agrees with
	// the item's gold answer, or with the consensus of the item's answers.
	VerifyAgreement Verify = "agreement"
)

// Verifies are the ways a unit of the kind may be verified, the default
// first.
func (k Kind) Verifies() []Verify {
	switch k {
	case Recordings:
		return []Verify{VerifyChecks, VerifyApproval}
	case Records:
		return []Verify{VerifyIntake, VerifyCuration}
	case Annotation:
		return []Verify{VerifyAcceptance, VerifyAgreement}
	}
	return nil
}

// Verifier says who verifies a unit of the kind by default.
func (k Kind) Verifier() string {
	if v := k.Verifies(); len(v) > 0 {
		return v[0].Words()
	}
	return ""
}

// Words say in a sentence who verifies a unit.
func (v Verify) Words() string {
	switch v {
	case VerifyChecks:
		return "the behaviour checks of every upload, and a steward for a recording they doubt"
	case VerifyApproval:
		return "the behaviour checks of every upload, then the funder, who accepts or rejects each claim"
	case VerifyIntake:
		return "the datanet's intake: its schema, the privacy checks and the duplicate check"
	case VerifyCuration:
		return "the datanet's curators: a record counts once a curator accepted it"
	case VerifyAcceptance:
		return "the project's review: a task counts once its requester or a steward accepted and paid it"
	case VerifyAgreement:
		return "the project's review, and agreement: an accepted task counts when its answer agrees with the item's gold answer, or with most of the item's answers (at least three)"
	}
	return ""
}

// The accounts a bounty may be funded from.
const (
	FromFunding = "funding" // the funder's funding account (requesters, stewards)
	FromBalance = "balance" // the funder's own balance
)

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
	// Verify is who verifies a unit, Verifier the same in words;
	// MinScore, for records a curator accepted, the least validation
	// score in percent (0: none).
	Verify   Verify `json:"verify"`
	Verifier string `json:"verified_by"`
	MinScore int64  `json:"min_score,omitempty"`
	// End is, for recordings, where the task ends: a page (a URL prefix or
	// a path, as Site) the recording must reach; "" for anywhere.
	End string `json:"end,omitempty"`
	// FundedFrom is the account the budget came from and the rest goes
	// back to: FromFunding or FromBalance.
	FundedFrom string    `json:"funded_from"`
	Status     string    `json:"status"` // open, closed
	CreatedAt  time.Time `json:"created_at"`
	ClosedAt   time.Time `json:"closed_at,omitzero"`
	// Left is what the escrow holds now; Paid how many units it paid and
	// PaidPoints what they cost; Refund what went back to the funder.
	Left       int64 `json:"left"`
	Paid       int64 `json:"paid_units"`
	PaidPoints int64 `json:"paid"`
	Refund     int64 `json:"refund"`

	funderID, datanetID, projectID int64
}

// UnitsLeft is how many more units the escrow pays.
func (b Bounty) UnitsLeft() int64 { return b.Left / b.Reward }

// Open says whether the bounty still takes claims at now.
func (b Bounty) Open(now time.Time) bool { return b.Status == "open" && now.Before(b.Deadline) }

// FundedBy says whether m funded the bounty.
func (b Bounty) FundedBy(m member.Member) bool { return m.ID != 0 && m.ID == b.funderID }

// Scope is the bounty's scope in the ledger.
func (b Bounty) Scope() string { return fmt.Sprintf("bounty:%d", b.ID) }

// SourceAccount is the account the bounty was funded from, which its
// rest goes back to.
func (b Bounty) SourceAccount() string {
	if b.FundedFrom == FromBalance {
		return reward.MemberAccount(b.Funder)
	}
	return reward.FundingAccount(b.Funder)
}

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
	// Currency writes the amounts in messages; the zero value is
	// points.DefaultCurrency. Set it before the service is used.
	Currency points.Currency
}

// money writes an amount of points as the cooperative's pages do
// ("1.50 EUR"), beside the integer an API client sent.
func (s *Service) money(p int64) string { return cmp.Or(s.Currency, points.DefaultCurrency).Format(p) }

// NewService returns the bounty service; recordings opens a claimed
// recording to see where it starts.
func NewService(db *store.DB, r *reward.Service, recordings Opener) *Service {
	return &Service{db: db, reward: r, recordings: recordings, now: time.Now}
}

// SetClock replaces the clock, for tests that pass a deadline.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// MayFund says whether m may fund bounties from a funding account:
// requesters (partners of the cooperative) and stewards. Any member may
// fund one from their own balance (MayFundFromBalance).
func MayFund(m member.Member) bool { return m.Role == member.RoleRequester || m.IsSteward() }

// MayFundFromBalance says whether m may fund a bounty from their own
// balance: every signed-in member.
func MayFundFromBalance(m member.Member) bool { return m.ID != 0 }

// MayClose says whether m may close b early: its funder or a steward.
func MayClose(m member.Member, b Bounty) bool { return b.FundedBy(m) || m.IsSteward() }

const bountyColumns = `b.id, m.public_id, b.funder_id, b.kind, b.title, b.terms, b.site, COALESCE(d.slug, ''), COALESCE(b.datanet_id, 0),
	COALESCE(p.slug, ''), COALESCE(b.project_id, 0), b.reward, b.cap_per_member, b.budget, b.deadline, b.status, b.created_at,
	COALESCE(b.closed_at, 0), b.refund, COALESCE(ab.balance, 0),
	(SELECT count(*) FROM bounty_claims c WHERE c.bounty_id = b.id), b.verify, b.min_score, b.end_site, b.funded_from`

const bountyFrom = ` FROM bounties b JOIN members m ON m.id = b.funder_id
	LEFT JOIN datanets d ON d.id = b.datanet_id LEFT JOIN projects p ON p.id = b.project_id
	LEFT JOIN account_balances ab ON ab.account = 'escrow:bounty:' || b.id`

func scanBounty(row interface{ Scan(...any) error }) (Bounty, error) {
	var b Bounty
	var deadline, created, closed int64
	err := row.Scan(&b.ID, &b.Funder, &b.funderID, &b.Kind, &b.Title, &b.Terms, &b.Site, &b.Datanet, &b.datanetID,
		&b.Project, &b.projectID, &b.Reward, &b.CapPerMember, &b.Budget, &deadline, &b.Status, &created,
		&closed, &b.Refund, &b.Left, &b.Paid, &b.Verify, &b.MinScore, &b.End, &b.FundedFrom)
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
	if b.Verify == "" {
		b.Verify = b.Kind.Verifies()[0]
	}
	b.Verifier = b.Verify.Words()
	if b.MinScore > 0 {
		b.Verifier += fmt.Sprintf(", with a validation score of at least %d%%", b.MinScore)
	}
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
	Kind    Kind   // "" or one kind
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
	if f.Kind != "" {
		args = append(args, string(f.Kind))
		cond = append(cond, fmt.Sprintf("b.kind = $%d", len(args)))
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

// OpenNow lists up to limit bounties that take claims now, newest first,
// and whether there are more: what a datanet's, a project's or the work
// page shows inline. A bounty past its deadline that the chore has not
// closed yet is left out.
func (s *Service) OpenNow(ctx context.Context, f Filter, limit int) ([]Bounty, bool, error) {
	f.Status = "open"
	list, next, err := s.List(ctx, f, store.Page{Limit: limit})
	if err != nil {
		return nil, false, err
	}
	now := s.now()
	out := list[:0]
	for _, b := range list {
		if b.Open(now) {
			out = append(out, b)
		}
	}
	return out, next != "", nil
}
