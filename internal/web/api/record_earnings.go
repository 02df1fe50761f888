package api

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) recordEarnings(mux route.Mux) {
	mux.Handle("GET /api/v1/members/{id}/record-earnings", a.member(a.recordEarningList))
	mux.Handle("GET /api/v1/members/{id}/record-earnings/{record}", a.member(a.recordEarningShow))
}

// recordEarningList is "where my data went": each of the member's records
// that models used, how often, and what it earned.
func (a *API) recordEarningList(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := member.Own(sess.Member, memberParam(r, sess), "this is another member's data"); err != nil {
		return err
	}
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	list, next, err := a.Models.WhereMyDataWent(r.Context(), sess.Member.ID, page)
	if err != nil {
		return err
	}
	out := make([]recordEarningJSON, len(list))
	for i, re := range list {
		out[i] = recordEarningJSON{RecordEarning: re, PointsText: a.money(re.Points)}
	}
	response.JSON(w, http.StatusOK, response.List{"records": out}.Next(next))
	return nil
}

// recordEarningJSON is one record's earnings, the amount also as money.
type recordEarningJSON struct {
	model.RecordEarning
	PointsText string `json:"points_text"`
}

// recordCallJSON is one call that paid a record, with the link to the
// member's receipt for the split that paid it.
type recordCallJSON struct {
	model.RecordCall
	AmountText string `json:"amount_text"`
	Receipt    string `json:"receipt,omitempty"`
}

// recordEarningShow is one of the member's records that models used: its
// totals and a page of the calls that paid it, each linked to the receipt
// of its split.
func (a *API) recordEarningShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := member.Own(sess.Member, memberParam(r, sess), "this is another member's data"); err != nil {
		return err
	}
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	rec, calls, next, err := a.Models.RecordCalls(r.Context(), sess.Member.ID, r.PathValue("record"), page)
	if err != nil {
		return err
	}
	out := make([]recordCallJSON, len(calls))
	for i, c := range calls {
		out[i] = recordCallJSON{RecordCall: c, AmountText: a.money(c.Amount)}
		if c.LogIndex != nil {
			out[i].Receipt = receiptURL(c.EventID)
		}
	}
	response.JSON(w, http.StatusOK, response.List{"record": recordEarningJSON{RecordEarning: rec, PointsText: a.money(rec.Points)}, "calls": out}.Next(next))
	return nil
}
