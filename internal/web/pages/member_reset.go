package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
)

// memberReset issues a password reset link for a member and shows it to
// the steward, once: the cooperative may have no e-mail server, so the
// steward hands the link over themself.
func (p *Pages) memberReset(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	reset, err := p.Members.IssueReset(r.Context(), sess.Member, r.PathValue("id"))
	if err != nil {
		return againSummary(err, p.showMembers, form{})
	}
	scheme := "http"
	if r.TLS != nil || p.SecureCookies {
		scheme = "https"
	}
	return p.render(w, r, http.StatusOK, "reset_issued.html", "Password reset link", map[string]any{
		"Reset": reset,
		"Link":  scheme + "://" + r.Host + "/reset/" + reset.Token,
	})
}
