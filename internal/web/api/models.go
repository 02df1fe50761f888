package api

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) models(mux route.Mux) {
	mux.Handle("GET /api/v1/models", a.member(a.modelList))
	mux.Handle("POST /api/v1/models", a.member(a.modelCreate))
	mux.Handle("GET /api/v1/models/{slug}", a.member(a.modelShow))
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
	response.JSON(w, http.StatusOK, response.List{"models": list}.Next(next))
	return nil
}

func (a *API) modelShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	m, top, err := a.Models.Profile(r.Context(), r.PathValue("slug"), 10)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, map[string]any{"model": m, "top_contributors": top})
	return nil
}

type modelRequest struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	Kind             string   `json:"kind"`
	UpstreamURL      string   `json:"upstream_url"`
	UpstreamModel    string   `json:"upstream_model"`
	UpstreamKey      string   `json:"upstream_key"`
	PricePerCall     int64    `json:"price_per_call"`
	PricePer1kTokens int64    `json:"price_per_1k_tokens"`
	Datanets         []string `json:"datanets"`
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
	m, err := a.Models.Create(r.Context(), sess.Member, model.Model{Slug: req.ID, Name: req.Name, Kind: model.Kind(req.Kind), UpstreamURL: req.UpstreamURL,
		UpstreamModel: req.UpstreamModel, UpstreamKey: req.UpstreamKey, PricePerCall: req.PricePerCall, PricePer1kTokens: req.PricePer1kTokens, Datanets: req.Datanets,
		Assistant: req.Assistant})
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusCreated, m)
	return nil
}
