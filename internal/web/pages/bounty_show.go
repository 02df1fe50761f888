package pages

import (
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/bounty"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

func bountyID(r *http.Request) (int64, error) { return request.Number(r, "id", "no such bounty") }

func (p *Pages) bountyShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return p.showBounty(w, r, http.StatusOK, form{})
}

// showBounty is a bounty's page: its terms, what its escrow holds, what
// it paid, the member's own claims (paid, waiting for the funder or
// rejected) and eligible units, the claims waiting for the funder's
// decision, and the close button for its funder and stewards. A refused claim or close shows its
// problem here.
func (p *Pages) showBounty(w http.ResponseWriter, r *http.Request, status int, f form) error {
	sess := request.Session(r)
	id, err := bountyID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	b, err := p.Bounties.Get(ctx, id)
	if err != nil {
		return err
	}
	mine, err := p.Bounties.Claims(ctx, sess.Member, id)
	if err != nil {
		return err
	}
	open := b.Open(time.Now())
	var eligible []string
	if open {
		if eligible, err = p.Bounties.Eligible(ctx, sess.Member, id); err != nil {
			return err
		}
	}
	requests, err := p.Bounties.MyRequests(ctx, sess.Member, id)
	if err != nil {
		return err
	}
	// The funder decides the claims that wait for them.
	var waiting []bounty.Request
	if b.Verify == bounty.VerifyApproval && b.Status == "open" && bounty.MayDecide(sess.Member, b) {
		if waiting, err = p.Bounties.Waiting(ctx, sess.Member, id); err != nil {
			return err
		}
	}
	claimed := int64(len(mine))
	for _, q := range requests {
		if q.State == bounty.ClaimWaiting {
			claimed++ // waits, and counts toward the cap
		}
	}
	var mineTotal int64
	for _, c := range mine {
		mineTotal += c.Amount // at most the budget in all
	}
	return p.render(w, r, status, "bounty.html", b.Title, map[string]any{
		"B": b, "Kind": bountyKindWords[string(b.Kind)], "Unit": b.Kind.Unit(), "Open": open, "Deadline": moment(b.Deadline), "Created": moment(b.CreatedAt),
		"Closed": moment(b.ClosedAt), "Mine": mine, "MineTotal": mineTotal, "Eligible": eligible, "Left": b.Left,
		"Spent": b.Left < b.Reward, "Capped": claimed >= b.CapPerMember, "MayClose": b.Status == "open" && bounty.MayClose(sess.Member, b), "Funder": b.FundedBy(sess.Member),
		"Message": f.Message, "Claimed": r.URL.Query().Get("claimed"), "UnitPath": unitPaths[b.Kind],
		"Requests": requests, "Waiting": waiting, "Approval": b.Verify == bounty.VerifyApproval, "Decided": r.URL.Query().Get("decided"), "Form": f})
}

// unitPaths are where a member's own unit of each kind has its page.
var unitPaths = map[bounty.Kind]string{bounty.Recordings: "/recordings/", bounty.Records: "/my-data/", bounty.Annotation: "/tasks/"}
