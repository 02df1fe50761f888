// Package demo seeds a small cooperative so that a newcomer can sign in and
// look around: a steward, members, a requester, a datanet, an annotation
// project with real photos (from the lego-battery COCO set in
// shared/data), a retrieval model with a paying client, a labelled
// datanet with a model to train a classifier for from its page
// (classifier.go), and open invitation codes.
package demo

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg" // the demo photos are JPEGs
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/work"
)

//go:embed images/*.jpg
var images embed.FS

// Password is every demo account's password. It is printed on start: the
// demo is for looking around, not for real data.
const Password = "allmende-demo"

// Account is a demo sign-in.
type Account struct {
	Email, Name string
	Role        member.Role
}

// Accounts are the seeded members, steward first.
var Accounts = []Account{
	{"stella@example.org", "Stella (steward)", member.RoleSteward},
	{"ada@example.org", "Ada", member.RoleMember},
	{"grace@example.org", "Grace", member.RoleMember},
	{"linus@example.org", "Linus", member.RoleMember},
	{"rita@example.org", "Rita (requester)", member.RoleRequester},
}

// Seeded is what a person needs to try the demo.
type Seeded struct {
	Invitations []string
	// ClientKey is Rita's API key for the demo model, which holds a
	// deposit: the demo's way to show a paid call from the command line.
	ClientKey string
	// Voting lists the proposals open for votes now.
	Voting []govern.Proposal
}

// ModelSlug is the demo's retrieval model.
const ModelSlug = "tenancy-helper"

// ModelPrice is what one call of the demo model costs its client, in points.
const ModelPrice = 20

// clientKeyFile keeps the demo client's key in the data folder, since
// the server keeps only its hash; a real cooperative never writes keys down.
const clientKeyFile = "demo-client-key"

// Seed fills an empty cooperative. On one that already has members it
// changes nothing and returns the steward's open invitations, so a demo can
// be stopped and started again without losing what was done in it. The
// seeded automations find the practice pages at MarketBase.
func Seed(ctx context.Context, a *app.App) (Seeded, error) { return SeedAt(ctx, a, MarketBase) }

// SeedAt is Seed for a demo served at base (http://host:port), where the
// seeded automations' test runs find the practice pages.
func SeedAt(ctx context.Context, a *app.App, base string) (Seeded, error) {
	n, err := a.Members.Count(ctx)
	if err != nil {
		return Seeded{}, err
	}
	if n > 0 {
		return openInvitations(ctx, a)
	}
	var ids = map[member.Role]member.Member{}
	for _, acc := range Accounts {
		m, err := a.Members.Found(ctx, acc.Email, acc.Name, Password, acc.Role)
		if err != nil {
			return Seeded{}, fmt.Errorf("seed member %s: %w", acc.Email, err)
		}
		if _, ok := ids[acc.Role]; !ok {
			ids[acc.Role] = m
		}
	}
	steward, requester := ids[member.RoleSteward], ids[member.RoleRequester]
	for range 2 {
		if _, err := a.Members.Invite(ctx, steward, member.RoleMember); err != nil {
			return Seeded{}, fmt.Errorf("seed invitation: %w", err)
		}
	}
	_, err = a.Datanets.Create(ctx, requester, datanet.Datanet{
		Slug:        "tenancy-qa-de",
		Name:        "Tenancy questions in plain German",
		Domain:      "legal aid",
		Client:      "Berliner Mieterberatung (demo client)",
		Purpose:     "Fine-tune an assistant that explains tenants' rights in plain language, free for tenants to use.",
		Licence:     "CC BY-SA 4.0",
		RewardRules: "Contributors share 70% of the assistant's revenue by attribution: each answer the assistant gives pays the records that shaped it.",
		RecordKind:  datanet.KindQA,
		Fields:      []string{"region"},
	})
	if err != nil {
		return Seeded{}, fmt.Errorf("seed datanet: %w", err)
	}
	if err := seedContributions(ctx, a); err != nil {
		return Seeded{}, err
	}
	p, err := a.Work.Create(ctx, requester, work.Project{
		Slug:         "lego-battery-boxes",
		Name:         "Find the battery",
		Client:       "Brickworks Robotics (demo client)",
		Purpose:      "Teach a pick-and-place robot arm to find the battery box in Lego builds.",
		TaskType:     work.BoundingBox,
		Labels:       []string{"battery"},
		Instructions: "Draw one tight box around each Lego battery box. Include the switch; leave out the cables.",
		Redundancy:   3,
		PayPerTask:   40,
		EstSeconds:   60,
		Budget:       50000,
		ReviewHours:  0,
	})
	if err != nil {
		return Seeded{}, fmt.Errorf("seed project: %w", err)
	}
	if err := addImages(ctx, a.Work, p.ID); err != nil {
		return Seeded{}, err
	}
	if err := a.Work.Approve(ctx, steward, p.Slug); err != nil {
		return Seeded{}, fmt.Errorf("approve project: %w", err)
	}
	if err := seedModel(ctx, a, steward, requester); err != nil {
		return Seeded{}, err
	}
	if err := seedClassifier(ctx, a, requester); err != nil {
		return Seeded{}, err
	}
	if err := seedGovernance(ctx, a, time.Now()); err != nil {
		return Seeded{}, err
	}
	if err := seedSafeguards(ctx, a, time.Now()); err != nil {
		return Seeded{}, err
	}
	if err := seedRecordedWork(ctx, a, requester); err != nil {
		return Seeded{}, err
	}
	if err := seedBounty(ctx, a, requester, parcelBounty()); err != nil {
		return Seeded{}, err
	}
	if err := seedCuration(ctx, a, requester); err != nil {
		return Seeded{}, err
	}
	if err := seedBounty(ctx, a, requester, curatedBounty()); err != nil {
		return Seeded{}, err
	}
	if err := seedFunding(ctx, a, requester); err != nil {
		return Seeded{}, err
	}
	if err := SeedMarket(ctx, a, base); err != nil {
		return Seeded{}, err
	}
	return openInvitations(ctx, a)
}

