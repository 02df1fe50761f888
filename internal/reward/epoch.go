package reward

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// Epochs turn points earned into governance shares by a published rule:
// one share per coop.PointsPerShare points earned in the epoch, rounded
// down. Once the first is opened, one epoch is always open; closing it
// converts, issues the shares through the ledger, and opens the next, in
// one transaction.
//
// "Earned in the epoch" means earned and not yet counted by an earlier
// epoch: the points a member has been paid (positive postings of task.paid
// and reward.split events to their member account) minus the points their
// earlier epoch_shares rows already counted. Counting by what was counted
// rather than by a time window is deliberate. A posting carries the wall
// clock of the replica that inserted it, not of its commit, so on
// PostgreSQL a payment stamped just before the close but committed just
// after it would fall outside both windows and never count; and replicas'
// clocks differ. Counting the difference loses nothing and counts nothing
// twice, whatever the commit order. It also means that points earned before
// the first epoch opened count towards the first epoch: work done before
// the cooperative switched governance on still earns its shares.

// Epoch is one period of conversion.
type Epoch struct {
	ID        int64     `json:"id"`
	StartedAt time.Time `json:"started_at"`
	// ClosedAt is zero while the epoch is open.
	ClosedAt time.Time `json:"closed_at,omitzero"`
	// Rule is the published rule, in words: once closed, the rule that was
	// applied, which is the one in force at the close (governance may change
	// coop.PointsPerShare while an epoch is open); while open, the rule in
	// force when it opened.
	Rule string `json:"rule"`
	// Points and Shares are the epoch's totals, known once it closes.
	Points int64 `json:"points"`
	Shares int64 `json:"shares"`
}

// Open reports whether the epoch is still collecting points.
func (e Epoch) Open() bool { return e.ClosedAt.IsZero() }

// MemberEpoch is what one closed epoch meant for one member.
type MemberEpoch struct {
	Epoch  Epoch `json:"epoch"`
	Points int64 `json:"points"`
	Shares int64 `json:"shares"`
	// EventID is the shares.issued event, empty when no share was issued.
	EventID string `json:"event_id,omitempty"`
}

// Rule states the conversion rule for a points-per-share value, in the
// words stored with each epoch.
func Rule(pointsPerShare int64) string {
	return fmt.Sprintf("1 share per %d points earned in the epoch, rounded down", pointsPerShare)
}

// CloseEpoch is a steward closing the open epoch by hand, before the
// schedule does (CloseDueEpoch); anyone else is refused. It converts each
// member's points earned in the epoch into shares by the rule in force,
// issues the shares (one shares.issued event per member with at least one
// share), records what each member earned, and opens the next epoch at
// now, all in one transaction. It returns the closed epoch and true.
//
// The first call, when no epoch exists yet, only opens the first epoch and
// returns false; so does a call that finds the epoch just closed by
// another replica. Closing again at once closes an empty epoch and issues
// nothing: points are never counted twice.
func (s *Service) CloseEpoch(ctx context.Context, actor member.Member, params *coop.Params, now time.Time) (Epoch, bool, error) {
	if !actor.IsSteward() {
		return Epoch{}, false, problem.New(problem.Forbidden, "only stewards close an epoch by hand")
	}
	return s.closeEpoch(ctx, params, now, 0)
}

// CloseDueEpoch is the schedule closing the open epoch once it has lasted
// length at now, as CloseEpoch does; an epoch not yet due is left open and
// false returned. When no epoch exists yet it opens the first. It acts for
// nobody, so it needs no steward: it can only do what the published
// epoch length says will happen anyway. Whether the epoch is due is
// decided on the locked epoch, so two replicas running the schedule at
// once close it once.
func (s *Service) CloseDueEpoch(ctx context.Context, params *coop.Params, now time.Time, length time.Duration) (Epoch, bool, error) {
	if length <= 0 {
		return Epoch{}, false, fmt.Errorf("reward: an epoch length of %s", length)
	}
	return s.closeEpoch(ctx, params, now, length)
}

