package action

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// pay pays a verified recording from the treasury, inside tx. When the
// treasury cannot cover it, the recording stays verified and unpaid, and
// PayPending pays it once the treasury can.
func (s *Service) pay(ctx context.Context, tx *store.Tx, r *Recording) error {
	amount, err := s.params.Get(ctx, tx, coop.RecordingReward)
	if err != nil || amount == 0 {
		return err
	}
	bal, err := reward.BalanceTx(ctx, tx, reward.Treasury)
	if err != nil || bal < amount {
		return err
	}
	var pid string
	if err := tx.QueryRowContext(ctx, `SELECT public_id FROM members WHERE id = $1`, r.memberID).Scan(&pid); err != nil {
		return err
	}
	id, err := s.reward.Transfer(ctx, tx, ledger.Event{
		Type: ledger.RecordingPaid, MemberID: r.memberID, Scope: "recording:" + r.ID,
		Postings: []ledger.Posting{{Account: reward.Treasury, Amount: -amount}, {Account: reward.MemberAccount(pid), Amount: amount}},
		Content:  map[string]any{"recording": r.ID, "score": fmt.Sprintf("%.3f", r.Score)},
	})
	if err != nil {
		return err
	}
	r.Paid, r.PaidEvent = true, id
	_, err = tx.ExecContext(ctx, `UPDATE recordings SET paid_event_id = $2 WHERE id = $1`, r.rowID, id)
	return err
}

// PayPending pays verified recordings that waited for the treasury, oldest
// first, as far as it reaches. It returns how many it paid.
func (s *Service) PayPending(ctx context.Context) (int, error) {
	n := 0
	for {
		var r Recording
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			err := tx.QueryRowContext(ctx, `SELECT id, public_id, member_id, score FROM recordings
				WHERE status = 'verified' AND paid_event_id IS NULL AND member_id IS NOT NULL ORDER BY id LIMIT 1`).Scan(&r.rowID, &r.ID, &r.memberID, &r.Score)
			if err != nil {
				return err
			}
			return s.pay(ctx, tx, &r)
		})
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !r.Paid) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

const recordingColumns = `r.id, r.public_id, COALESCE(m.public_id, ''), COALESCE(r.member_id, 0), r.title, r.steps, COALESCE(r.key_id, 0), r.status, r.score, r.reasons, r.copy_of,
	r.same_person, r.paid_event_id, COALESCE(d.slug, ''), r.contribution, r.appeal, r.created_at, r.offered,
	COALESCE((SELECT a.slug FROM automations a WHERE a.recording_id = r.id AND a.status = 'published' ORDER BY a.id DESC LIMIT 1), '')`

const recordingFrom = ` FROM recordings r LEFT JOIN members m ON m.id = r.member_id LEFT JOIN datanets d ON d.id = r.datanet_id`

func scanRecording(row interface{ Scan(...any) error }) (Recording, error) {
	var r Recording
	var reasons string
	var same sql.NullFloat64
	var paid sql.NullString
	var created int64
	err := row.Scan(&r.rowID, &r.ID, &r.Member, &r.memberID, &r.Title, &r.Steps, &r.keyID, &r.Status, &r.Score, &reasons, &r.CopyOf,
		&same, &paid, &r.Datanet, &r.Contribution, &r.Appeal, &created, &r.Offered, &r.Automation)
	if err != nil {
		return Recording{}, err
	}
	_ = json.Unmarshal([]byte(reasons), &r.Reasons)
	if same.Valid {
		r.SamePerson = &same.Float64
	}
	r.Paid, r.PaidEvent = paid.Valid, paid.String
	r.CreatedAt = store.Time(created)
	return r, nil
}

func (s *Service) listRecordings(ctx context.Context, cond string, args ...any) ([]Recording, error) {
	return s.listRecordingsUpTo(ctx, 200, cond, args...)
}

