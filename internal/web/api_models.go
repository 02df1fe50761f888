package web

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
)

func (s *Server) apiModels(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	page, err := pageOf(r, apiLimit)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	list, next, err := s.Models.List(r.Context(), page)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listJSON{"models": list}.next(next))
}

func (s *Server) apiModel(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	m, err := s.Models.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	top, err := s.Models.TopContributors(r.Context(), m.ID, 10)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"model": m, "top_contributors": top})
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
}

func (s *Server) apiModelCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if !model.MayBuild(sess.Member) {
		s.apiError(w, r, problem.New(problem.Forbidden, "requesters and stewards register models"))
		return
	}
	var req modelRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	m, err := s.Models.Create(r.Context(), sess.Member, model.Model{Slug: req.ID, Name: req.Name, Kind: model.Kind(req.Kind), UpstreamURL: req.UpstreamURL,
		UpstreamModel: req.UpstreamModel, UpstreamKey: req.UpstreamKey, PricePerCall: req.PricePerCall, PricePer1kTokens: req.PricePer1kTokens, Datanets: req.Datanets})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, m)
}

func (s *Server) apiKeys(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := member.Own(sess.Member, memberParam(r, sess), "these are another member's keys"); err != nil {
		s.apiError(w, r, err)
		return
	}
	page, err := pageOf(r, apiLimit)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	keys, next, err := s.Models.Keys(r.Context(), sess.Member.ID, page)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if keys == nil {
		keys = []model.Key{}
	}
	writeJSON(w, http.StatusOK, listJSON{"keys": keys}.next(next))
}

func (s *Server) apiKeyCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := member.Own(sess.Member, memberParam(r, sess), "keys are created by their owner"); err != nil {
		s.apiError(w, r, err)
		return
	}
	var req struct {
		Name string `json:"name"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	secret, k, err := s.Models.CreateKey(r.Context(), sess.Member.ID, req.Name)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"key": secret, "info": k})
}

func (s *Server) apiKeyRevoke(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := member.Own(sess.Member, memberParam(r, sess), "keys are revoked by their owner"); err != nil {
		s.apiError(w, r, err)
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("key"), 10, 64)
	if err := s.Models.RevokeKey(r.Context(), sess.Member.ID, id); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiRecordEarnings(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := member.Own(sess.Member, memberParam(r, sess), "this is another member's data"); err != nil {
		s.apiError(w, r, err)
		return
	}
	page, err := pageOf(r, apiLimit)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	list, next, err := s.Models.WhereMyDataWent(r.Context(), sess.Member.ID, page)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if list == nil {
		list = []model.RecordEarning{}
	}
	writeJSON(w, http.StatusOK, listJSON{"records": list}.next(next))
}

func (s *Server) apiDeposit(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	var req struct {
		Amount int64 `json:"amount"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	id, err := s.Models.Deposit(r.Context(), sess.Member, r.PathValue("id"), req.Amount)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"event_id": id})
}
