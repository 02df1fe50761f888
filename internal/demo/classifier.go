package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
)

// The demo's labelled datanet and the model a requester trains on it from
// the model's page: tenants' messages, each with the topic a helpline
// would route it to.
const (
	LabelledDatanet = "tenant-messages"
	RouterSlug      = "tenant-router"
	// LabelField is the field of the records the router predicts.
	LabelField = "topic"
)

// tenantTopics are the demo's labels, each with phrases tenants write.
// The messages are made up for the demo: an opening, a situation and a
// question, combined so that no two are near duplicates.
var tenantTopics = []struct {
	topic     string
	situation []string
	question  []string
}{
	{"deposit", []string{
		"we moved out three months ago and the landlord still keeps the whole deposit",
		"the landlord deducted the cost of new carpets from my security deposit",
		"my deposit was never put into a separate account as far as I know",
		"after the handover the agency says the deposit will take a year to come back",
		"the new owner of the building claims he never received our deposit",
		"half of the deposit was withheld for cleaning although we cleaned everything",
	}, []string{
		"how long may they hold back the money?",
		"can I demand interest on the deposit?",
		"what can I do to get the deposit returned?",
	}},
	{"repairs", []string{
		"the heating in our flat has not worked for two weeks in January",
		"there is black mould spreading behind the wardrobe in the bedroom",
		"water drips through the bathroom ceiling whenever the neighbours shower",
		"the front door lock is broken and the building stays open all night",
		"our window frames are rotten and the wind comes straight through",
		"the lift has been out of order for a month and I live on the sixth floor",
	}, []string{
		"may I reduce the rent until it is fixed?",
		"who has to pay for the repair?",
		"how do I make the landlord act quickly?",
	}},
	{"rent-increase", []string{
		"the landlord wants fifteen percent more rent from next month",
		"after the new balconies were built the rent is supposed to rise sharply",
		"we received a letter citing the local rent index to justify a higher rent",
		"the index-linked rent went up twice within one year",
		"my rent was raised although the flat is already above the local average",
		"the management company asks us to sign an agreement to a higher rent",
	}, []string{
		"do I have to agree to the increase?",
		"is there a cap on how much rent may rise?",
		"how can I check whether the increase is lawful?",
	}},
	{"noise", []string{
		"the bar downstairs plays loud music until four in the morning",
		"a neighbour drills and hammers every Sunday morning",
		"the dog next door barks for hours whenever its owners are out",
		"construction work on the courtyard starts at six every day",
		"the people upstairs hold parties with shouting several nights a week",
		"a rattling ventilation unit on the roof hums through the night",
	}, []string{
		"can I ask the landlord to stop it?",
		"does the disturbance entitle me to pay less rent?",
		"what are the quiet hours I can rely on?",
	}},
}

// tenantContributors share the messages: each contributes a third.
var tenantContributors = []string{"ada@example.org", "grace@example.org", "linus@example.org"}

// seedClassifier opens the labelled datanet, has the demo members
// contribute 60 labelled messages, and registers the router model (built
// by the requester, priced per call) that a version is trained for from
// its page.
func seedClassifier(ctx context.Context, a *app.App, requester member.Member) error {
	d, err := a.Datanets.Create(ctx, requester, datanet.Datanet{
		Slug:        LabelledDatanet,
		Name:        "Tenants' messages by topic",
		Domain:      "legal aid",
		Client:      "Berliner Mieterberatung (demo client)",
		Purpose:     "Route tenants' messages to the right adviser: a classifier trained on the cooperative's CPU, paid per answer to the messages that shaped it.",
		Licence:     "CC BY-SA 4.0",
		RewardRules: "Contributors share 70% of the router's revenue: each answer pays the training messages that most influenced it.",
		RecordKind:  datanet.KindText,
		Fields:      []string{LabelField},
	})
	if err != nil {
		return fmt.Errorf("seed labelled datanet: %w", err)
	}
	members := make([]member.Member, len(tenantContributors))
	for i, email := range tenantContributors {
		if members[i], err = a.Members.ByEmail(ctx, email); err != nil {
			return err
		}
		if _, err := a.Datanets.ConsentAction(ctx, members[i].ID, d.Slug, "grant"); err != nil && !problem.Is(err, problem.Conflict) {
			return fmt.Errorf("seed consent: %w", err)
		}
	}
	batches := make([]bytes.Buffer, len(members))
	n := 0
	for _, t := range tenantTopics {
		for i, sit := range t.situation {
			for j, q := range t.question {
				if (i+j)%2 == 1 && j == 2 {
					continue // not every situation with every question: 4 of 6 with the third
				}
				text := fmt.Sprintf("Hello, %s. %s", sit, upperFirst(q))
				line, _ := json.Marshal(map[string]any{"text": text, "fields": map[string]string{LabelField: t.topic}})
				batches[n%len(batches)].Write(append(line, '\n'))
				n++
			}
		}
	}
	for i, m := range members {
		sub, err := d.ParseRecords(datanet.FormatJSONL, &batches[i])
		if err != nil {
			return fmt.Errorf("seed labelled records: %w", err)
		}
		if res, err := a.Datanets.Contribute(ctx, m.ID, d.Slug, sub, datanet.IntakeOptions{}); err != nil {
			return fmt.Errorf("seed labelled records: %w: %v", err, res.Problem().Fields)
		}
	}
	_, err = a.Models.Create(ctx, requester, model.Model{
		Slug: RouterSlug, Name: "Tenant message router", Kind: model.Retrieval,
		PricePerCall: 5, Datanets: []string{LabelledDatanet},
	})
	if err != nil {
		return fmt.Errorf("seed router model: %w", err)
	}
	return nil
}

func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
