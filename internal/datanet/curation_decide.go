package datanet

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// Decision is a curator's answer on a waiting record.
type Decision struct {
	Accept bool `json:"accept"`
	// Reason is required to reject (at least MinReasonChars), optional to
	// accept; the contributor reads it.
	Reason string `json:"reason"`
	// Gold marks an accepted record as a reference that later records are
	// checked against (their score's gold part).
	Gold bool `json:"gold"`
}

// Why each text is needed, said when it is too short: a rejection's
// reason, an appeal, a ruling's note.
const (
	whyRejection = "what is wrong, so that the contributor can act on it"
	whyAppeal    = "why the rejection is wrong, so that a steward can rule on it"
	whyRuling    = "what you ruled and why, so that the contributor and the curator understand it"
)

// checkReason refuses a reason a person cannot act on, naming field and,
// when it is too short, why it is needed.
func checkReason(field, text string, required bool, why string) error {
	text = strings.TrimSpace(text)
	if msg := problem.TextProblem(text); msg != "" {
		return &problem.Error{Kind: problem.Invalid, Message: "the text cannot be stored: it " + msg, Fields: map[string]string{field: msg}}
	}
	n := utf8.RuneCountInString(text)
	if required && n < MinReasonChars {
		return &problem.Error{Kind: problem.Invalid, Message: fmt.Sprintf("write at least %d characters: %s", MinReasonChars, why),
			Fields: map[string]string{field: fmt.Sprintf("%d characters, at least %d", n, MinReasonChars)}}
	}
	if n > 2000 {
		return &problem.Error{Kind: problem.Invalid, Message: "at most 2000 characters", Fields: map[string]string{field: "too long"}}
	}
	return nil
}

// pendingRow is a curated contribution as a decision reads it.
type pendingRow struct {
	id, datanetID, memberID int64
	publicID, status, state string
	curatorID, stewardID    int64
}

func (s *Service) curationTx(ctx context.Context, tx *store.Tx, publicID string) (pendingRow, error) {
	var r pendingRow
	err := tx.QueryRowContext(ctx, `SELECT c.id, c.datanet_id, COALESCE(c.member_id, 0), c.public_id, c.status, k.state, COALESCE(k.curator_id, 0), COALESCE(k.steward_id, 0)
		FROM curations k JOIN contributions c ON c.id = k.contribution_id WHERE c.public_id = $1`, publicID).
		Scan(&r.id, &r.datanetID, &r.memberID, &r.publicID, &r.status, &r.state, &r.curatorID, &r.stewardID)
	if errors.Is(err, sql.ErrNoRows) {
		return r, problem.New(problem.NotFound, "no contribution %s in a curated datanet", publicID)
	}
	return r, err
}

// move changes a curation's state from one to another, or fails with a
// conflict when another decision came first: the state in the WHERE is
// what makes a record decided, and paid, once, whichever door two
// curators came through at the same moment.
func move(ctx context.Context, tx *store.Tx, id int64, from, to string, set string, args ...any) error {
	res, err := tx.ExecContext(ctx, `UPDATE curations SET state = $2, changed_at = $4`+set+` WHERE contribution_id = $1 AND state = $3`,
		append([]any{id, to, from, store.Now()}, args...)...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return problem.New(problem.Conflict, "this record was decided a moment ago; reload to see how")
	}
	return nil
}