// listRecordingsUpTo lists up to limit recordings matching cond, newest
// first.
func (s *Service) listRecordingsUpTo(ctx context.Context, limit int, cond string, args ...any) ([]Recording, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+recordingColumns+recordingFrom+` WHERE `+cond+` ORDER BY r.id DESC LIMIT `+fmt.Sprint(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list recordings: %w", err)
	}
	defer rows.Close()
	out := []Recording{}
	for rows.Next() {
		r, err := scanRecording(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Mine lists a page of a member's recordings, newest first, and the cursor
// (a recording id) of the next page.
func (s *Service) Mine(ctx context.Context, memberID int64, page store.Page) ([]Recording, string, error) {
	cond, args := `r.member_id = $1 AND r.status <> 'erased'`, []any{memberID}
	if page.Before != "" {
		row, err := page.Row(ctx, s.db.Read(), "not one of your recordings; use the next cursor of the previous page",
			`SELECT id FROM recordings WHERE public_id = $1 AND member_id = $2`, memberID)
		if err != nil {
			return nil, "", fmt.Errorf("list recordings: %w", err)
		}
		cond, args = cond+` AND r.id < $2`, append(args, row)
	}
	list, err := s.listRecordingsUpTo(ctx, page.Fetch(), cond, args...)
	if err != nil {
		return nil, "", err
	}
	list, next := store.Cut(page, list, func(r Recording) string { return r.ID })
	return list, next, nil
}

// AwaitingReview lists recordings a steward must decide on, to stewards
// only: it names the recorders.
func (s *Service) AwaitingReview(ctx context.Context, steward member.Member) ([]Recording, error) {
	if !steward.IsSteward() {
		return nil, problem.New(problem.Forbidden, "stewards decide on recordings")
	}
	return s.listRecordings(ctx, `r.status = 'review'`)
}

// RecordedBy reports whether m made the recording: only its recorder may
// appeal, publish or erase it.
func (r Recording) RecordedBy(m member.Member) bool { return m.ID != 0 && r.memberID == m.ID }

// Get returns a recording to its recorder or to a steward; to anyone else
// it does not exist.
func (s *Service) Get(ctx context.Context, viewer member.Member, id string) (Recording, error) {
	r, err := scanRecording(s.db.Read().QueryRowContext(ctx, `SELECT `+recordingColumns+recordingFrom+` WHERE r.public_id = $1 AND r.status <> 'erased'`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && r.memberID != viewer.ID && !viewer.IsSteward()) {
		return Recording{}, problem.New(problem.NotFound, "no recording %s", id)
	}
	return r, err
}

// Open returns a recording's steps, for its recorder or a steward.
func (s *Service) Open(ctx context.Context, viewer member.Member, id string) (Recording, recording.Recording, error) {
	r, err := s.Get(ctx, viewer, id)
	if err != nil {
		return Recording{}, recording.Recording{}, err
	}
	var sealed []byte
	if err := s.db.Read().QueryRowContext(ctx, `SELECT content FROM recordings WHERE id = $1`, r.rowID).Scan(&sealed); err != nil {
		return Recording{}, recording.Recording{}, err
	}
	rec, err := s.openSealed(ctx, r.ID, r.keyID, sealed)
	if err != nil {
		return Recording{}, recording.Recording{}, fmt.Errorf("open recording %s: %w", r.ID, err)
	}
	return r, rec, nil
}

// Appeal asks a steward to look again at a rejected recording.
func (s *Service) Appeal(ctx context.Context, m member.Member, id, reason string) (Recording, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > maxReason {
		return Recording{}, &problem.Error{Kind: problem.Invalid, Message: "say why the recording is your own work", Fields: map[string]string{"reason": fmt.Sprintf("between 1 and %d characters", maxReason)}}
	}
	if msg := problem.TextProblem(reason); msg != "" {
		return Recording{}, &problem.Error{Kind: problem.Invalid, Message: "the reason " + msg, Fields: map[string]string{"reason": msg}}
	}
	r, err := s.Get(ctx, m, id)
	if err != nil {
		return Recording{}, err
	}
	if r.memberID != m.ID {
		return Recording{}, problem.New(problem.NotFound, "no recording %s", id)
	}
	if r.Status != Rejected {
		return Recording{}, problem.New(problem.Conflict, "only a rejected recording can be appealed; this one is %s", r.Status)
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE recordings SET status = 'review', appeal = $2 WHERE id = $1 AND status = 'rejected'`, r.rowID, reason)
		return err
	})
	if err != nil {
		return Recording{}, err
	}
	return s.Get(ctx, m, id)
}

// Decide is a steward's decision on a recording under review: verified
// (and paid) or rejected, with the reason the recorder will read.
func (s *Service) Decide(ctx context.Context, steward member.Member, id string, verified bool, reason string) (Recording, error) {
	if !steward.IsSteward() {
		return Recording{}, problem.New(problem.Forbidden, "stewards decide on recordings")
	}
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > maxReason {
		return Recording{}, &problem.Error{Kind: problem.Invalid, Message: "the reason is too long", Fields: map[string]string{"reason": fmt.Sprintf("at most %d characters", maxReason)}}
	}
	if msg := problem.TextProblem(reason); msg != "" {
		return Recording{}, &problem.Error{Kind: problem.Invalid, Message: "the reason " + msg, Fields: map[string]string{"reason": msg}}
	}
	if !verified && reason == "" {
		return Recording{}, &problem.Error{Kind: problem.Invalid, Message: "a rejection needs a reason the recorder can read", Fields: map[string]string{"reason": "is required"}}
	}
	r, err := s.Get(ctx, steward, id)
	if err != nil {
		return Recording{}, err
	}
	if r.Status != Review {
		return Recording{}, problem.New(problem.Conflict, "the recording is %s, not under review", r.Status)
	}
	if r.memberID == steward.ID {
		return Recording{}, problem.New(problem.Forbidden, "another steward decides on your own recording")
	}
	status := Rejected
	if verified {
		status = Verified
	}
	reasons := r.Reasons
	if reason != "" {
		reasons = append(reasons, "Steward's decision: "+reason)
	}
	rj, _ := json.Marshal(nonNil(reasons))
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE recordings SET status = $2, reasons = $3, decided_by = $4, decided_at = $5 WHERE id = $1 AND status = 'review'`,
			r.rowID, string(status), string(rj), steward.ID, store.Now())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.New(problem.Conflict, "the recording was decided a moment ago")
		}
		if verified {
			r.Status = Verified
			return s.pay(ctx, tx, &r)
		}
		return nil
	})
	if err != nil {
		return Recording{}, err
	}
	if verified && r.Datanet != "" {
		raw, err := s.rawOf(ctx, r)
		if err == nil {
			s.contribute(ctx, &r, raw)
		}
	}
	return s.Get(ctx, steward, id)
}

func (s *Service) rawOf(ctx context.Context, r Recording) ([]byte, error) {
	var sealed []byte
	if err := s.db.Read().QueryRowContext(ctx, `SELECT content FROM recordings WHERE id = $1`, r.rowID).Scan(&sealed); err != nil {
		return nil, err
	}
	return s.openRaw(ctx, r.ID, r.keyID, sealed)
}

// Erase deletes a member's recording for good: its key is destroyed, so no
// copy of it opens again, its title, the member's appeal and the reasons
// (which may quote the title) go, and automations made from it are
// withdrawn. A contribution it became is erased through the datanet like
// any other; erasing the recording again finishes that erasure if an index
// failed to forget it.
func (s *Service) Erase(ctx context.Context, m member.Member, id string) error {
	r, err := s.Get(ctx, m, id)
	if problem.Is(err, problem.NotFound) {
		var contribution string
		if s.db.Read().QueryRowContext(ctx, `SELECT contribution FROM recordings WHERE public_id = $1 AND member_id = $2 AND status = 'erased'`,
			id, m.ID).Scan(&contribution) == nil && contribution != "" {
			return s.datanets.Erase(ctx, m.ID, contribution)
		}
	}
	if err != nil {
		return err
	}
	if r.memberID != m.ID {
		return problem.New(problem.NotFound, "no recording %s", id)
	}
	taught, err := s.taughtBy(ctx, r.rowID)
	if err != nil {
		return err
	}
	// The contribution goes first: if that fails, the recording is still
	// there and erasing it can be tried again. If only an index failed to
	// forget it, the contribution is erased: the recording goes too, and
	// the member is told to repeat the erasure, which finishes the index.
	var unfinished error
	if r.Contribution != "" {
		err := s.datanets.Erase(ctx, m.ID, r.Contribution)
		switch {
		case problem.Is(err, problem.Unavailable):
			unfinished = err
		case err != nil && !problem.Is(err, problem.NotFound):
			return err
		}
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if r.keyID != 0 {
			if err := s.vault.DestroyContentKey(ctx, tx, r.keyID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE recordings SET status = 'erased', content = NULL, key_id = NULL, title = '', appeal = '', reasons = '[]', erased_at = $2 WHERE id = $1`, r.rowID, store.Now()); err != nil {
			return err
		}
		// A chain names its first part's recording only for the join:
		// it is not made from it, and lapses with its part (composed.go)
		// rather than being withdrawn for good.
		if _, err := tx.ExecContext(ctx, `UPDATE automations SET status = 'withdrawn' WHERE recording_id = $1 AND composed = 0`, r.rowID); err != nil {
			return err
		}
		// A learned automation's program was made from every one of its
		// demonstrations (and may hold what they typed): it is withdrawn
		// and its program forgotten with the recording.
		if _, err := tx.ExecContext(ctx, `UPDATE automations SET status = 'withdrawn', program = '' WHERE id IN (SELECT automation_id FROM automation_demos WHERE recording_id = $1)`, r.rowID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM automation_demos WHERE recording_id = $1`, r.rowID)
		return err
	})
	if err != nil {
		return err
	}
	if err := s.db.Purge(ctx); err != nil {
		return err
	}
	s.relearn(ctx, taught)
	return unfinished
}
