package pages

import (
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/bounty"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) bountyNew(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	v := map[string]string{"kind": "recordings", "cap_per_member": "3", "days": "14"}
	// A datanet's or project's page links here with its slug.
	q := r.URL.Query()
	if d := q.Get("datanet"); d != "" {
		v["kind"], v["datanet"] = "records", d
	} else if pr := q.Get("project"); pr != "" {
		v["kind"], v["project"] = "annotation", pr
	}
	return p.showBountyForm(w, r, http.StatusOK, form{Values: v})
}

func (p *Pages) showBountyForm(w http.ResponseWriter, r *http.Request, status int, f form) error {
	if !bounty.MayFund(request.Session(r).Member) {
		return problem.New(problem.Forbidden, "only requesters and stewards fund bounties")
	}
	return p.render(w, r, status, "bounty_new.html", "Fund a bounty", map[string]any{"Form": f, "Kinds": bounty.Kinds, "KindWords": bountyKindWords,
		"MaxDays": int(bounty.MaxDuration / (24 * time.Hour)), "MaxReward": p.money(bounty.MaxReward), "MaxBudget": p.money(bounty.MaxBudget)})
}