// closeEpoch closes the open epoch at now if it has lasted dueAfter (any
// time when dueAfter is 0).
func (s *Service) closeEpoch(ctx context.Context, params *coop.Params, now time.Time, dueAfter time.Duration) (Epoch, bool, error) {
	var closed Epoch
	var ok bool
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		pps, err := params.Get(ctx, tx, coop.PointsPerShare)
		if err != nil {
			return err
		}
		rule := Rule(pps)
		open, found, err := s.lockOpenEpoch(ctx, tx)
		if err != nil {
			return err
		}
		if !found {
			return openFirstEpoch(ctx, tx, rule, now)
		}
		if dueAfter > 0 && now.Before(open.StartedAt.Add(dueAfter)) {
			return nil
		}
		if now.Before(open.StartedAt) {
			return fmt.Errorf("reward: close epoch %d at %s, before it started at %s", open.ID, now, open.StartedAt)
		}
		due, err := uncounted(ctx, tx, 0)
		if err != nil {
			return err
		}
		closed = open
		closed.ClosedAt, closed.Rule = now, rule
		// The shares go out in one TransferAll: one ledger statement for
		// the whole cooperative rather than one per member.
		counted := make([]int64, len(due))
		shares := make([]int64, len(due))
		var issues []ledger.Event
		for i, m := range due {
			counted[i], shares[i] = convert(m.points, pps)
			if shares[i] > 0 {
				issues = append(issues, ledger.Event{
					Type:     ledger.SharesIssued,
					MemberID: m.id,
					Scope:    fmt.Sprintf("epoch:%d", open.ID),
					Postings: []ledger.Posting{{Account: SharesIssue, Amount: -shares[i]}, {Account: SharesAccount(m.publicID), Amount: shares[i]}},
					Content:  map[string]any{"epoch": open.ID, "points": counted[i], "points_per_share": pps, "rule": rule, "shares": shares[i]},
				})
			}
		}
		ids, err := s.TransferAll(ctx, tx, issues)
		if err != nil {
			return fmt.Errorf("reward: issue shares of epoch %d: %w", open.ID, err)
		}
		for i, m := range due {
			var eventID any
			if shares[i] > 0 {
				eventID, ids = ids[0], ids[1:]
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO epoch_shares (epoch_id, member_id, points, shares, event_id) VALUES ($1, $2, $3, $4, $5)`,
				open.ID, m.id, counted[i], shares[i], eventID); err != nil {
				return fmt.Errorf("reward: record epoch %d shares: %w", open.ID, err)
			}
			if closed.Points, err = points.Add(closed.Points, counted[i]); err != nil {
				return fmt.Errorf("reward: points of epoch %d: %w", open.ID, err)
			}
			if closed.Shares, err = points.Add(closed.Shares, shares[i]); err != nil {
				return fmt.Errorf("reward: shares of epoch %d: %w", open.ID, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE epochs SET closed_at = $2, rule = $3, points = $4, shares = $5 WHERE id = $1 AND closed_at IS NULL`,
			open.ID, now.UnixMilli(), rule, closed.Points, closed.Shares); err != nil {
			return fmt.Errorf("reward: close epoch %d: %w", open.ID, err)
		}
		// Epoch ids are given, not drawn from a sequence, so that the next
		// epoch's id is known and two replicas can never open two.
		if _, err := tx.ExecContext(ctx, `INSERT INTO epochs (id, started_at, rule) VALUES ($1, $2, $3)`, open.ID+1, now.UnixMilli(), rule); err != nil {
			return fmt.Errorf("reward: open epoch %d: %w", open.ID+1, err)
		}
		ok = true
		return nil
	})
	if err != nil {
		return Epoch{}, false, err
	}
	return closed, ok, nil
}

