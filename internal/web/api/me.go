package api

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) me(mux route.Mux) {
	mux.Handle("GET /api/v1/me", a.member(a.meShow))
}

// meJSON is the signed-in member with their balance, as an integer of
// points and written as money.
type meJSON struct {
	memberJSON
	Balance     int64  `json:"balance"`
	BalanceText string `json:"balance_text"`
}

func (a *API) meShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	m, err := a.Members.ByID(r.Context(), sess.Member.ID)
	if err != nil {
		return err
	}
	bal, err := a.Reward.Balance(r.Context(), reward.MemberAccount(m.PublicID))
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, meJSON{memberJSON: ownJSON(m), Balance: bal, BalanceText: a.money(bal)})
	return nil
}
