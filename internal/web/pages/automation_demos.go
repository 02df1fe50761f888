package pages

import (
	"net/http"
	"strings"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// automationDemos adds a recording of the task to a learned automation,
// which learns its program again.
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
	// a test run; until then a recorder who added their own recording is
	// shown that recording, not the automation they can no longer open.
	if !a.Listed && a.Author != sess.Member.PublicID && !sess.Member.IsSteward() {
		http.Redirect(w, r, "/recordings/"+id, http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/automations/"+a.Slug, http.StatusSeeOther)
	return nil
}