// Decide is a curator's decision on a waiting record: accepting it makes
// it a record of the datanet (versions, exports, models read it from
// then on) and pays its reward once, in one ledger event; rejecting it
// needs a reason, which its contributor reads and may appeal once.
// Curators do not decide on their own records.
func (s *Service) Decide(ctx context.Context, actor member.Member, publicID string, dec Decision) (Curation, error) {
	if err := checkReason("reason", dec.Reason, !dec.Accept, whyRejection); err != nil {
		return Curation{}, err
	}
	if dec.Gold && !dec.Accept {
		return Curation{}, &problem.Error{Kind: problem.Invalid, Message: "only an accepted record can be a gold record", Fields: map[string]string{"gold": "accept it, or leave gold off"}}
	}
	var d Datanet
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.curationTx(ctx, tx, publicID)
		if err != nil {
			return err
		}
		if d, err = s.ByID(ctx, r.datanetID); err != nil {
			return err
		}
		if ok, err := s.MayCurate(ctx, actor, d); err != nil {
			return err
		} else if !ok {
			return problem.New(problem.Forbidden, "only the datanet's curators decide on its records")
		}
		if r.memberID == actor.ID {
			return problem.New(problem.Forbidden, "this is your own record; another curator must decide")
		}
		if r.state != CurationPending || r.status != "pending" {
			return problem.New(problem.Conflict, "this record is %s, not waiting for a decision", r.state)
		}
		reason := strings.TrimSpace(dec.Reason)
		if !dec.Accept {
			if err := move(ctx, tx, r.id, CurationPending, CurationRejected, `, curator_id = $5, reason = $6, decided_at = $4`, actor.ID, reason); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE contributions SET status = 'rejected', reason = '' WHERE id = $1 AND status = 'pending'`, r.id)
			return err
		}
		if err := move(ctx, tx, r.id, CurationPending, CurationAccepted, `, curator_id = $5, reason = $6, gold = $7, decided_at = $4`, actor.ID, reason, flag(dec.Gold)); err != nil {
			return err
		}
		return s.accept(ctx, tx, d, r)
	})
	if err != nil {
		return Curation{}, err
	}
	if err := s.rescore(ctx, d, publicID); err != nil {
		return Curation{}, err
	}
	return s.curation(ctx, publicID)
}

// accept makes a waiting or rejected record accepted — with the
// contribution.accepted event its intake left for now — and pays it.
func (s *Service) accept(ctx context.Context, tx *store.Tx, d Datanet, r pendingRow) error {
	var dna string
	if err := tx.QueryRowContext(ctx, `SELECT dna FROM contributions WHERE id = $1`, r.id).Scan(&dna); err != nil {
		return err
	}
	eventID, err := s.ledger.Record(ctx, tx, ledger.Event{
		Type: ledger.ContributionAccepted, MemberID: r.memberID, Scope: fmt.Sprintf("datanet:%d", d.ID),
		Content: map[string]any{"contribution": r.publicID, "dna": dna},
	})
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE contributions SET status = 'accepted', reason = '', event_id = $2 WHERE id = $1 AND status IN ('pending', 'rejected')`, r.id, eventID)
	if store.IsUniqueViolation(err) {
		return problem.New(problem.Conflict, "an identical record is already in the datanet; reject this one as a duplicate")
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return problem.New(problem.Conflict, "this record was erased or decided a moment ago")
	}
	return s.pay(ctx, tx, d, r)
}

// pay pays an accepted record the datanet's reward per record from its
// creator's funding account, in one contribution.paid event, once: the
// event's id goes into the curation row, whose paid_event_id is unique and
// which is only paid while it has none.
func (s *Service) pay(ctx context.Context, tx *store.Tx, d Datanet, r pendingRow) error {
	amount := d.RewardPerRecord
	if amount <= 0 || r.memberID == 0 || d.CreatorID == 0 {
		return nil
	}
	var payer, payee string
	if err := tx.QueryRowContext(ctx, `SELECT public_id FROM members WHERE id = $1`, d.CreatorID).Scan(&payer); err != nil {
		return fmt.Errorf("pay contribution: creator: %w", err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT public_id FROM members WHERE id = $1`, r.memberID).Scan(&payee); err != nil {
		return fmt.Errorf("pay contribution: contributor: %w", err)
	}
	id, err := reward.NewService(s.db, s.ledger).Transfer(ctx, tx, ledger.Event{
		Type: ledger.ContributionPaid, MemberID: r.memberID, Scope: fmt.Sprintf("datanet:%d", d.ID),
		Postings: []ledger.Posting{{Account: reward.FundingAccount(payer), Amount: -amount}, {Account: reward.MemberAccount(payee), Amount: amount}},
		Content:  map[string]any{"contribution": r.publicID},
	})
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE curations SET paid_event_id = $2, reward = $3 WHERE contribution_id = $1 AND paid_event_id IS NULL`, r.id, id, amount)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return problem.New(problem.Conflict, "this record was paid already")
	}
	return nil
}

