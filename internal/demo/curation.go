package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
)

// CuratedDatanet is the demo's curated datanet: its records wait for a
// curator (Rita, who created it, or a steward), and each accepted one
// pays its contributor CuratedReward points from Rita's funding account.
const CuratedDatanet = "rental-advice-curated"

// CuratedReward is what an accepted record of the curated datanet pays.
const CuratedReward = 50

// curatedQA are the records waiting in the curated datanet's queue, oldest
// first: some a curator will want, some not.
var curatedQA = []struct{ who, question, answer string }{
	{"grace@example.org", "Can my landlord enter my flat without asking?", "No. Outside emergencies the landlord must ask and agree a time with you first."},
	{"linus@example.org", "Do I have to paint the walls when I move out?", "Always, every time, whatever the lease says."},
	{"grace@example.org", "Who pays for a broken boiler in a rented flat?", "The landlord repairs the heating at their own cost, unless you broke it."},
	{"linus@example.org", "How long does the landlord have to return my deposit?", "Usually up to six months after you move out, to settle the last bills."},
	{"grace@example.org", "May I sublet a room while I travel?", "Only with the landlord's permission, which they may refuse only for a good reason."},
	{"linus@example.org", "Can the rent rise every month?", "Yes, as often as the landlord likes."},
}

// seedCuration opens the curated datanet, created by the requester, and
// leaves the demo members' records in its queue, but for the two the
// requester accepted (acceptedQA, one of them a gold record) before
// cutting version 1: the curator's list of accepted records shows both
// a gold mark and the button to mark one.
func seedCuration(ctx context.Context, a *app.App, requester member.Member) error {
	d, err := a.Datanets.Create(ctx, requester, datanet.Datanet{
		Slug:            CuratedDatanet,
		Name:            "Rental advice, checked by a curator",
		Domain:          "legal aid",
		Client:          "Berliner Mieterberatung (demo client)",
		Purpose:         "A reviewed set of tenancy answers for fine-tuning; every record is read by a curator before it counts.",
		Licence:         "CC BY-SA 4.0",
		RewardRules:     "Each record a curator accepts pays 0.50 EUR at once; rejected records come with a reason and can be appealed once.",
		RecordKind:      datanet.KindQA,
		Curated:         true,
		RewardPerRecord: CuratedReward,
	})
	if err != nil {
		return fmt.Errorf("seed the curated datanet: %w", err)
	}
	consented := map[string]bool{}
	accepted := map[int]string{}
	for i, qa := range curatedQA {
		m, err := a.Members.ByEmail(ctx, qa.who)
		if err != nil {
			return err
		}
		if !consented[qa.who] {
			if _, err := a.Datanets.ConsentAction(ctx, m.ID, d.Slug, "grant"); err != nil {
				return fmt.Errorf("seed consent: %w", err)
			}
			consented[qa.who] = true
		}
		rec, _ := json.Marshal(map[string]string{"question": qa.question, "answer": qa.answer})
		sub, err := d.ParseRecords(datanet.FormatJSON, bytes.NewReader(rec))
		if err != nil {
			return err
		}
		res, err := a.Datanets.Contribute(ctx, m.ID, d.Slug, sub, datanet.IntakeOptions{})
		if err != nil {
			return fmt.Errorf("seed a curated contribution: %w", err)
		}
		if _, ok := acceptedQA[i]; ok {
			accepted[i] = res.Outcomes[0].Contribution
		}
	}
	// In the order contributed, as a curator works down the queue.
	for i := range curatedQA {
		dec, ok := acceptedQA[i]
		if !ok {
			continue
		}
		if _, err := a.Datanets.Decide(ctx, requester, accepted[i], dec); err != nil {
			return fmt.Errorf("seed a curator's decision: %w", err)
		}
	}
	if _, err := a.Datanets.CreateVersion(ctx, requester, d.Slug); err != nil {
		return fmt.Errorf("seed a curated version: %w", err)
	}
	return nil
}

// acceptedQA are the records of curatedQA the curator accepted in the
// seed, by index, with the decision. The other four wait: a curator's day
// (TestDayCurator) accepts one and rejects the next, twice.
var acceptedQA = map[int]datanet.Decision{
	2: {Accept: true, Gold: true, Reason: "Clear, and right for every lease."},
	4: {Accept: true, Reason: "Right, and says when the landlord may refuse."},
}
