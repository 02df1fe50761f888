package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/upload"
	"github.com/allmende/allmende/internal/work"
)

// projectCreate creates a project from the form and imports its items.
func (p *Pages) projectCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if !work.MayRequest(sess.Member) {
		return errNotRequester
	}
	r.Body = http.MaxBytesReader(w, r.Body, upload.MaxItems)
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		return problem.New(problem.BadRequest, "cannot read the form: %v", err)
	}
	defer r.MultipartForm.RemoveAll()
	proj, items, f, err := projectForm(r, p.currency())
	if err != nil {
		return again(err, p.showProjectForm, f)
	}
	created, _, err := p.Work.CreateWithItems(r.Context(), sess.Member, proj, items)
	if err != nil {
		return again(importFailure(err, f), p.showProjectForm, f)
	}
	http.Redirect(w, r, "/projects/"+created.Slug, http.StatusSeeOther)
	return nil
}
