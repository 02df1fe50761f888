package action

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/vault"
)

// Status is where a recording stands.
type Status string

const (
	Verified Status = "verified" // a person did it: paid (or waiting for the treasury)
	Review   Status = "review"   // a steward decides
	Rejected Status = "rejected" // with reasons; may be appealed
	Erased   Status = "erased"
)

// Recording is an uploaded recording as its recorder (or a steward) sees
// it. The steps themselves stay sealed; Open returns them.
type Recording struct {
	ID         string   `json:"id"`
	Member     string   `json:"member,omitempty"`
	Title      string   `json:"title"`
	Steps      int      `json:"steps"`
	Status     Status   `json:"status"`
	Score      float64  `json:"score"`
	Reasons    []string `json:"reasons"`
	CopyOf     string   `json:"copy_of,omitempty"`
	SamePerson *float64 `json:"same_person,omitempty"`
	Paid       bool     `json:"paid"`
	PaidEvent  string   `json:"paid_event,omitempty"`
	Datanet    string   `json:"datanet,omitempty"`
	// Contribution is the contribution the recording became in Datanet.
	Contribution string `json:"contribution,omitempty"`
	Appeal       string `json:"appeal,omitempty"`
	Automation   string `json:"automation,omitempty"`
	// Offered says its recorder lets learned automations use it as a
	// demonstration (Offer).
	Offered   bool      `json:"offered"`
	CreatedAt time.Time `json:"created_at"`

	rowID, memberID, keyID int64
}

// MaxUpload is the largest recording accepted.
const MaxUpload = recording.MaxBytes

// historySize bounds how many earlier recordings an upload is compared
// with: for copies, the latest of everyone's; for the same person, the
// recorder's own.
const (
	copyHistory   = 200
	personHistory = 20
	// minPersonHistory is how many earlier recordings the same-person
	// check needs before it may flag anything.
	minPersonHistory = 3
)

// parseProblem turns the format's per-step errors into a problem whose
// fields name each step.
func parseProblem(err error) error {
	var errs *recording.Errors
	if !errors.As(err, &errs) {
		return problem.New(problem.Invalid, "the recording cannot be read: %v", err)
	}
	f := problem.Fields{}
	for _, e := range errs.List {
		key := e.Field
		if e.Step >= 0 {
			key = fmt.Sprintf("steps[%d]", e.Step)
			if e.Field != "" {
				key += "." + e.Field
			}
		}
		if key == "" {
			key = "recording"
		}
		f.Add(key, "%s", e.Message)
	}
	return &problem.Error{Kind: problem.Invalid, Message: fmt.Sprintf("the recording has %d problem(s)", len(errs.List)), Fields: f}
}

