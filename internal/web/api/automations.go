package api

import (
	"net/http"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) automations(mux route.Mux) {
	mux.Handle("GET /api/v1/automations", a.public(a.automationList))
	mux.Handle("GET /api/v1/automations/{slug}", a.public(a.automationShow))
	mux.Handle("DELETE /api/v1/automations/{slug}", a.member(a.automationWithdraw))
	mux.Handle("POST /api/v1/automations/{slug}/runs", a.member(a.automationRun))
	mux.Handle("POST /api/v1/automations", a.member(a.automationLearn))
	mux.Handle("GET /api/v1/automations/{slug}/learning", a.public(a.automationLearning))
	mux.Handle("POST /api/v1/automations/{slug}/demos", a.member(a.automationAddDemo))
}

// publicationRequest is an automation as a client publishes it, its price
// per run an integer of points or money (price_per_run_text).
type publicationRequest struct {
	action.Publication
	PricePerRun     *int64  `json:"price_per_run"`
	PricePerRunText *string `json:"price_per_run_text"`
}

func (a *API) publication(req publicationRequest) (action.Publication, error) {
	price, err := a.amountIn("price_per_run", req.PricePerRun, req.PricePerRunText, 0, points.MaxRunPrice)
	if err != nil {
		return req.Publication, err
	}
	req.Publication.PricePerRun = orZero(price)
	return req.Publication, nil
}

// automationJSON is an automation with its price written as money too.
type automationJSON struct {
	action.Automation
	PricePerRunText string `json:"price_per_run_text"`
}

func (a *API) automationOut(auto action.Automation) automationJSON {
	return automationJSON{Automation: auto, PricePerRunText: a.money(auto.PricePerRun)}
}

// automationLearn learns an automation from 1–5 verified recordings of
// one task (the member's own, or offered by their recorders).
func (a *API) automationLearn(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var req struct {
		publicationRequest
		Recordings []string `json:"recordings"`
	}
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	pub, err := a.publication(req.publicationRequest)
	if err != nil {
		return err
	}
	auto, err := a.Actions.LearnAutomation(r.Context(), sess.Member, pub, req.Recordings)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusCreated, a.automationOut(auto))
	return nil
}

// automationLearning is what a learned automation learned: its program,
// in plain words too, and its demonstrators' measured contributions.
func (a *API) automationLearning(w http.ResponseWriter, r *http.Request) error {
	l, err := a.Actions.Learning(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, l)
	return nil
}

// automationAddDemo adds a recording to a learned automation, which
// learns its program again.
func (a *API) automationAddDemo(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var req struct {
		Recording string `json:"recording"`
	}
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	auto, err := a.Actions.AddDemo(r.Context(), sess.Member, r.PathValue("slug"), req.Recording)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, a.automationOut(auto))
	return nil
}

func (a *API) automationList(w http.ResponseWriter, r *http.Request) error {
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	list, next, err := a.Actions.Automations(r.Context(), page)
	if err != nil {
		return err
	}
	out := make([]automationJSON, len(list))
	for i, auto := range list {
		out[i] = a.automationOut(auto)
	}
	response.JSON(w, http.StatusOK, response.List{"automations": out}.Next(next))
	return nil
}

func (a *API) automationShow(w http.ResponseWriter, r *http.Request) error {
	auto, err := a.Actions.Automation(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, a.automationOut(auto))
	return nil
}

func (a *API) automationWithdraw(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := a.Actions.Withdraw(r.Context(), sess.Member, r.PathValue("slug")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// automationRun starts a run: the price goes to escrow, and the run
// replays in the shared browser.
func (a *API) automationRun(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var req struct {
		Params map[string]string `json:"params"`
		// Start is the page a learned automation starts on (the task's
		// page; another query is fine).
		Start string `json:"start"`
	}
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	run, err := a.Actions.StartRunAt(r.Context(), sess.Member, r.PathValue("slug"), req.Params, req.Start)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusAccepted, run)
	return nil
}
