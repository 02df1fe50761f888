package pages

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
)

// roundForm reads the form a builder opens a funding round with: the goal
// and the costs in the cooperative's currency c, the funders' share of
// each call in percent ("15" or "2.5", at most two decimals: basis
// points), how many days the round stays open, and the datanet versions
// (checkboxes of slug@number). The ranges are the domain's to check
// (OpenRound); what cannot be read is named here.
func roundForm(r *http.Request, c points.Currency, now time.Time) (model.RoundTerms, form, error) {
	v := fields(r.PostForm.Get, "goal", "costs", "share", "days")
	v["form"] = "round"
	versions := r.PostForm["datanet_versions"]
	v["datanet_versions"] = strings.Join(versions, ",")
	bad := problem.Fields{}
	t := model.RoundTerms{Versions: versions}
	var why string
	if t.Goal, why = money(c, v["goal"], 1, points.MaxBudget); why != "" {
		bad.Add("goal", "%s", why)
	}
	if v["costs"] != "" {
		if t.Costs, why = money(c, v["costs"], 0, points.MaxBudget); why != "" {
			bad.Add("costs", "%s", why)
		}
	}
	bp, ok := percentBP(v["share"])
	if !ok {
		bad.Add("share_bp", "a percentage of each call, e.g. 10 or 2.5")
	}
	t.ShareBP = bp
	days, err := strconv.Atoi(v["days"])
	if err != nil || days < 1 || days > 366 {
		bad.Add("deadline", "a whole number of days, 1 to 366")
	} else {
		t.Deadline = now.Add(time.Duration(days) * 24 * time.Hour)
	}
	return t, form{Values: v}, bad.Err()
}

// percentBP reads a percentage with at most two decimals as basis points:
// "15" is 1500, "2.5" is 250, "0.01" is 1. Beyond 100 % it is refused.
func percentBP(s string) (int64, bool) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "%")
	whole, frac, _ := strings.Cut(strings.TrimSpace(s), ".")
	if whole == "" || len(whole) > 3 || len(frac) > 2 || !allDigits(whole) || !allDigits(frac) {
		return 0, false
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	bp := w*100 + f
	return bp, bp <= points.BasisPoints
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// pledgeForm reads a pledge, typed in the cooperative's currency.
func pledgeForm(r *http.Request, c points.Currency) (int64, form, error) {
	v := fields(r.PostForm.Get, "amount")
	v["form"] = "pledge"
	amount, why := money(c, v["amount"], 1, points.MaxBudget)
	if why != "" {
		return 0, form{Values: v}, problem.Fields{"amount": why}.Err()
	}
	return amount, form{Values: v}, nil
}
