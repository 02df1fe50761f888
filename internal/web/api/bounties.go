package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/allmende/allmende/internal/bounty"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) bounties(mux route.Mux) {
	mux.Handle("GET /api/v1/bounties", a.member(a.bountyList))
	mux.Handle("POST /api/v1/bounties", a.member(a.bountyCreate))
	mux.Handle("GET /api/v1/bounties/{id}", a.member(a.bountyGet))
	mux.Handle("POST /api/v1/bounties/{id}/claims", a.member(a.bountyClaim))
	mux.Handle("POST /api/v1/bounties/{id}/close", a.member(a.bountyClose))
	mux.Handle("GET /api/v1/bounties/{id}/requests", a.member(a.bountyRequests))
	mux.Handle("POST /api/v1/bounties/{id}/decisions", a.member(a.bountyDecide))
}

// bountyJSON is a bounty with its amounts written as money too, and for
// the member asking, whether they may close it and what they were paid.
type bountyJSON struct {
	bounty.Bounty
	RewardText string           `json:"reward_text"`
	BudgetText string           `json:"budget_text"`
	LeftText   string           `json:"left_text"`
	PaidText   string           `json:"paid_text"`
	RefundText string           `json:"refund_text"`
	MayClose   bool             `json:"may_close"`
	Mine       []bounty.Claim   `json:"my_claims,omitempty"`
	Requests   []bounty.Request `json:"my_requests,omitempty"`
	Eligible   []string         `json:"my_eligible,omitempty"`
	MayDecide  bool             `json:"may_decide"`
}

func (a *API) bountyOut(b bounty.Bounty, m member.Member) bountyJSON {
	return bountyJSON{Bounty: b, RewardText: a.money(b.Reward), BudgetText: a.money(b.Budget), LeftText: a.money(b.Left),
		PaidText: a.money(b.PaidPoints), RefundText: a.money(b.Refund), MayClose: b.Status == "open" && bounty.MayClose(m, b),
		MayDecide: b.Verify == bounty.VerifyApproval && bounty.MayDecide(m, b)}
}

// bountyList is every bounty, newest first; ?status=open|closed,
// ?datanet= and ?project= narrow it.
func (a *API) bountyList(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	list, next, err := a.Bounties.List(r.Context(), bounty.Filter{Status: q.Get("status"), Datanet: q.Get("datanet"), Project: q.Get("project")}, page)
	if err != nil {
		return err
	}
	out := make([]bountyJSON, len(list))
	for i, b := range list {
		out[i] = a.bountyOut(b, sess.Member)
	}
	response.JSON(w, http.StatusOK, response.List{"bounties": out}.Next(next))
	return nil
}

// bountyRequest is what a client sends to fund a bounty: amounts as
// integers of points or as money (<field>_text).
type bountyRequest struct {
	Kind         string    `json:"kind"`
	Title        string    `json:"title"`
	Terms        string    `json:"terms"`
	Site         string    `json:"site"`
	Datanet      string    `json:"datanet"`
	Project      string    `json:"project"`
	Reward       *int64    `json:"reward"`
	RewardText   *string   `json:"reward_text"`
	Budget       *int64    `json:"budget"`
	BudgetText   *string   `json:"budget_text"`
	CapPerMember int64     `json:"cap_per_member"`
	Deadline     time.Time `json:"deadline"`
	Verify       string    `json:"verify"`
	MinScore     int64     `json:"min_score"`
	End          string    `json:"end"`
	// PayFrom is "funding" (the default) or "balance".
	PayFrom string `json:"pay_from"`
}

// terms reads a request into the bounty's terms; the domain checks them.
func (a *API) bountyTerms(req bountyRequest) (bounty.Terms, error) {
	f := problem.Fields{}
	reward, err := a.amountIn("reward", req.Reward, req.RewardText, 1, bounty.MaxReward)
	f.Merge(err)
	budget, err := a.amountIn("budget", req.Budget, req.BudgetText, 1, bounty.MaxBudget)
	f.Merge(err)
	switch req.PayFrom {
	case "", bounty.FromFunding, bounty.FromBalance:
	default:
		f.Add("pay_from", "funding or balance")
	}
	if err := f.Err(); err != nil {
		return bounty.Terms{}, err
	}
	return bounty.Terms{Kind: bounty.Kind(req.Kind), Title: req.Title, Terms: req.Terms, Site: req.Site, Datanet: req.Datanet, Project: req.Project,
		Reward: orZero(reward), Budget: orZero(budget), CapPerMember: req.CapPerMember, Deadline: req.Deadline,
		Verify: bounty.Verify(req.Verify), MinScore: req.MinScore, End: req.End, FromBalance: req.PayFrom == bounty.FromBalance}, nil
}

