package api

import (
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) invitations(mux route.Mux) {
	mux.Handle("GET /api/v1/members/{id}/invitations", a.member(a.invitationList))
	mux.Handle("POST /api/v1/members/{id}/invitations", a.member(a.invitationCreate))
	mux.Handle("DELETE /api/v1/members/{id}/invitations/{code}", a.member(a.invitationRevoke))
}

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

func (a *API) invitationList(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := ownInvitations(r, sess); err != nil {
		return err
	}
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	list, next, err := a.Members.Invitations(r.Context(), sess.Member.ID, page)
	if err != nil {
		return err
	}
	out := make([]invitationJSON, len(list))
	for i, inv := range list {
		out[i] = toInvitationJSON(inv)
	}
	response.JSON(w, http.StatusOK, response.List{"invitations": out}.Next(next))
	return nil
}

type invitationRequest struct {
	Role string `json:"role"`
}

func (a *API) invitationCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := ownInvitations(r, sess); err != nil {
		return err
	}
	var req invitationRequest
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	// The session's member was read with the session, on this request:
	// the role and quota are current.
	inv, err := a.Members.Invite(r.Context(), sess.Member, member.Role(req.Role))
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusCreated, toInvitationJSON(inv))
	return nil
}

func (a *API) invitationRevoke(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := ownInvitations(r, sess); err != nil {
		return err
	}
	if err := a.Members.Revoke(r.Context(), sess.Member, r.PathValue("code")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
