package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
)

// projectsPage lists the projects the member manages: their own as a
// requester, all of them as a steward.
func (p *Pages) projectsPage(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	list, err := p.Work.Projects(r.Context(), sess.Member)
	if err != nil {
		return err
	}
	return p.render(w, r, http.StatusOK, "projects.html", "Projects", map[string]any{"Projects": list})
}
