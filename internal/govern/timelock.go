package govern

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// ChangeState is where a passed binding change stands in its timelock.
type ChangeState string

const (
	// Queued: waiting for its timelock to end; a counter-proposal may
	// still stop it.
	Queued ChangeState = "queued"
	// Applied: the parameter has the new value.
	Applied ChangeState = "applied"
	// Stopped: a counter-proposal passed against it.
	Stopped ChangeState = "stopped"
	// Void: when due, it would have broken a parameter's limits or a rule
	// no vote can change (a steward may have raised the legal minimum
	// meanwhile), so it never applied.
	Void ChangeState = "void"
)

// Change is what a passed binding proposal changes: a parameter to a
// value, not at once but when its timelock ends, so that every member
// sees it coming and may stop it with a counter-proposal.
type Change struct {
	Param     coop.Param  `json:"param"`
	Value     int64       `json:"value"`
	AppliesAt time.Time   `json:"applies_at"`
	State     ChangeState `json:"state"`
	// Previous is the value it replaced, once applied.
	Previous *int64 `json:"previous,omitempty"`
	// StoppedBy is the counter-proposal that stopped it.
	StoppedBy int64 `json:"stopped_by,omitempty"`
	// Note says why a void change never applied.
	Note      string    `json:"note,omitempty"`
	SettledAt time.Time `json:"settled_at,omitzero"`
	// HeldBy is the counter-proposal open for voting against a queued
	// change (there is at most one at a time), and HeldUntil when its
	// voting closes: past AppliesAt the change waits for that vote.
	HeldBy    int64     `json:"held_by,omitempty"`
	HeldUntil time.Time `json:"held_until,omitzero"`
}

// changeColumns are read with every proposal (LEFT JOIN queued_changes c).
const changeColumns = `COALESCE(c.param, ''), COALESCE(c.value, 0), COALESCE(c.applies_at, 0), COALESCE(c.state, ''), c.previous,
	COALESCE(c.stopped_by, 0), COALESCE(c.note, ''), c.settled_at`

type changeRow struct {
	param, state, note  string
	value, appliesAt    int64
	stoppedBy           int64
	previous, settledAt sql.NullInt64
}

func (r changeRow) change() *Change {
	if r.state == "" {
		return nil
	}
	c := &Change{Param: coop.Param(r.param), Value: r.value, AppliesAt: store.Time(r.appliesAt), State: ChangeState(r.state),
		StoppedBy: r.stoppedBy, Note: r.note}
	if r.previous.Valid {
		v := r.previous.Int64
		c.Previous = &v
	}
	if r.settledAt.Valid {
		c.SettledAt = store.Time(r.settledAt.Int64)
	}
	return c
}

// changeContent is the private half of the change.* events: the parameter
// and values, which say nothing about any member.
type changeContent struct {
	Proposal  int64      `json:"proposal"`
	Param     coop.Param `json:"param"`
	Value     int64      `json:"value"`
	AppliesAt int64      `json:"applies_at,omitempty"`
	Previous  *int64     `json:"previous,omitempty"`
	StoppedBy int64      `json:"stopped_by,omitempty"`
	Note      string     `json:"note,omitempty"`
}

