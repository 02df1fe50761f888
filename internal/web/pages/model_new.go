package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
)

// errNotBuilder is why a member who may not register models is not shown
// the form; Create refuses them on its own.
var errNotBuilder = problem.New(problem.Forbidden, "requesters and stewards register models")

func (p *Pages) modelNew(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if !model.MayBuild(sess.Member) {
		return errNotBuilder
	}
	return p.showModelForm(w, r, http.StatusOK, form{Values: map[string]string{"kind": "retrieval", "price_per_call": p.currency().Number(10)}})
}

func (p *Pages) showModelForm(w http.ResponseWriter, r *http.Request, status int, f form) error {
	return p.render(w, r, status, "model_new.html", "New model", f)
}
