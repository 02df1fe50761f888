package api

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
	"github.com/allmende/allmende/internal/work"
)

func (a *API) earnings(mux route.Mux) {
	mux.Handle("GET /api/v1/members/{id}/earnings", a.member(a.earningShow))
}

// earningShow is a member's income by kind, balance and pay from tasks,
// with the last 30 days day by day.
func (a *API) earningShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := member.Own(sess.Member, memberParam(r, sess), "these are another member's earnings"); err != nil {
		return err
	}
	e, err := a.Work.Earnings(r.Context(), sess.Member.ID, 30)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, a.earningsOut(e))
	return nil
}

// earningsJSON is a member's earnings with every amount also written as
// money (<field>_text), as pages show it.
type earningsJSON struct {
	work.Earnings
	PointsText      string               `json:"points_text"`
	PerHourText     string               `json:"per_hour_text"`
	PendingPayText  string               `json:"pending_pay_text"`
	IncomeTotalText string               `json:"income_total_text"`
	BalanceText     string               `json:"balance_text"`
	Income          []incomeJSON         `json:"income"`
	Projects        []projectEarningJSON `json:"projects"`
	Days            []dayEarningJSON     `json:"days"`
}

type incomeJSON struct {
	reward.Income
	AmountText string `json:"amount_text"`
}

type projectEarningJSON struct {
	work.ProjectEarning
	PointsText  string `json:"points_text"`
	PerHourText string `json:"per_hour_text"`
}

type dayEarningJSON struct {
	work.DayEarning
	PointsText  string `json:"points_text"`
	PerHourText string `json:"per_hour_text"`
}

func (a *API) earningsOut(e work.Earnings) earningsJSON {
	out := earningsJSON{Earnings: e, PointsText: a.money(e.Points), PerHourText: a.money(e.PerHour), PendingPayText: a.money(e.PendingPay),
		IncomeTotalText: a.money(e.IncomeTotal), BalanceText: a.money(e.Balance),
		Income: make([]incomeJSON, len(e.Income)), Projects: make([]projectEarningJSON, len(e.Projects)), Days: make([]dayEarningJSON, len(e.Days))}
	for i, in := range e.Income {
		out.Income[i] = incomeJSON{Income: in, AmountText: a.money(in.Amount)}
	}
	for i, pe := range e.Projects {
		out.Projects[i] = projectEarningJSON{ProjectEarning: pe, PointsText: a.money(pe.Points), PerHourText: a.money(pe.PerHour)}
	}
	for i, d := range e.Days {
		out.Days[i] = dayEarningJSON{DayEarning: d, PointsText: a.money(d.Points), PerHourText: a.money(d.PerHour)}
	}
	return out
}
