package model

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// Members fund models together. A model's builder opens a funding round
// before training it: a goal, the costs they state (at most the goal), the
// share of every later call's charge that goes to the funders (out of the
// builder's part), a deadline, and the datanet versions the model is to be
// trained on. Members pledge points from their balance into the round's
// escrow (escrow:funding:<id>); the round accepts pledges up to its goal.
//
// The round closes when its builder closes it or at its deadline (the
// chore CloseDueRounds):
//   - goal met: the escrow pays the builder's stated costs and returns the
//     rest to the funders pro rata to their pledges (reward.ProRata, largest
//     remainder) — the funders have paid the costs between them, in
//     proportion to their stakes — and from then on every call of the model
//     pays the funders their share pro rata inside its one reward.split
//     (charge, reward.Payment.FunderBP);
//   - goal missed: every pledge returns to its funder, once.
//
// A pledge and a close both lock the round's row first (PostgreSQL; on
// SQLite writers take turns), so a pledge lands before the close and is
// counted, or comes after it and is refused with 409: never lost.
//
// One round per model is open or funded at a time; after a failed round
// the builder may open another.

// Round states.
const (
	RoundOpen   = "open"
	RoundFunded = "funded"
	RoundFailed = "failed"
)

// MaxFunders bounds a round's funders: each is a share line of every
// later call's split, which has room for 1,024 (ledger), with the
// records' contributors and the builder.
const MaxFunders = 200

// MaxRoundLength is how far ahead a round's deadline may lie.
const MaxRoundLength = 366 * 24 * time.Hour

