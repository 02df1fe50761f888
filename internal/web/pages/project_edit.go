package pages

import (
	"net/http"
	"strings"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/upload"
	"github.com/allmende/allmende/internal/work"
)

// projectEdit shows the form that changes a project's instructions,
// example images, labels and pay, to those who manage it.
func (p *Pages) projectEdit(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return p.showProjectEdit(w, r, http.StatusOK, form{})
}

func (p *Pages) showProjectEdit(w http.ResponseWriter, r *http.Request, status int, f form) error {
	sess := request.Session(r)
	proj, err := p.Work.Project(r.Context(), sess.Member, r.PathValue("slug"))
	if err != nil {
		return err
	}
	started, err := p.Work.Started(r.Context(), proj.ID)
	if err != nil {
		return err
	}
	if f.Values == nil {
		f.Values = map[string]string{"instructions": proj.Instructions, "labels": strings.Join(proj.Labels, ", "), "pay_per_task": p.currency().Number(proj.PayPerTask)}
	}
	return p.render(w, r, status, "project_edit.html", "Edit "+proj.Name, map[string]any{"P": proj, "Started": started, "Form": f, "MaxExamples": work.MaxExamples})
}

// projectEditSave changes the project as the form says; the work domain
// decides who may and what can change.
func (p *Pages) projectEditSave(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	r.Body = http.MaxBytesReader(w, r.Body, upload.MaxExamplesBody)
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		return problem.New(problem.BadRequest, "cannot read the form: %v", err)
	}
	defer r.MultipartForm.RemoveAll()
	c, f, err := projectEditForm(r, p.currency())
	if err != nil {
		return again(err, p.showProjectEdit, f)
	}
	proj, err := p.Work.Edit(r.Context(), sess.Member, r.PathValue("slug"), c)
	if err != nil {
		return again(err, p.showProjectEdit, f)
	}
	http.Redirect(w, r, "/projects/"+proj.Slug+"?edited=1", http.StatusSeeOther)
	return nil
}