// Appeal is the contributor's one appeal against a rejection, with their
// reasons; a steward rules on it (Rule).
func (s *Service) Appeal(ctx context.Context, memberID int64, publicID, text string) (Curation, error) {
	if err := checkReason("text", text, true, whyAppeal); err != nil {
		return Curation{}, err
	}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.curationTx(ctx, tx, publicID)
		if err != nil {
			return err
		}
		if r.memberID != memberID || memberID == 0 {
			return problem.New(problem.NotFound, "you have no contribution %s", publicID)
		}
		if r.state != CurationRejected {
			if r.state == CurationUpheld || r.state == CurationOverturned || r.state == CurationAppealed {
				return problem.New(problem.Conflict, "a rejection can be appealed once; this one was appealed already")
			}
			return problem.New(problem.Conflict, "only a rejected record can be appealed; this one is %s", r.state)
		}
		return move(ctx, tx, r.id, CurationRejected, CurationAppealed, `, appeal = $5, appealed_at = $4`, strings.TrimSpace(text))
	})
	if err != nil {
		return Curation{}, err
	}
	return s.curation(ctx, publicID)
}

// Rule is a steward's ruling on an appeal: overturning accepts the record
// and pays it (as a curator's acceptance would); upholding keeps the
// rejection. Either is final, with a note the contributor reads. The
// steward who rejected it, and its contributor, do not rule.
func (s *Service) Rule(ctx context.Context, actor member.Member, publicID string, overturn bool, note string) (Curation, error) {
	if !actor.IsSteward() {
		return Curation{}, problem.New(problem.Forbidden, "only stewards rule on appeals")
	}
	if err := checkReason("note", note, true, whyRuling); err != nil {
		return Curation{}, err
	}
	var d Datanet
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.curationTx(ctx, tx, publicID)
		if err != nil {
			return err
		}
		if r.state != CurationAppealed || r.status != "rejected" {
			return problem.New(problem.Conflict, "there is nothing to rule on: the record is %s", r.state)
		}
		if r.curatorID == actor.ID {
			return problem.New(problem.Forbidden, "you rejected this record; another steward must rule")
		}
		if r.memberID == actor.ID {
			return problem.New(problem.Forbidden, "this is your own record; another steward must rule")
		}
		if d, err = s.ByID(ctx, r.datanetID); err != nil {
			return err
		}
		note = strings.TrimSpace(note)
		if !overturn {
			return move(ctx, tx, r.id, CurationAppealed, CurationUpheld, `, steward_id = $5, ruling = $6, ruled_at = $4`, actor.ID, note)
		}
		if err := move(ctx, tx, r.id, CurationAppealed, CurationOverturned, `, steward_id = $5, ruling = $6, ruled_at = $4`, actor.ID, note); err != nil {
			return err
		}
		return s.accept(ctx, tx, d, r)
	})
	if err != nil {
		return Curation{}, err
	}
	if err := s.rescore(ctx, d, publicID); err != nil {
		return Curation{}, err
	}
	return s.curation(ctx, publicID)
}

// Appeals lists, to a steward, the oldest appeals waiting for a ruling,
// at most limit, with the records opened, and how many wait in all.
func (s *Service) Appeals(ctx context.Context, actor member.Member, limit int) ([]Curation, int, error) {
	if !actor.IsSteward() {
		return nil, 0, problem.New(problem.Forbidden, "only stewards rule on appeals")
	}
	limit = min(max(limit, 1), MaxQueue)
	q := s.db.Read()
	var total int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM curations WHERE state = 'appealed'`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("appeals: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+curationColumns+curationFrom+` WHERE k.state = 'appealed' ORDER BY k.contribution_id LIMIT $1`, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("appeals: %w", err)
	}
	found, err := scanCurations(rows)
	if err != nil {
		return nil, 0, err
	}
	list, err := s.opened(ctx, found)
	return list, total, err
}

// curation reads one curation as its contributor sees it (no record).
func (s *Service) curation(ctx context.Context, publicID string) (Curation, error) {
	r, err := scanCuration(s.db.Read().QueryRowContext(ctx, `SELECT `+curationColumns+curationFrom+` WHERE c.public_id = $1`, publicID))
	return r.Curation, err
}

// CurationOf returns the curation of one of the member's contributions.
func (s *Service) CurationOf(ctx context.Context, memberID int64, publicID string) (Curation, error) {
	var owner int64
	err := s.db.Read().QueryRowContext(ctx, `SELECT COALESCE(member_id, 0) FROM contributions WHERE public_id = $1`, publicID).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (owner != memberID || memberID == 0)) {
		return Curation{}, problem.New(problem.NotFound, "you have no contribution %s", publicID)
	}
	if err != nil {
		return Curation{}, fmt.Errorf("curation: %w", err)
	}
	return s.curation(ctx, publicID)
}

// MaxCompared is how many of a datanet's newest accepted records (and of
// its gold records) a decision compares a record with for its score: a
// bound on the work of one decision, however large the datanet.
const MaxCompared = 200

// rescore computes a decided record's agreement with the datanet's other
// accepted records and its gold records, and stores its score.
func (s *Service) rescore(ctx context.Context, d Datanet, publicID string) error {
	var id, keyID int64
	var content []byte
	var state string
	err := s.db.Read().QueryRowContext(ctx, `SELECT c.id, COALESCE(c.key_id, 0), c.content, k.state FROM contributions c JOIN curations k ON k.contribution_id = c.id
		WHERE c.public_id = $1`, publicID).Scan(&id, &keyID, &content, &state)
	if err != nil || keyID == 0 {
		return err
	}
	rec, _, err := s.open(ctx, publicID, keyID, content, nil)
	if err != nil {
		return err
	}
	others, err := s.compared(ctx, d.ID, id, false)
	if err != nil {
		return err
	}
	golds, err := s.compared(ctx, d.ID, id, true)
	if err != nil {
		return err
	}
	var agreement, gold sql.NullFloat64
	if a, ok := Agreement(rec, others); ok {
		agreement = sql.NullFloat64{Float64: a, Valid: true}
	}
	if g, ok := Agreement(rec, golds); ok {
		gold = sql.NullFloat64{Float64: g, Valid: true}
	}
	sc := scoreOf(sql.NullFloat64{Valid: true}, agreement, gold, state)
	var value sql.NullFloat64
	if sc != nil {
		value = sql.NullFloat64{Float64: sc.Value, Valid: true}
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE curations SET score = $2, agreement = $3, gold_check = $4 WHERE contribution_id = $1`, id, value, agreement, gold)
		return err
	})
}