// pendingValues are the parameters as they will be once every queued
// change has applied, but for the change of proposal except (0: none).
func (s *Service) pendingValues(ctx context.Context, q store.Querier, except int64) (map[coop.Param]int64, error) {
	values, err := s.params.All(ctx, q)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT param, value FROM queued_changes WHERE state = 'queued' AND proposal_id <> $1 ORDER BY applies_at, proposal_id`, except)
	if err != nil {
		return nil, fmt.Errorf("govern: queued changes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var param string
		var v int64
		if err := rows.Scan(&param, &v); err != nil {
			return nil, fmt.Errorf("govern: queued changes: %w", err)
		}
		values[coop.Param(param)] = v
	}
	return values, rows.Err()
}

// checkConstraints refuses a binding draft any of whose values would
// break a rule no vote can change, with the parameters as they will be
// once the changes already queued have applied: two changes that each
// keep the rules alone (the contributors' share up, the treasury's share
// up) may break them together. The refusal's field is the rule's name.
func (s *Service) checkConstraints(ctx context.Context, q store.Querier, d Draft, except int64) error {
	if d.Param == "" {
		return nil
	}
	values, err := s.pendingValues(ctx, q, except)
	if err != nil {
		return err
	}
	f := problem.Fields{}
	for i, o := range d.Options {
		if o.Value == nil {
			continue
		}
		with := make(map[coop.Param]int64, len(values))
		for k, v := range values {
			with[k] = v
		}
		with[d.Param] = *o.Value
		if pr, ok := problem.As(coop.Check(with)); ok {
			for name, why := range pr.Fields {
				f.Add(name, "option %d: %s", i+1, why)
			}
		}
	}
	if len(f) == 0 {
		return nil
	}
	return &problem.Error{Kind: problem.Invalid, Message: "This proposal would break a rule no vote can change.", Fields: map[string]string(f)}
}

// checkStops refuses a counter-proposal against anything but a change
// waiting in its timelock.
func (s *Service) checkStops(ctx context.Context, q store.Querier, d Draft, now time.Time) (coop.Param, error) {
	if d.Stops == 0 {
		return "", nil
	}
	var state, param string
	var applies int64
	err := q.QueryRowContext(ctx, `SELECT state, applies_at, param FROM queued_changes WHERE proposal_id = $1`+s.forUpdate(), d.Stops).Scan(&state, &applies, &param)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", &problem.Error{Kind: problem.Invalid, Message: "A counter-proposal stops a passed change that waits in its timelock.",
			Fields: map[string]string{"stops": fmt.Sprintf("proposal %d has no change waiting in a timelock", d.Stops)}}
	case err != nil:
		return "", fmt.Errorf("govern: queued change of %d: %w", d.Stops, err)
	case state != string(Queued) || !now.Before(store.Time(applies)):
		return "", &problem.Error{Kind: problem.Invalid, Message: "A counter-proposal stops a passed change that waits in its timelock.",
			Fields: map[string]string{"stops": fmt.Sprintf("the change of proposal %d is no longer waiting (%s)", d.Stops, state)}}
	}
	// One counter-proposal at a time whose vote is open: otherwise one
	// member could file them one after another and hold a passed change
	// for a season. One still waiting for co-signers holds nothing, so it
	// blocks no other: a member cannot shut others' counters out with one
	// nobody supports (each counter's vote ends by the bound below anyway).
	var open int64
	err = q.QueryRowContext(ctx, `SELECT id FROM proposals WHERE stops = $1 AND status = 'open' AND cosigners_needed = 0 ORDER BY id LIMIT 1`, d.Stops).Scan(&open)
	switch {
	case err == nil:
		return "", &problem.Error{Kind: problem.Conflict,
			Message: fmt.Sprintf("Proposal %d is already a counter-proposal against this change; vote on it instead.", open),
			Fields:  map[string]string{"stops": fmt.Sprintf("proposal %d already counters the change of proposal %d", open, d.Stops)}}
	case !errors.Is(err, sql.ErrNoRows):
		return "", fmt.Errorf("govern: counter-proposals of %d: %w", d.Stops, err)
	}
	// Its vote opens at once and ends no later than a timelock's length
	// past the change's due time, so a counter-proposal can hold a change
	// for at most one more timelock.
	f := problem.Fields{}
	if d.OpensAt.After(now) {
		f.Add("opens_at", "a counter-proposal's vote opens at once, while the change waits")
	}
	bound, err := s.counterBound(ctx, q, applies)
	if err != nil {
		return "", err
	}
	if d.ClosesAt.After(bound) {
		f.Add("closes_at", "a counter-proposal's vote must close by %s (a timelock's length after the change is due)", bound.UTC().Format("2006-01-02 15:04 UTC"))
	}
	if err := f.Err(); err != nil {
		return "", err
	}
	return coop.Param(param), nil
}

// counterBound is the latest a counter-proposal against a change due at
// applies (unix ms) may close: one timelock's length after it is due.
func (s *Service) counterBound(ctx context.Context, q store.Querier, applies int64) (time.Time, error) {
	hours, err := s.params.Get(ctx, q, coop.TimelockHours)
	if err != nil {
		return time.Time{}, err
	}
	return store.Time(applies).Add(time.Duration(hours) * time.Hour), nil
}

// holding is the SQL condition, on a proposal x and a change c, of a
// counter-proposal that holds the change at $1: its vote has opened and
// it has not been counted. One not yet open (waiting for co-signers or
// for its opening time) holds nothing.
const holding = `x.stops = c.proposal_id AND x.status = 'open' AND x.cosigners_needed = 0 AND x.opens_at <= $1`

// queue puts a passed binding proposal's change in its timelock, inside
// the decision's transaction. A change that would break a rule together
// with those already queued is rejected now, with a note, rather than
// queued to fail later.
func (s *Service) queue(ctx context.Context, tx *store.Tx, p Proposal, res *Result, now time.Time) error {
	value := *p.Options[res.Winner].Value
	if err := coop.CheckValue(p.Param, value); err != nil {
		return rejectFor(res, "the winning value is outside the parameter's limits now: ", err)
	}
	if err := s.checkConstraints(ctx, tx, Draft{Param: p.Param, Options: []Option{{Value: &value}}}, p.ID); err != nil {
		return rejectFor(res, "the winning value would break a rule no vote can change: ", err)
	}
	hours, err := s.params.Get(ctx, tx, coop.TimelockHours)
	if err != nil {
		return err
	}
	applies := now.Add(time.Duration(hours) * time.Hour).Truncate(time.Millisecond)
	eventID, err := s.ledger.Record(ctx, tx, ledger.Event{Type: ledger.ChangeQueued, Scope: scope(p.ID),
		Content: changeContent{Proposal: p.ID, Param: p.Param, Value: value, AppliesAt: applies.UnixMilli()}})
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO queued_changes (proposal_id, param, value, applies_at, state, event_id) VALUES ($1, $2, $3, $4, 'queued', $5)`,
		p.ID, string(p.Param), value, applies.UnixMilli(), eventID)
	if err != nil {
		return fmt.Errorf("govern: queue change of %d: %w", p.ID, err)
	}
	res.Param, res.AppliesAt = p.Param, applies.UTC()
	return nil
}

