package bounty

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// Terms are what a funder fixes when a bounty opens; nothing of them
// changes afterwards.
type Terms struct {
	Kind         Kind
	Title        string
	Terms        string
	Site         string // recordings
	Datanet      string // records: the datanet's slug
	Project      string // annotation: the project's slug
	Reward       int64
	CapPerMember int64
	Budget       int64
	Deadline     time.Time
	// Verify is who verifies a unit, one of Kind.Verifies(); "" is the
	// kind's default.
	Verify Verify
	// MinScore is, with VerifyCuration, the least validation score in
	// percent a record needs (0: none).
	MinScore int64
	// End is, for recordings, a page the recording must reach: a URL
	// prefix or a path, as Site ("" for anywhere).
	End string
	// FromBalance funds the bounty from the funder's own balance rather
	// than their funding account.
	FromBalance bool
}

// MaxMinScore is the highest minimum validation score, in percent.
const MaxMinScore = 100

// validate checks the terms on their own, every bad field named at once.
func (t Terms) validate(now time.Time) error {
	f := problem.Fields{}
	switch t.Kind {
	case Recordings:
		if msg := siteProblem(t.Site); msg != "" {
			f.Add("site", "%s", msg)
		}
		if t.End != "" {
			if msg := siteProblem(t.End); msg != "" {
				f.Add("end", "%s", msg)
			}
		}
	case Records:
		if strings.TrimSpace(t.Datanet) == "" {
			f.Add("datanet", "name the datanet whose records count")
		}
	case Annotation:
		if strings.TrimSpace(t.Project) == "" {
			f.Add("project", "name the project whose tasks count")
		}
	default:
		f.Add("kind", "recordings, records or annotation")
	}
	if t.End != "" && t.Kind != Recordings && f["kind"] == "" {
		f.Add("end", "only a recording has a page where it ends: leave it empty for %ss", t.Kind.Unit())
	}
	if opts := t.Kind.Verifies(); t.Verify != "" && len(opts) > 0 && !slices.Contains(opts, t.Verify) {
		words := make([]string, len(opts))
		for i, o := range opts {
			words[i] = string(o)
		}
		f.Add("verify", "for %ss: %s", t.Kind.Unit(), strings.Join(words, " or "))
	}
	switch {
	case t.MinScore < 0 || t.MinScore > MaxMinScore:
		f.Add("min_score", "a percentage between 0 and %d", MaxMinScore)
	case t.MinScore > 0 && t.Verify != VerifyCuration:
		f.Add("min_score", "only when curators verify the records: a validation score exists only for curated records")
	}
	if strings.TrimSpace(t.Title) == "" {
		f.Add("title", "say in a few words what the bounty is for")
	} else if f.Line("title", t.Title) && utf8.RuneCountInString(t.Title) > MaxTitle {
		f.Add("title", "at most %d characters", MaxTitle)
	}
	if strings.TrimSpace(t.Terms) == "" {
		f.Add("terms", "say what counts as a unit, so that members know before they start")
	} else if f.Text("terms", t.Terms) && utf8.RuneCountInString(t.Terms) > MaxTerms {
		f.Add("terms", "at most %d characters", MaxTerms)
	}
	f.Merge(points.Check("reward", t.Reward, 1, MaxReward))
	f.Merge(points.Check("budget", t.Budget, 1, MaxBudget))
	if f["reward"] == "" && f["budget"] == "" && t.Budget < t.Reward {
		f.Add("budget", "at least the reward for one unit")
	}
	if t.CapPerMember < 1 || t.CapPerMember > MaxCap {
		f.Add("cap_per_member", "between 1 and %d units", MaxCap)
	}
	switch {
	case t.Deadline.IsZero():
		f.Add("deadline", "say until when units count")
	case t.Deadline.Before(now.Add(MinDuration)):
		f.Add("deadline", "at least an hour from now")
	case t.Deadline.After(now.Add(MaxDuration)):
		f.Add("deadline", "at most a year from now")
	}
	return f.Err()
}

// siteProblem says what is wrong with a recording bounty's site, or "".
func siteProblem(site string) string {
	if site == "" {
		return "name the site where recordings start: a web address, or a path such as /practice/parcel"
	}
	if len(site) > MaxSite || problem.LineProblem(site) != "" || strings.ContainsAny(site, " \t") {
		return fmt.Sprintf("one web address of at most %d characters, without spaces", MaxSite)
	}
	if strings.HasPrefix(site, "/") {
		return ""
	}
	u, err := url.Parse(site)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "a web address starting with https:// (or http://), or a path starting with /"
	}
	return ""
}