// Round is a model's funding round, as its page shows it.
type Round struct {
	ID       int64          `json:"id"`
	Model    string         `json:"model"`
	Builder  string         `json:"builder"`
	Goal     int64          `json:"goal"`
	Costs    int64          `json:"costs"`
	ShareBP  int64          `json:"share_bp"`
	Deadline time.Time      `json:"deadline"`
	Versions []RoundVersion `json:"datanet_versions"`
	State    string         `json:"state"`
	Pledged  int64          `json:"pledged"`
	Funders  int            `json:"funders"`
	// MyPledge and MyEarnings are the asking member's pledge and what it
	// has earned from the model's calls.
	MyPledge   int64 `json:"my_pledge"`
	MyEarnings int64 `json:"my_earnings"`
	// Stakes are every funder's pledge and earnings, by pseudonym, largest
	// pledge first.
	Stakes       []Stake    `json:"stakes"`
	CreatedAt    time.Time  `json:"created_at"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
	EventID      string     `json:"event_id,omitempty"`
	CloseEventID string     `json:"close_event_id,omitempty"`

	modelID, builderID int64
}

// RoundVersion is a datanet version a round names.
type RoundVersion struct {
	Datanet    string `json:"datanet"`
	Number     int    `json:"number"`
	Commitment string `json:"commitment"`
	Records    int    `json:"records"`
	id         int64
}

// Ref is how a form and the API name a datanet version: slug@number.
func (v RoundVersion) Ref() string { return v.Datanet + "@" + strconv.Itoa(v.Number) }

// Stake is one funder's pledge and what it has earned.
type Stake struct {
	Funder string `json:"funder"`
	Pledge int64  `json:"pledge"`
	Earned int64  `json:"earned"`
}

// Remaining is what the round still accepts.
func (r Round) Remaining() int64 { return r.Goal - r.Pledged }

// Met reports whether the pledges reached the goal.
func (r Round) Met() bool { return r.Pledged >= r.Goal }

// RoundTerms is what a builder asks for when opening a round.
type RoundTerms struct {
	Goal     int64
	Costs    int64
	ShareBP  int64
	Deadline time.Time
	// Versions name datanet versions of the model's datanets, slug@number.
	Versions []string
}

// FundingEscrow is the account that holds a round's pledges.
func FundingEscrow(roundID int64) string { return fmt.Sprintf("escrow:funding:%d", roundID) }

func roundScope(roundID int64) string { return fmt.Sprintf("funding:%d", roundID) }

// ParseVersionRef reads slug@number.
func ParseVersionRef(s string) (string, int, error) {
	slug, num, ok := strings.Cut(strings.TrimSpace(s), "@")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 1 || !slugPattern.MatchString(slug) {
		return "", 0, fmt.Errorf("%q is not a datanet version: write slug@number, e.g. tenancy@2", s)
	}
	return slug, n, nil
}

// checkTerms checks a round's terms against their ranges and the shares
// already promised: the contributors' and the treasury's shares plus the
// funders' must not pass the whole, or the funders would be promised what
// the builder's part cannot pay.
func (s *Service) checkTerms(ctx context.Context, m Model, t RoundTerms, now time.Time) ([]RoundVersion, error) {
	f := problem.Fields{}
	f.Merge(points.Check("goal", t.Goal, 1, points.MaxBudget))
	f.Merge(points.Check("costs", t.Costs, 0, max(t.Goal, 0)))
	cshare, err := s.params.Get(ctx, nil, coop.ContributorShare)
	if err != nil {
		return nil, err
	}
	tshare, err := s.params.Get(ctx, nil, coop.TreasuryShare)
	if err != nil {
		return nil, err
	}
	builderBP := max(points.BasisPoints-cshare-tshare, 0)
	switch {
	case builderBP == 0:
		f.Add("share_bp", "the contributors' and the treasury's shares leave the builder nothing to share")
	case t.ShareBP < 1 || t.ShareBP > builderBP:
		f.Add("share_bp", "between 0.01%% and %s (1 to %d basis points): what each call leaves the builder after the contributors' %s and the treasury's %s",
			bpPercent(builderBP), builderBP, bpPercent(cshare), bpPercent(tshare))
	}
	switch {
	case !t.Deadline.After(now):
		f.Add("deadline", "a moment in the future")
	case t.Deadline.After(now.Add(MaxRoundLength)):
		f.Add("deadline", "at most a year ahead")
	}
	var versions []RoundVersion
	seen := map[string]bool{}
	for _, ref := range t.Versions {
		slug, n, err := ParseVersionRef(ref)
		if err != nil {
			f.Add("datanet_versions", "%v", err)
			continue
		}
		if !containsString(m.Datanets, slug) {
			f.Add("datanet_versions", "%s is not one of this model's datanets: %s", slug, strings.Join(m.Datanets, ", "))
			continue
		}
		v, err := s.datanets.VersionOf(ctx, slug, n)
		if problem.Is(err, problem.NotFound) {
			f.Add("datanet_versions", "%s has no version %d", slug, n)
			continue
		}
		if err != nil {
			return nil, err
		}
		if rv := (RoundVersion{Datanet: slug, Number: n}); !seen[rv.Ref()] {
			seen[rv.Ref()] = true
			versions = append(versions, RoundVersion{Datanet: slug, Number: n, Commitment: v.Commitment, Records: v.Records, id: v.ID})
		}
	}
	if len(t.Versions) == 0 {
		f.Add("datanet_versions", "at least one version of the model's datanets that the model is to be trained on")
	}
	return versions, f.Err()
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// OpenRound opens a funding round for a model. Only its builder opens one,
// and only while the model has no round open or funded.
func (s *Service) OpenRound(ctx context.Context, actor member.Member, slug string, t RoundTerms) (Round, error) {
	m, err := s.BySlug(ctx, slug)
	if err != nil {
		return Round{}, err
	}
	if actor.ID != m.OwnerID {
		return Round{}, problem.New(problem.Forbidden, "only the model's builder opens a funding round")
	}
	if m.Status != "active" {
		return Round{}, problem.New(problem.Conflict, "the model is not active")
	}
	if s.factory.ledger == nil {
		return Round{}, errors.New("funding: no ledger (UseFactory)")
	}
	now := time.Now()
	versions, err := s.checkTerms(ctx, m, t, now)
	if err != nil {
		return Round{}, err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO funding_rounds (model_id, builder_id, goal, costs, share_bp, deadline, state, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, 'open', $7) RETURNING id`, m.ID, actor.ID, t.Goal, t.Costs, t.ShareBP, t.Deadline.UnixMilli(), now.UnixMilli()).Scan(&id); err != nil {
			return err
		}
		refs := make([]map[string]any, len(versions))
		for i, v := range versions {
			if _, err := tx.ExecContext(ctx, `INSERT INTO funding_round_versions (round_id, datanet_version_id) VALUES ($1, $2)`, id, v.id); err != nil {
				return err
			}
			refs[i] = map[string]any{"version": v.Ref(), "commitment": v.Commitment}
		}
		eventID, err := s.factory.ledger.Record(ctx, tx, ledger.Event{Type: ledger.FundingOpened, MemberID: actor.ID, Scope: fmt.Sprintf("model:%d", m.ID),
			Content: map[string]any{"round": id, "goal": t.Goal, "costs": t.Costs, "share_bp": t.ShareBP, "deadline": t.Deadline.Unix(), "datanet_versions": refs}})
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE funding_rounds SET event_id = $2 WHERE id = $1`, id, eventID)
		return err
	})
	if store.IsUniqueViolation(err) {
		return Round{}, problem.New(problem.Conflict, "the model has a funding round open or funded already")
	}
	if err != nil {
		return Round{}, fmt.Errorf("open a funding round: %w", err)
	}
	r, err := s.RoundOf(ctx, actor, slug)
	if err != nil {
		return Round{}, err
	}
	return *r, nil
}

const roundColumns = `r.id, m.slug, b.public_id, r.goal, r.costs, r.share_bp, r.deadline, r.state, r.pledged, r.created_at, r.closed_at,
	COALESCE(r.event_id, ''), COALESCE(r.close_event_id, ''), r.model_id, r.builder_id`

func scanRound(row interface{ Scan(...any) error }) (Round, error) {
	var r Round
	var deadline, created int64
	var closed sql.NullInt64
	err := row.Scan(&r.ID, &r.Model, &r.Builder, &r.Goal, &r.Costs, &r.ShareBP, &deadline, &r.State, &r.Pledged, &created, &closed,
		&r.EventID, &r.CloseEventID, &r.modelID, &r.builderID)
	if err != nil {
		return Round{}, err
	}
	r.Deadline, r.CreatedAt = store.Time(deadline), store.Time(created)
	if closed.Valid {
		at := store.Time(closed.Int64)
		r.ClosedAt = &at
	}
	return r, nil
}

// RoundOf returns a model's current funding round — the one open or
// funded, else the latest that failed — with the asking member's pledge,
// or nil when the model has had none. Every member may see it: the terms
// are public before anyone pledges.
func (s *Service) RoundOf(ctx context.Context, viewer member.Member, slug string) (*Round, error) {
	q := s.db.Read()
	r, err := scanRound(q.QueryRowContext(ctx, `SELECT `+roundColumns+` FROM funding_rounds r JOIN models m ON m.id = r.model_id JOIN members b ON b.id = r.builder_id
		WHERE m.slug = $1 ORDER BY CASE WHEN r.state = 'failed' THEN 1 ELSE 0 END, r.id DESC LIMIT 1`, slug))
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := s.BySlug(ctx, slug); err != nil {
			return nil, err
		}
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("funding round: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT d.slug, v.number, v.commitment, v.records, v.id FROM funding_round_versions rv
		JOIN datanet_versions v ON v.id = rv.datanet_version_id JOIN datanets d ON d.id = v.datanet_id WHERE rv.round_id = $1 ORDER BY d.slug, v.number`, r.ID)
	if err != nil {
		return nil, fmt.Errorf("funding round versions: %w", err)
	}
	for rows.Next() {
		var v RoundVersion
		if err := rows.Scan(&v.Datanet, &v.Number, &v.Commitment, &v.Records, &v.id); err != nil {
			rows.Close()
			return nil, err
		}
		r.Versions = append(r.Versions, v)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("funding round versions: %w", err)
	}
	rows, err = q.QueryContext(ctx, `SELECT f.public_id, p.amount, p.earned, p.member_id FROM funding_pledges p JOIN members f ON f.id = p.member_id
		WHERE p.round_id = $1 ORDER BY p.amount DESC, f.public_id`, r.ID)
	if err != nil {
		return nil, fmt.Errorf("funding pledges: %w", err)
	}
	for rows.Next() {
		var st Stake
		var memberID int64
		if err := rows.Scan(&st.Funder, &st.Pledge, &st.Earned, &memberID); err != nil {
			rows.Close()
			return nil, err
		}
		if memberID == viewer.ID {
			r.MyPledge, r.MyEarnings = st.Pledge, st.Earned
		}
		r.Stakes = append(r.Stakes, st)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("funding pledges: %w", err)
	}
	r.Funders = len(r.Stakes)
	return &r, nil
}

