package pages

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
)

// modelVersions asks for a new version from the model page's form, and
// shows the version's page, where its training is followed.
func (p *Pages) modelVersions(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	req, f, err := trainForm(r)
	if err != nil {
		return again(err, p.showModel, f)
	}
	v, err := p.Models.Train(r.Context(), sess.Member, r.PathValue("slug"), req)
	if err != nil {
		return again(err, p.showModel, f)
	}
	http.Redirect(w, r, "/models/"+v.Model+"/versions/"+strconv.Itoa(v.Number), http.StatusSeeOther)
	return nil
}

// modelVersionShow is a version's card; while it trains the page reloads
// itself every two seconds to show the progress.
func (p *Pages) modelVersionShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil || n < 1 {
		return problem.New(problem.NotFound, "no such model version")
	}
	m, err := p.Models.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	v, err := p.Models.VersionOf(r.Context(), m.Slug, n)
	if err != nil {
		return err
	}
	training := v.Status == model.VersionQueued || v.Status == model.VersionTraining
	return p.render(w, r, http.StatusOK, "model_version.html", m.Name+" version "+strconv.Itoa(n), map[string]any{
		"M": m, "V": v, "Training": training, "MayTrain": model.MayTrain(sess.Member, m), "Base": request.Base(r)})
}
