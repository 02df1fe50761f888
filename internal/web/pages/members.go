package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) membersPage(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return p.showMembers(w, r, http.StatusOK, form{})
}

func (p *Pages) showMembers(w http.ResponseWriter, r *http.Request, status int, f form) error {
	sess := request.Session(r)
	page, err := request.Page(r, request.PageLimit)
	if err != nil {
		return err
	}
	list, next, err := p.Members.List(r.Context(), sess.Member, page)
	if err != nil {
		return err
	}
	return p.render(w, r, status, "members.html", "Members", map[string]any{"Members": list, "Form": f, "Pager": pagerFor(r, next)})
}
