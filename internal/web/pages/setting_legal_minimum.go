package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
)

// settingLegalMinimum is a steward setting the legal minimum pay an hour,
// which no vote sets and no pay floor may go below; typed as money an
// hour, as the pages show it.
func (p *Pages) settingLegalMinimum(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	f := form{Values: map[string]string{"legal_minimum": r.PostForm.Get("legal_minimum")}}
	lim := coop.Limits[coop.LegalMinimumPay]
	v, err := p.currency().ParseWithin(r.PostForm.Get("legal_minimum"), lim[0], lim[1])
	if err != nil {
		return again(&problem.Error{Kind: problem.Invalid, Message: "The legal minimum is not an amount of money an hour.",
			Fields: map[string]string{"legal_minimum": err.Error()}}, p.showProposals, f)
	}
	if err := p.Params.SetAsSteward(r.Context(), sess.Member, coop.LegalMinimumPay, v); err != nil {
		return againSummary(err, p.showProposals, f)
	}
	http.Redirect(w, r, "/proposals#rules", http.StatusSeeOther)
	return nil
}
