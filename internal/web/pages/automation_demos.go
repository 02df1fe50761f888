package pages

import (
	"net/http"
	"strings"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// automationDemos adds a recording of the task to a learned automation,
// which learns its program again (its publisher or a steward: see
// action.Automation.TakesDemosFrom).
func (p *Pages) automationDemos(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	id := strings.TrimSpace(r.PostForm.Get("recording"))
	f := form{Values: map[string]string{"recording": id}}
	a, err := p.Actions.AddDemo(r.Context(), sess.Member, r.PathValue("slug"), id)
	if err != nil {
		return &redo{err: err, show: p.showAutomation, form: f, shows: found}
	}
	// Learned again, it is a new version that its publisher lists after
	// a test run; the publisher and stewards, who alone add, still see it.
	http.Redirect(w, r, "/automations/"+a.Slug, http.StatusSeeOther)
	return nil
}
