// Package govern runs the cooperative's decisions: a member proposes, the
// members vote within a window, and when the window ends the votes are
// counted, the result is published as a ledger event and — for a binding
// proposal — applied to the cooperative's parameters (package coop) in the
// same transaction.
//
// The rules, and why they are these:
//
//   - Any member may propose, not only stewards: the right of initiative
//     belongs to the members who own the cooperative. What protects the
//     cooperative from a hasty or lonely change is not a gatekeeper but
//     the rules of every vote: a window of at least MinWindow, a quorum,
//     for binding proposals a quorum of at least MinBindingQuorum, and the
//     parameter's own limits (coop.Limits), checked when the proposal is
//     made.
//   - Three ways to weigh a vote (Mode): one member one vote; by
//     governance shares held when voting; or by their square root
//     (quadratic), which lets a large holder count more, but less than in
//     proportion. In both share modes a member without shares cannot vote.
//   - Votes are secret until the result is published: the ledger shows
//     that a member voted (vote.cast, with their pseudonym) and commits to
//     the option without revealing it, and nothing — neither counts nor
//     turnout — is shown before the decision, so that nobody votes with
//     the crowd or stays away to break the quorum.
//   - A member may change their vote while voting is open; the last one
//     counts, and its event names the one it replaces.
//   - A binding proposal sets a parameter to the value of the winning
//     option; an option without a value keeps the current one (the status
//     quo), and if it wins the proposal is rejected. A change needs a clear
//     winner: when the leading options tie, nothing changes and the
//     proposal is rejected.
package govern

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// Mode says how a vote is weighed.
type Mode string

const (
	// PerMember gives every member one vote.
	PerMember Mode = "member"
	// PerShare weighs a vote by the voter's governance shares.
	PerShare Mode = "shares"
	// Quadratic weighs a vote by the square root of the voter's shares.
	Quadratic Mode = "quadratic"
)

// Valid reports whether m is one of the three modes.
func (m Mode) Valid() bool { return m == PerMember || m == PerShare || m == Quadratic }

// Status is where a proposal stands.
type Status string

const (
	Open     Status = "open"      // voting has not been counted yet
	Passed   Status = "passed"    // an option other than the status quo won
	Rejected Status = "rejected"  // the status quo won, or the leaders tied
	NoQuorum Status = "no_quorum" // too few voted for the result to count
)

// Limits on proposals.
const (
	MinOptions = 2
	MaxOptions = 10
	// MinWindow gives every member at least a day to see a proposal and
	// vote; MaxWindow keeps a decision from hanging for a season.
	MinWindow = 24 * time.Hour
	MaxWindow = 90 * 24 * time.Hour
	// MinBindingQuorum is the least quorum of a binding proposal, so that
	// a few members cannot change the cooperative's rules while the others
	// are away.
	MinBindingQuorum = 0.2

	maxTitle = 200
	maxText  = 20000
	maxLabel = 200
)

// Option is one choice of a proposal.
type Option struct {
	Label string `json:"label"`
	// Value is what a binding proposal sets its parameter to if this
	// option wins. An option of a binding proposal without a value keeps
	// the current value.
	Value *int64 `json:"value,omitempty"`
	// StatusQuo marks the option that changes nothing: if it wins, the
	// proposal is rejected. In a binding proposal it is exactly the option
	// without a value; an advisory proposal marks it, or has none.
	StatusQuo bool `json:"status_quo,omitempty"`
}

// Draft is a proposal as a member writes it.
type Draft struct {
	Title   string   `json:"title"`
	Text    string   `json:"text"`
	Options []Option `json:"options"`
	Mode    Mode     `json:"mode"`
	// Param names the cooperative parameter a binding proposal sets; empty
	// for an advisory proposal.
	Param coop.Param `json:"param,omitempty"`
	// Topic is what the proposal is about, for delegation: empty for a
	// binding proposal or a counter-proposal (theirs is the parameter they
	// set or stop), one of AdvisoryTopics for an advisory one (empty:
	// TopicOther).
	Topic Topic `json:"topic,omitempty"`
	// Quorum is the least turnout, as a fraction of the electorate's
	// weight, for the result to count: 0 < Quorum ≤ 1.
	Quorum float64 `json:"quorum"`
	// OpensAt is when voting opens; zero, or a time already past, means at
	// once (a proposal cannot open before it exists).
	OpensAt  time.Time `json:"opens_at,omitzero"`
	ClosesAt time.Time `json:"closes_at"`
	// Stops makes this a counter-proposal: the id of a passed proposal
	// whose change waits in its timelock, which this one stops if it
	// passes.
	Stops int64 `json:"stops,omitempty"`
}

