package api

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) deposits(mux route.Mux) {
	mux.Handle("POST /api/v1/members/{id}/deposits", a.member(a.depositCreate))
}

// depositCreate records a client's payment; the model domain lets only
// stewards do it.
func (a *API) depositCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var req struct {
		Amount     *int64  `json:"amount"`
		AmountText *string `json:"amount_text"`
	}
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	amount, err := a.amountIn("amount", req.Amount, req.AmountText, 1, points.MaxDeposit)
	if err != nil {
		return err
	}
	id, err := a.Models.Deposit(r.Context(), sess.Member, r.PathValue("id"), orZero(amount))
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusCreated, map[string]string{"event_id": id, "amount_text": a.money(orZero(amount))})
	return nil
}
