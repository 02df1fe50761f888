package pages

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/bounty"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
)

// bountyForm reads the new-bounty form: the reward and the budget typed in
// the cooperative's currency c, the cap as a whole number of units, the
// deadline as days from now, the minimum score as a whole percentage
// (empty for none), where the money comes from (pay_from: funding or
// balance). Errors of what it cannot read come back under
// the form's own field names; the domain checks the rest.
func bountyForm(r *http.Request, now time.Time, c points.Currency) (bounty.Terms, form, error) {
	f := form{Values: fields(r.PostForm.Get, "kind", "title", "terms", "site", "datanet", "project", "reward", "budget", "cap_per_member", "days",
		"verify", "min_score", "end", "pay_from")}
	f.Values["terms"] = strings.TrimSpace(r.PostForm.Get("terms"))
	errs := problem.Fields{}
	t := bounty.Terms{Kind: bounty.Kind(f.Value("kind")), Title: f.Value("title"), Terms: f.Value("terms"),
		Site: f.Value("site"), Datanet: f.Value("datanet"), Project: f.Value("project"), Verify: bounty.Verify(f.Value("verify")), End: f.Value("end")}
	switch f.Value("pay_from") {
	case "", bounty.FromFunding:
	case bounty.FromBalance:
		t.FromBalance = true
	default:
		errs.Add("pay_from", "your funding account or your balance")
	}
	if v := f.Value("min_score"); v != "" {
		if n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), "%"), 10, 64); err != nil || n < 0 || n > bounty.MaxMinScore {
			errs.Add("min_score", "a whole percentage between 0 and %d, or empty for none", bounty.MaxMinScore)
		} else {
			t.MinScore = n
		}
	}
	var msg string
	if t.Reward, msg = money(c, f.Value("reward"), 1, bounty.MaxReward); msg != "" {
		errs.Add("reward", "%s", msg)
	}
	if t.Budget, msg = money(c, f.Value("budget"), 1, bounty.MaxBudget); msg != "" {
		errs.Add("budget", "%s", msg)
	}
	if n, err := strconv.ParseInt(f.Value("cap_per_member"), 10, 64); err != nil || n < 1 || n > bounty.MaxCap {
		errs.Add("cap_per_member", "a whole number of units between 1 and %d", bounty.MaxCap)
	} else {
		t.CapPerMember = n
	}
	maxDays := int(bounty.MaxDuration / (24 * time.Hour))
	if days, err := strconv.Atoi(f.Value("days")); err != nil || days < 1 || days > maxDays {
		errs.Add("deadline", "a whole number of days between 1 and %d", maxDays)
	} else {
		t.Deadline = now.Add(time.Duration(days) * 24 * time.Hour)
	}
	return t, f, errs.Err()
}
