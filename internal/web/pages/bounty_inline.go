package pages

import (
	"context"
	"net/url"

	"github.com/allmende/allmende/internal/bounty"
)

// inlineBounties is how many open bounties a datanet's, a project's, the
// work or the recordings page lists before linking to the rest.
const inlineBounties = 5

// bountyInline is the "open-bounties" partial's data.
type bountyInline struct {
	Bounties []bounty.Bounty
	More     bool
	All      string // the full, filtered list
	Fund     string // the form for one more, "" if the viewer may not fund
}

// openBounties lists the open bounties f selects for a page, with links
// to all of them and, when fund is not "", to the form.
func (p *Pages) openBounties(ctx context.Context, f bounty.Filter, fund string) (bountyInline, error) {
	list, more, err := p.Bounties.OpenNow(ctx, f, inlineBounties)
	if err != nil {
		return bountyInline{}, err
	}
	q := url.Values{}
	if f.Datanet != "" {
		q.Set("datanet", f.Datanet)
	}
	if f.Project != "" {
		q.Set("project", f.Project)
	}
	all := "/bounties"
	if len(q) > 0 {
		all += "?" + q.Encode()
	}
	return bountyInline{Bounties: list, More: more, All: all, Fund: fund}, nil
}
