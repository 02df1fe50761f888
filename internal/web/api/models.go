package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) models(mux route.Mux) {
	mux.Handle("GET /api/v1/models", a.member(a.modelList))
	mux.Handle("POST /api/v1/models", a.member(a.modelCreate))
	mux.Handle("GET /api/v1/models/{slug}", a.member(a.modelShow))
	mux.Handle("GET /api/v1/models/{slug}/versions", a.member(a.modelVersions))
	mux.Handle("POST /api/v1/models/{slug}/versions", a.member(a.modelTrain))
	mux.Handle("GET /api/v1/models/{slug}/versions/{number}", a.member(a.modelVersion))
	mux.Handle("POST /api/v1/models/{slug}/versions/{number}/publish", a.member(a.modelPublish))
	mux.Handle("DELETE /api/v1/models/{slug}/versions/{number}", a.member(a.modelVersionDelete))
	mux.Handle("POST /api/v1/models/{slug}/predict", a.public(a.modelPredict))
	// Members fund models together (model/funding.go).
	mux.Handle("GET /api/v1/models/{slug}/funding", a.member(a.modelFunding))
	mux.Handle("POST /api/v1/models/{slug}/funding", a.member(a.modelFundingOpen))
	mux.Handle("POST /api/v1/models/{slug}/funding/pledges", a.member(a.modelFundingPledge))
	mux.Handle("POST /api/v1/models/{slug}/funding/close", a.member(a.modelFundingClose))
}

func (a *API) modelList(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	list, next, err := a.Models.List(r.Context(), page)
	if err != nil {
		return err
	}
	out := make([]modelJSON, len(list))
	for i, m := range list {
		out[i] = a.modelOut(m)
	}
	response.JSON(w, http.StatusOK, response.List{"models": out}.Next(next))
	return nil
}

func (a *API) modelShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	m, top, err := a.Models.Profile(r.Context(), r.PathValue("slug"), 10)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, map[string]any{"model": a.modelOut(m), "top_contributors": top})
	return nil
}

// modelJSON is a model with its prices written as money too.
type modelJSON struct {
	model.Model
	PricePerCallText     string `json:"price_per_call_text"`
	PricePer1kTokensText string `json:"price_per_1k_tokens_text"`
}

func (a *API) modelOut(m model.Model) modelJSON {
	return modelJSON{Model: m, PricePerCallText: a.money(m.PricePerCall), PricePer1kTokensText: a.money(m.PricePer1kTokens)}
}

type modelRequest struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	Kind             string `json:"kind"`
	UpstreamURL      string `json:"upstream_url"`
	UpstreamModel    string `json:"upstream_model"`
	UpstreamKey      string `json:"upstream_key"`
	PricePerCall     *int64 `json:"price_per_call"`
	PricePer1kTokens *int64 `json:"price_per_1k_tokens"`
	// The prices as money, as answers write them beside the integers.
	PricePerCallText     *string  `json:"price_per_call_text"`
	PricePer1kTokensText *string  `json:"price_per_1k_tokens_text"`
	Datanets             []string `json:"datanets"`
	// Assistant makes an openai model an assistant over its datanets, or
	// registers a LoRA adapter with the datanet version it was trained on.
	Assistant *model.Assistant `json:"assistant"`
}

func (a *API) modelCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	// Asked before the body is read; Create decides again.
	if !model.MayBuild(sess.Member) {
		return problem.New(problem.Forbidden, "requesters and stewards register models")
	}
	var req modelRequest
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	perCall, err := a.amountIn("price_per_call", req.PricePerCall, req.PricePerCallText, 0, points.MaxPrice)
	if err != nil {
		return err
	}
	per1k, err := a.amountIn("price_per_1k_tokens", req.PricePer1kTokens, req.PricePer1kTokensText, 0, points.MaxPrice)
	if err != nil {
		return err
	}
	m, err := a.Models.Create(r.Context(), sess.Member, model.Model{Slug: req.ID, Name: req.Name, Kind: model.Kind(req.Kind), UpstreamURL: req.UpstreamURL,
		UpstreamModel: req.UpstreamModel, UpstreamKey: req.UpstreamKey, PricePerCall: orZero(perCall), PricePer1kTokens: orZero(per1k), Datanets: req.Datanets,
		Assistant: req.Assistant})
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusCreated, a.modelOut(m))
	return nil
}

