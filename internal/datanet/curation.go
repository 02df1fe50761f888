package datanet

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// MaxRewardPerRecord bounds what a curated datanet pays per accepted
// record: the bound of a project's pay per task (points.MaxPrice).
const MaxRewardPerRecord = points.MaxPrice

// The states of a contribution to a curated datanet. Pending records are
// stored sealed with the contribution status "pending", rejected ones with
// "rejected"; only accepted (and overturned) ones are "accepted", which is
// all that versions, exports, indexes and models ever read.
const (
	CurationPending    = "pending"
	CurationAccepted   = "accepted"
	CurationRejected   = "rejected"
	CurationAppealed   = "appealed"
	CurationUpheld     = "upheld"
	CurationOverturned = "overturned"
)

// MinReasonChars is the shortest reason a rejection, an appeal or a
// ruling may give: a word or two is no reason.
const MinReasonChars = 10

// Curation is a contribution's way through a curated datanet's queue.
type Curation struct {
	Contribution string `json:"contribution"`
	Datanet      string `json:"datanet"`
	State        string `json:"state"`
	// Contributor is the contributor's pseudonym, shown to curators.
	Contributor string `json:"contributor,omitempty"`
	// Record is the (redacted) record, for curators deciding on it.
	Record    *Record    `json:"record,omitempty"`
	Reason    string     `json:"reason,omitempty"`
	Appeal    string     `json:"appeal,omitempty"`
	Ruling    string     `json:"ruling,omitempty"`
	Gold      bool       `json:"gold,omitempty"`
	Reward    int64      `json:"reward"`
	PaidEvent string     `json:"paid_event,omitempty"`
	Score     *Score     `json:"score,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
}

// CurationSettings are what a datanet's owner chooses about curation.
type CurationSettings struct {
	Curated         bool  `json:"curated"`
	RewardPerRecord int64 `json:"reward_per_record"`
	// Curators are the pseudonyms of the members who curate besides the
	// creator and the stewards; nil leaves them as they are.
	Curators []string `json:"curators"`
}

// MayOwn says whether actor may change d's settings — opening, closing,
// curation — : a steward or its creator.
func MayOwn(actor member.Member, d Datanet) bool { return mayOwn(actor, d) }

func mayOwn(actor member.Member, d Datanet) bool {
	return actor.IsSteward() || (actor.ID != 0 && actor.ID == d.CreatorID)
}

// MayCurate says whether actor curates d: its creator, the members it
// names and stewards.
func (s *Service) MayCurate(ctx context.Context, actor member.Member, d Datanet) (bool, error) {
	if mayOwn(actor, d) {
		return true, nil
	}
	var n int
	err := s.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM datanet_curators WHERE datanet_id = $1 AND member_id = $2`, d.ID, actor.ID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("curators: %w", err)
	}
	return n > 0, nil
}

// Curators lists the pseudonyms of the members d's creator named.
func (s *Service) Curators(ctx context.Context, d Datanet) ([]string, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT m.public_id FROM datanet_curators c JOIN members m ON m.id = c.member_id
		WHERE c.datanet_id = $1 ORDER BY m.public_id`, d.ID)
	if err != nil {
		return nil, fmt.Errorf("curators: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// MaxCurators is how many members a datanet may name as curators.
const MaxCurators = 50

// SetCuration changes whether d is curated, what an accepted record pays,
// and (if set) who curates, for its creator or a steward. Records already
// waiting stay in the queue when curation is turned off.
func (s *Service) SetCuration(ctx context.Context, actor member.Member, slug string, c CurationSettings) (Datanet, error) {
	d, err := s.BySlug(ctx, slug)
	if err != nil {
		return Datanet{}, err
	}
	if !mayOwn(actor, d) {
		return Datanet{}, problem.New(problem.Forbidden, "only a steward or the datanet's creator sets its curation")
	}
	f := problem.Fields{}
	if err := points.Check("reward_per_record", c.RewardPerRecord, 0, MaxRewardPerRecord); err != nil {
		f.Merge(err)
	}
	if c.RewardPerRecord > 0 && !c.Curated {
		f.Add("reward_per_record", "only a curated datanet pays on acceptance")
	}
	if len(c.Curators) > MaxCurators {
		f.Add("curators", "at most %d curators", MaxCurators)
	}
	if err := f.Err(); err != nil {
		return Datanet{}, err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE datanets SET curated = $2, reward_per_record = $3 WHERE id = $1`, d.ID, flag(c.Curated), c.RewardPerRecord); err != nil {
			return err
		}
		if c.Curators == nil {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM datanet_curators WHERE datanet_id = $1`, d.ID); err != nil {
			return err
		}
		for _, pid := range c.Curators {
			pid = strings.TrimSpace(pid)
			if pid == "" {
				continue
			}
			var id int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM members WHERE public_id = $1`, pid).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				return &problem.Error{Kind: problem.Invalid, Message: "no such member", Fields: map[string]string{"curators": fmt.Sprintf("no member %q", pid)}}
			}
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO datanet_curators (datanet_id, member_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, d.ID, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Datanet{}, err
	}
	d.Curated, d.RewardPerRecord = c.Curated, c.RewardPerRecord
	return d, nil
}

