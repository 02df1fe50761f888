package action

import (
	"context"
	"fmt"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

// EraseAll erases every recording of the member, as Erase does one, for
// "erase all my data". The titles and appeals they wrote go with them, and
// what they wrote in the marketplace (eraseMarketText): their reviews,
// their answers to reviews and their automations' samples — and what
// their runs ended with (eraseRunOutputs).
// What the member published as an automation is withdrawn, but the
// automation's own title and description, written for the public, stay on
// its withdrawn listing.
func (s *Service) EraseAll(ctx context.Context, m member.Member) (int, error) {
	if err := s.eraseMarketText(ctx, m.ID); err != nil {
		return 0, fmt.Errorf("erase reviews: %w", err)
	}
	if err := s.eraseRunOutputs(ctx, m.ID); err != nil {
		return 0, fmt.Errorf("erase run outputs: %w", err)
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT public_id FROM recordings WHERE member_id = $1 AND status <> 'erased' ORDER BY id`, m.ID)
	if err != nil {
		return 0, fmt.Errorf("erase recordings: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	// A recording whose contribution an index failed to forget is erased
	// all the same (see datanet.Service.Erase); the others go on.
	var unfinished error
	for i, id := range ids {
		err := s.Erase(ctx, m, id)
		if problem.Is(err, problem.Unavailable) {
			unfinished = err
			continue
		}
		if err != nil {
			return i, err
		}
	}
	if unfinished == nil {
		// The reviews' rows are gone; their text must not stay in the
		// database's log either.
		unfinished = s.db.Purge(ctx)
	}
	return len(ids), unfinished
}
