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
)

// Defaults apply until the cooperative decides otherwise: 15.00 an hour is
// well above what click work pays today and in line with minimum wages
// where the cooperative starts.
var Defaults = map[Param]int64{
	PayFloor:         1500,
	ContributorShare: 7000,
	TreasuryShare:    1000,
	PointsPerShare:   100,
	RecordingReward:  200,
	AuthorShare:      8000,
}

// Limits keep a parameter within what makes sense, whoever sets it.
var Limits = map[Param][2]int64{
	PayFloor:         {0, 100000},
	ContributorShare: {0, 10000},
	TreasuryShare:    {0, 10000},
	PointsPerShare:   {1, 1000000},
	RecordingReward:  {0, 100000},
	AuthorShare:      {0, 10000},
}

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
// proposal).
func (p *Params) Set(ctx context.Context, tx *store.Tx, name Param, value int64) error {
	lim, ok := Limits[name]
	if !ok {
		return &problem.Error{Kind: problem.Invalid, Message: "unknown parameter", Fields: map[string]string{"name": string(name)}}
	}
	if value < lim[0] || value > lim[1] {
		return &problem.Error{Kind: problem.Invalid, Message: fmt.Sprintf("%s must be between %d and %d", name, lim[0], lim[1]), Fields: map[string]string{string(name): "out of range"}}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		string(name), strconv.FormatInt(value, 10), store.Now())
	if err != nil {
		return fmt.Errorf("coop: set %s: %w", name, err)
	}
	return nil
}