// RecordingDatanet is the demo's datanet of recorded browser work.
const RecordingDatanet = "browser-work"

// seedRecordedWork funds the treasury, which pays for verified recordings,
// with a grant, and opens a datanet that recordings can be contributed to.
func seedRecordedWork(ctx context.Context, a *app.App, client member.Member) error {
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		_, err := a.Reward.Transfer(ctx, tx, ledger.Event{Type: ledger.FundsDeposited, Postings: []ledger.Posting{
			{Account: "funding:grant:demo", Amount: -50000}, {Account: reward.Treasury, Amount: 50000}}})
		return err
	})
	if err != nil {
		return fmt.Errorf("seed the treasury: %w", err)
	}
	_, err = a.Datanets.Create(ctx, client, datanet.Datanet{
		Slug:        RecordingDatanet,
		Name:        "Recorded office work in the browser",
		Domain:      "back-office tasks",
		Client:      "Allmende cooperative (demo)",
		Purpose:     "Train an open action model that helps with repetitive web forms; the model stays the cooperative's.",
		Licence:     "CC BY-SA 4.0",
		RewardRules: "A verified recording earns its flat reward when uploaded; published automations pay their author a share of every run.",
		RecordKind:  datanet.KindRecording,
	})
	if err != nil {
		return fmt.Errorf("seed the recording datanet: %w", err)
	}
	return nil
}

// seedModel registers the retrieval model on the demo datanet, built by the
// steward, and gives Rita, the demo client, a deposit and an API key.
func seedModel(ctx context.Context, a *app.App, builder, client member.Member) error {
	_, err := a.Models.Create(ctx, builder, model.Model{
		Slug: ModelSlug, Name: "Tenancy helper", Kind: model.Retrieval,
		PricePerCall: ModelPrice, Datanets: []string{"tenancy-qa-de"},
	})
	if err != nil {
		return fmt.Errorf("seed model: %w", err)
	}
	if _, err := a.Models.Deposit(ctx, builder, client.PublicID, 5000); err != nil {
		return fmt.Errorf("seed deposit: %w", err)
	}
	key, _, err := a.Models.CreateKey(ctx, client.ID, "demo")
	if err != nil {
		return fmt.Errorf("seed API key: %w", err)
	}
	return os.WriteFile(filepath.Join(a.DataDir(), clientKeyFile), []byte(key+"\n"), 0o600)
}

// demoQA are the first records of the demo datanet, by Ada and Grace.
var demoQA = []struct{ who, question, answer, region string }{
	{"ada@example.org", "Darf mein Vermieter die Kaution einfach behalten?", "Nein. Er darf sie nur mit offenen Forderungen verrechnen, etwa für Schäden über die normale Abnutzung hinaus, und muss innerhalb von etwa sechs Monaten abrechnen.", "Berlin"},
	{"ada@example.org", "Wie viel darf die Miete nach einer Modernisierung steigen?", "Höchstens acht Prozent der Modernisierungskosten pro Jahr, und in sechs Jahren nicht mehr als drei Euro pro Quadratmeter.", "Berlin"},
	{"grace@example.org", "Muss ich Schönheitsreparaturen machen, wenn ich ausziehe?", "Nur wenn der Mietvertrag das wirksam regelt; starre Fristen und Klauseln für eine unrenoviert übernommene Wohnung sind meist unwirksam.", "Hamburg"},
}

// ProposalCloses is how long after the demo first starts its seeded
// proposal stops taking votes: long enough to sign in and vote, short
// enough to see the result applied while looking around.
const ProposalCloses = 5 * time.Minute

