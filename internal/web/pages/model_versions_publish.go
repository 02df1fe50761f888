package pages

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

// modelVersionsPublish makes a version the one the model answers with.
func (p *Pages) modelVersionsPublish(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil || n < 1 {
		return problem.New(problem.NotFound, "no such model version")
	}
	v, err := p.Models.Publish(r.Context(), sess.Member, r.PathValue("slug"), n)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/models/"+v.Model+"/versions/"+strconv.Itoa(v.Number), http.StatusSeeOther)
	return nil
}
