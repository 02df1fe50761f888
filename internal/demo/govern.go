package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/govern"
)

// DemoTimelockHours is the demo's timelock: the shortest the rules allow,
// so that a visitor sees a passed change wait and then apply.
const DemoTimelockHours = 1

// DemoLegalMinimum is the legal minimum pay an hour the demo's steward has
// set (12.82 EUR, Germany's from 2025), below which no vote may take the
// pay floor.
const DemoLegalMinimum = 1282

// seedSafeguards shows governance's safeguards in the demo: the steward
// has set the legal minimum, a one-hour timelock, and a threshold of one
// governance share to propose alone (others need a co-signer); Rita has
// delegated her vote to Stella; and a change that passed a minute before
// the demo started — the pay for a verified recording, 2.00 to 2.50 —
// waits in its timelock, applied by the decide chore an hour later.
func seedSafeguards(ctx context.Context, a *app.App, now time.Time) error {
	stella, err := a.Members.ByEmail(ctx, Accounts[0].Email)
	if err != nil {
		return err
	}
	for _, s := range []struct {
		p coop.Param
		v int64
	}{{coop.LegalMinimumPay, DemoLegalMinimum}, {coop.TimelockHours, DemoTimelockHours}} {
		if err := a.Params.SetAsSteward(ctx, stella, s.p, s.v); err != nil {
			return fmt.Errorf("seed %s: %w", s.p, err)
		}
	}
	rita, err := a.Members.ByEmail(ctx, "rita@example.org")
	if err != nil {
		return err
	}
	if _, err := a.Govern.Delegate(ctx, rita, stella.PublicID, "", now); err != nil {
		return fmt.Errorf("seed delegation: %w", err)
	}
	decided := now.Add(-time.Minute)
	made := decided.Add(-govern.MinWindow)
	pay := int64(250)
	p, err := a.Govern.Create(ctx, stella.ID, govern.Draft{
		Title:   "Pay 2.50 for a verified recording",
		Text:    "Recordings of browser work teach the cooperative's automations. 2.00 does not cover the time a careful recording takes; 2.50 does.",
		Options: []govern.Option{{Label: "Yes, 2.50", Value: &pay}, {Label: "No, keep 2.00"}},
		Mode:    govern.PerMember, Param: coop.RecordingReward, Quorum: 0.5, ClosesAt: decided,
	}, made)
	if err != nil {
		return fmt.Errorf("seed passed proposal: %w", err)
	}
	for _, email := range []string{"stella@example.org", "grace@example.org", "linus@example.org"} {
		m, err := a.Members.ByEmail(ctx, email)
		if err != nil {
			return err
		}
		if _, err := a.Govern.Vote(ctx, m.ID, p.ID, 0, made.Add(time.Hour)); err != nil {
			return fmt.Errorf("seed vote: %w", err)
		}
	}
	if _, err := a.Govern.Decide(ctx, decided); err != nil {
		return fmt.Errorf("seed decision: %w", err)
	}
	// The threshold comes last: the proposals above were made before it.
	for _, s := range []struct {
		p coop.Param
		v int64
	}{{coop.ProposalShares, 1}, {coop.ProposalCosigners, 1}} {
		if err := a.Params.SetAsSteward(ctx, stella, s.p, s.v); err != nil {
			return fmt.Errorf("seed %s: %w", s.p, err)
		}
	}
	return nil
}