// Proposal is a proposal as stored.
type Proposal struct {
	ID      int64      `json:"id"`
	Title   string     `json:"title"`
	Text    string     `json:"text"`
	Options []Option   `json:"options"`
	Mode    Mode       `json:"mode"`
	Param   coop.Param `json:"param,omitempty"`
	// Topic is what a member's delegation by topic follows: the
	// parameter a binding proposal sets or a counter-proposal stops, else
	// the advisory topic it was given.
	Topic    Topic     `json:"topic"`
	Quorum   float64   `json:"quorum"`
	OpensAt  time.Time `json:"opens_at"`
	ClosesAt time.Time `json:"closes_at"`
	Status   Status    `json:"status"`
	// Result is the published count, set when the proposal is decided.
	Result *Result `json:"result,omitempty"`
	// CreatedBy is the proposer's pseudonym.
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
	// EventID is the proposal.decided ledger event.
	EventID string `json:"event_id,omitempty"`
	// CosignersNeeded is how many more members must co-sign before voting
	// opens (0 once it is open); Cosigners are those who did, by
	// pseudonym (read by Get, not by List).
	CosignersNeeded int      `json:"cosigners_needed,omitempty"`
	Cosigners       []string `json:"cosigners,omitempty"`
	// Stops is the proposal whose queued change this counter-proposal
	// stops if it passes.
	Stops int64 `json:"stops,omitempty"`
	// Change is what a passed binding proposal changes and where that
	// change stands in its timelock.
	Change *Change `json:"change,omitempty"`
}

// Binding reports whether the proposal sets a parameter when it passes.
func (p Proposal) Binding() bool { return p.Param != "" }

// Phase is where a proposal stands at a given time, for people: before
// its window, in it, waiting to be counted, or decided.
type Phase string

const (
	Cosigning Phase = "cosigning"
	Upcoming  Phase = "upcoming"
	Voting    Phase = "voting"
	Counting  Phase = "counting"
	Decided   Phase = "decided"
)

// Phase returns the proposal's phase at now.
func (p Proposal) Phase(now time.Time) Phase {
	switch {
	case p.Status != Open:
		return Decided
	case p.CosignersNeeded > 0:
		return Cosigning
	case now.Before(p.OpensAt):
		return Upcoming
	case now.Before(p.ClosesAt):
		return Voting
	default:
		return Counting
	}
}

// Service is the cooperative's governance.
type Service struct {
	db     *store.DB
	ledger *ledger.Ledger
	params *coop.Params
}

// NewService returns the governance service.
func NewService(db *store.DB, l *ledger.Ledger, params *coop.Params) *Service {
	return &Service{db: db, ledger: l, params: params}
}

