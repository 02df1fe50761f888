package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// taskDecide is a steward's ruling on a held rejection or an appeal.
func (p *Pages) taskDecide(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := taskID(r)
	if err != nil {
		return err
	}
	if err := request.Form(w, r); err != nil {
		return err
	}
	if err := p.Work.Decide(r.Context(), sess.Member, id, r.PostForm.Get("decision") == "uphold", r.PostForm.Get("note")); err != nil {
		return againSummary(err, p.showReviews, form{})
	}
	http.Redirect(w, r, "/reviews", http.StatusSeeOther)
	return nil
}
