package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
)

// governance is the cooperative's governance over the server's database,
// ledger and parameters. It holds no state of its own, so building it per
// request costs nothing and the server needs no field for it.
func (s *Server) governance() *govern.Service { return s.Govern }

// bindingParams are the parameters a binding proposal may set, in the
// order the form offers them, with what they mean to a member.
var bindingParams = []struct {
	Name coop.Param
	Desc string
}{
	{coop.PayFloor, "Pay floor per hour of measured work, in points (100 = 1.00)"},
	{coop.ContributorShare, "Contributors' share of a model call's charge, in basis points (7000 = 70 %)"},
	{coop.TreasuryShare, "The cooperative's share of a model call's charge, in basis points"},
	{coop.PointsPerShare, "Points earned per governance share at an epoch close"},
	{coop.RecordingReward, "What a verified recording of browser work pays its recorder, in points"},
	{coop.AuthorShare, "The author's share of an automation run's price, in basis points (8000 = 80 %)"},
}

// paramValue writes a parameter's value the way a member reads it.
func paramValue(p coop.Param, v int64) string {
	switch p {
	case coop.PayFloor:
		return pointsStr(v) + " per hour"
	case coop.RecordingReward:
		return pointsStr(v) + " per recording"
	case coop.ContributorShare, coop.TreasuryShare, coop.AuthorShare:
		return fmt.Sprintf("%d.%02d %%", v/100, v%100)
	case coop.PointsPerShare:
		return fmt.Sprintf("1 share per %d points", v)
	}
	return strconv.FormatInt(v, 10)
}

var modeWords = map[govern.Mode]string{
	govern.PerMember: "one member, one vote",
	govern.PerShare:  "weighed by governance shares",
	govern.Quadratic: "weighed by the square root of governance shares",
}

func moment(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") }

func proposalID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, problem.New(problem.NotFound, "no such proposal")
	}
	return id, nil
}

// proposalFor is the proposal the request names, with the member's vote on
// it if they cast one.
func (s *Server) proposalFor(r *http.Request, sess *member.Session) (govern.Proposal, govern.Vote, bool, error) {
	id, err := proposalID(r)
	if err != nil {
		return govern.Proposal{}, govern.Vote{}, false, err
	}
	p, err := s.governance().Get(r.Context(), id)
	if err != nil {
		return govern.Proposal{}, govern.Vote{}, false, err
	}
	mine, voted, err := s.governance().MyVote(r.Context(), sess.Member.ID, id)
	return p, mine, voted, err
}

// proposalRow is one line of the proposals list.
type proposalRow struct {
	P      govern.Proposal
	Phase  govern.Phase
	Closes string
	Voted  bool
	// Outcome is the decision in words, once decided.
	Outcome string
}

// outcome says in words how a decided proposal ended.
func outcome(p govern.Proposal) string {
	r := p.Result
	if r == nil {
		return ""
	}
	switch {
	case r.Status == govern.NoQuorum:
		return fmt.Sprintf("no quorum: %.0f%% voted, %.0f%% needed", 100*r.Turnout, 100*r.Quorum)
	case r.Tie:
		return "rejected: the leading options tied"
	case r.Winner >= 0 && r.Winner < len(p.Options):
		return fmt.Sprintf("%s: %s", r.Status, p.Options[r.Winner].Label)
	}
	return string(r.Status)
}

func (s *Server) proposalsPage(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	g := s.governance()
	page, err := pageOf(r, pageLimit)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	list, next, err := g.List(r.Context(), page)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	voted, err := g.VotedOn(r.Context(), sess.Member.ID, list)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	now := time.Now()
	var open, decided []proposalRow
	for _, p := range list {
		row := proposalRow{P: p, Phase: p.Phase(now), Closes: moment(p.ClosesAt), Voted: voted[p.ID], Outcome: outcome(p)}
		if row.Phase == govern.Decided {
			decided = append(decided, row)
		} else {
			open = append(open, row)
		}
	}
	s.render(w, r, http.StatusOK, "proposals.html", "Proposals", map[string]any{"Open": open, "Decided": decided, "Pager": pagerFor(r, next)})
}

