package member

import "github.com/allmende/allmende/internal/problem"

// Own allows actor what belongs to the member with pseudonym publicID —
// their keys, earnings, shares, contributions, recordings, runs, events
// and invitations — only if that member is actor. Stewards are no
// exception: such lists put a member's history together beside their
// pseudonym, and invitation codes are bearer secrets. Anyone else gets a
// Forbidden error that says refusal.
func Own(actor Member, publicID, refusal string) error {
	if actor.PublicID == "" || publicID != actor.PublicID {
		return problem.New(problem.Forbidden, "%s", refusal)
	}
	return nil
}
