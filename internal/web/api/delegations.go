package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) delegations(mux route.Mux) {
	mux.Handle("GET /api/v1/delegations", a.member(a.delegationList))
	mux.Handle("POST /api/v1/delegations", a.member(a.delegationCreate))
	mux.Handle("DELETE /api/v1/delegations/{topic}", a.member(a.delegationRevoke))
}

// delegationTopic reads a delegation's topic as a member writes it: "all"
// or nothing for every proposal, an advisory proposal's topic, or a
// parameter a vote may set.
func delegationTopic(s string) (govern.Topic, error) {
	if t, ok := govern.ParseTopic(s); ok {
		return t, nil
	}
	return "", &problem.Error{Kind: problem.Invalid, Message: "No such topic.",
		Fields: map[string]string{"topic": "all, an advisory topic (" + strings.Join(topicNames(govern.AdvisoryTopics()), ", ") + ") or a parameter a vote may set"}}
}

func topicNames(ts []govern.Topic) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}

// delegationList is the caller's own delegations and how many members
// delegate to them — never who.
func (a *API) delegationList(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	mine, n, err := a.Govern.Delegations(r.Context(), sess.Member)
	if err != nil {
		return err
	}
	if mine == nil {
		mine = []govern.Delegation{}
	}
	response.JSON(w, http.StatusOK, map[string]any{"delegations": mine, "delegators": n, "topics": govern.Topics()})
	return nil
}

func (a *API) delegationCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var body struct {
		Delegate string `json:"delegate"`
		Topic    string `json:"topic"`
	}
	if err := request.JSON(w, r, &body); err != nil {
		return err
	}
	topic, err := delegationTopic(body.Topic)
	if err != nil {
		return err
	}
	d, err := a.Govern.Delegate(r.Context(), sess.Member, body.Delegate, topic, time.Now())
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusCreated, d)
	return nil
}

func (a *API) delegationRevoke(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	topic, err := delegationTopic(r.PathValue("topic"))
	if err != nil {
		return err
	}
	if err := a.Govern.Revoke(r.Context(), sess.Member, topic); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
