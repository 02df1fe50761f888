package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
)

// settingsPage lets a member choose how other members see them: by
// pseudonym only, or with a display name they make public.
func (p *Pages) settingsPage(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return p.showSettings(w, r, http.StatusOK, form{Values: map[string]string{"display_name": sess.Member.DisplayName}})
}

func (p *Pages) showSettings(w http.ResponseWriter, r *http.Request, status int, f form) error {
	return p.render(w, r, status, "settings.html", "Settings", f)
}
