package bounty

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// Claim is one claimed unit: paid, or, under VerifyApproval, waiting for
// the funder (Request names it) until they accept it.
type Claim struct {
	Bounty    int64     `json:"bounty"`
	Unit      string    `json:"unit"`
	UnitKind  string    `json:"unit_kind"`
	Status    string    `json:"status"` // paid, waiting
	Amount    int64     `json:"amount"`
	Event     string    `json:"event,omitempty"`
	Request   int64     `json:"request,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// The states of a claim.
const (
	ClaimPaid     = "paid"
	ClaimWaiting  = "waiting"
	ClaimRejected = "rejected"
)

// unit is a unit as the table it lives in says, read in the claim's
// transaction.
type unit struct {
	owner     int64
	verified  bool
	where     int64 // the datanet or project it belongs to
	createdAt int64
}

// readUnit reads a unit of the bounty's kind by its id. A unit that is not
// there is not found; so is one of another member's, whose existence is
// theirs.
func readUnit(ctx context.Context, q store.Querier, k Kind, id string) (unit, error) {
	var u unit
	var owner sql.NullInt64
	var err error
	switch k {
	case Recordings:
		var status string
		err = q.QueryRowContext(ctx, `SELECT member_id, status, created_at FROM recordings WHERE public_id = $1`, id).Scan(&owner, &status, &u.createdAt)
		u.verified = status == "verified"
	case Records:
		var status string
		err = q.QueryRowContext(ctx, `SELECT member_id, status, datanet_id, created_at FROM contributions WHERE public_id = $1`, id).Scan(&owner, &status, &u.where, &u.createdAt)
		u.verified = status == "accepted"
	case Annotation:
		n, perr := strconv.ParseInt(id, 10, 64)
		if perr != nil || n <= 0 {
			return unit{}, problem.New(problem.NotFound, "no such task")
		}
		var status, kind string
		var submitted sql.NullInt64
		err = q.QueryRowContext(ctx, `SELECT worker_id, status, kind, project_id, submitted_at FROM assignments WHERE id = $1`, n).Scan(&owner, &status, &kind, &u.where, &submitted)
		// A task counts once its work was accepted and paid; gold and
		// qualification tasks are tests, not units of work.
		u.verified = status == "paid" && kind == "task"
		u.createdAt = submitted.Int64
	}
	if errors.Is(err, sql.ErrNoRows) {
		return unit{}, problem.New(problem.NotFound, "no such %s", k.Unit())
	}
	if err != nil {
		return unit{}, fmt.Errorf("bounty: read %s %s: %w", k.Unit(), id, err)
	}
	u.owner = owner.Int64
	return u, nil
}

// startOf is where a recording starts: its first navigation.
func startOf(rec recording.Recording) string {
	for _, st := range rec.Steps {
		if st.Type == recording.StepNavigate {
			return st.URL
		}
	}
	return ""
}

// reaches says whether a recording reaches end: a page it navigates to,
// or a navigation one of its steps waits for, is under end (as a site).
func reaches(rec recording.Recording, end string) bool {
	for _, st := range rec.Steps {
		if st.Type == recording.StepNavigate && matchesSite(end, st.URL) {
			return true
		}
		for _, ev := range st.AssertedEvents {
			if ev.Type == "navigation" && ev.URL != "" && matchesSite(end, ev.URL) {
				return true
			}
		}
	}
	return false
}

// Claim pays m the reward for one unit of their own that meets the
// bounty's terms: it exists and is m's, it was verified as the terms say,
// it belongs where the terms say and was made while the bounty was open,
// it paid no bounty before, m is within the cap per member and the escrow
// holds the reward. Under VerifyApproval the claim waits for the funder
// instead (Decide). The claim and its payment are one transaction, under
// the bounty's row lock, so two claims of one unit, or claims past the cap
// or the escrow, cannot both pass.
func (s *Service) Claim(ctx context.Context, m member.Member, bountyID int64, unitID string) (Claim, error) {
	if m.ID == 0 {
		return Claim{}, problem.New(problem.Forbidden, "sign in to claim a bounty")
	}
	if problem.LineProblem(unitID) != "" || unitID == "" || len(unitID) > 100 {
		return Claim{}, &problem.Error{Kind: problem.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"unit": "the id of one of your recordings, records or tasks"}}
	}
	b, err := s.Get(ctx, bountyID)
	if err != nil {
		return Claim{}, err
	}
	if b.Kind == Recordings {
		if err := s.checkRecording(ctx, m, b, unitID); err != nil {
			return Claim{}, err
		}
	}
	var c Claim
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		c, err = s.claim(ctx, tx, m, b.ID, unitID)
		return err
	})
	return c, err
}

// checkRecording checks where a recording starts and ends. A recording's
// steps are sealed; only its recorder (or a steward) opens them, outside
// the transaction. Whose it is, the transaction reads from the table (a
// steward may open anyone's).
func (s *Service) checkRecording(ctx context.Context, m member.Member, b Bounty, unitID string) error {
	if s.recordings == nil {
		return problem.New(problem.Unavailable, "recordings cannot be checked on this server")
	}
	_, rec, err := s.recordings.Open(ctx, m, unitID)
	if err != nil {
		if problem.Is(err, problem.NotFound) || problem.Is(err, problem.Forbidden) {
			return problem.New(problem.NotFound, "no such recording")
		}
		return err
	}
	if start := startOf(rec); !matchesSite(b.Site, start) {
		return problem.New(problem.Conflict, "the recording starts at %s, not on the bounty's site %s", start, b.Site)
	}
	if b.End != "" && !reaches(rec, b.End) {
		return problem.New(problem.Conflict, "the recording never reaches %s, where the bounty's task ends", b.End)
	}
	return nil
}

// verify checks, in q, that a unit meets the bounty's terms as the tables
// say: it is ownerID's, verified as the terms say, where the terms say and
// made while the bounty was open.
func verify(ctx context.Context, q store.Querier, b Bounty, ownerID int64, unitID string) error {
	u, err := readUnit(ctx, q, b.Kind, unitID)
	if err != nil {
		return err
	}
	if u.owner != ownerID {
		return problem.New(problem.NotFound, "no such %s", b.Kind.Unit())
	}
	switch {
	case !u.verified:
		return problem.New(problem.Conflict, "the %s is not accepted yet: %s", b.Kind.Unit(), b.Verifier)
	case b.Kind == Records && u.where != b.datanetID:
		return problem.New(problem.Conflict, "the record is not in the datanet %s", b.Datanet)
	case b.Kind == Annotation && u.where != b.projectID:
		return problem.New(problem.Conflict, "the task is not in the project %s", b.Project)
	case u.createdAt < b.CreatedAt.UnixMilli() || u.createdAt >= b.Deadline.UnixMilli():
		return problem.New(problem.Conflict, "the %s was made before the bounty opened; only work done for it counts", b.Kind.Unit())
	}
	switch b.Verify {
	case VerifyCuration:
		var state string
		var score sql.NullFloat64
		err := q.QueryRowContext(ctx, `SELECT c.state, c.score FROM curations c JOIN contributions x ON x.id = c.contribution_id WHERE x.public_id = $1`, unitID).Scan(&state, &score)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && state != "accepted" && state != "overturned") {
			return problem.New(problem.Conflict, "no curator accepted the record: this bounty pays records its curators accepted")
		}
		if err != nil {
			return fmt.Errorf("bounty: curation of %s: %w", unitID, err)
		}
		// The score is a share in [0, 1]; the terms say a percentage.
		if b.MinScore > 0 && (!score.Valid || score.Float64*100 < float64(b.MinScore)) {
			return problem.New(problem.Conflict, "the record's validation score is below the bounty's minimum of %d%%", b.MinScore)
		}
	case VerifyAgreement:
		n, _ := strconv.ParseInt(unitID, 10, 64)
		if err := agrees(ctx, q, n); err != nil {
			return err
		}
	}
	return nil
}

// claim checks one unit inside tx and pays it, or under VerifyApproval
// files it for the funder.
func (s *Service) claim(ctx context.Context, tx *store.Tx, m member.Member, bountyID int64, unitID string) (Claim, error) {
	b, err := s.lock(ctx, tx, bountyID)
	if err != nil {
		return Claim{}, err
	}
	now := s.now()
	if b.Status != "open" {
		return Claim{}, problem.New(problem.Conflict, "the bounty is closed")
	}
	if !now.Before(b.Deadline) {
		return Claim{}, problem.New(problem.Conflict, "the bounty's deadline has passed")
	}
	if err := verify(ctx, tx, b, m.ID, unitID); err != nil {
		return Claim{}, err
	}
	if b.Verify == VerifyApproval {
		return s.request(ctx, tx, b, m, unitID, now)
	}
	return s.pay(ctx, tx, b, m, unitID, now)
}

// request files a claim for the funder to decide: it counts toward the
// cap while it waits, and a unit is asked for once per bounty.
func (s *Service) request(ctx context.Context, tx *store.Tx, b Bounty, m member.Member, unitID string, now time.Time) (Claim, error) {
	var mine int64
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM bounty_claims WHERE bounty_id = $1 AND member_id = $2)
		+ (SELECT count(*) FROM bounty_requests WHERE bounty_id = $1 AND member_id = $2 AND state = 'waiting')`, b.ID, m.ID).Scan(&mine); err != nil {
		return Claim{}, fmt.Errorf("bounty: count claims: %w", err)
	}
	if mine >= b.CapPerMember {
		return Claim{}, problem.New(problem.Conflict, "you claimed %d units of this bounty, paid or waiting for its funder: its cap per member", mine)
	}
	if err := s.payable(ctx, tx, b, unitID); err != nil {
		return Claim{}, err
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO bounty_requests (bounty_id, member_id, unit_kind, unit, state, created_at) VALUES ($1, $2, $3, $4, 'waiting', $5) RETURNING id`,
		b.ID, m.ID, b.Kind.Unit(), unitID, now.UnixMilli()).Scan(&id)
	if store.IsUniqueViolation(err) {
		return Claim{}, problem.New(problem.Conflict, "you claimed this %s under this bounty before; its funder decides each claim once", b.Kind.Unit())
	}
	if err != nil {
		return Claim{}, fmt.Errorf("bounty: request: %w", err)
	}
	return Claim{Bounty: b.ID, Unit: unitID, UnitKind: b.Kind.Unit(), Status: ClaimWaiting, Amount: b.Reward, Request: id, CreatedAt: store.Time(now.UnixMilli())}, nil
}

// payable says whether the escrow holds a reward and the unit paid no
// bounty yet.
func (s *Service) payable(ctx context.Context, tx *store.Tx, b Bounty, unitID string) error {
	left, err := reward.BalanceTx(ctx, tx, EscrowAccount(b.ID))
	if err != nil {
		return err
	}
	if left < b.Reward {
		return problem.New(problem.Conflict, "the bounty's escrow holds %d (%s), less than one unit's reward of %d (%s): it is spent", left, s.money(left), b.Reward, s.money(b.Reward))
	}
	var taken int64
	err = tx.QueryRowContext(ctx, `SELECT count(*) FROM bounty_claims WHERE unit_kind = $1 AND unit = $2`, b.Kind.Unit(), unitID).Scan(&taken)
	if err != nil {
		return fmt.Errorf("bounty: claimed before: %w", err)
	}
	if taken > 0 {
		return alreadyClaimed(b.Kind)
	}
	return nil
}

// pay pays m one unit's reward from the escrow, within the cap.
func (s *Service) pay(ctx context.Context, tx *store.Tx, b Bounty, m member.Member, unitID string, now time.Time) (Claim, error) {
	var mine int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM bounty_claims WHERE bounty_id = $1 AND member_id = $2`, b.ID, m.ID).Scan(&mine); err != nil {
		return Claim{}, fmt.Errorf("bounty: count claims: %w", err)
	}
	if mine >= b.CapPerMember {
		return Claim{}, problem.New(problem.Conflict, "you were paid for %d units of this bounty, its cap per member", mine)
	}
	if err := s.payable(ctx, tx, b, unitID); err != nil {
		return Claim{}, err
	}
	ev, err := s.reward.Transfer(ctx, tx, ledger.Event{Type: ledger.BountyPaid, MemberID: m.ID, Scope: b.Scope(),
		Postings: []ledger.Posting{{Account: EscrowAccount(b.ID), Amount: -b.Reward}, {Account: reward.MemberAccount(m.PublicID), Amount: b.Reward}},
		Content:  map[string]string{"unit_kind": b.Kind.Unit(), "unit": unitID}})
	if err != nil {
		return Claim{}, err
	}
	c := Claim{Bounty: b.ID, Unit: unitID, UnitKind: b.Kind.Unit(), Status: ClaimPaid, Amount: b.Reward, Event: ev, CreatedAt: store.Time(now.UnixMilli())}
	// The unique index is the last word: a unit claimed at the same moment
	// through another bounty (another row lock) loses here.
	if _, err := tx.ExecContext(ctx, `INSERT INTO bounty_claims (bounty_id, member_id, unit_kind, unit, amount, event_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		b.ID, m.ID, c.UnitKind, unitID, b.Reward, ev, now.UnixMilli()); err != nil {
		if store.IsUniqueViolation(err) {
			return Claim{}, alreadyClaimed(b.Kind)
		}
		return Claim{}, fmt.Errorf("bounty: claim: %w", err)
	}
	return c, nil
}

func alreadyClaimed(k Kind) error {
	return problem.New(problem.Conflict, "this %s was already paid by a bounty; a unit pays once", k.Unit())
}

// lock reads a bounty in tx, its row locked on PostgreSQL until the
// transaction ends (SQLite's writers take turns already).
func (s *Service) lock(ctx context.Context, tx *store.Tx, id int64) (Bounty, error) {
	if s.db.Dialect() == store.Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT id FROM bounties WHERE id = $1 FOR UPDATE`, id); err != nil {
			return Bounty{}, fmt.Errorf("bounty: lock: %w", err)
		}
	}
	return scanBounty(tx.QueryRowContext(ctx, `SELECT `+bountyColumns+bountyFrom+` WHERE b.id = $1`, id))
}

// Claims lists m's own paid units of a bounty, newest first.
func (s *Service) Claims(ctx context.Context, m member.Member, bountyID int64) ([]Claim, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT bounty_id, unit, unit_kind, amount, event_id, created_at FROM bounty_claims
		WHERE bounty_id = $1 AND member_id = $2 ORDER BY id DESC`, bountyID, m.ID)
	if err != nil {
		return nil, fmt.Errorf("bounty: claims: %w", err)
	}
	defer rows.Close()
	var out []Claim
	for rows.Next() {
		c := Claim{Status: ClaimPaid}
		var at int64
		if err := rows.Scan(&c.Bounty, &c.Unit, &c.UnitKind, &c.Amount, &c.Event, &at); err != nil {
			return nil, fmt.Errorf("bounty: claims: %w", err)
		}
		c.CreatedAt = store.Time(at)
		out = append(out, c)
	}
	return out, rows.Err()
}
