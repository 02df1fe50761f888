package web

import (
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
)

// proposalJSON is a proposal as the API shows it to a member: the
// proposal, where it stands now, and whether they voted. Counts appear
// only in the result, once the proposal is decided.
type proposalJSON struct {
	govern.Proposal
	Phase govern.Phase `json:"phase"`
	Voted bool         `json:"voted"`
	// MyVote is the caller's own vote, on a single proposal.
	MyVote *govern.Vote `json:"my_vote,omitempty"`
}

func (s *Server) apiProposals(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	g := s.governance()
	page, err := pageOf(r, apiLimit)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	list, next, err := g.List(r.Context(), page)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	voted, err := g.VotedOn(r.Context(), sess.Member.ID, list)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	now := time.Now()
	out := make([]proposalJSON, len(list))
	for i, p := range list {
		out[i] = proposalJSON{Proposal: p, Phase: p.Phase(now), Voted: voted[p.ID]}
	}
	writeJSON(w, http.StatusOK, listJSON{"proposals": out}.next(next))
}

func (s *Server) apiProposalCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	var d govern.Draft
	if err := decodeJSON(w, r, &d); err != nil {
		s.apiError(w, r, err)
		return
	}
	now := time.Now()
	p, err := s.governance().Create(r.Context(), sess.Member.ID, d, now)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, proposalJSON{Proposal: p, Phase: p.Phase(now)})
}

func (s *Server) apiProposal(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	p, mine, voted, err := s.proposalFor(r, sess)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	j := proposalJSON{Proposal: p, Phase: p.Phase(time.Now()), Voted: voted}
	if voted {
		j.MyVote = &mine
	}
	writeJSON(w, http.StatusOK, j)
}

func (s *Server) apiVote(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	id, err := proposalID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var body struct {
		Option *int `json:"option"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.apiError(w, r, err)
		return
	}
	if body.Option == nil {
		s.apiError(w, r, &problem.Error{Kind: problem.Invalid, Message: "say which option you vote for",
			Fields: map[string]string{"option": "required: the option's number, counting from 0"}})
		return
	}
	v, err := s.governance().Vote(r.Context(), sess.Member.ID, id, *body.Option, time.Now())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, v)
}

// apiShares shows a member their governance shares and epoch history.
// Only their own: balances per pseudonym are public in the log anyway, but
// the API does not help anyone put a member's history together.
func (s *Server) apiShares(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := member.Own(sess.Member, memberParam(r, sess), "these are another member's shares"); err != nil {
		s.apiError(w, r, err)
		return
	}
	ctx := r.Context()
	id := sess.Member.ID
	shares, err := s.Reward.Shares(ctx, id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	pending, err := s.Reward.PendingPoints(ctx, id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	pps, err := s.Params.Get(ctx, nil, coop.PointsPerShare)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	open, isOpen, err := s.Reward.OpenEpoch(ctx)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	page, err := pageOf(r, apiLimit)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	history, next, err := s.Reward.MemberEpochs(ctx, id, page)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if history == nil {
		history = []reward.MemberEpoch{}
	}
	body := map[string]any{"member": sess.Member.PublicID, "shares": shares, "pending_points": pending,
		"rule": reward.Rule(pps), "epochs": history}
	if next != "" {
		body["next"] = next
	}
	if isOpen {
		body["open_epoch"] = open
	}
	writeJSON(w, http.StatusOK, body)
}

// apiEpochClose closes the open epoch now (stewards): the schedule does it
// at the end of each epoch; this is for a cooperative that decides to
// close early. The first close ever only opens the first epoch.
func (s *Server) apiEpochClose(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	closed, ok, err := s.Reward.CloseEpoch(r.Context(), sess.Member, s.Params, time.Now())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	open, _, err := s.Reward.OpenEpoch(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	body := map[string]any{"closed": nil, "open": open}
	if ok {
		body["closed"] = closed
	}
	writeJSON(w, http.StatusOK, body)
}
