// Package coop holds the parameters the cooperative sets for itself — the
// pay floor every project is held to, the contributors' share of model
// revenue — stored in the database so that governance can change them and
// every replica sees the change.
package coop

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// Param names a parameter.
type Param string

const (
	// PayFloor is the least a worker earns per hour of measured work, in
	// points (100 points = one currency unit). Projects that pay less
	// per task are topped up from their escrow.
	PayFloor Param = "pay_floor_per_hour"
	// ContributorShare is the part of a model call's charge that goes to
	// the contributors of the records that shaped the answer, in basis
	// points (7000 = 70 %).
	ContributorShare Param = "contributor_share_bp"
	// TreasuryShare is the cooperative's part of a model call's charge, in
	// basis points; the model's builder gets what remains.
	TreasuryShare Param = "treasury_share_bp"
	// PointsPerShare is the epoch rule: one governance share for every so
	// many points earned in the epoch.
	PointsPerShare Param = "points_per_share"
	// RecordingReward is what a verified recording of browser work pays
	// its recorder, in points, from the treasury.
	RecordingReward Param = "recording_reward"
	// AuthorShare is the part of an automation run's price that goes to
	// the author of the recording, in basis points; the treasury gets the
	// rest.
	AuthorShare Param = "author_share_bp"
	// LegalMinimumPay is the least hourly pay the law allows where the
	// cooperative works, in points. Only a steward sets it (it is a fact
	// about the law, not a choice), and no vote may take the pay floor
	// below it.
	LegalMinimumPay Param = "legal_minimum_pay_per_hour"
	// ProposalShares is the governance shares a member must hold to open a
	// proposal for voting alone; 0 lets every member do so.
	ProposalShares Param = "proposal_min_shares"
	// ProposalCosigners is how many other members must co-sign a proposal
	// whose proposer holds fewer than ProposalShares before it opens.
	ProposalCosigners Param = "proposal_cosigners"
	// TimelockHours is how long a passed binding change waits before it
	// applies, so that members can see it coming and stop it with a
	// counter-proposal.
	TimelockHours Param = "timelock_hours"
)

// Defaults apply until the cooperative decides otherwise: 15.00 an hour is
// well above what click work pays today and in line with minimum wages
// where the cooperative starts.
var Defaults = map[Param]int64{
	PayFloor:          1500,
	ContributorShare:  7000,
	TreasuryShare:     1000,
	PointsPerShare:    100,
	RecordingReward:   200,
	AuthorShare:       8000,
	LegalMinimumPay:   0,
	ProposalShares:    0,
	ProposalCosigners: 2,
	TimelockHours:     48,
}

// Limits keep a parameter within what makes sense, whoever sets it.
var Limits = map[Param][2]int64{
	PayFloor:          {0, 100000},
	ContributorShare:  {0, 10000},
	TreasuryShare:     {0, 10000},
	PointsPerShare:    {1, 1000000},
	RecordingReward:   {0, 100000},
	AuthorShare:       {0, 10000},
	LegalMinimumPay:   {0, 100000},
	ProposalShares:    {0, 1000000},
	ProposalCosigners: {1, 100},
	// At least an hour: a vote must not be able to remove the time members
	// have to see a change coming.
	TimelockHours: {1, 30 * 24},
}

// StewardOnly are the parameters a steward sets and no proposal may: facts
// from outside the cooperative, such as the law.
var StewardOnly = map[Param]bool{LegalMinimumPay: true}

// Params reads and sets the cooperative's parameters.
type Params struct{ db *store.DB }

// New returns the parameters over db.
func New(db *store.DB) *Params { return &Params{db: db} }

// Get returns a parameter's value, or its default.
func (p *Params) Get(ctx context.Context, q store.Querier, name Param) (int64, error) {
	if q == nil {
		q = p.db.Read()
	}
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, string(name)).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		d, ok := Defaults[name]
		if !ok {
			return 0, fmt.Errorf("coop: unknown parameter %q", name)
		}
		return d, nil
	}
	if err != nil {
		return 0, fmt.Errorf("coop: read %s: %w", name, err)
	}
	return strconv.ParseInt(v, 10, 64)
}

// Set changes a parameter inside tx (a steward's decision, or a passed
// proposal). A value that would break one of the Constraints together with
// the other parameters is refused, naming the constraint.
func (p *Params) Set(ctx context.Context, tx *store.Tx, name Param, value int64) error {
	if err := CheckValue(name, value); err != nil {
		return err
	}
	all, err := p.All(ctx, tx)
	if err != nil {
		return err
	}
	all[name] = value
	if err := Check(all); err != nil {
		return err
	}
	return p.write(ctx, tx, name, value)
}

// CheckValue holds one value to its parameter's limits.
func CheckValue(name Param, value int64) error {
	lim, ok := Limits[name]
	if !ok {
		return &problem.Error{Kind: problem.Invalid, Message: "unknown parameter", Fields: map[string]string{"name": string(name)}}
	}
	if value < lim[0] || value > lim[1] {
		return &problem.Error{Kind: problem.Invalid, Message: fmt.Sprintf("%s must be between %d and %d", name, lim[0], lim[1]), Fields: map[string]string{string(name): "out of range"}}
	}
	return nil
}

func (p *Params) write(ctx context.Context, tx *store.Tx, name Param, value int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		string(name), strconv.FormatInt(value, 10), store.Now())
	if err != nil {
		return fmt.Errorf("coop: set %s: %w", name, err)
	}
	return nil
}

// All returns every parameter's value, read inside q (nil for the read
// pool).
func (p *Params) All(ctx context.Context, q store.Querier) (map[Param]int64, error) {
	out := make(map[Param]int64, len(Defaults))
	for name := range Defaults {
		v, err := p.Get(ctx, q, name)
		if err != nil {
			return nil, err
		}
		out[name] = v
	}
	return out, nil
}

// SetAsSteward is a steward setting a parameter directly — the legal
// minimum pay, which only a steward sets, or any other until the members
// vote on it. Others are refused.
func (p *Params) SetAsSteward(ctx context.Context, actor member.Member, name Param, value int64) error {
	if !actor.IsSteward() {
		return problem.New(problem.Forbidden, "only stewards set the cooperative's parameters directly")
	}
	return p.db.InTx(ctx, func(tx *store.Tx) error { return p.Set(ctx, tx, name, value) })
}
