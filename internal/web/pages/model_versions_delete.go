package pages

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

// modelVersionsDelete deletes a version's weights; its card stays.
func (p *Pages) modelVersionsDelete(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil || n < 1 {
		return problem.New(problem.NotFound, "no such model version")
	}
	if err := p.Models.DeleteVersion(r.Context(), sess.Member, r.PathValue("slug"), n); err != nil {
		return err
	}
	http.Redirect(w, r, "/models/"+r.PathValue("slug")+"/versions/"+strconv.Itoa(n), http.StatusSeeOther)
	return nil
}
