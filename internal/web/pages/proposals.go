package pages

import (
	"fmt"
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// proposalRow is one line of the proposals list.
type proposalRow struct {
	P      govern.Proposal
	Phase  govern.Phase
	Closes string
	Voted  bool
	// Outcome is the decision in words, once decided.
	Outcome string
	// Status is where the vote stands, and Changes what a binding
	// proposal sets, in words.
	Status, Changes string
}

// delegationRow is one of the member's delegations, in words.
type delegationRow struct {
	Topic, Words, Delegate, Since string
}

// topicChoice is a topic the delegation form offers.
type topicChoice struct {
	Name, Words string
	Selected    bool
}

// queuedRow is a passed change waiting in its timelock, in words.
type queuedRow struct {
	ID                int64
	Title, What, When string
	Left              string
	// Due: its time has passed and it still waits (for HeldBy's vote).
	Due    bool
	HeldBy int64
}

func (p *Pages) proposalsPage(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return p.showProposals(w, r, http.StatusOK, form{})
}

// showProposals is the proposals page: the open and decided proposals,
// the changes waiting in their timelock, the member's delegations, and the
// rules no vote can break. A refused delegation shows its problem here.
func (p *Pages) showProposals(w http.ResponseWriter, r *http.Request, status int, f form) error {
	sess := request.Session(r)
	page, err := request.Page(r, request.PageLimit)
	if err != nil {
		return err
	}
	ctx := r.Context()
	list, voted, next, err := p.Govern.Ballots(ctx, sess.Member.ID, page)
	if err != nil {
		return err
	}
	now := time.Now()
	var open, decided []proposalRow
	for _, pr := range list {
		row := proposalRow{P: pr, Phase: pr.Phase(now), Closes: moment(pr.ClosesAt), Voted: voted[pr.ID], Outcome: outcome(pr),
			Status: phaseWords[pr.Phase(now)], Changes: "nothing: advisory, on " + string(pr.Topic)}
		if pr.Binding() {
			row.Changes = paramWords(pr.Param)
		}
		if pr.Stops != 0 {
			row.Changes = fmt.Sprintf("stops proposal %d", pr.Stops)
		}
		if row.Phase == govern.Cosigning {
			row.Status = fmt.Sprintf("needs %d more co-signer%s", pr.CosignersNeeded, sOf(pr.CosignersNeeded))
			row.Closes = "—"
		}
		if row.Phase == govern.Decided {
			decided = append(decided, row)
		} else {
			open = append(open, row)
		}
	}
	queued, err := p.Govern.Queue(ctx)
	if err != nil {
		return err
	}
	var queue []queuedRow
	for _, q := range queued {
		what, err := p.changeWords(r, q.Change)
		if err != nil {
			return err
		}
		queue = append(queue, queuedRow{ID: q.ID, Title: q.Title, What: what, When: moment(q.Change.AppliesAt), Left: countdown(q.Change.AppliesAt, now),
			Due: !now.Before(q.Change.AppliesAt), HeldBy: q.Change.HeldBy})
	}
	mine, delegators, err := p.Govern.Delegations(ctx, sess.Member)
	if err != nil {
		return err
	}
	var delegations []delegationRow
	for _, d := range mine {
		name := string(d.Topic)
		if name == "" {
			name = "all"
		}
		delegations = append(delegations, delegationRow{Topic: name, Words: topicWords(d.Topic), Delegate: d.Delegate, Since: moment(d.Since)})
	}
	topics := []topicChoice{{Name: "all", Words: "every proposal", Selected: f.Value("topic") == "" || f.Value("topic") == "all"}}
	for _, t := range govern.Topics() {
		topics = append(topics, topicChoice{Name: string(t), Words: topicWords(t), Selected: f.Value("topic") == string(t)})
	}
	values, err := p.Params.All(ctx, nil)
	if err != nil {
		return err
	}
	return p.render(w, r, status, "proposals.html", "Proposals", map[string]any{"Open": open, "Decided": decided, "Pager": pagerFor(r, next),
		"Queue": queue, "Delegations": delegations, "Delegators": delegators, "Topics": topics, "Form": f,
		"Timelock": values[coop.TimelockHours], "LegalMinimum": p.money(values[coop.LegalMinimumPay]),
		"LegalMinimumValue": p.currency().Format(values[coop.LegalMinimumPay]),
		"ProposalShares":    values[coop.ProposalShares], "Cosigners": values[coop.ProposalCosigners]})
}

// changeWords says what a queued or applied change does: "the pay floor:
// 15.00 EUR per hour → 18.00 EUR per hour", from the value before it
// applied (or the current one while it waits).
func (p *Pages) changeWords(r *http.Request, c *govern.Change) (string, error) {
	from := c.Previous
	if from == nil {
		cur, err := p.Params.Get(r.Context(), nil, c.Param)
		if err != nil {
			return "", err
		}
		from = &cur
	}
	return fmt.Sprintf("%s: %s → %s", paramWords(c.Param), p.paramValue(c.Param, *from), p.paramValue(c.Param, c.Value)), nil
}

// countdown says how long until t, to the minute: "1 day 3 hours",
// "25 minutes", or "now".
func countdown(t, now time.Time) string {
	d := t.Sub(now)
	if d <= 0 {
		return "now"
	}
	days, hours, minutes := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0 && hours == 0:
		return fmt.Sprintf("%d day%s", days, sOf(days))
	case days > 0:
		return fmt.Sprintf("%d day%s %d hour%s", days, sOf(days), hours, sOf(hours))
	case hours > 0:
		return fmt.Sprintf("%d hour%s %d minute%s", hours, sOf(hours), minutes, sOf(minutes))
	case minutes > 0:
		return fmt.Sprintf("%d minute%s", minutes, sOf(minutes))
	}
	return "less than a minute"
}

func sOf[T int | int64](n T) string {
	if n == 1 {
		return ""
	}
	return "s"
}
