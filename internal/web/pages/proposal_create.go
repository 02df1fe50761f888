package pages

import (
	"fmt"
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) proposalCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	now := time.Now()
	d, f, err := proposalForm(r, now, p.currency())
	if err != nil {
		return again(err, p.showProposalForm, f)
	}
	proposal, err := p.Govern.Create(r.Context(), sess.Member.ID, d, now)
	if err != nil {
		return again(err, p.showProposalForm, f)
	}
	http.Redirect(w, r, fmt.Sprintf("/proposals/%d", proposal.ID), http.StatusSeeOther)
	return nil
}