// convert applies the rule to a member's uncounted points: one share per
// pps points, rounded down, all the points counted. pps comes from
// coop.Params, whose limits keep it at least 1; a value below (a database
// edited by hand) converts nothing rather than divide by zero. No posting
// may exceed points.MaxTransfer, so a member who earned more than that many
// shares' worth in one epoch receives MaxTransfer shares and the points
// beyond them stay uncounted for the next epoch, rather than the close
// failing for the whole cooperative.
func convert(earned, pps int64) (counted, shares int64) {
	if pps < 1 || earned <= 0 {
		return 0, 0
	}
	shares = earned / pps
	if shares <= points.MaxTransfer {
		return earned, shares
	}
	return points.MaxTransfer * pps, points.MaxTransfer // ≤ earned: no overflow
}

// lockOpenEpoch returns the open epoch, locked against a concurrent close
// on PostgreSQL (SQLite's single writer already serialises closes). A
// close that waited for another one finds no open epoch: the one it
// waited for is closed, and the next was opened after its snapshot.
func (s *Service) lockOpenEpoch(ctx context.Context, tx *store.Tx) (Epoch, bool, error) {
	q := `SELECT ` + epochColumns + ` FROM epochs WHERE closed_at IS NULL ORDER BY id DESC LIMIT 1`
	if s.db.Dialect() == store.Postgres {
		q += ` FOR UPDATE`
	}
	e, err := scanEpoch(tx.QueryRowContext(ctx, q))
	if errors.Is(err, sql.ErrNoRows) {
		return Epoch{}, false, nil
	}
	if err != nil {
		return Epoch{}, false, fmt.Errorf("reward: open epoch: %w", err)
	}
	return e, true, nil
}

// openFirstEpoch opens epoch 1 unless any epoch exists. The fixed id makes
// two replicas that both find no epoch open it once.
func openFirstEpoch(ctx context.Context, tx *store.Tx, rule string, now time.Time) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM epochs`).Scan(&n); err != nil {
		return fmt.Errorf("reward: count epochs: %w", err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO epochs (id, started_at, rule) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING`, now.UnixMilli(), rule); err != nil {
		return fmt.Errorf("reward: open the first epoch: %w", err)
	}
	return nil
}