// bountyCreate funds a bounty from the requester's funding account or,
// with "pay_from": "balance", from the member's own balance; the domain
// decides who may.
func (a *API) bountyCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var req bountyRequest
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	t, err := a.bountyTerms(req)
	if err != nil {
		return err
	}
	b, err := a.Bounties.Create(r.Context(), sess.Member, t)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/bounties/"+strconv.FormatInt(b.ID, 10))
	response.JSON(w, http.StatusCreated, a.bountyOut(b, sess.Member))
	return nil
}

// bountyGet is a bounty's terms and state, and the asker's own claims and
// the units of theirs it would pay now.
func (a *API) bountyGet(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := request.Number(r, "id", "no such bounty")
	if err != nil {
		return err
	}
	b, err := a.Bounties.Get(r.Context(), id)
	if err != nil {
		return err
	}
	out := a.bountyOut(b, sess.Member)
	if out.Mine, err = a.Bounties.Claims(r.Context(), sess.Member, id); err != nil {
		return err
	}
	if out.Requests, err = a.Bounties.MyRequests(r.Context(), sess.Member, id); err != nil {
		return err
	}
	if out.Eligible, err = a.Bounties.Eligible(r.Context(), sess.Member, id); err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, out)
	return nil
}

// bountyClaim claims one unit ({"unit": "<id>"}) or, with {"all": true},
// every eligible unit of the member's until the cap or the escrow stops.
func (a *API) bountyClaim(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := request.Number(r, "id", "no such bounty")
	if err != nil {
		return err
	}
	var req struct {
		Unit string `json:"unit"`
		All  bool   `json:"all"`
	}
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	var claims []bounty.Claim
	switch {
	case req.All && req.Unit != "":
		return &problem.Error{Kind: problem.Invalid, Message: "claim one unit or all, not both", Fields: map[string]string{"unit": "leave out with all"}}
	case req.All:
		claims, err = a.Bounties.ClaimEligible(r.Context(), sess.Member, id)
	default:
		var c bounty.Claim
		c, err = a.Bounties.Claim(r.Context(), sess.Member, id, req.Unit)
		claims = []bounty.Claim{c}
	}
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusCreated, map[string]any{"claims": claims})
	return nil
}

// bountyClose ends a bounty early and refunds the rest to its funder.
func (a *API) bountyClose(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := request.Number(r, "id", "no such bounty")
	if err != nil {
		return err
	}
	b, err := a.Bounties.Close(r.Context(), sess.Member, id)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, a.bountyOut(b, sess.Member))
	return nil
}

// bountyRequests lists the claims waiting for the bounty's funder: theirs
// alone to see.
func (a *API) bountyRequests(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := request.Number(r, "id", "no such bounty")
	if err != nil {
		return err
	}
	list, err := a.Bounties.Waiting(r.Context(), sess.Member, id)
	if err != nil {
		return err
	}
	if list == nil {
		list = []bounty.Request{}
	}
	response.JSON(w, http.StatusOK, map[string]any{"requests": list})
	return nil
}

// bountyDecide is the funder's decision on a waiting claim:
// {"request": <id>, "decision": "accept"} pays it, "reject" needs a
// "reason".
func (a *API) bountyDecide(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := request.Number(r, "id", "no such bounty")
	if err != nil {
		return err
	}
	var req struct {
		Request  int64  `json:"request"`
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
	}
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	f := problem.Fields{}
	if req.Request <= 0 {
		f.Add("request", "the id of a claim waiting for you")
	}
	if req.Decision != "accept" && req.Decision != "reject" {
		f.Add("decision", "accept or reject")
	}
	if err := f.Err(); err != nil {
		return err
	}
	c, err := a.Bounties.Decide(r.Context(), sess.Member, id, req.Request, req.Decision == "accept", req.Reason)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, c)
	return nil
}