// optionRows is how many option rows the new-proposal form offers.
const optionRows = govern.MaxOptions

func (s *Server) proposalNewForm(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	s.showProposalForm(w, r, http.StatusOK, form{Values: map[string]string{"mode": "member", "quorum": "25", "days": "7"}})
}

// paramChoice is a binding parameter as the form offers it.
type paramChoice struct {
	Name, Desc, Now string
	Selected        bool
}

func (s *Server) showProposalForm(w http.ResponseWriter, r *http.Request, status int, f form) {
	var params []paramChoice
	for _, bp := range bindingParams {
		v, err := s.Params.Get(r.Context(), nil, bp.Name)
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		params = append(params, paramChoice{Name: string(bp.Name), Desc: bp.Desc,
			Now: fmt.Sprintf("%d (%s)", v, paramValue(bp.Name, v)), Selected: f.Value("param") == string(bp.Name)})
	}
	rows := make([]int, optionRows)
	for i := range rows {
		rows[i] = i
	}
	s.render(w, r, status, "proposal_new.html", "New proposal", map[string]any{"Form": f, "Params": params, "Rows": rows,
		"MinDays": int(govern.MinWindow / (24 * time.Hour)), "MaxDays": int(govern.MaxWindow / (24 * time.Hour)), "MinBindingQuorum": 100 * govern.MinBindingQuorum})
}

func (s *Server) proposalCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	now := time.Now()
	d, f := draftFromForm(r, now)
	if len(f.Errors) == 0 {
		p, err := s.governance().Create(r.Context(), sess.Member.ID, d, now)
		if err == nil {
			http.Redirect(w, r, fmt.Sprintf("/proposals/%d", p.ID), http.StatusSeeOther)
			return
		}
		pr, ok := problem.As(err)
		if !ok {
			s.pageError(w, r, err)
			return
		}
		f.Message, f.Errors = pr.Message, pr.Fields
	}
	if f.Message == "" {
		f.Message = "Some fields are not valid."
	}
	s.showProposalForm(w, r, http.StatusUnprocessableEntity, f)
}

// draftFromForm reads the new-proposal form. The form speaks in what a
// person types — a quorum in percent, a window in days from now, one
// row per option — and the errors of the numbers it cannot read come
// back under the form's own field names.
func draftFromForm(r *http.Request, now time.Time) (govern.Draft, form) {
	f := form{Values: map[string]string{}}
	errs := problem.Fields{}
	get := func(k string) string {
		v := strings.TrimSpace(r.PostForm.Get(k))
		f.Values[k] = v
		return v
	}
	d := govern.Draft{Title: get("title"), Text: get("text"), Mode: govern.Mode(get("mode")), Param: coop.Param(get("param"))}
	if q, err := strconv.ParseFloat(get("quorum"), 64); err != nil || math.IsNaN(q) {
		errs.Add("quorum", "a percentage, such as 25")
	} else {
		d.Quorum = q / 100
	}
	if days, err := strconv.Atoi(get("days")); err != nil {
		errs.Add("closes_at", "a whole number of days")
	} else {
		d.ClosesAt = now.Add(time.Duration(days) * 24 * time.Hour)
	}
	keep := get("status_quo")
	for i := range optionRows {
		n := strconv.Itoa(i)
		label, value := get("option_"+n), get("value_"+n)
		if label == "" && value == "" {
			continue
		}
		o := govern.Option{Label: label, StatusQuo: keep == n}
		if value != "" {
			v, err := strconv.ParseInt(value, 10, 64)
			if err != nil {
				errs.Add("options", "option %d: the value is a whole number", i+1)
				continue
			}
			o.Value = &v
		}
		d.Options = append(d.Options, o)
	}
	f.Errors = errs
	return d, f
}

// optionRow is one option on a proposal's page.
type optionRow struct {
	Index     int
	Label     string
	Value     string
	StatusQuo bool
	Mine      bool
	// Count, once decided.
	Votes  int
	Weight string
	Share  float64
	Winner bool
}

func (s *Server) proposalPage(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	s.showProposal(w, r, sess, http.StatusOK, "")
}

