package api

import (
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) proposals(mux route.Mux) {
	mux.Handle("GET /api/v1/proposals", a.member(a.proposalList))
	mux.Handle("POST /api/v1/proposals", a.member(a.proposalCreate))
	mux.Handle("GET /api/v1/proposals/{id}", a.member(a.proposalShow))
	mux.Handle("POST /api/v1/proposals/{id}/votes", a.member(a.proposalVote))
	mux.Handle("POST /api/v1/proposals/{id}/cosigners", a.member(a.proposalCosign))
	mux.Handle("GET /api/v1/proposals/queue", a.member(a.proposalQueue))
}

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

func proposalID(r *http.Request) (int64, error) { return request.Number(r, "id", "no such proposal") }

func (a *API) proposalList(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	list, voted, next, err := a.Govern.Ballots(r.Context(), sess.Member.ID, page)
	if err != nil {
		return err
	}
	now := time.Now()
	out := make([]proposalJSON, len(list))
	for i, p := range list {
		out[i] = proposalJSON{Proposal: p, Phase: p.Phase(now), Voted: voted[p.ID]}
	}
	response.JSON(w, http.StatusOK, response.List{"proposals": out}.Next(next))
	return nil
}

func (a *API) proposalCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var d govern.Draft
	if err := request.JSON(w, r, &d); err != nil {
		return err
	}
	now := time.Now()
	p, err := a.Govern.Create(r.Context(), sess.Member.ID, d, now)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusCreated, proposalJSON{Proposal: p, Phase: p.Phase(now)})
	return nil
}

func (a *API) proposalShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := proposalID(r)
	if err != nil {
		return err
	}
	p, mine, voted, err := a.Govern.Ballot(r.Context(), sess.Member.ID, id)
	if err != nil {
		return err
	}
	j := proposalJSON{Proposal: p, Phase: p.Phase(time.Now()), Voted: voted}
	if voted {
		j.MyVote = &mine
	}
	response.JSON(w, http.StatusOK, j)
	return nil
}

func (a *API) proposalVote(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := proposalID(r)
	if err != nil {
		return err
	}
	var body struct {
		Option *int `json:"option"`
	}
	if err := request.JSON(w, r, &body); err != nil {
		return err
	}
	if body.Option == nil {
		return &problem.Error{Kind: problem.Invalid, Message: "say which option you vote for",
			Fields: map[string]string{"option": "required: the option's number, counting from 0"}}
	}
	v, err := a.Govern.Vote(r.Context(), sess.Member.ID, id, *body.Option, time.Now())
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusCreated, v)
	return nil
}

// proposalCosign is the caller co-signing a proposal that waits for
// co-signers before voting opens.
func (a *API) proposalCosign(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := proposalID(r)
	if err != nil {
		return err
	}
	now := time.Now()
	p, err := a.Govern.Cosign(r.Context(), sess.Member, id, now)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusCreated, proposalJSON{Proposal: p, Phase: p.Phase(now)})
	return nil
}

// proposalQueue lists the passed changes waiting in their timelock: what
// the cooperative's parameters are about to become, and when.
func (a *API) proposalQueue(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	list, err := a.Govern.Queue(r.Context())
	if err != nil {
		return err
	}
	now := time.Now()
	out := make([]proposalJSON, len(list))
	for i, p := range list {
		out[i] = proposalJSON{Proposal: p, Phase: p.Phase(now)}
	}
	response.JSON(w, http.StatusOK, map[string]any{"proposals": out})
	return nil
}
