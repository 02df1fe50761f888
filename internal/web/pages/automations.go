package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/action"

	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) automationsPage(w http.ResponseWriter, r *http.Request) error {
	page, err := request.Page(r, request.PageLimit)
	if err != nil {
		return err
	}
	list, next, err := p.Actions.Automations(r.Context(), page)
	if err != nil {
		return err
	}
	// A member sees their own too, listed or not: an automation waiting
	// for its test run is otherwise linked from nowhere.
	var own []action.Automation
	if sess := request.Session(r); sess != nil {
		if own, err = p.Actions.AutomationsOf(r.Context(), sess.Member, sess.Member.ID); err != nil {
			return err
		}
	}
	return p.render(w, r, http.StatusOK, "automations.html", "Automations", map[string]any{"Automations": list, "Own": own, "Pager": pagerFor(r, next)})
}