// Create stores a proposal by the member creatorID, made at now. A
// binding proposal is held to the rules no vote can break
// (coop.Constraints) against the parameters as they are with the changes
// already waiting in a timelock, so that a proposal that could never apply
// is refused now, naming the rule. A proposer who holds fewer shares than
// the cooperative's threshold (coop.ProposalShares) makes a proposal that
// waits for co-signers (coop.ProposalCosigners) before voting opens.
func (s *Service) Create(ctx context.Context, creatorID int64, d Draft, now time.Time) (Proposal, error) {
	d = normalise(d, now)
	if err := d.validate(now); err != nil {
		return Proposal{}, err
	}
	labels := make([]storedOption, len(d.Options))
	values := map[string]int64{}
	for i, o := range d.Options {
		labels[i] = storedOption{Label: o.Label, StatusQuo: o.StatusQuo}
		if o.Value != nil {
			values[strconv.Itoa(i)] = *o.Value
		}
	}
	optionsJSON, err := json.Marshal(labels)
	if err != nil {
		return Proposal{}, fmt.Errorf("govern: encode options: %w", err)
	}
	valuesJSON, err := json.Marshal(values)
	if err != nil {
		return Proposal{}, fmt.Errorf("govern: encode values: %w", err)
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := s.checkConstraints(ctx, tx, d, 0); err != nil {
			return err
		}
		if err := s.checkOpenTogether(ctx, tx, d); err != nil {
			return err
		}
		stopped, err := s.checkStops(ctx, tx, d, now)
		if err != nil {
			return err
		}
		tf := problem.Fields{}
		topic := proposalTopic(d, stopped, tf)
		if err := tf.Err(); err != nil {
			return err
		}
		needed, err := s.cosignersNeeded(ctx, tx, creatorID)
		if err != nil {
			return err
		}
		var stops any
		if d.Stops != 0 {
			stops = d.Stops
		}
		return tx.QueryRowContext(ctx, `
			INSERT INTO proposals (title, text, options, mode, param, param_values, quorum, opens_at, closes_at, status, created_by, created_at,
				cosigners_needed, window_ms, stops, topic)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
			d.Title, d.Text, string(optionsJSON), string(d.Mode), string(d.Param), string(valuesJSON), d.Quorum,
			d.OpensAt.UnixMilli(), d.ClosesAt.UnixMilli(), string(Open), creatorID, now.UnixMilli(),
			needed, d.ClosesAt.Sub(d.OpensAt).Milliseconds(), stops, string(topic)).Scan(&id)
	})
	if err != nil {
		return Proposal{}, fmt.Errorf("govern: create proposal: %w", err)
	}
	return s.Get(ctx, id)
}

// normalise trims what people type and settles the defaults, so that
// validation and storage see one form.
func normalise(d Draft, now time.Time) Draft {
	d.Title = strings.TrimSpace(d.Title)
	d.Text = strings.TrimSpace(d.Text)
	opts := make([]Option, len(d.Options))
	for i, o := range d.Options {
		o.Label = strings.TrimSpace(o.Label)
		if d.Param != "" && o.Value == nil {
			o.StatusQuo = true
		}
		opts[i] = o
	}
	d.Options = opts
	if d.OpensAt.IsZero() || d.OpensAt.Before(now) {
		d.OpensAt = now
	}
	// Stored as milliseconds: keep exactly what will be read back.
	d.OpensAt = d.OpensAt.Truncate(time.Millisecond).UTC()
	d.ClosesAt = d.ClosesAt.Truncate(time.Millisecond).UTC()
	return d
}

func (d Draft) validate(now time.Time) error {
	f := problem.Fields{}
	if n := utf8.RuneCountInString(d.Title); n < 3 || n > maxTitle {
		f.Add("title", "between 3 and %d characters", maxTitle)
	}
	f.Line("title", d.Title)
	if n := utf8.RuneCountInString(d.Text); n == 0 || n > maxText {
		f.Add("text", "say what the proposal is about, in at most %d characters", maxText)
	}
	f.Text("text", d.Text)
	if !d.Mode.Valid() {
		f.Add("mode", "one of member, shares, quadratic")
	}
	if d.Param != "" {
		if _, ok := coop.Limits[d.Param]; !ok {
			f.Add("param", "not a parameter the cooperative sets")
		} else if coop.StewardOnly[d.Param] {
			f.Add("param", "set by a steward, not by a vote: it is a fact from outside the cooperative, such as the law")
		}
	}
	if d.Stops < 0 {
		f.Add("stops", "the number of a passed proposal whose change waits in its timelock")
	}
	if d.Stops != 0 && d.Param != "" {
		f.Add("param", "a counter-proposal stops a change; it sets no parameter of its own")
	}
	switch {
	case !(d.Quorum > 0 && d.Quorum <= 1):
		f.Add("quorum", "a fraction of the electorate above 0 and at most 1")
	case (d.Param != "" || d.Stops != 0) && d.Quorum < MinBindingQuorum:
		f.Add("quorum", "a binding proposal or a counter-proposal needs a quorum of at least %g", MinBindingQuorum)
	}
	if window := d.ClosesAt.Sub(d.OpensAt); window < MinWindow || window > MaxWindow {
		f.Add("closes_at", "voting must stay open at least %d hours and at most %d days", int(MinWindow/time.Hour), int(MaxWindow/(24*time.Hour)))
	}
	if d.OpensAt.Sub(now) > MaxWindow {
		f.Add("opens_at", "voting must open within %d days", int(MaxWindow/(24*time.Hour)))
	}
	if d.Stops == 0 {
		// A counter-proposal's topic is settled by Create, which reads
		// the change it stops.
		proposalTopic(d, "", f)
	}
	validateOptions(d, f)
	return f.Err()
}

func validateOptions(d Draft, f problem.Fields) {
	if len(d.Options) < MinOptions || len(d.Options) > MaxOptions {
		f.Add("options", "between %d and %d options", MinOptions, MaxOptions)
		return
	}
	seen := map[string]bool{}
	values := map[int64]bool{}
	statusQuo, changes := 0, 0
	for i, o := range d.Options {
		n := i + 1
		key := strings.ToLower(o.Label)
		switch {
		case o.Label == "" || utf8.RuneCountInString(o.Label) > maxLabel:
			f.Add("options", "option %d needs a label of at most %d characters", n, maxLabel)
		case problem.LineProblem(o.Label) != "":
			f.Add("options", "option %d: the label %s", n, problem.LineProblem(o.Label))
		case seen[key]:
			f.Add("options", "option %d repeats the label %q", n, o.Label)
		}
		seen[key] = true
		if o.StatusQuo {
			statusQuo++
		}
		if o.Value == nil {
			continue
		}
		v := *o.Value
		switch lim, ok := coop.Limits[d.Param]; {
		case d.Param == "":
			f.Add("options", "option %d has a value, but only a binding proposal (one that names a parameter) sets one", n)
		case o.StatusQuo:
			f.Add("options", "option %d sets a value, so it cannot be the one that changes nothing", n)
		case ok && (v < lim[0] || v > lim[1]):
			f.Add("options", "option %d: %s must be between %d and %d", n, d.Param, lim[0], lim[1])
		case values[v]:
			f.Add("options", "option %d sets the same value as another option", n)
		}
		values[v] = true
		changes++
	}
	// One status-quo option at most: two would split the vote for
	// changing nothing and let a change win with fewer votes.
	if statusQuo > 1 {
		f.Add("options", "at most one option may keep things as they are")
	}
	if d.Param != "" && changes == 0 {
		f.Add("options", "a binding proposal needs at least one option that sets a value")
	}
	// Without an option that lets the change apply, a counter-proposal
	// would stop it whoever voted.
	if d.Stops != 0 && statusQuo != 1 {
		f.Add("options", "a counter-proposal needs one option that lets the change apply (mark it as the one that keeps things as they are)")
	}
}

// storedOption is an option in the proposals.options column; the values
// of a binding proposal are kept apart in param_values.
type storedOption struct {
	Label     string `json:"label"`
	StatusQuo bool   `json:"status_quo,omitempty"`
}

const proposalColumns = `p.id, p.title, p.text, p.options, p.mode, p.param, p.param_values, p.quorum, p.opens_at, p.closes_at,
	p.status, p.result, COALESCE(m.public_id, ''), p.created_at, p.decided_at, COALESCE(p.event_id, ''),
	p.cosigners_needed, COALESCE(p.stops, 0), p.topic, ` + changeColumns

const proposalFrom = ` FROM proposals p LEFT JOIN members m ON m.id = p.created_by LEFT JOIN queued_changes c ON c.proposal_id = p.id`

// Get returns a proposal.
func (s *Service) Get(ctx context.Context, id int64) (Proposal, error) {
	return getProposal(ctx, s.db.Read(), id)
}

func getProposal(ctx context.Context, q store.Querier, id int64) (Proposal, error) {
	p, err := scanProposal(q.QueryRowContext(ctx, `SELECT `+proposalColumns+proposalFrom+` WHERE p.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Proposal{}, problem.New(problem.NotFound, "no such proposal")
	}
	if err != nil {
		return Proposal{}, err
	}
	p.Cosigners, err = cosignersOf(ctx, q, id)
	if err != nil {
		return Proposal{}, err
	}
	if err := readHold(ctx, q, &p); err != nil {
		return Proposal{}, err
	}
	return p, nil
}

// readHold fills in which counter-proposal, open for voting, a queued
// change waits for, if any.
func readHold(ctx context.Context, q store.Querier, p *Proposal) error {
	if p.Change == nil || p.Change.State != Queued {
		return nil
	}
	var by, until int64
	err := q.QueryRowContext(ctx, `SELECT id, closes_at FROM proposals WHERE stops = $1 AND status = 'open' AND cosigners_needed = 0 ORDER BY id LIMIT 1`, p.ID).Scan(&by, &until)
	switch {
	case err == nil:
		p.Change.HeldBy, p.Change.HeldUntil = by, store.Time(until)
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("govern: counter-proposals of %d: %w", p.ID, err)
	}
	return nil
}

// List returns a page of proposals and the cursor (a proposal id) of the
// next. The first page holds every open proposal, closing soonest first
// (there are few: each runs for days), then the newest decided ones; the
// pages after it hold older decided ones. Decided proposals are read
// newest first along the primary key, so a page costs the same however
// many the cooperative has decided.
func (s *Service) List(ctx context.Context, page store.Page) ([]Proposal, string, error) {
	q := s.db.Read()
	var out []Proposal
	read := func(query string, args ...any) error {
		rows, err := q.QueryContext(ctx, `SELECT `+proposalColumns+proposalFrom+` WHERE `+query, args...)
		if err != nil {
			return fmt.Errorf("govern: list proposals: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanProposal(rows)
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	}
	before, err := page.ID("a proposal id: the next cursor of the previous page")
	if err != nil {
		return nil, "", err
	}
	if page.Before == "" {
		if err := read(`p.status = 'open' ORDER BY p.closes_at, p.id LIMIT $1`, store.MaxLimit); err != nil {
			return nil, "", err
		}
	}
	open := len(out)
	if err := read(`p.status <> 'open' AND p.id < $2 ORDER BY p.id DESC LIMIT $1`, page.Fetch(), before); err != nil {
		return nil, "", err
	}
	more, next := store.Cut(page, out[open:], func(p Proposal) string { return strconv.FormatInt(p.ID, 10) })
	return append(out[:open], more...), next, nil
}

func scanProposal(row interface{ Scan(...any) error }) (Proposal, error) {
	var p Proposal
	var options, values, result string
	var opens, closes, created int64
	var decided sql.NullInt64
	var c changeRow
	err := row.Scan(&p.ID, &p.Title, &p.Text, &options, &p.Mode, &p.Param, &values, &p.Quorum, &opens, &closes,
		&p.Status, &result, &p.CreatedBy, &created, &decided, &p.EventID,
		&p.CosignersNeeded, &p.Stops, &p.Topic, &c.param, &c.value, &c.appliesAt, &c.state, &c.previous, &c.stoppedBy, &c.note, &c.settledAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Proposal{}, err
	}
	if err != nil {
		return Proposal{}, fmt.Errorf("govern: read proposal: %w", err)
	}
	p.OpensAt, p.ClosesAt, p.CreatedAt = store.Time(opens), store.Time(closes), store.Time(created)
	if decided.Valid {
		p.DecidedAt = store.Time(decided.Int64)
	}
	var stored []storedOption
	if err := json.Unmarshal([]byte(options), &stored); err != nil {
		return Proposal{}, fmt.Errorf("govern: proposal %d options: %w", p.ID, err)
	}
	var byIndex map[string]int64
	if err := json.Unmarshal([]byte(values), &byIndex); err != nil {
		return Proposal{}, fmt.Errorf("govern: proposal %d values: %w", p.ID, err)
	}
	p.Options = make([]Option, len(stored))
	for i, o := range stored {
		p.Options[i] = Option{Label: o.Label, StatusQuo: o.StatusQuo}
		if v, ok := byIndex[strconv.Itoa(i)]; ok {
			p.Options[i].Value = &v
		}
	}
	p.Change = c.change()
	if p.Status != Open {
		p.Result = &Result{}
		if err := json.Unmarshal([]byte(result), p.Result); err != nil {
			return Proposal{}, fmt.Errorf("govern: proposal %d result: %w", p.ID, err)
		}
	}
	return p, nil
}
