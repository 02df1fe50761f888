package bounty

import (
	"context"
	"fmt"
	"strconv"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

// maxEligible bounds how many units one look lists (and one "claim all"
// pays): recordings are opened one by one to see where they start.
const maxEligible = 50

// Eligible lists the ids of m's units that meet the bounty's terms and
// paid no bounty yet, oldest first: what "claim my eligible units" would
// claim, were the cap and the escrow large enough.
func (s *Service) Eligible(ctx context.Context, m member.Member, bountyID int64) ([]string, error) {
	b, err := s.Get(ctx, bountyID)
	if err != nil {
		return nil, err
	}
	if m.ID == 0 || b.Status != "open" {
		return nil, nil
	}
	var q string
	// $5 is the bounty: a unit claimed under it before (waiting for its
	// funder, or rejected) is not offered again.
	args := []any{m.ID, b.CreatedAt.UnixMilli(), b.Deadline.UnixMilli(), b.Kind.Unit(), b.ID}
	const notAsked = ` AND NOT EXISTS (SELECT 1 FROM bounty_requests q WHERE q.bounty_id = $5 AND q.unit_kind = $4 AND q.unit = `
	switch b.Kind {
	case Recordings:
		q = `SELECT r.public_id FROM recordings r WHERE r.member_id = $1 AND r.status = 'verified' AND r.created_at >= $2 AND r.created_at < $3
			AND NOT EXISTS (SELECT 1 FROM bounty_claims c WHERE c.unit_kind = $4 AND c.unit = r.public_id)` + notAsked + `r.public_id) ORDER BY r.id`
	case Records:
		q = `SELECT x.public_id FROM contributions x WHERE x.member_id = $1 AND x.status = 'accepted' AND x.created_at >= $2 AND x.created_at < $3
			AND NOT EXISTS (SELECT 1 FROM bounty_claims c WHERE c.unit_kind = $4 AND c.unit = x.public_id) AND x.datanet_id = $6` + notAsked + `x.public_id) ORDER BY x.id`
		args = append(args, b.datanetID)
	case Annotation:
		// Unit ids of tasks are their numbers as text; compared as text,
		// so that both databases read the same query.
		q = `SELECT a.id FROM assignments a WHERE a.worker_id = $1 AND a.status = 'paid' AND a.kind = 'task' AND a.submitted_at >= $2 AND a.submitted_at < $3
			AND NOT EXISTS (SELECT 1 FROM bounty_claims c WHERE c.unit_kind = $4 AND c.unit = CAST(a.id AS TEXT)) AND a.project_id = $6` + notAsked + `CAST(a.id AS TEXT)) ORDER BY a.id`
		args = append(args, b.projectID)
	}
	rows, err := s.db.Read().QueryContext(ctx, q+fmt.Sprintf(" LIMIT %d", maxEligible), args...)
	if err != nil {
		return nil, fmt.Errorf("bounty: eligible: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if b.Kind == Annotation {
			var n int64
			err = rows.Scan(&n)
			id = strconv.FormatInt(n, 10)
		} else {
			err = rows.Scan(&id)
		}
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("bounty: eligible: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("bounty: eligible: %w", err)
	}
	if b.Kind != Recordings {
		if b.Verify == b.Kind.Verifies()[0] {
			return ids, nil
		}
		// Curation and agreement are read unit by unit, as a claim does.
		var out []string
		for _, id := range ids {
			if err := verify(ctx, s.db.Read(), b, m.ID, id); err == nil {
				out = append(out, id)
			} else if !problem.Is(err, problem.Conflict) && !problem.Is(err, problem.NotFound) {
				return nil, err
			}
		}
		return out, nil
	}
	var out []string
	for _, id := range ids {
		if s.recordings == nil {
			break
		}
		_, rec, err := s.recordings.Open(ctx, m, id)
		if err != nil {
			continue // erased meanwhile
		}
		if matchesSite(b.Site, startOf(rec)) && (b.End == "" || reaches(rec, b.End)) {
			out = append(out, id)
		}
	}
	return out, nil
}

// ClaimEligible claims each of m's eligible units in turn until the cap
// or the escrow stops it, and returns what was paid. Nothing eligible is
// a conflict that says so; a stop after some were paid is not an error.
func (s *Service) ClaimEligible(ctx context.Context, m member.Member, bountyID int64) ([]Claim, error) {
	ids, err := s.Eligible(ctx, m, bountyID)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		b, err := s.Get(ctx, bountyID)
		if err != nil {
			return nil, err
		}
		if !b.Open(s.now()) {
			return nil, problem.New(problem.Conflict, "the bounty is closed")
		}
		return nil, problem.New(problem.Conflict, "you have no %ss for this bounty that were accepted since it opened and not paid yet", b.Kind.Unit())
	}
	var out []Claim
	for _, id := range ids {
		c, err := s.Claim(ctx, m, bountyID, id)
		if err != nil {
			if len(out) > 0 && problem.Is(err, problem.Conflict) {
				break // the cap or the escrow: what was paid stays paid
			}
			return out, err
		}
		out = append(out, c)
	}
	return out, nil
}
