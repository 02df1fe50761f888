package pages

import (
	"fmt"
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// bountyCreate funds a bounty from the form: its budget moves into the
// bounty's escrow at once.
func (p *Pages) bountyCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	t, f, err := bountyForm(r, time.Now(), p.currency())
	if err != nil {
		return again(err, p.showBountyForm, f)
	}
	b, err := p.Bounties.Create(r.Context(), sess.Member, t)
	if err != nil {
		return again(err, p.showBountyForm, f)
	}
	http.Redirect(w, r, fmt.Sprintf("/bounties/%d", b.ID), http.StatusSeeOther)
	return nil
}
