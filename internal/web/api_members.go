package web

import (
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

// memberJSON is a member as the API shows it. E-mail and quota are private:
// they appear only for the member themself and for stewards.
type memberJSON struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Role        string    `json:"role"`
	JoinedAt    time.Time `json:"joined_at"`
	Email       string    `json:"email,omitempty"`
	InviteQuota *int      `json:"invite_quota,omitempty"`
}

func toMemberJSON(m member.Member, private bool) memberJSON {
	j := memberJSON{ID: m.PublicID, Name: m.Name, Role: string(m.Role), JoinedAt: m.CreatedAt}
	if private {
		q := m.InviteQuota
		j.Email, j.InviteQuota = m.Email, &q
	}
	return j
}

// mayReadPrivate reports whether the signed-in member may see another
// member's private data: only their own, unless they are a steward.
func mayReadPrivate(sess *member.Session, publicID string) bool {
	return sess.Member.PublicID == publicID || sess.Member.IsSteward()
}

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
	writeJSON(w, http.StatusOK, toMemberJSON(m, true))
}

func (s *Server) apiMemberGet(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	id := memberParam(r, sess)
	m, err := s.Members.ByPublicID(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toMemberJSON(m, mayReadPrivate(sess, id)))
}

func (s *Server) apiMembers(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if !sess.Member.IsSteward() {
		s.apiError(w, r, problem.New(problem.Forbidden, "only stewards can list members"))
		return
	}
	page, err := pageOf(r, apiLimit)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	list, next, err := s.Members.List(r.Context(), page)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]memberJSON, len(list))
	for i, m := range list {
		out[i] = toMemberJSON(m, true)
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
	writeJSON(w, http.StatusOK, toMemberJSON(m, true))
}
