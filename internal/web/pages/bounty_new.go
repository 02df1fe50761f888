package pages

import (
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/bounty"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) bountyNew(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	v := map[string]string{"kind": "recordings", "cap_per_member": "3", "days": "14", "pay_from": bounty.FromFunding}
	if !bounty.MayFund(sess.Member) {
		v["pay_from"] = bounty.FromBalance
	}
	// A datanet's or project's page links here with its slug.
	q := r.URL.Query()
	if d := q.Get("datanet"); d != "" {
		v["kind"], v["datanet"] = "records", d
	} else if pr := q.Get("project"); pr != "" {
		v["kind"], v["project"] = "annotation", pr
	}
	return p.showBountyForm(w, r, http.StatusOK, form{Values: v})
}

// bountyVerifyOption is one way of verifying a kind's units, for the form.
type bountyVerifyOption struct {
	Value, Words string
}

// bountyVerifyGroup is a kind's ways of verifying, the default first.
type bountyVerifyGroup struct {
	Kind    string
	Options []bountyVerifyOption
}

func bountyVerifyGroups() []bountyVerifyGroup {
	var out []bountyVerifyGroup
	for _, k := range bounty.Kinds {
		g := bountyVerifyGroup{Kind: bountyKindWords[string(k)]}
		for _, v := range k.Verifies() {
			g.Options = append(g.Options, bountyVerifyOption{Value: string(v), Words: bountyVerifyWords[v]})
		}
		out = append(out, g)
	}
	return out
}

// showBountyForm is the new-bounty form: every member may fund one from
// their balance, requesters and stewards also from their funding account.
func (p *Pages) showBountyForm(w http.ResponseWriter, r *http.Request, status int, f form) error {
	m := request.Session(r).Member
	if !bounty.MayFundFromBalance(m) {
		return problem.New(problem.Forbidden, "sign in to fund a bounty")
	}
	balance, err := p.Reward.Balance(r.Context(), reward.MemberAccount(m.PublicID))
	if err != nil {
		return err
	}
	return p.render(w, r, status, "bounty_new.html", "Fund a bounty", map[string]any{"Form": f, "Kinds": bounty.Kinds, "KindWords": bountyKindWords,
		"MaxDays": int(bounty.MaxDuration / (24 * time.Hour)), "MaxReward": p.money(bounty.MaxReward), "MaxBudget": p.money(bounty.MaxBudget),
		"Verifies": bountyVerifyGroups(), "MayFund": bounty.MayFund(m), "Balance": balance})
}
