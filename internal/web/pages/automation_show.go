package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) automationShow(w http.ResponseWriter, r *http.Request) error {
	return p.showAutomation(w, r, http.StatusOK, form{})
}

// showAutomation is an automation's page, with the member's runs of it
// and the form to start one, which shows its problems here.
func (p *Pages) showAutomation(w http.ResponseWriter, r *http.Request, status int, f form) error {
	a, err := p.Actions.Automation(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	data := map[string]any{"A": a, "Form": f}
	if a.Learned {
		l, err := p.Actions.Learning(r.Context(), a.Slug)
		if err != nil {
			return err
		}
		data["Learning"] = l
	}
	if sess := request.Session(r); sess != nil {
		page, err := request.Page(r, request.PageLimit)
		if err != nil {
			return err
		}
		runs, next, err := p.Actions.MyRuns(r.Context(), sess.Member.ID, a.Slug, page)
		if err != nil {
			return err
		}
		data["Runs"] = runs
		data["Pager"] = pagerFor(r, next)
	}
	if f.Values != nil && a.Learned {
		if _, ok := f.Values["start"]; !ok {
			f.Values["start"] = a.Start
			data["Form"] = f
		}
	}
	if f.Values == nil {
		f.Values = map[string]string{"start": a.Start}
		for _, param := range a.Parameters {
			f.Values[param.Name] = param.Default
		}
		data["Form"] = f
	}
	return p.render(w, r, status, "automation.html", a.Title, data)
}