// VersionsToFund lists the latest versions of a model's datanets, which a
// round may name.
func (s *Service) VersionsToFund(ctx context.Context, m Model) ([]RoundVersion, error) {
	var out []RoundVersion
	for _, slug := range m.Datanets {
		vs, err := s.datanets.Versions(ctx, slug, 5)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			out = append(out, RoundVersion{Datanet: slug, Number: v.Number, Commitment: v.Commitment, Records: v.Records, id: v.ID})
		}
	}
	return out, nil
}

// lockRound reads a round inside tx, locking its row on PostgreSQL so that
// pledges and the close take turns; SQLite's single writer already makes
// them.
func (s *Service) lockRound(ctx context.Context, tx *store.Tx, where string, arg any) (Round, error) {
	q := `SELECT ` + roundColumns + ` FROM funding_rounds r JOIN models m ON m.id = r.model_id JOIN members b ON b.id = r.builder_id WHERE ` + where
	if s.db.Dialect() == store.Postgres {
		q += ` FOR UPDATE OF r`
	}
	r, err := scanRound(tx.QueryRowContext(ctx, q, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return Round{}, problem.New(problem.NotFound, "the model has no funding round open")
	}
	if err != nil {
		return Round{}, fmt.Errorf("lock funding round: %w", err)
	}
	return r, nil
}

// stakes returns a round's funders, in member id order, and their pledges.
func stakes(ctx context.Context, q store.Querier, roundID int64) (ids []int64, accounts []string, pledges []int64, err error) {
	rows, err := q.QueryContext(ctx, `SELECT p.member_id, f.public_id, p.amount FROM funding_pledges p JOIN members f ON f.id = p.member_id
		WHERE p.round_id = $1 ORDER BY p.member_id`, roundID)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("funding stakes: %w", err)
	}
	for rows.Next() {
		var id, amount int64
		var pid string
		if err := rows.Scan(&id, &pid, &amount); err != nil {
			rows.Close()
			return nil, nil, nil, err
		}
		ids, accounts, pledges = append(ids, id), append(accounts, reward.MemberAccount(pid)), append(pledges, amount)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, nil, nil, fmt.Errorf("funding stakes: %w", err)
	}
	return ids, accounts, pledges, nil
}