// MaxQueue is the most waiting records Queue shows at once: curators work
// from the oldest.
const MaxQueue = 50

// Queue lists, to a curator of the datanet, its oldest waiting records,
// opened, at most limit (1…MaxQueue), and how many wait in all.
func (s *Service) Queue(ctx context.Context, actor member.Member, slug string, limit int) ([]Curation, int, error) {
	d, err := s.BySlug(ctx, slug)
	if err != nil {
		return nil, 0, err
	}
	if ok, err := s.MayCurate(ctx, actor, d); err != nil {
		return nil, 0, err
	} else if !ok {
		return nil, 0, problem.New(problem.Forbidden, "only the datanet's curators see its queue")
	}
	limit = min(max(limit, 1), MaxQueue)
	q := s.db.Read()
	var total int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM curations WHERE datanet_id = $1 AND state = 'pending'`, d.ID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("queue: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+curationColumns+curationFrom+`
		WHERE k.datanet_id = $1 AND k.state = 'pending' ORDER BY k.contribution_id LIMIT $2`, d.ID, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("queue: %w", err)
	}
	found, err := scanCurations(rows)
	if err != nil {
		return nil, 0, err
	}
	list, err := s.opened(ctx, found)
	return list, total, err
}

const curationColumns = `c.public_id, d.slug, k.state, COALESCE(m.public_id, ''), k.reason, k.appeal, k.ruling, k.gold, k.reward,
	COALESCE(k.paid_event_id, ''), k.score, k.agreement, k.gold_check, k.created_at, k.decided_at, COALESCE(c.key_id, 0), c.content`

const curationFrom = ` FROM curations k JOIN contributions c ON c.id = k.contribution_id JOIN datanets d ON d.id = k.datanet_id
	LEFT JOIN members m ON m.id = c.member_id`

// curationRow is a Curation with what opening it needs.
type curationRow struct {
	Curation
	keyID   int64
	content []byte
}

func scanCurations(rows *sql.Rows) ([]curationRow, error) {
	defer rows.Close()
	var out []curationRow
	for rows.Next() {
		r, err := scanCuration(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func scanCuration(row interface{ Scan(...any) error }) (curationRow, error) {
	var r curationRow
	var gold int64
	var score, agreement, goldCheck sql.NullFloat64
	var created int64
	var decided sql.NullInt64
	err := row.Scan(&r.Contribution, &r.Datanet, &r.State, &r.Contributor, &r.Reason, &r.Appeal, &r.Ruling, &gold, &r.Reward,
		&r.PaidEvent, &score, &agreement, &goldCheck, &created, &decided, &r.keyID, &r.content)
	if errors.Is(err, sql.ErrNoRows) {
		return r, problem.New(problem.NotFound, "no such contribution waiting for curation")
	}
	if err != nil {
		return r, fmt.Errorf("curation: %w", err)
	}
	r.Gold = gold != 0
	r.CreatedAt = store.Time(created)
	if decided.Valid {
		t := store.Time(decided.Int64)
		r.DecidedAt = &t
	}
	r.Score = scoreOf(score, agreement, goldCheck, r.State)
	return r, nil
}

// scoreOf rebuilds a stored score.
func scoreOf(score, agreement, gold sql.NullFloat64, state string) *Score {
	if !score.Valid {
		return nil
	}
	var decision *float64
	switch state {
	case CurationAccepted, CurationOverturned:
		decision = ptr(1.0)
	case CurationRejected, CurationAppealed, CurationUpheld:
		decision = ptr(0.0)
	}
	var a, g *float64
	if agreement.Valid {
		a = ptr(agreement.Float64)
	}
	if gold.Valid {
		g = ptr(gold.Float64)
	}
	return newScore(decision, a, g)
}

func ptr[T any](v T) *T { return &v }

// opened opens the sealed records of curation rows (an erased one has
// none) and returns them as curators see them.
func (s *Service) opened(ctx context.Context, rows []curationRow) ([]Curation, error) {
	out := make([]Curation, len(rows))
	for i, r := range rows {
		out[i] = r.Curation
		if r.keyID == 0 {
			continue
		}
		rec, _, err := s.open(ctx, r.Contribution, r.keyID, r.content, nil)
		if err != nil {
			return nil, fmt.Errorf("curation %s: %w", r.Contribution, err)
		}
		out[i].Record = &rec
	}
	return out, nil
}

// Waiting counts the records of d waiting for a curator, along the
// partial index of the queue.
func (s *Service) Waiting(ctx context.Context, d Datanet) (int, error) {
	var n int
	if err := s.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM curations WHERE datanet_id = $1 AND state = 'pending'`, d.ID).Scan(&n); err != nil {
		return 0, fmt.Errorf("waiting: %w", err)
	}
	return n, nil
}