func (a *API) modelVersions(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if _, err := a.Models.BySlug(r.Context(), r.PathValue("slug")); err != nil {
		return err
	}
	list, err := a.Models.Versions(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, map[string]any{"versions": list})
	return nil
}

type trainRequest struct {
	Datanets []string `json:"datanets"`
	// DatanetVersions (slug@number) train on those versions' records.
	DatanetVersions []string `json:"datanet_versions"`
	Project         string   `json:"project"`
	LabelField      string   `json:"label_field"`
	HeldOut         *float64 `json:"held_out"`
	Kind            string   `json:"kind"`
	Epochs          int      `json:"epochs"`
	L2              float64  `json:"l2"`
	LearningRate    float64  `json:"learning_rate"`
	K               int      `json:"k"`
	Seed            int64    `json:"seed"`
}

// modelTrain queues a new version; 202, since it trains in the
// background: poll the version for its progress.
func (a *API) modelTrain(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var req trainRequest
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	v, err := a.Models.Train(r.Context(), sess.Member, r.PathValue("slug"), model.TrainRequest{Datanets: req.Datanets, Versions: req.DatanetVersions, Project: req.Project, LabelField: req.LabelField,
		HeldOut: req.HeldOut, Kind: req.Kind, Params: model.TrainParams{Epochs: req.Epochs, L2: req.L2, LearningRate: req.LearningRate, K: req.K, Seed: req.Seed}})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/models/"+v.Model+"/versions/"+strconv.Itoa(v.Number))
	response.JSON(w, http.StatusAccepted, v)
	return nil
}

// versionNumber reads {number}; one that is not a number names no version.
func versionNumber(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil || n < 1 {
		return 0, problem.New(problem.NotFound, "no such model version")
	}
	return n, nil
}

func (a *API) modelVersion(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	n, err := versionNumber(r)
	if err != nil {
		return err
	}
	v, err := a.Models.VersionOf(r.Context(), r.PathValue("slug"), n)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, v)
	return nil
}

func (a *API) modelPublish(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	n, err := versionNumber(r)
	if err != nil {
		return err
	}
	v, err := a.Models.Publish(r.Context(), sess.Member, r.PathValue("slug"), n)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, v)
	return nil
}

func (a *API) modelVersionDelete(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	n, err := versionNumber(r)
	if err != nil {
		return err
	}
	if err := a.Models.DeleteVersion(r.Context(), sess.Member, r.PathValue("slug"), n); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// modelPredict answers in the Hugging Face Inference convention for text
// classification: {"inputs": "text"} gives [{"label","score"}, …], and
// {"inputs": ["a", "b"]} one such list per text. A client calls it with an
// API key, as /v1/chat/completions; each text is a paid call, and the
// Allmende-Attribution header carries each call's attribution (the
// training records that shaped it and what they were paid).
func (a *API) modelPredict(w http.ResponseWriter, r *http.Request) error {
	token, _ := request.Token(r)
	client, err := a.Models.Authenticate(r.Context(), token)
	if err != nil {
		return err
	}
	var body struct {
		Inputs     json.RawMessage `json:"inputs"`
		Parameters map[string]any  `json:"parameters"`
		Options    map[string]any  `json:"options"`
	}
	if err := request.JSON(w, r, &body); err != nil {
		return err
	}
	inputs, single, err := predictInputs(body.Inputs)
	if err != nil {
		return err
	}
	results, err := a.Models.Predict(r.Context(), client, r.PathValue("slug"), inputs)
	if err != nil {
		return err
	}
	out := make([][]model.LabelScore, len(results))
	atts := make([]model.Attribution, len(results))
	for i, res := range results {
		out[i], atts[i] = res.Scores, res.Attribution
	}
	if b, err := json.Marshal(atts); err == nil {
		w.Header().Set("Allmende-Attribution", string(b))
	}
	if single {
		response.JSON(w, http.StatusOK, out[0])
		return nil
	}
	response.JSON(w, http.StatusOK, out)
	return nil
}

// predictInputs reads "inputs": one text, or a list of texts.
func predictInputs(raw json.RawMessage) (texts []string, single bool, err error) {
	bad := &problem.Error{Kind: problem.Invalid, Message: "inputs: a text or a list of texts", Fields: map[string]string{"inputs": "a text or a list of texts"}}
	raw = bytes.Trim(raw, " \t\r\n") // JSON's whitespace
	switch {
	case len(raw) == 0:
		return nil, false, bad
	case raw[0] == '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, false, bad
		}
		return []string{s}, true, nil
	case raw[0] == '[':
		if json.Unmarshal(raw, &texts) != nil {
			return nil, false, bad
		}
		return texts, false, nil
	}
	return nil, false, bad
}

