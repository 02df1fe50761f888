package api

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) payouts(mux route.Mux) {
	mux.Handle("GET /api/v1/members/{id}/payouts", a.member(a.payoutList))
	mux.Handle("POST /api/v1/members/{id}/payouts", a.member(a.payoutCreate))
	mux.Handle("GET /api/v1/payouts", a.member(a.payoutPending))
	mux.Handle("POST /api/v1/payouts/{id}/cancel", a.member(a.payoutCancel))
	mux.Handle("POST /api/v1/payouts/{id}/paid", a.member(a.payoutPaid))
}

// payoutJSON is a payout with its amount written as money too.
type payoutJSON struct {
	reward.Payout
	AmountText string `json:"amount_text"`
}

func (a *API) payoutOut(p reward.Payout) payoutJSON {
	return payoutJSON{Payout: p, AmountText: a.money(p.Amount)}
}

func (a *API) payoutsOut(list []reward.Payout) []payoutJSON {
	out := make([]payoutJSON, len(list))
	for i, p := range list {
		out[i] = a.payoutOut(p)
	}
	return out
}

// payoutList is a member's own payout requests, newest first.
func (a *API) payoutList(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	list, next, err := a.Reward.Payouts(r.Context(), sess.Member, memberParam(r, sess), page)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, response.List{"payouts": a.payoutsOut(list)}.Next(next))
	return nil
}

// payoutCreate is a member asking for amount points of their balance.
func (a *API) payoutCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var req struct {
		Amount     *int64  `json:"amount"`
		AmountText *string `json:"amount_text"`
	}
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	amount, err := a.amountIn("amount", req.Amount, req.AmountText, 1, reward.MaxPayout)
	if err != nil {
		return err
	}
	p, err := a.Reward.RequestPayout(r.Context(), sess.Member, memberParam(r, sess), orZero(amount))
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusCreated, a.payoutOut(p))
	return nil
}

// payoutPending is the stewards' queue of requests, oldest first.
func (a *API) payoutPending(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	list, next, err := a.Reward.PendingPayouts(r.Context(), sess.Member, page)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, response.List{"payouts": a.payoutsOut(list)}.Next(next))
	return nil
}

// payoutCancel is a member taking back their waiting request.
func (a *API) payoutCancel(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := request.Number(r, "id", "no such payout request")
	if err != nil {
		return err
	}
	if err := a.Reward.CancelPayout(r.Context(), sess.Member, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// payoutPaid is a steward recording a request as paid.
func (a *API) payoutPaid(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := request.Number(r, "id", "no such payout request")
	if err != nil {
		return err
	}
	p, err := a.Reward.RecordPayout(r.Context(), sess.Member, id)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, a.payoutOut(p))
	return nil
}
