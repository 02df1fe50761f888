package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/bounty"
	"github.com/allmende/allmende/internal/member"
)

// BountyTitle is the title of the demo's open bounty.
const BountyTitle = "Recordings of the parcel tracker"

// CuratedBountyTitle is the title of the demo's bounty for curated records.
const CuratedBountyTitle = "Checked answers on rental deposits"

// parcelBounty is a bounty of Rita's for recordings of the practice task
// (the parcel tracker at /practice/parcel): 1.50 a verified recording,
// two per member, 30.00 in its escrow, for four weeks.
func parcelBounty() bounty.Terms {
	return bounty.Terms{
		Kind:  bounty.Recordings,
		Title: BountyTitle,
		Terms: "Record yourself tracking a parcel on the practice tracker: open /practice/parcel, type a parcel number and a postcode, press Track and wait for the status. " +
			"A recording counts once it is verified; recordings made before the bounty opened do not.",
		Site: "/practice/parcel", Reward: 150, CapPerMember: 2, Budget: 3000,
		Deadline: time.Now().Add(28 * 24 * time.Hour),
	}
}

// curatedBounty is a second bounty of Rita's, for records of the curated
// datanet that a curator accepted with a validation score of at least
// 60 %: 1.00 a record, three per member, 20.00 in its escrow. It shows the
// funder's choice of who verifies; the curated datanet must exist first.
func curatedBounty() bounty.Terms {
	return bounty.Terms{
		Kind:  bounty.Records,
		Title: CuratedBountyTitle,
		Terms: "Answers about rental deposits — what a landlord may keep, and by when it is due back — contributed to the curated datanet. " +
			"A record counts once a curator accepted it with a validation score of at least 60 %.",
		Datanet: CuratedDatanet, Verify: bounty.VerifyCuration, MinScore: 60,
		Reward: 100, CapPerMember: 3, Budget: 2000,
		Deadline: time.Now().Add(28 * 24 * time.Hour),
	}
}

// seedBounty opens one of the demo's bounties as the requester.
func seedBounty(ctx context.Context, a *app.App, requester member.Member, terms bounty.Terms) error {
	if _, err := a.Bounties.Create(ctx, requester, terms); err != nil {
		return fmt.Errorf("seed the bounty %q: %w", terms.Title, err)
	}
	return nil
}