// matchesSite says whether a recording that starts at start counts for
// site: the same host, when site names one, and a path under site's.
func matchesSite(site, start string) bool {
	u, err := url.Parse(start)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	want := site
	if !strings.HasPrefix(site, "/") {
		s, err := url.Parse(site)
		if err != nil || !strings.EqualFold(s.Host, u.Host) {
			return false
		}
		want = s.Path
	}
	want = strings.TrimSuffix(want, "/")
	path := u.Path
	return want == "" || path == want || strings.HasPrefix(path, want+"/")
}

// Create opens a bounty: its budget moves from the funder's funding
// account — or, with FromBalance, their own balance, which must cover it —
// into the bounty's escrow in the same transaction, so a bounty whose
// terms are public is always funded.
func (s *Service) Create(ctx context.Context, actor member.Member, t Terms) (Bounty, error) {
	if t.FromBalance && !MayFundFromBalance(actor) {
		return Bounty{}, problem.New(problem.Forbidden, "sign in to fund a bounty")
	}
	if !t.FromBalance && !MayFund(actor) {
		return Bounty{}, problem.New(problem.Forbidden, "only requesters and stewards fund bounties from a funding account; fund it from your balance instead")
	}
	t.Title, t.Site, t.Datanet, t.Project = strings.TrimSpace(t.Title), strings.TrimSpace(t.Site), strings.TrimSpace(t.Datanet), strings.TrimSpace(t.Project)
	t.End = strings.TrimSpace(t.End)
	now := s.now()
	if err := t.validate(now); err != nil {
		return Bounty{}, err
	}
	if t.Verify == "" {
		t.Verify = t.Kind.Verifies()[0]
	}
	source, from := reward.FundingAccount(actor.PublicID), FromFunding
	if t.FromBalance {
		source, from = reward.MemberAccount(actor.PublicID), FromBalance
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var datanetID, projectID sql.NullInt64
		switch t.Kind {
		case Records:
			var curated bool
			if err := tx.QueryRowContext(ctx, `SELECT id, curated FROM datanets WHERE slug = $1`, t.Datanet).Scan(&datanetID, &curated); errors.Is(err, sql.ErrNoRows) {
				return &problem.Error{Kind: problem.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"datanet": "no datanet has this name"}}
			} else if err != nil {
				return fmt.Errorf("bounty: datanet: %w", err)
			}
			if t.Verify == VerifyCuration && !curated {
				return &problem.Error{Kind: problem.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{
					"verify": "the datanet " + t.Datanet + " is not curated: no curator accepts its records, its intake does (choose intake)"}}
			}
			t.Site, t.Project = "", ""
		case Annotation:
			if err := tx.QueryRowContext(ctx, `SELECT id FROM projects WHERE slug = $1`, t.Project).Scan(&projectID); errors.Is(err, sql.ErrNoRows) {
				return &problem.Error{Kind: problem.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"project": "no project has this name"}}
			} else if err != nil {
				return fmt.Errorf("bounty: project: %w", err)
			}
			t.Site, t.Datanet = "", ""
		default:
			t.Datanet, t.Project = "", ""
		}
		// A balance must cover the whole budget: the member's account, unlike
		// a funding account, never goes negative.
		if t.FromBalance {
			held, err := reward.BalanceTx(ctx, tx, source)
			if err != nil {
				return err
			}
			if held < t.Budget {
				return problem.New(problem.Conflict, "your balance holds %d (%s), less than the budget of %d (%s): fund a smaller budget, or from a funding account", held, s.money(held), t.Budget, s.money(t.Budget))
			}
		}
		// The event id is known only after the transfer, which needs the
		// bounty's id: insert, fund, then note the event.
		if err := tx.QueryRowContext(ctx, `INSERT INTO bounties (funder_id, kind, title, terms, site, datanet_id, project_id, reward, cap_per_member, budget, deadline, status, created_at, fund_event,
				verify, min_score, end_site, funded_from)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'open', $12, '', $13, $14, $15, $16) RETURNING id`,
			actor.ID, string(t.Kind), t.Title, t.Terms, t.Site, datanetID, projectID, t.Reward, t.CapPerMember, t.Budget,
			t.Deadline.UnixMilli(), now.UnixMilli(), string(t.Verify), t.MinScore, t.End, from).Scan(&id); err != nil {
			return fmt.Errorf("bounty: create: %w", err)
		}
		ev, err := s.reward.Transfer(ctx, tx, ledger.Event{Type: ledger.BountyFunded, MemberID: actor.ID, Scope: fmt.Sprintf("bounty:%d", id),
			Postings: []ledger.Posting{{Account: source, Amount: -t.Budget}, {Account: EscrowAccount(id), Amount: t.Budget}}})
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE bounties SET fund_event = $2 WHERE id = $1`, id, ev)
		return err
	})
	if err != nil {
		return Bounty{}, err
	}
	return s.Get(ctx, id)
}
