package deps

import (
	"cmp"
	"context"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

// EraseAll erases all of a member's data — recordings, appeal texts, the
// answers they gave to projects' tasks (a pairwise reason is their own
// words; the work stays paid, work.EraseAnswers), their bounty claims that
// wait for a funder or were rejected (bounty.EraseRequests), their display
// name and their API keys' names, then contributions and last the member's key, which the recordings' keys
// hang from — and returns how many contributions went. It spans three
// services, each of which erases its own; the contributions page and the
// API both call it.
// An index that failed to forget (an unavailable problem) does not stop
// the rest: what went before is committed, and repeating finishes it.
func (d Deps) EraseAll(ctx context.Context, m member.Member) (int, error) {
	var later error // the first "erase again": the rest still goes first
	if _, err := d.Actions.EraseAll(ctx, m); err != nil {
		if !problem.Is(err, problem.Unavailable) {
			return 0, err
		}
		later = err
	}
	if _, err := d.Work.EraseAppeals(ctx, m.ID); err != nil {
		if !problem.Is(err, problem.Unavailable) {
			return 0, err
		}
		later = cmp.Or(later, err)
	}
	if _, err := d.Work.EraseAnswers(ctx, m.ID); err != nil {
		return 0, err
	}
	// Bounty claims waiting for a funder, and funders' reasons for the
	// rejected ones: about the member's units.
	if _, err := d.Bounties.EraseRequests(ctx, m.ID); err != nil {
		return 0, err
	}
	// What the member named: the display name others see and their API
	// keys' names. Before the datanets, whose erasure purges the
	// database's log of the old values too.
	if err := d.Members.EraseDisplayName(ctx, m.ID); err != nil {
		return 0, err
	}
	if err := d.Models.EraseKeyNames(ctx, m.ID); err != nil {
		return 0, err
	}
	n, err := d.Datanets.EraseAll(ctx, m.ID)
	if err != nil {
		return n, err
	}
	return n, later
}
