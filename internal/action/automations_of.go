package action

import (
	"context"
	"fmt"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

// ownListMax bounds the automations of a member listed at once: a member
// publishes a handful; the list is for finding one's own, not for paging.
const ownListMax = 100

// AutomationsOf lists the published automations of author, listed in the
// marketplace or not (waiting for a successful test run, or withdrawn from
// the listing), newest first. Only the author and stewards may see the
// unlisted ones, so only they may ask: without this list an author whose
// automations are all unlisted finds no way to their pages.
func (s *Service) AutomationsOf(ctx context.Context, viewer member.Member, authorID int64) ([]Automation, error) {
	if viewer.ID == 0 || (viewer.ID != authorID && !viewer.IsSteward()) {
		return nil, problem.New(problem.Forbidden, "only the author and stewards see a member's unlisted automations")
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+automationColumns+automationFrom+
		` WHERE a.status = 'published' AND a.author_id = $1 ORDER BY a.id DESC LIMIT $2`, authorID, ownListMax)
	if err != nil {
		return nil, fmt.Errorf("list a member's automations: %w", err)
	}
	defer rows.Close()
	out := []Automation{}
	for rows.Next() {
		a, err := scanAutomation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list a member's automations: %w", err)
	}
	return out, nil
}
