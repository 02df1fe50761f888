package api

import (
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) members(mux route.Mux) {
	mux.Handle("GET /api/v1/members", a.member(a.memberList))
	mux.Handle("GET /api/v1/members/{id}", a.member(a.memberShow))
	mux.Handle("PATCH /api/v1/members/{id}", a.member(a.memberUpdate))
}

// memberJSON is a member as the API shows it. Name, e-mail, role and
// quota link the pseudonym to a person: they appear only when the member
// domain says the viewer may see them (the member themself, stewards).
type memberJSON struct {
	ID          string    `json:"id"`
	DisplayName string    `json:"display_name,omitempty"`
	JoinedAt    time.Time `json:"joined_at"`
	Name        string    `json:"name,omitempty"`
	Email       string    `json:"email,omitempty"`
	Role        string    `json:"role,omitempty"`
	InviteQuota *int      `json:"invite_quota,omitempty"`
}

func toMemberJSON(v member.View) memberJSON {
	j := memberJSON{ID: v.PublicID, DisplayName: v.DisplayName, JoinedAt: v.JoinedAt}
	if p := v.Person; p != nil {
		q := p.InviteQuota
		j.Name, j.Email, j.Role, j.InviteQuota = p.Name, p.Email, string(p.Role), &q
	}
	return j
}

// ownJSON is a member as they see themself.
func ownJSON(m member.Member) memberJSON { return toMemberJSON(member.ViewOf(m, m)) }

func (a *API) memberShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	v, err := a.Members.View(r.Context(), sess.Member, memberParam(r, sess))
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, toMemberJSON(v))
	return nil
}

func (a *API) memberList(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	list, next, err := a.Members.List(r.Context(), sess.Member, page)
	if err != nil {
		return err
	}
	out := make([]memberJSON, len(list))
	for i, m := range list {
		out[i] = toMemberJSON(member.ViewOf(sess.Member, m))
	}
	response.JSON(w, http.StatusOK, response.List{"members": out}.Next(next))
	return nil
}

func (a *API) memberUpdate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var c member.Change
	if err := request.JSON(w, r, &c); err != nil {
		return err
	}
	m, err := a.Members.Update(r.Context(), sess.Member, memberParam(r, sess), c)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, toMemberJSON(member.ViewOf(sess.Member, m)))
	return nil
}