// roundJSON is a funding round with its amounts written as money too.
type roundJSON struct {
	model.Round
	GoalText       string `json:"goal_text"`
	CostsText      string `json:"costs_text"`
	PledgedText    string `json:"pledged_text"`
	MyPledgeText   string `json:"my_pledge_text"`
	MyEarningsText string `json:"my_earnings_text"`
}

func (a *API) roundOut(r model.Round) roundJSON {
	if r.Stakes == nil {
		r.Stakes = []model.Stake{}
	}
	return roundJSON{Round: r, GoalText: a.money(r.Goal), CostsText: a.money(r.Costs), PledgedText: a.money(r.Pledged),
		MyPledgeText: a.money(r.MyPledge), MyEarningsText: a.money(r.MyEarnings)}
}

// modelFunding answers the model's current funding round, or null.
func (a *API) modelFunding(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	round, err := a.Models.RoundOf(r.Context(), sess.Member, r.PathValue("slug"))
	if err != nil {
		return err
	}
	var out *roundJSON
	if round != nil {
		o := a.roundOut(*round)
		out = &o
	}
	response.JSON(w, http.StatusOK, map[string]any{"round": out})
	return nil
}

// roundRequest is a builder's funding round, as the API takes it.
type roundRequest struct {
	Goal            *int64   `json:"goal"`
	GoalText        *string  `json:"goal_text"`
	Costs           *int64   `json:"costs"`
	CostsText       *string  `json:"costs_text"`
	ShareBP         int64    `json:"share_bp"`
	Deadline        string   `json:"deadline"`
	DatanetVersions []string `json:"datanet_versions"`
}

// terms reads a round request: amounts as integers or money, the deadline
// in RFC 3339. What is in range is the domain's to say (OpenRound).
func (a *API) roundTerms(req roundRequest) (model.RoundTerms, error) {
	goal, err := a.amountIn("goal", req.Goal, req.GoalText, 1, points.MaxBudget)
	if err != nil {
		return model.RoundTerms{}, err
	}
	costs, err := a.amountIn("costs", req.Costs, req.CostsText, 0, points.MaxBudget)
	if err != nil {
		return model.RoundTerms{}, err
	}
	deadline, err := time.Parse(time.RFC3339, strings.TrimSpace(req.Deadline))
	if err != nil {
		return model.RoundTerms{}, problem.Fields{"deadline": "a moment in RFC 3339, e.g. 2027-01-31T18:00:00Z"}.Err()
	}
	return model.RoundTerms{Goal: orZero(goal), Costs: orZero(costs), ShareBP: req.ShareBP, Deadline: deadline, Versions: req.DatanetVersions}, nil
}

func (a *API) modelFundingOpen(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var req roundRequest
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	t, err := a.roundTerms(req)
	if err != nil {
		return err
	}
	round, err := a.Models.OpenRound(r.Context(), sess.Member, r.PathValue("slug"), t)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusCreated, a.roundOut(round))
	return nil
}

func (a *API) modelFundingPledge(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var req struct {
		Amount     *int64  `json:"amount"`
		AmountText *string `json:"amount_text"`
	}
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	amount, err := a.amountIn("amount", req.Amount, req.AmountText, 1, points.MaxBudget)
	if err != nil {
		return err
	}
	round, err := a.Models.Pledge(r.Context(), sess.Member, r.PathValue("slug"), orZero(amount))
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, a.roundOut(round))
	return nil
}

func (a *API) modelFundingClose(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	round, err := a.Models.CloseRound(r.Context(), sess.Member, r.PathValue("slug"))
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, a.roundOut(round))
	return nil
}