// OpenEpoch returns the epoch now collecting points, if one was opened.
func (s *Service) OpenEpoch(ctx context.Context) (Epoch, bool, error) {
	e, err := scanEpoch(s.db.Read().QueryRowContext(ctx, `SELECT `+epochColumns+` FROM epochs WHERE closed_at IS NULL ORDER BY id DESC LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return Epoch{}, false, nil
	}
	if err != nil {
		return Epoch{}, false, fmt.Errorf("reward: open epoch: %w", err)
	}
	return e, true, nil
}

// Epochs lists the epochs, newest first, with their totals.
func (s *Service) Epochs(ctx context.Context, limit int) ([]Epoch, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+epochColumns+` FROM epochs ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("reward: list epochs: %w", err)
	}
	defer rows.Close()
	var out []Epoch
	for rows.Next() {
		e, err := scanEpoch(rows)
		if err != nil {
			return nil, fmt.Errorf("reward: list epochs: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// MemberEpochs lists a page of the closed epochs, newest first, with the
// points the member earned in each and the shares they received (zero
// where they earned nothing), and the cursor (an epoch id) of the next.
func (s *Service) MemberEpochs(ctx context.Context, memberID int64, page store.Page) ([]MemberEpoch, string, error) {
	before, err := page.ID("an epoch id: the next cursor of the previous page")
	if err != nil {
		return nil, "", err
	}
	rows, err := s.db.Read().QueryContext(ctx, `
		SELECT e.id, e.started_at, e.closed_at, e.rule, e.points, e.shares,
		       COALESCE(x.points, 0), COALESCE(x.shares, 0), COALESCE(x.event_id, '')
		FROM epochs e LEFT JOIN epoch_shares x ON x.epoch_id = e.id AND x.member_id = $1
		WHERE e.closed_at IS NOT NULL AND e.id < $3 ORDER BY e.id DESC LIMIT $2`, memberID, page.Fetch(), before)
	if err != nil {
		return nil, "", fmt.Errorf("reward: epochs of member %d: %w", memberID, err)
	}
	defer rows.Close()
	var out []MemberEpoch
	for rows.Next() {
		var m MemberEpoch
		var started, closed int64
		if err := rows.Scan(&m.Epoch.ID, &started, &closed, &m.Epoch.Rule, &m.Epoch.Points, &m.Epoch.Shares, &m.Points, &m.Shares, &m.EventID); err != nil {
			return nil, "", fmt.Errorf("reward: epochs of member %d: %w", memberID, err)
		}
		m.Epoch.StartedAt, m.Epoch.ClosedAt = store.Time(started), store.Time(closed)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("reward: epochs of member %d: %w", memberID, err)
	}
	out, next := store.Cut(page, out, func(m MemberEpoch) string { return strconv.FormatInt(m.Epoch.ID, 10) })
	return out, next, nil
}

// PendingPoints returns the points a member has earned that the open
// epoch will convert when it closes.
func (s *Service) PendingPoints(ctx context.Context, memberID int64) (int64, error) {
	due, err := uncounted(ctx, s.db.Read(), memberID)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	return due[0].points, nil
}

// Shares returns a member's governance shares.
func (s *Service) Shares(ctx context.Context, memberID int64) (int64, error) {
	return SharesOf(ctx, s.db.Read(), memberID)
}

// SharesOf returns a member's governance shares as q sees them, so that a
// vote can weigh them inside its own transaction.
func SharesOf(ctx context.Context, q store.Querier, memberID int64) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, `
		SELECT COALESCE((SELECT b.balance FROM members m JOIN account_balances b ON b.account = 'shares:' || m.public_id
		WHERE m.id = $1), 0)`, memberID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("reward: shares of member %d: %w", memberID, err)
	}
	return n, nil
}

// ShareHoldings returns the shares of every member who holds any, by
// internal member id: the electorate of a vote weighed by shares.
func ShareHoldings(ctx context.Context, q store.Querier) (map[int64]int64, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT m.id, b.balance FROM members m JOIN account_balances b ON b.account = 'shares:' || m.public_id`)
	if err != nil {
		return nil, fmt.Errorf("reward: share holdings: %w", err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var id, n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("reward: share holdings: %w", err)
		}
		if n > 0 {
			out[id] = n
		}
	}
	return out, rows.Err()
}

// memberPoints is one member's points not yet counted by an epoch.
type memberPoints struct {
	id       int64
	publicID string
	points   int64
}

// uncounted returns, per member (or for one member if memberID is not
// 0), the points earned that no epoch has counted yet, in member order;
// members with none are left out.
func uncounted(ctx context.Context, q store.Querier, memberID int64) ([]memberPoints, error) {
	// earned is kept by Transfer (see earns); what the epochs counted
	// never exceeds it, so neither the sum nor the difference overflows.
	query := `
		SELECT m.id, m.public_id,
		       COALESCE((SELECT b.earned FROM account_balances b WHERE b.account = 'member:' || m.public_id), 0)
		     - COALESCE((SELECT sum(x.points) FROM epoch_shares x WHERE x.member_id = m.id), 0)
		FROM members m`
	args := []any{}
	if memberID != 0 {
		query += ` WHERE m.id = $1`
		args = append(args, memberID)
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY m.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("reward: points earned: %w", err)
	}
	defer rows.Close()
	var out []memberPoints
	for rows.Next() {
		var m memberPoints
		if err := rows.Scan(&m.id, &m.publicID, &m.points); err != nil {
			return nil, fmt.Errorf("reward: points earned: %w", err)
		}
		if m.points > 0 {
			out = append(out, m)
		}
	}
	return out, rows.Err()
}

const epochColumns = `id, started_at, closed_at, rule, points, shares`

func scanEpoch(row interface{ Scan(...any) error }) (Epoch, error) {
	var e Epoch
	var started int64
	var closed sql.NullInt64
	if err := row.Scan(&e.ID, &started, &closed, &e.Rule, &e.Points, &e.Shares); err != nil {
		return Epoch{}, err
	}
	e.StartedAt = store.Time(started)
	if closed.Valid {
		e.ClosedAt = store.Time(closed.Int64)
	}
	return e, nil
}
