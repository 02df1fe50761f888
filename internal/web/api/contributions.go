package api

import (
	"net/http"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) contributions(mux route.Mux) {
	mux.Handle("GET /api/v1/members/{id}/contributions", a.member(a.contributionList))
	mux.Handle("DELETE /api/v1/members/{id}/contributions", a.member(a.contributionEraseAll))
	mux.Handle("DELETE /api/v1/contributions/{id}", a.member(a.contributionErase))
	mux.Handle("POST /api/v1/contributions/{id}/decision", a.member(a.contributionDecide))
	mux.Handle("POST /api/v1/contributions/{id}/gold", a.member(a.contributionGold))
	mux.Handle("POST /api/v1/contributions/{id}/appeal", a.member(a.contributionAppeal))
	mux.Handle("POST /api/v1/contributions/{id}/ruling", a.member(a.contributionRule))
	mux.Handle("GET /api/v1/contributions/appeals", a.member(a.contributionAppeals))
}

func (a *API) contributionList(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := member.Own(sess.Member, memberParam(r, sess), "these are another member's contributions"); err != nil {
		return err
	}
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	list, next, err := a.Datanets.History(r.Context(), sess.Member.ID, page)
	if err != nil {
		return err
	}
	out := make([]contributionJSON, len(list))
	for i, c := range list {
		out[i] = contributionJSON{Contribution: c}
		if c.Paid != 0 {
			out[i].PaidText = a.money(c.Paid)
		}
	}
	response.JSON(w, http.StatusOK, response.List{"contributions": out}.Next(next))
	return nil
}

func (a *API) contributionErase(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := a.Datanets.Erase(r.Context(), sess.Member.ID, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) contributionEraseAll(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := member.Own(sess.Member, memberParam(r, sess), "only the member themself can erase their data"); err != nil {
		return err
	}
	n, err := a.EraseAll(r.Context(), sess.Member)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, map[string]int{"erased": n})
	return nil
}

// contributionDecide is a curator's decision on a waiting record of a
// curated datanet: {"accept": true, "gold": false} or {"accept": false,
// "reason": "…"}.
func (a *API) contributionDecide(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var dec datanet.Decision
	if err := request.JSON(w, r, &dec); err != nil {
		return err
	}
	c, err := a.Datanets.Decide(r.Context(), sess.Member, r.PathValue("id"), dec)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, a.curationOut(c))
	return nil
}

// contributionGold marks an accepted record as a gold record, or not.
func (a *API) contributionGold(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var req struct {
		Gold *bool `json:"gold"`
	}
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	if req.Gold == nil {
		return &problem.Error{Kind: problem.Invalid, Message: "say whether it is a gold record", Fields: map[string]string{"gold": "true or false"}}
	}
	c, err := a.Datanets.SetGold(r.Context(), sess.Member, r.PathValue("id"), *req.Gold)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, a.curationOut(c))
	return nil
}

// contributionAppeal is the contributor's one appeal against a rejection.
func (a *API) contributionAppeal(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var req struct {
		Text string `json:"text"`
	}
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	c, err := a.Datanets.Appeal(r.Context(), sess.Member.ID, r.PathValue("id"), req.Text)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, a.curationOut(c))
	return nil
}

// contributionRule is a steward's ruling on an appeal: {"overturn": true,
// "note": "…"} accepts and pays the record, false upholds the rejection.
func (a *API) contributionRule(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var req struct {
		Overturn *bool  `json:"overturn"`
		Note     string `json:"note"`
	}
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	if req.Overturn == nil {
		return &problem.Error{Kind: problem.Invalid, Message: "say whether the rejection is overturned", Fields: map[string]string{"overturn": "true or false"}}
	}
	c, err := a.Datanets.Rule(r.Context(), sess.Member, r.PathValue("id"), *req.Overturn, req.Note)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, a.curationOut(c))
	return nil
}

// contributionAppeals lists, to stewards, the oldest appeals waiting for
// a ruling and how many wait.
func (a *API) contributionAppeals(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	list, total, err := a.Datanets.Appeals(r.Context(), sess.Member, datanet.MaxQueue)
	if err != nil {
		return err
	}
	out := make([]curationJSON, len(list))
	for i, c := range list {
		out[i] = a.curationOut(c)
	}
	response.JSON(w, http.StatusOK, map[string]any{"appeals": out, "total": total})
	return nil
}

// contributionJSON is a contribution with what its acceptance paid
// written as money too.
type contributionJSON struct {
	datanet.Contribution
	PaidText string `json:"paid_text,omitempty"`
}

// curationJSON is a curation with its reward written as money too.
type curationJSON struct {
	datanet.Curation
	RewardText string `json:"reward_text"`
}

func (a *API) curationOut(c datanet.Curation) curationJSON {
	return curationJSON{Curation: c, RewardText: a.money(c.Reward)}
}
