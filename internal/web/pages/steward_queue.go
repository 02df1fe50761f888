package pages

import (
	"context"
	"fmt"
	"time"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/work"
)

// queueShown is how many of each kind of waiting decision the stewards'
// queue on the dashboard lists; the count says how many there are.
const queueShown = 5

// stewardQueue is everything waiting for a steward, on their dashboard:
// draft projects to approve, held rejections and appeals to decide,
// recordings to review and payout requests to record as paid.
type stewardQueue struct {
	Work           work.Waiting
	Recordings     []action.Recording
	RecordingCount int
	Payouts        []queueEntry
	PayoutCount    int
	// CurationAppeals are appeals against curators' rejections in curated
	// datanets, ruled on at /contributions/appeals.
	CurationAppeals     []queueEntry
	CurationAppealCount int
	Total               int
}

// queueEntry is one waiting decision of a kind the queue does not know
// the type of: what it is, a detail, where it is decided, since when.
type queueEntry struct {
	Title, Detail, Link string
	Since               time.Time
}

// stewardQueue gathers the queue from the services that decide each kind;
// each refuses anyone but a steward on its own.
func (p *Pages) stewardQueue(ctx context.Context, steward member.Member) (*stewardQueue, error) {
	w, err := p.Work.Waiting(ctx, steward, queueShown)
	if err != nil {
		return nil, err
	}
	recordings, err := p.Actions.AwaitingReview(ctx, steward)
	if err != nil {
		return nil, err
	}
	q := &stewardQueue{Work: w, RecordingCount: len(recordings), Recordings: recordings[:min(len(recordings), queueShown)]}
	if q.Payouts, q.PayoutCount, err = p.payoutRequests(ctx, steward); err != nil {
		return nil, err
	}
	appeals, n, err := p.Datanets.Appeals(ctx, steward, queueShown)
	if err != nil {
		return nil, err
	}
	for _, a := range appeals {
		q.CurationAppeals = append(q.CurationAppeals, queueEntry{Title: "Record " + a.Contribution + " in " + a.Datanet, Detail: "by " + a.Contributor,
			Link: "/contributions/appeals#appeal-" + a.Contribution, Since: a.CreatedAt})
	}
	q.CurationAppealCount = n
	q.Total = w.DraftCount + w.HeldCount + w.AppealCount + q.RecordingCount + q.PayoutCount + q.CurationAppealCount
	return q, nil
}

// payoutRequests is the queue's members' payout requests, which a
// steward records as paid on /payouts: the oldest queueShown as entries
// and how many there are.
func (p *Pages) payoutRequests(ctx context.Context, steward member.Member) ([]queueEntry, int, error) {
	n, err := p.Reward.PendingPayoutCount(ctx, steward)
	if err != nil || n == 0 {
		return nil, n, err
	}
	waiting, _, err := p.Reward.PendingPayouts(ctx, steward, store.Page{Limit: queueShown})
	if err != nil {
		return nil, 0, err
	}
	out := make([]queueEntry, len(waiting))
	for i, w := range waiting {
		out[i] = queueEntry{Title: fmt.Sprintf("Payout request %d", w.ID), Detail: p.currency().Format(w.Amount) + " to " + w.Member, Link: "/payouts", Since: w.RequestedAt}
	}
	return out, n, nil
}
