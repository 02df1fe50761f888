package web

import (
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/member"
)

type invitationJSON struct {
	Code      string    `json:"code"`
	Role      string    `json:"role"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

func toInvitationJSON(inv member.Invitation) invitationJSON {
	return invitationJSON{Code: inv.Code, Role: string(inv.Role), Status: inv.Status(time.Now()), CreatedAt: inv.CreatedAt, ExpiresAt: inv.ExpiresAt}
}

// ownInvitations checks that {id} is the caller: invitation codes are
// bearer secrets, so even stewards cannot read another member's.
func ownInvitations(r *http.Request, sess *member.Session) error {
	return member.Own(sess.Member, memberParam(r, sess), "these are another member's invitations")
}

func (s *Server) apiInvitations(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := ownInvitations(r, sess); err != nil {
		s.apiError(w, r, err)
		return
	}
	page, err := pageOf(r, apiLimit)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	list, next, err := s.Members.Invitations(r.Context(), sess.Member.ID, page)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]invitationJSON, len(list))
	for i, inv := range list {
		out[i] = toInvitationJSON(inv)
	}
	writeJSON(w, http.StatusOK, listJSON{"invitations": out}.next(next))
}

type invitationRequest struct {
	Role string `json:"role"`
}

func (s *Server) apiInvitationCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := ownInvitations(r, sess); err != nil {
		s.apiError(w, r, err)
		return
	}
	var req invitationRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	me, err := s.Members.ByID(r.Context(), sess.Member.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	inv, err := s.Members.Invite(r.Context(), me, member.Role(req.Role))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toInvitationJSON(inv))
}

func (s *Server) apiInvitationRevoke(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := ownInvitations(r, sess); err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.Members.Revoke(r.Context(), sess.Member, r.PathValue("code")); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