func (s *Server) showProposal(w http.ResponseWriter, r *http.Request, sess *member.Session, status int, message string) {
	p, mine, voted, err := s.proposalFor(r, sess)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	shares, err := s.Reward.Shares(r.Context(), sess.Member.ID)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	now := time.Now()
	data := map[string]any{
		"P": p, "Phase": string(p.Phase(now)), "Opens": moment(p.OpensAt), "Closes": moment(p.ClosesAt),
		"Mode": modeWords[p.Mode], "Quorum": 100 * p.Quorum, "Message": message, "Shares": shares,
		"Weight":   strconv.FormatFloat(govern.Weight(p.Mode, shares), 'g', 4, 64),
		"MayVote":  p.Mode == govern.PerMember || shares > 0,
		"Voted":    voted,
		"MyWeight": strconv.FormatFloat(mine.Weight, 'g', 4, 64),
	}
	if p.Binding() {
		cur, err := s.Params.Get(r.Context(), nil, p.Param)
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		data["Current"] = paramValue(p.Param, cur)
	}
	rows := make([]optionRow, len(p.Options))
	for i, o := range p.Options {
		rows[i] = optionRow{Index: i, Label: o.Label, StatusQuo: o.StatusQuo, Mine: voted && mine.Option == i}
		if o.Value != nil {
			rows[i].Value = paramValue(p.Param, *o.Value)
		}
		if res := p.Result; res != nil && i < len(res.Options) {
			c := res.Options[i]
			rows[i].Votes, rows[i].Weight, rows[i].Winner = c.Votes, strconv.FormatFloat(c.Weight, 'g', 4, 64), res.Winner == i
			if res.Cast > 0 {
				rows[i].Share = c.Weight / res.Cast
			}
		}
		if rows[i].Mine {
			data["MyLabel"] = o.Label
		}
	}
	data["Rows"] = rows
	if p.Result != nil {
		data["Outcome"] = outcome(p)
		if p.Result.Applied != nil && p.Result.Previous != nil {
			data["Change"] = fmt.Sprintf("%s: %s → %s", p.Param, paramValue(p.Param, *p.Result.Previous), paramValue(p.Param, *p.Result.Applied))
		}
	}
	s.render(w, r, status, "proposal.html", p.Title, data)
}

func (s *Server) proposalVote(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	id, err := proposalID(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	option, err := strconv.Atoi(r.PostForm.Get("option"))
	if err != nil {
		s.showProposal(w, r, sess, http.StatusUnprocessableEntity, "Choose an option before you vote.")
		return
	}
	if _, err := s.governance().Vote(r.Context(), sess.Member.ID, id, option, time.Now()); err != nil {
		if pr, ok := problem.As(err); ok {
			s.showProposal(w, r, sess, statusOf[pr.Kind], pr.Error())
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/proposals/%d", id), http.StatusSeeOther)
}

func (s *Server) sharesPage(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	ctx := r.Context()
	shares, err := s.Reward.Shares(ctx, sess.Member.ID)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	pending, err := s.Reward.PendingPoints(ctx, sess.Member.ID)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	pps, err := s.Params.Get(ctx, nil, coop.PointsPerShare)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	open, isOpen, err := s.Reward.OpenEpoch(ctx)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	page, err := pageOf(r, pageLimit)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	history, next, err := s.Reward.MemberEpochs(ctx, sess.Member.ID, page)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	data := map[string]any{"Shares": shares, "Pending": pending, "PendingShares": pending / pps, "Rule": reward.Rule(pps),
		"History": history, "IsOpen": isOpen, "Open": open, "Pager": pagerFor(r, next)}
	if isOpen {
		data["Since"] = moment(open.StartedAt)
	}
	s.render(w, r, http.StatusOK, "shares.html", "Shares", data)
}

// epochClose lets a steward close the epoch before the schedule does.
func (s *Server) epochClose(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if _, _, err := s.Reward.CloseEpoch(r.Context(), sess.Member, s.Params, time.Now()); err != nil {
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/shares", http.StatusSeeOther)
}