// compared opens the newest accepted records of a datanet but one, or
// its gold records.
func (s *Service) compared(ctx context.Context, datanetID, except int64, gold bool) ([]Record, error) {
	q := `SELECT c.public_id, c.key_id, c.content FROM contributions c WHERE c.datanet_id = $1 AND c.status = 'accepted' AND c.id <> $2
		ORDER BY c.id DESC LIMIT $3`
	if gold {
		q = `SELECT c.public_id, c.key_id, c.content FROM curations k JOIN contributions c ON c.id = k.contribution_id
			WHERE k.datanet_id = $1 AND k.gold = 1 AND c.status = 'accepted' AND c.id <> $2 ORDER BY c.id DESC LIMIT $3`
	}
	rows, err := s.db.Read().QueryContext(ctx, q, datanetID, except, MaxCompared)
	if err != nil {
		return nil, fmt.Errorf("compare: %w", err)
	}
	type sealedRow struct {
		id      string
		key     int64
		content []byte
	}
	var found []sealedRow
	for rows.Next() {
		var r sealedRow
		if err := rows.Scan(&r.id, &r.key, &r.content); err != nil {
			rows.Close()
			return nil, err
		}
		found = append(found, r)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	out := make([]Record, 0, len(found))
	for _, r := range found {
		rec, _, err := s.open(ctx, r.id, r.key, r.content, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}

// SetGold marks an accepted record of a curated datanet as a gold
// (reference) record, or no longer, for a curator of the datanet other
// than its contributor. The next version's diff lists the records whose
// mark changed.
func (s *Service) SetGold(ctx context.Context, actor member.Member, publicID string, gold bool) (Curation, error) {
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.curationTx(ctx, tx, publicID)
		if err != nil {
			return err
		}
		d, err := s.ByID(ctx, r.datanetID)
		if err != nil {
			return err
		}
		if ok, err := s.MayCurate(ctx, actor, d); err != nil {
			return err
		} else if !ok {
			return problem.New(problem.Forbidden, "only the datanet's curators mark gold records")
		}
		// Later records are scored against gold ones: as with a decision,
		// a curator does not choose their own record as the reference.
		if r.memberID == actor.ID {
			return problem.New(problem.Forbidden, "this is your own record; another curator marks it gold or not")
		}
		if r.status != "accepted" {
			return problem.New(problem.Conflict, "only an accepted record can be a gold record; this one is %s", r.state)
		}
		_, err = tx.ExecContext(ctx, `UPDATE curations SET gold = $2 WHERE contribution_id = $1`, r.id, flag(gold))
		return err
	})
	if err != nil {
		return Curation{}, err
	}
	return s.curation(ctx, publicID)
}