// funded is a funded round's funders, as a call's split pays them.
type funded struct {
	roundID  int64
	shareBP  int64
	ids      []int64
	accounts []string
	pledges  []int64
}

// fundersOf returns the funders of a model's funded round, read inside the
// call's transaction; none when the model has no funded round.
func fundersOf(ctx context.Context, tx *store.Tx, modelID int64) (funded, error) {
	var f funded
	err := tx.QueryRowContext(ctx, `SELECT id, share_bp FROM funding_rounds WHERE model_id = $1 AND state = 'funded'`, modelID).Scan(&f.roundID, &f.shareBP)
	if errors.Is(err, sql.ErrNoRows) {
		return funded{}, nil
	}
	if err != nil {
		return funded{}, fmt.Errorf("funders: %w", err)
	}
	f.ids, f.accounts, f.pledges, err = stakes(ctx, tx, f.roundID)
	if len(f.ids) == 0 {
		f.shareBP = 0 // a round funded entirely by nobody cannot happen; pay nobody
	}
	return f, err
}

// earn adds each funder's part of a call to what their stake has earned,
// for the model's page. The totals are for display: one that would leave
// int64 stays at the limit rather than failing the call.
func (f funded) earn(ctx context.Context, tx *store.Tx, parts []int64) error {
	for i, part := range parts {
		if part == 0 {
			continue
		}
		var cur int64
		if err := tx.QueryRowContext(ctx, `SELECT earned FROM funding_pledges WHERE round_id = $1 AND member_id = $2`, f.roundID, f.ids[i]).Scan(&cur); err != nil {
			return fmt.Errorf("funder's earnings: %w", err)
		}
		next, err := points.Add(cur, part)
		if err != nil {
			next = math.MaxInt64
		}
		if _, err := tx.ExecContext(ctx, `UPDATE funding_pledges SET earned = $3 WHERE round_id = $1 AND member_id = $2`, f.roundID, f.ids[i], next); err != nil {
			return fmt.Errorf("funder's earnings: %w", err)
		}
	}
	return nil
}

// SharePercent writes the funders' share as a percentage: 1500 basis
// points are "15%", 250 are "2.5%".
func (r Round) SharePercent() string { return bpPercent(r.ShareBP) }

// BuilderPart is what each call leaves its builder, in basis points of
// the whole charge, after the contributors' and the treasury's shares:
// the most a funding round's share_bp may be, since the funders are paid
// out of it. It is returned also as a percentage ("20%").
func (s *Service) BuilderPart(ctx context.Context) (int64, string, error) {
	cshare, err := s.params.Get(ctx, nil, coop.ContributorShare)
	if err != nil {
		return 0, "", err
	}
	tshare, err := s.params.Get(ctx, nil, coop.TreasuryShare)
	if err != nil {
		return 0, "", err
	}
	bp := max(points.BasisPoints-cshare-tshare, 0)
	return bp, bpPercent(bp), nil
}

func bpPercent(bp int64) string {
	s := strconv.FormatInt(bp/100, 10)
	if frac := bp % 100; frac != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", frac), "0")
	}
	return s + "%"
}
