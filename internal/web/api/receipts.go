package api

import (
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) receipts(mux route.Mux) {
	mux.Handle("GET /api/v1/members/{id}/receipts", a.member(a.receiptList))
}

// paymentJSON is one payment into a member's account, with its receipt.
type paymentJSON struct {
	EventID   string    `json:"event_id"`
	Type      string    `json:"type"`
	Scope     string    `json:"scope,omitempty"`
	Amount    int64     `json:"amount"`
	CreatedAt time.Time `json:"created_at"`
	LogIndex  *uint64   `json:"log_index"`
	Receipt   string    `json:"receipt,omitempty"`
}

// receiptURL is where a member downloads their receipt for an event.
func receiptURL(eventID string) string { return "/api/v1/events/" + eventID + "/receipt" }

// receiptList lists every payment into the member's account, each with
// the link to its receipt once the log has it. The domain decides that
// the list is the member's alone.
func (a *API) receiptList(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	list, next, err := a.Reward.Receipts(r.Context(), sess.Member, memberParam(r, sess), page)
	if err != nil {
		return err
	}
	out := make([]paymentJSON, len(list))
	for i, p := range list {
		out[i] = toPaymentJSON(p)
	}
	response.JSON(w, http.StatusOK, response.List{"receipts": out}.Next(next))
	return nil
}

func toPaymentJSON(p reward.Paid) paymentJSON {
	j := paymentJSON{EventID: p.EventID, Type: string(p.Type), Scope: p.Scope, Amount: p.Amount, CreatedAt: p.CreatedAt}
	if p.Logged {
		idx := p.LogIndex
		j.LogIndex, j.Receipt = &idx, receiptURL(p.EventID)
	}
	return j
}
