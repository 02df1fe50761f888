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
	mux.Handle("GET /api/v1/automations/{slug}", a.anyone(a.automationShow))
	mux.Handle("DELETE /api/v1/automations/{slug}", a.member(a.automationWithdraw))
	mux.Handle("POST /api/v1/automations/{slug}/runs", a.member(a.automationRun))
	mux.Handle("POST /api/v1/automations", a.member(a.automationLearn))
	mux.Handle("GET /api/v1/automations/{slug}/learning", a.public(a.automationLearning))
	mux.Handle("POST /api/v1/automations/{slug}/demos", a.member(a.automationAddDemo))
	// The marketplace (issue 17): test runs, listing, reviews, chains.
	mux.Handle("GET /api/v1/automations/{slug}/samples", a.member(a.automationSamples))
	mux.Handle("PUT /api/v1/automations/{slug}/samples", a.member(a.automationSetSamples))
	mux.Handle("POST /api/v1/automations/{slug}/test-runs", a.member(a.automationTestRun))
	mux.Handle("POST /api/v1/automations/{slug}/listing", a.member(a.automationListing))
	mux.Handle("GET /api/v1/automations/{slug}/reviews", a.anyone(a.automationReviews))
	mux.Handle("POST /api/v1/automations/{slug}/reviews/{id}/answer", a.member(a.automationAnswer))
	mux.Handle("POST /api/v1/automations/compositions", a.member(a.automationCompose))
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

// automationShow is a listed automation, or one not listed to its author.
func (a *API) automationShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var viewer member.Member
	if sess != nil {
		viewer = sess.Member
	}
	auto, err := a.Actions.AutomationFor(r.Context(), viewer, r.PathValue("slug"))
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

// automationSamples are the author's sample values for test runs.
func (a *API) automationSamples(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	samples, err := a.Actions.Samples(r.Context(), sess.Member, r.PathValue("slug"))
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, map[string]any{"samples": samples})
	return nil
}

// automationSetSamples replaces the sample values: a new version, out of
// the marketplace until its test run succeeds.
func (a *API) automationSetSamples(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var req struct {
		Samples map[string]string `json:"samples"`
	}
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	auto, err := a.Actions.SetSamples(r.Context(), sess.Member, r.PathValue("slug"), req.Samples)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, a.automationOut(auto))
	return nil
}

// automationTestRun queues a test run on the samples in the sandbox (a
// chain's paid by its composer at its parts' prices).
func (a *API) automationTestRun(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	run, err := a.Actions.TestRun(r.Context(), sess.Member, r.PathValue("slug"))
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusAccepted, run)
	return nil
}

// automationListing lists the automation once a test run of its version
// succeeded (409 saying why otherwise); DELETE on the automation
// withdraws it.
func (a *API) automationListing(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	auto, err := a.Actions.List(r.Context(), sess.Member, r.PathValue("slug"))
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, a.automationOut(auto))
	return nil
}

// automationReviews lists a listed automation's reviews, newest first.
func (a *API) automationReviews(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	var viewer member.Member
	if sess != nil {
		viewer = sess.Member
	}
	list, next, err := a.Actions.Ratings(r.Context(), viewer, r.PathValue("slug"), page)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, response.List{"reviews": list}.Next(next))
	return nil
}

// automationAnswer is the author's answer to a review.
func (a *API) automationAnswer(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var req struct {
		Answer string `json:"answer"`
	}
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	rv, err := a.Actions.Answer(r.Context(), sess.Member, r.PathValue("slug"), r.PathValue("id"), req.Answer)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, rv)
	return nil
}

// automationCompose chains listed automations into a new, unlisted one.
func (a *API) automationCompose(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var req struct {
		publicationRequest
		Parts []action.Part `json:"parts"`
	}
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	pub, err := a.publication(req.publicationRequest)
	if err != nil {
		return err
	}
	auto, err := a.Actions.Compose(r.Context(), sess.Member, action.Composition{Publication: pub, Parts: req.Parts})
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusCreated, a.automationOut(auto))
	return nil
}