// seedGovernance opens the first epoch and puts a binding proposal to the
// vote: raise the contributors' share of model revenue from 70% to 75%,
// one member one vote, quorum 50%. Ada and Grace have voted yes; one more
// vote reaches the quorum. Voting must stay open a day, so the proposal is
// dated as if made a day ago; its window ends ProposalCloses after now.
func seedGovernance(ctx context.Context, a *app.App, now time.Time) error {
	stella, err := a.Members.ByEmail(ctx, Accounts[0].Email)
	if err != nil {
		return err
	}
	if _, _, err := a.Reward.CloseEpoch(ctx, stella, a.Params, now); err != nil {
		return fmt.Errorf("seed epoch: %w", err)
	}
	raise := int64(7500)
	made := now.Add(ProposalCloses - govern.MinWindow)
	p, err := a.Govern.Create(ctx, stella.ID, govern.Draft{
		Title: "Raise the contributors' share of model revenue to 75%",
		Text: "Today 70% of what a model call costs goes to the people whose records shaped the answer, 10% to the treasury and the rest to the model's builder. " +
			"Builders' costs are covered at 15%; this proposal moves 5 points from the builder to the contributors.",
		Options: []govern.Option{{Label: "Yes, 75% to contributors", Value: &raise}, {Label: "No, keep 70%"}},
		Mode:    govern.PerMember, Param: coop.ContributorShare, Quorum: 0.5,
		ClosesAt: made.Add(govern.MinWindow),
	}, made)
	if err != nil {
		return fmt.Errorf("seed proposal: %w", err)
	}
	for _, email := range []string{"ada@example.org", "grace@example.org"} {
		m, err := a.Members.ByEmail(ctx, email)
		if err != nil {
			return err
		}
		if _, err := a.Govern.Vote(ctx, m.ID, p.ID, 0, now); err != nil {
			return fmt.Errorf("seed vote: %w", err)
		}
	}
	return nil
}

func seedContributions(ctx context.Context, a *app.App) error {
	d, err := a.Datanets.BySlug(ctx, "tenancy-qa-de")
	if err != nil {
		return err
	}
	for _, qa := range demoQA {
		m, err := a.Members.ByEmail(ctx, qa.who)
		if err != nil {
			return err
		}
		if _, err := a.Datanets.ConsentAction(ctx, m.ID, d.Slug, "grant"); err != nil && !problem.Is(err, problem.Conflict) {
			return fmt.Errorf("seed consent: %w", err)
		}
		rec, _ := json.Marshal(map[string]any{"question": qa.question, "answer": qa.answer, "fields": map[string]string{"region": qa.region}})
		sub, err := d.ParseRecords(datanet.FormatJSON, bytes.NewReader(rec))
		if err != nil {
			return err
		}
		if _, err := a.Datanets.Contribute(ctx, m.ID, d.Slug, sub, datanet.IntakeOptions{}); err != nil {
			return fmt.Errorf("seed contribution: %w", err)
		}
	}
	return nil
}

func addImages(ctx context.Context, w *work.Service, projectID int64) error {
	files, err := fs.Glob(images, "images/*.jpg")
	if err != nil {
		return err
	}
	for _, name := range files {
		b, err := images.ReadFile(name)
		if err != nil {
			return err
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			return fmt.Errorf("demo image %s: %w", name, err)
		}
		if err := w.AddImage(ctx, projectID, path.Base(name), "image/jpeg", cfg.Width, cfg.Height, bytes.NewReader(b)); err != nil {
			return fmt.Errorf("demo image %s: %w", name, err)
		}
	}
	return nil
}

func openInvitations(ctx context.Context, a *app.App) (Seeded, error) {
	steward, err := a.Members.ByEmail(ctx, Accounts[0].Email)
	if err != nil {
		return Seeded{}, nil // the steward was changed by hand; nothing to show
	}
	invs, _, err := a.Members.Invitations(ctx, steward.ID, store.Page{Limit: store.MaxLimit})
	if err != nil {
		return Seeded{}, err
	}
	var s Seeded
	if b, err := os.ReadFile(filepath.Join(a.DataDir(), clientKeyFile)); err == nil {
		s.ClientKey = strings.TrimSpace(string(b))
	}
	props, _, err := a.Govern.List(ctx, store.Page{Limit: 20})
	if err != nil {
		return Seeded{}, err
	}
	for _, p := range props {
		if p.Phase(time.Now()) == govern.Voting {
			s.Voting = append(s.Voting, p)
		}
	}
	for _, inv := range invs {
		if inv.Status(time.Now()) == "open" {
			s.Invitations = append(s.Invitations, inv.Code)
		}
	}
	return s, nil
}
