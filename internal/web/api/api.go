// Package api serves the JSON API under /api/v1 for programs. Each
// resource has its file, named for the path segment after /api/v1/ — or,
// under /api/v1/members/{id}/, for the resource after the id — so
// POST /api/v1/tasks/{id}/submit is in tasks.go and
// GET /api/v1/members/{id}/keys in keys.go; each file registers its own
// routes beside its handlers. A handler returns an error, and the
// adapters here hand it to response.Error, which writes the one error
// shape with the status from the one table. What a member may do is asked
// of the domain.
package api

import (
	"cmp"
	"net/http"
	"strings"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/deps"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
	"github.com/allmende/allmende/internal/web/throttle"
)

// API is the JSON API.
type API struct {
	deps.Deps
	signins *throttle.Limiter
}

// New is the API over the cooperative's services; signins limits
// sign-in attempts together with the sign-in page.
func New(d deps.Deps, signins *throttle.Limiter) *API {
	return &API{Deps: d, signins: signins}
}

// Routes registers every endpoint, one resource at a time. Each is also
// described in openapi.json; a test keeps the two in step.
func (a *API) Routes(mux route.Mux) {
	a.openapi(mux)
	a.signup(mux)
	a.sessions(mux)
	a.me(mux)
	a.members(mux)
	a.invitations(mux)
	a.events(mux)
	a.receipts(mux)
	a.datanets(mux)
	a.contributions(mux)
	a.work(mux)
	a.projects(mux)
	a.tasks(mux)
	a.earnings(mux)
	a.payouts(mux)
	a.models(mux)
	a.keys(mux)
	a.recordEarnings(mux)
	a.deposits(mux)
	a.proposals(mux)
	a.delegations(mux)
	a.params(mux)
	a.shares(mux)
	a.epochs(mux)
	a.recordings(mux)
	a.automations(mux)
	a.runs(mux)
	a.bounties(mux)
	mux.Handle("/api/", a.public(a.notFound))
}

func (a *API) notFound(w http.ResponseWriter, r *http.Request) error {
	return problem.New(problem.NotFound, "no API endpoint %s %s; see /api/v1/openapi.json", r.Method, r.URL.Path)
}

// Error writes err in the API's one error shape. Every error an API
// handler returns ends here.
func (a *API) Error(w http.ResponseWriter, r *http.Request, err error) {
	response.Error(a.Log, w, r, err)
}

// public adapts an endpoint anyone may call without a session.
func (a *API) public(h func(http.ResponseWriter, *http.Request) error) route.Handler {
	return route.New(h, func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			a.Error(w, r, err)
		}
	})
}

// anyone adapts a public endpoint that answers a signed-in member more;
// the session is nil for anonymous callers.
func (a *API) anyone(h func(http.ResponseWriter, *http.Request, *member.Session) error) route.Handler {
	return route.New(h, func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r, request.Session(r)); err != nil {
			a.Error(w, r, err)
		}
	})
}

// errSignIn is what an endpoint for members answers a caller without a
// session.
var errSignIn = problem.New(problem.Unauthorized, "sign in first: POST /api/v1/sessions, then send the token as 'Authorization: Bearer <token>'")

// member adapts an endpoint that needs a signed-in member.
func (a *API) member(h func(http.ResponseWriter, *http.Request, *member.Session) error) route.Handler {
	return route.New(h, func(w http.ResponseWriter, r *http.Request) {
		sess := request.Session(r)
		if sess == nil {
			a.Error(w, r, errSignIn)
			return
		}
		if err := h(w, r, sess); err != nil {
			a.Error(w, r, err)
		}
	})
}

// memberOrKey is member that also accepts a member's API key (the
// personal token the recorder extension uploads with) in place of a
// session.
func (a *API) memberOrKey(h func(http.ResponseWriter, *http.Request, *member.Session) error) route.Handler {
	return route.New(h, func(w http.ResponseWriter, r *http.Request) {
		sess, err := a.keyHolder(r)
		if err == nil {
			err = h(w, r, sess)
		}
		if err != nil {
			a.Error(w, r, err)
		}
	})
}

// keyHolder is the session of the request, or the member whose API key
// it carries.
func (a *API) keyHolder(r *http.Request) (*member.Session, error) {
	if sess := request.Session(r); sess != nil {
		return sess, nil
	}
	token, _ := request.Token(r)
	if !strings.HasPrefix(token, model.KeyPrefix) {
		return nil, errSignIn
	}
	c, err := a.Models.Authenticate(r.Context(), token)
	if err != nil {
		return nil, err
	}
	m, err := a.Members.ByPublicID(r.Context(), c.PublicID)
	if err != nil {
		return nil, err
	}
	return &member.Session{Member: m}, nil
}

// memberParam resolves the {id} path value; "me" stands for the caller.
// money writes an amount of points the way pages do; every API answer
// that carries an amount also carries it written this way, as <field>_text.
func (a *API) money(v int64) string { return cmp.Or(a.Currency, points.DefaultCurrency).Format(v) }

func memberParam(r *http.Request, sess *member.Session) string {
	id := r.PathValue("id")
	if id == "me" {
		return sess.Member.PublicID
	}
	return id
}
