package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

// errNotCreator is why a member who may not create datanets is not shown
// the form; Create refuses them on its own.
var errNotCreator = problem.New(problem.Forbidden, "only stewards and requesters create datanets")

func (p *Pages) datanetNew(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if !datanet.MayCreate(sess.Member) {
		return errNotCreator
	}
	return p.showDatanetForm(w, r, http.StatusOK, form{Values: map[string]string{"near_duplicate": "0.8"}})
}

func (p *Pages) showDatanetForm(w http.ResponseWriter, r *http.Request, status int, f form) error {
	return p.render(w, r, status, "datanet_new.html", "New datanet", f)
}