// rejectFor turns a passed result into a rejected one, explained, when err
// is an Invalid problem; other errors are returned.
func rejectFor(res *Result, why string, err error) error {
	pr, ok := problem.As(err)
	if !ok || pr.Kind != problem.Invalid {
		return err
	}
	res.Status = Rejected
	res.Note = why + pr.Error()
	return nil
}

// stop stops the queued change a passed counter-proposal names, inside its
// decision's transaction. A change that applied or was stopped already is
// left as it is, and the result says so.
func (s *Service) stop(ctx context.Context, tx *store.Tx, counter Proposal, res *Result, now time.Time) error {
	var c changeRow
	err := tx.QueryRowContext(ctx, `SELECT param, value, state FROM queued_changes WHERE proposal_id = $1`+s.forUpdate(), counter.Stops).Scan(&c.param, &c.value, &c.state)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("govern: change of %d: %w", counter.Stops, err)
	}
	if c.state != string(Queued) {
		res.Note = fmt.Sprintf("the change of proposal %d was no longer waiting, so there was nothing to stop", counter.Stops)
		return nil
	}
	eventID, err := s.ledger.Record(ctx, tx, ledger.Event{Type: ledger.ChangeStopped, Scope: scope(counter.Stops),
		Content: changeContent{Proposal: counter.Stops, Param: coop.Param(c.param), Value: c.value, StoppedBy: counter.ID}})
	if err != nil {
		return err
	}
	return settle(ctx, tx, counter.Stops, Stopped, nil, counter.ID, "", now, eventID)
}

// settle ends a queued change's wait, once: the state moves from queued
// only, and a second attempt (another replica, a retried chore) finds
// nothing to move and fails rather than publish twice.
func settle(ctx context.Context, tx *store.Tx, id int64, state ChangeState, previous *int64, stoppedBy int64, note string, now time.Time, eventID string) error {
	var by any
	if stoppedBy != 0 {
		by = stoppedBy
	}
	r, err := tx.ExecContext(ctx, `UPDATE queued_changes SET state = $2, previous = $3, stopped_by = $4, note = $5, settled_at = $6, event_id = $7
		WHERE proposal_id = $1 AND state = 'queued'`, id, string(state), previous, by, note, now.UnixMilli(), eventID)
	if err != nil {
		return fmt.Errorf("govern: settle change of %d: %w", id, err)
	}
	if n, err := r.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("govern: settle change of %d: %d rows changed (%v): settled twice?", id, n, err)
	}
	return nil
}

