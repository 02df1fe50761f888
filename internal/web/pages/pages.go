// Package pages serves the HTML pages members use, with their templates
// and static files. A page's handler is in a file named for its route: the
// first path segment, with a final "s" dropped, and the action — the
// literal segments after it, or for none "show" (GET with an id),
// "create" (POST) or "update" (POST with an id): GET /datanets/{slug} is
// in datanet_show.go, POST /tasks/{id}/submit in task_submit.go, POST
// /datanets in datanet_create.go. A GET page without id or action is
// named for its path as written: GET /datanets is datanets.go, GET
// /my-data my_data.go. Parsing a form into the domain's values is in
// form_<name>.go, one file per form.
//
// A handler returns an error; Error (errors.go) writes it: the page the
// form is on again, or the error page. What a member may see or do is
// asked of the domain.
package pages

import (
	"cmp"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/deps"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/route"
	"github.com/allmende/allmende/internal/web/throttle"
)

// Pages are the cooperative's HTML pages.
type Pages struct {
	deps.Deps
	signins *throttle.Limiter
	sets    map[string]*template.Template
	files   http.Handler
}

// New is the pages over the cooperative's services; signins limits
// sign-in attempts together with the API.
func New(d deps.Deps, signins *throttle.Limiter) *Pages {
	sub, _ := fs.Sub(assets, "static")
	return &Pages{Deps: d, signins: signins, sets: loadTemplates(cmp.Or(d.Currency, points.DefaultCurrency)), files: http.StripPrefix("/static/", http.FileServerFS(sub))}
}

// public adapts a page anyone may see.
func (p *Pages) public(h func(http.ResponseWriter, *http.Request) error) route.Handler {
	return route.New(h, func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			p.Error(w, r, err)
		}
	})
}

// member adapts a page that needs a signed-in member: others are sent to
// sign in and brought back afterwards.
func (p *Pages) member(h func(http.ResponseWriter, *http.Request, *member.Session) error) route.Handler {
	return route.New(h, func(w http.ResponseWriter, r *http.Request) {
		sess := request.Session(r)
		if sess == nil {
			next := r.URL.Path
			if r.Method != http.MethodGet {
				next = "/dashboard"
			}
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		if err := h(w, r, sess); err != nil {
			p.Error(w, r, err)
		}
	})
}

// steward adapts a page only stewards see. It only keeps the page from
// rendering for others: what it does, the domain refuses to anyone but a
// steward on its own.
func (p *Pages) steward(h func(http.ResponseWriter, *http.Request, *member.Session) error) route.Handler {
	stewards := p.member(func(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
		if !sess.Member.IsSteward() {
			// A form sent is an action, not a page: say so, or a member
			// who pressed a button is told about a page they never asked for.
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				return problem.New(problem.Forbidden, "only stewards can do this")
			}
			return problem.New(problem.Forbidden, "only stewards can see this page")
		}
		return h(w, r, sess)
	})
	return route.New(h, stewards.ServeHTTP)
}
