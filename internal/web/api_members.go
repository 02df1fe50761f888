package web

import (
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/member"
)

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

// memberParam resolves the {id} path value; "me" stands for the caller.
func memberParam(r *http.Request, sess *member.Session) string {
	id := r.PathValue("id")
	if id == "me" {
		return sess.Member.PublicID
	}
	return id
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	m, err := s.Members.ByID(r.Context(), sess.Member.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ownJSON(m))
}

func (s *Server) apiMemberGet(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	v, err := s.Members.View(r.Context(), sess.Member, memberParam(r, sess))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toMemberJSON(v))
}

func (s *Server) apiMembers(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	page, err := pageOf(r, apiLimit)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	list, next, err := s.Members.List(r.Context(), sess.Member, page)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]memberJSON, len(list))
	for i, m := range list {
		out[i] = toMemberJSON(member.ViewOf(sess.Member, m))
	}
	writeJSON(w, http.StatusOK, listJSON{"members": out}.next(next))
}

func (s *Server) apiMemberUpdate(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	var c member.Change
	if err := decodeJSON(w, r, &c); err != nil {
		s.apiError(w, r, err)
		return
	}
	m, err := s.Members.Update(r.Context(), sess.Member, memberParam(r, sess), c)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toMemberJSON(member.ViewOf(sess.Member, m)))
}
