package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// automationReviewsAnswer is the author's answer to a review, shown under
// it on the automation's page.
func (p *Pages) automationReviewsAnswer(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	slug, id := r.PathValue("slug"), r.PathValue("id")
	v := fields(r.PostForm.Get, "answer")
	v["panel"] = "answer-" + id
	if _, err := p.Actions.Answer(r.Context(), sess.Member, slug, id, v["answer"]); err != nil {
		return &redo{err: err, show: p.showAutomation, form: form{Values: v}, shows: found}
	}
	http.Redirect(w, r, "/automations/"+slug+"#review-"+id, http.StatusSeeOther)
	return nil
}