// Upload stores a member's recording, judges it, and pays it if a person
// did it. datanetSlug, if set, names a recording datanet the member has
// agreed to: a verified recording also becomes a contribution there.
func (s *Service) Upload(ctx context.Context, m member.Member, body []byte, datanetSlug string) (Recording, error) {
	if len(body) > MaxUpload {
		return Recording{}, problem.New(problem.TooLarge, "a recording may be at most %d MB", MaxUpload>>20)
	}
	rec, err := recording.Parse(body)
	if err == nil {
		err = recording.CheckSites(rec)
	}
	if err != nil {
		return Recording{}, parseProblem(err)
	}
	if n := utf8.RuneCountInString(rec.Title); n > maxTitle {
		return Recording{}, &problem.Error{Kind: problem.Invalid, Message: "the title is too long", Fields: map[string]string{"title": fmt.Sprintf("%d characters; at most %d", n, maxTitle)}}
	}
	if msg := problem.LineProblem(rec.Title); msg != "" {
		return Recording{}, &problem.Error{Kind: problem.Invalid, Message: "the title " + msg, Fields: map[string]string{"title": msg}}
	}
	var target *datanet.Datanet
	if datanetSlug != "" {
		d, err := s.datanets.BySlug(ctx, datanetSlug)
		if err != nil {
			return Recording{}, &problem.Error{Kind: problem.Invalid, Message: "unknown datanet", Fields: map[string]string{"datanet": fmt.Sprintf("no datanet %q", datanetSlug)}}
		}
		if d.RecordKind != datanet.KindRecording {
			return Recording{}, &problem.Error{Kind: problem.Invalid, Message: "not a recording datanet", Fields: map[string]string{"datanet": d.Slug + " takes " + string(d.RecordKind) + " records"}}
		}
		st, err := s.datanets.Consent(ctx, m.ID, d)
		if err != nil {
			return Recording{}, err
		}
		if st.Status != "granted" {
			return Recording{}, problem.New(problem.Forbidden, "agree to the terms of %s before contributing recordings to it", d.Slug)
		}
		target = &d
	}
	// The checks read what is stored now; what is uploaded while they run
	// is checked again for copies below, inside the transaction.
	var seen int64
	if err := s.db.Read().QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM recordings`).Scan(&seen); err != nil {
		return Recording{}, err
	}
	j, err := s.judge(ctx, m.ID, rec)
	if err != nil {
		return Recording{}, err
	}
	r := Recording{ID: newID("r-"), Member: m.PublicID, Title: rec.Title, Steps: len(rec.Steps), Status: j.status, Score: j.score, Reasons: j.reasons,
		CopyOf: j.copyOf, SamePerson: j.samePerson, CreatedAt: time.Now().UTC(), memberID: m.ID}
	if target != nil {
		r.Datanet = target.Slug
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := s.recheckCopies(ctx, tx, rec, seen, &r); err != nil {
			return err
		}
		reasons, _ := json.Marshal(nonNil(r.Reasons))
		keyID, key, err := s.vault.NewContentKey(ctx, tx, m.ID)
		if err != nil {
			return err
		}
		sealed, err := vault.Seal(key, body, []byte(r.ID))
		if err != nil {
			return err
		}
		var datanetID sql.NullInt64
		if target != nil {
			datanetID = sql.NullInt64{Int64: target.ID, Valid: true}
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO recordings (public_id, member_id, title, steps, key_id, content, status, score, reasons, copy_of, same_person, datanet_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			r.ID, m.ID, r.Title, r.Steps, keyID, sealed, string(r.Status), r.Score, string(reasons), r.CopyOf, r.SamePerson, datanetID, r.CreatedAt.UnixMilli()).Scan(&r.rowID)
		if err != nil {
			return err
		}
		if r.Status == Verified {
			return s.pay(ctx, tx, &r)
		}
		return nil
	})
	if err != nil {
		return Recording{}, fmt.Errorf("store recording: %w", err)
	}
	if r.Status == Verified {
		s.contribute(ctx, &r, body)
	}
	return r, nil
}

// recheckCopies compares the recording with those stored after the
// checks read (id > seen), so that the same recording uploaded twice at
// once — from two accounts, say — is not paid twice. Uploads take turns
// here: SQLite has one writer, and on PostgreSQL a transaction lock
// orders them.
func (s *Service) recheckCopies(ctx context.Context, tx *store.Tx, rec recording.Recording, seen int64, r *Recording) error {
	if r.Status == Rejected {
		return nil
	}
	br, err := rec.Behavior()
	if err != nil {
		return nil // no evidence: it waits for a steward anyway
	}
	if s.db.Dialect() == store.Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, uploadLock); err != nil {
			return err
		}
	}
	newer, err := s.evidence(ctx, tx, `id > $1 AND status IN ('verified', 'review')`, []any{seen}, copyHistory)
	if err != nil || len(newer) == 0 {
		return err
	}
	prev := make([]behavior.Recording, len(newer))
	for i, e := range newer {
		prev[i] = e.behavior
	}
	if best, sim := behavior.DetectCopy(br, prev); best >= 0 && sim >= behavior.CopyThreshold {
		r.Status, r.CopyOf = Rejected, newer[best].id
		r.Reasons = append(r.Reasons, fmt.Sprintf("Its timing and pointer paths match a recording uploaded at the same time (%s) too closely for two separate sessions (similarity %.2f): it looks like a copied recording.", newer[best].id, sim))
	}
	return nil
}

// Limits on what people write: a title others see in lists, a reason a
// steward or recorder reads.
const (
	maxTitle  = 200
	maxReason = 2000
)

// uploadLock is the PostgreSQL advisory lock uploads take in turn.
const uploadLock = 0x616c6d2d7265 // "alm-re"

// judgement is what the checks found.
type judgement struct {
	status     Status
	score      float64
	reasons    []string
	copyOf     string
	samePerson *float64
}

// judge runs the three checks: a person or a script, a copy of an earlier
// recording, the same person as the member's earlier work.
func (s *Service) judge(ctx context.Context, memberID int64, rec recording.Recording) (judgement, error) {
	br, err := rec.Behavior()
	if err != nil {
		return judgement{status: Review, reasons: []string{
			"The recording carries no timing and pointer evidence (" + err.Error() + "), so it could not be checked automatically; a steward will look at it.",
		}}, nil
	}
	res := behavior.Score(br)
	j := judgement{score: res.Human, reasons: res.Reasons}
	switch res.Verdict {
	case behavior.VerdictHuman:
		j.status = Verified
	case behavior.VerdictBot:
		j.status = Rejected
	default:
		j.status = Review
	}
	earlier, err := s.evidence(ctx, s.db.Read(), `status IN ('verified', 'review')`, nil, copyHistory)
	if err != nil {
		return judgement{}, err
	}
	prev := make([]behavior.Recording, len(earlier))
	for i, e := range earlier {
		prev[i] = e.behavior
	}
	if best, sim := behavior.DetectCopy(br, prev); best >= 0 && sim >= behavior.CopyThreshold {
		j.copyOf = earlier[best].id
		j.status = Rejected
		j.reasons = append(j.reasons, fmt.Sprintf("Its timing and pointer paths match an earlier recording (%s) too closely for two separate sessions (similarity %.2f): it looks like a replayed or copied recording.", earlier[best].id, sim))
		return j, nil
	}
	own, err := s.evidence(ctx, s.db.Read(), `status = 'verified' AND member_id = $1`, []any{memberID}, personHistory)
	if err != nil {
		return judgement{}, err
	}
	if len(own) >= minPersonHistory {
		hist := make([]behavior.Recording, len(own))
		for i, e := range own {
			hist[i] = e.behavior
		}
		sp := behavior.SamePerson(br, hist)
		j.samePerson = &sp
		if sp < behavior.SamePersonThreshold && j.status == Verified {
			j.status = Review
			j.reasons = append(j.reasons, fmt.Sprintf("The rhythm of this recording differs from your earlier ones (same-person score %.2f). That happens with a new device or an injury; a steward will look before it is paid.", sp))
		}
	}
	return j, nil
}

type evidence struct {
	id       string
	behavior behavior.Recording
}

// evidence opens the behavioural evidence of recent recordings matching
// cond. Recordings whose key was destroyed are skipped.
func (s *Service) evidence(ctx context.Context, q store.Querier, cond string, args []any, limit int) ([]evidence, error) {
	rows, err := q.QueryContext(ctx, `SELECT public_id, key_id, content FROM recordings WHERE `+cond+` ORDER BY id DESC LIMIT `+fmt.Sprint(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("earlier recordings: %w", err)
	}
	type row struct {
		id      string
		keyID   int64
		content []byte
	}
	var list []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.keyID, &r.content); err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, r)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	var out []evidence
	for _, r := range list {
		rec, err := s.openSealed(ctx, r.id, r.keyID, r.content)
		if err != nil {
			continue // erased meanwhile
		}
		if b, err := rec.Behavior(); err == nil {
			out = append(out, evidence{id: r.id, behavior: b})
		}
	}
	return out, nil
}

// openSealed decrypts and parses a stored recording.
func (s *Service) openSealed(ctx context.Context, publicID string, keyID int64, sealed []byte) (recording.Recording, error) {
	raw, err := s.openRaw(ctx, publicID, keyID, sealed)
	if err != nil {
		return recording.Recording{}, err
	}
	return recording.Parse(raw)
}

func (s *Service) openRaw(ctx context.Context, publicID string, keyID int64, sealed []byte) ([]byte, error) {
	key, err := s.vault.ContentKey(ctx, s.db.Read(), keyID)
	if err != nil {
		return nil, err
	}
	return vault.Unseal(key, sealed, []byte(publicID))
}

// contribute adds a verified recording to its datanet. A refusal there (a
// duplicate, consent withdrawn meanwhile) does not undo the verification;
// it is logged and the recording simply has no contribution.
func (s *Service) contribute(ctx context.Context, r *Recording, body []byte) {
	if r.Datanet == "" {
		return
	}
	d, err := s.datanets.BySlug(ctx, r.Datanet)
	if err != nil {
		return
	}
	rec, _ := json.Marshal(map[string]json.RawMessage{"recording": body})
	sub, err := d.ParseRecords(datanet.FormatJSON, strings.NewReader(string(rec)))
	if err != nil {
		s.log.Warn("recording not contributed", "recording", r.ID, "err", err)
		return
	}
	res, err := s.datanets.Contribute(ctx, r.memberID, d.Slug, sub, datanet.IntakeOptions{})
	if err != nil || len(res.Outcomes) == 0 || res.Outcomes[0].Contribution == "" {
		s.log.Warn("recording not contributed", "recording", r.ID, "err", err)
		return
	}
	r.Contribution = res.Outcomes[0].Contribution
	_ = s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE recordings SET contribution = $2 WHERE id = $1`, r.rowID, r.Contribution)
		return err
	})
}

func newID(prefix string) string { return prefix + strings.ToLower(rand.Text()[:16]) }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
