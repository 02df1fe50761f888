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
	proj, items, f, err := projectForm(r)
	if err != nil {
		return again(err, p.showProjectForm, f)
	}
	created, err := p.Work.Create(r.Context(), sess.Member, proj)
	if err != nil {
		return again(err, p.showProjectForm, f)
	}
	if _, _, err := p.Work.Import(r.Context(), created, items); err != nil {
		// Nothing of a failed attempt stays: the form can be sent again
		// with the same address.
		if derr := p.Work.DiscardDraft(r.Context(), created.ID); derr != nil {
			p.Log.Error("discard a draft project after a failed import", "project", created.Slug, "err", derr)
		}
		return again(importFailure(err), p.showProjectForm, f)
	}
	http.Redirect(w, r, "/projects/"+created.Slug, http.StatusSeeOther)
	return nil
}
