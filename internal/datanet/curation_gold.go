package datanet

import (
	"context"
	"fmt"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

// MaxAccepted is the most accepted records Accepted shows at once: the
// newest, which a curator most likely wants to mark as gold or unmark.
const MaxAccepted = 50

// Accepted lists, to a curator of the datanet, its newest accepted
// records (accepted by a curator, or on appeal), opened, at most limit
// (1…MaxAccepted), with their gold marks, how many are accepted in all
// and how many of them are gold. Gold records are the references later
// records are checked against (Score), so curators choose them after
// acceptance too, as they learn which records are the clearest.
func (s *Service) Accepted(ctx context.Context, actor member.Member, slug string, limit int) (list []Curation, total, gold int, err error) {
	d, err := s.BySlug(ctx, slug)
	if err != nil {
		return nil, 0, 0, err
	}
	if ok, err := s.MayCurate(ctx, actor, d); err != nil {
		return nil, 0, 0, err
	} else if !ok {
		return nil, 0, 0, problem.New(problem.Forbidden, "only the datanet's curators see its accepted records and mark gold ones")
	}
	limit = min(max(limit, 1), MaxAccepted)
	q := s.db.Read()
	// Accepted means accepted now: a record withdrawn or erased since is
	// no longer a contribution the datanet holds, and cannot be gold.
	const accepted = ` AND k.state IN ('accepted', 'overturned') AND c.status = 'accepted'`
	if err := q.QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(k.gold), 0) FROM curations k JOIN contributions c ON c.id = k.contribution_id
		WHERE k.datanet_id = $1`+accepted, d.ID).Scan(&total, &gold); err != nil {
		return nil, 0, 0, fmt.Errorf("accepted records: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+curationColumns+curationFrom+`
		WHERE k.datanet_id = $1`+accepted+` ORDER BY k.contribution_id DESC LIMIT $2`, d.ID, limit)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("accepted records: %w", err)
	}
	found, err := scanCurations(rows)
	if err != nil {
		return nil, 0, 0, err
	}
	list, err = s.opened(ctx, found)
	return list, total, gold, err
}
