package deps

import (
	"context"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

// EraseAll erases all of a member's data — recordings, appeal texts, then
// contributions and last the member's key, which the recordings' keys
// hang from — and returns how many contributions went. It spans three
// services, each of which erases its own; the contributions page and the
// API both call it.
// An index that failed to forget (an unavailable problem) does not stop
// the rest: what went before is committed, and repeating finishes it.
func (d Deps) EraseAll(ctx context.Context, m member.Member) (int, error) {
	_, recErr := d.Actions.EraseAll(ctx, m)
	if recErr != nil && !problem.Is(recErr, problem.Unavailable) {
		return 0, recErr
	}
	if _, err := d.Work.EraseAppeals(ctx, m.ID); err != nil {
		return 0, err
	}
	n, err := d.Datanets.EraseAll(ctx, m.ID)
	if err != nil {
		return n, err
	}
	return n, recErr
}