// ApplyDue applies every queued change whose timelock has ended by now,
// each in its own transaction, and returns how many it applied. A change
// is held while a counter-proposal against it is open for voting, so
// that a vote to stop it is not overtaken by the clock. Applying is
// idempotent: a change applies once, and a second call or another replica
// finds it settled and leaves it alone. A change that would now break a
// parameter's limits or a rule no vote can change becomes void.
func (s *Service) ApplyDue(ctx context.Context, now time.Time) (int, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT c.proposal_id FROM queued_changes c WHERE c.state = 'queued' AND c.applies_at <= $1
		AND NOT EXISTS (SELECT 1 FROM proposals x WHERE `+holding+`)
		ORDER BY c.applies_at, c.proposal_id`, now.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("govern: changes due: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("govern: changes due: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("govern: changes due: %w", err)
	}
	applied := 0
	var errs []error
	for _, id := range ids {
		ok, err := s.applyOne(ctx, id, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("govern: apply change of proposal %d: %w", id, err))
		}
		if ok {
			applied++
		}
	}
	return applied, errors.Join(errs...)
}

func (s *Service) applyOne(ctx context.Context, id int64, now time.Time) (bool, error) {
	applied := false
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var c changeRow
		err := tx.QueryRowContext(ctx, `SELECT param, value, state, applies_at FROM queued_changes WHERE proposal_id = $1`+s.forUpdate(), id).
			Scan(&c.param, &c.value, &c.state, &c.appliesAt)
		if err != nil {
			return fmt.Errorf("read: %w", err)
		}
		if c.state != string(Queued) || now.Before(store.Time(c.appliesAt)) {
			return nil
		}
		// Checked again under the lock: a counter-proposal may have opened
		// since the list of due changes was read.
		var counters int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM proposals x JOIN queued_changes c ON c.proposal_id = $2 WHERE `+holding, now.UnixMilli(), id).Scan(&counters); err != nil {
			return fmt.Errorf("counter-proposals: %w", err)
		}
		if counters > 0 {
			return nil
		}
		param := coop.Param(c.param)
		prev, err := s.params.Get(ctx, tx, param)
		if err != nil {
			return err
		}
		if err := s.params.Set(ctx, tx, param, c.value); err != nil {
			pr, ok := problem.As(err)
			if !ok || pr.Kind != problem.Invalid {
				return err
			}
			note := "when due it would have broken a rule: " + pr.Error()
			eventID, err := s.ledger.Record(ctx, tx, ledger.Event{Type: ledger.ChangeStopped, Scope: scope(id),
				Content: changeContent{Proposal: id, Param: param, Value: c.value, Note: note}})
			if err != nil {
				return err
			}
			return settle(ctx, tx, id, Void, nil, 0, note, now, eventID)
		}
		eventID, err := s.ledger.Record(ctx, tx, ledger.Event{Type: ledger.ChangeApplied, Scope: scope(id),
			Content: changeContent{Proposal: id, Param: param, Value: c.value, Previous: &prev}})
		if err != nil {
			return err
		}
		if err := settle(ctx, tx, id, Applied, &prev, 0, "", now, eventID); err != nil {
			return err
		}
		applied = true
		return nil
	})
	return applied, err
}

// Queue lists the changes waiting in their timelock, soonest first, with
// their proposals: what the cooperative's parameters are about to become.
func (s *Service) Queue(ctx context.Context) ([]Proposal, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+proposalColumns+proposalFrom+` WHERE c.state = 'queued' ORDER BY c.applies_at, p.id LIMIT $1`, store.MaxLimit)
	if err != nil {
		return nil, fmt.Errorf("govern: queued changes: %w", err)
	}
	defer rows.Close()
	var out []Proposal
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for i := range out {
		if err := readHold(ctx, s.db.Read(), &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// forUpdate locks the rows a query reads on PostgreSQL, so that deciding a
// counter-proposal and applying the change it names take turns; SQLite's
// single writer already makes them.
func (s *Service) forUpdate() string {
	if s.db.Dialect() == store.Postgres {
		return " FOR UPDATE"
	}
	return ""
}
