package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/web/request"
)

// automationComposeForm is the form that chains listed automations into a
// new one.
func (p *Pages) automationComposeForm(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return p.showCompose(w, r, http.StatusOK, form{})
}

func (p *Pages) showCompose(w http.ResponseWriter, r *http.Request, status int, f form) error {
	list, _, err := p.Actions.Automations(r.Context(), store.Page{Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	rows := make([]int, composeRows)
	for i := range rows {
		rows[i] = i
	}
	return p.render(w, r, status, "automation_compose.html", "Compose an automation", map[string]any{"Automations": list, "Form": f, "Rows": rows})
}

// automationCompose makes the composed automation and opens its page,
// where its composer test-runs and lists it.
func (p *Pages) automationCompose(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	c, f, err := compositionForm(r, p.currency())
	if err != nil {
		// Every field's problem at once: what the domain says of the
		// fields the form could read too (the form's own win).
		if pr, ok := problem.As(err); ok && pr.Kind == problem.Invalid {
			all := problem.Fields(pr.Fields)
			all.Merge(p.Actions.CheckComposition(r.Context(), c))
			pr.Fields = all
		}
		return again(err, p.showCompose, f)
	}
	a, err := p.Actions.Compose(r.Context(), sess.Member, c)
	if err != nil {
		return again(err, p.showCompose, f)
	}
	http.Redirect(w, r, "/automations/"+a.Slug, http.StatusSeeOther)
	return nil
}
