package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
)

// FundingGoal is the goal of the demo's funding round for the router, in
// points.
const FundingGoal = 50000

// seedFunding cuts the first version of both demo datanets — what a
// funding round names as the data its model is to be trained on — and
// opens a round for the message router, built by Rita: 500.00 to raise in
// two weeks, 200.00 of it her costs, 10% of every later call to the
// funders. The retrieval model's builder can open one from its page.
func seedFunding(ctx context.Context, a *app.App, requester member.Member) error {
	for _, slug := range []string{"tenancy-qa-de", LabelledDatanet} {
		if _, err := a.Datanets.CreateVersion(ctx, requester, slug); err != nil {
			return fmt.Errorf("seed a version of %s: %w", slug, err)
		}
	}
	_, err := a.Models.OpenRound(ctx, requester, RouterSlug, model.RoundTerms{Goal: FundingGoal, Costs: 20000, ShareBP: 1000,
		Deadline: time.Now().Add(14 * 24 * time.Hour), Versions: []string{LabelledDatanet + "@1"}})
	if err != nil {
		return fmt.Errorf("seed a funding round: %w", err)
	}
	return nil
}
