package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) automationShow(w http.ResponseWriter, r *http.Request) error {
	return p.showAutomation(w, r, http.StatusOK, form{})
}

// showAutomation is an automation's page, with its listing's figures and
// reviews, the member's runs of it and the form to start one, and for its
// author the marketplace panel (samples, test run, listing, withdrawal)
// and answers to reviews; forms show their problems here. A form says
// which panel it came from in its "panel" value.
func (p *Pages) showAutomation(w http.ResponseWriter, r *http.Request, status int, f form) error {
	var viewer member.Member
	sess := request.Session(r)
	if sess != nil {
		viewer = sess.Member
	}
	a, err := p.Actions.AutomationFor(r.Context(), viewer, r.PathValue("slug"))
	if err != nil {
		return err
	}
	mine := sess != nil && a.Author == viewer.PublicID
	data := map[string]any{"A": a, "Form": f, "Mine": mine, "TakesDemos": a.TakesDemosFrom(viewer)}
	if a.Learned {
		l, err := p.Actions.LearningFor(r.Context(), viewer, a.Slug)
		if err != nil {
			return err
		}
		data["Learning"] = l
	}
	reviews, _, err := p.Actions.Ratings(r.Context(), viewer, a.Slug, store.Page{Limit: request.PageLimit})
	if err != nil {
		return err
	}
	data["Reviews"] = reviews
	if mine {
		samples, err := p.Actions.Samples(r.Context(), viewer, a.Slug)
		if err != nil {
			return err
		}
		if f.Value("panel") == "samples" {
			for _, prm := range a.Parameters {
				samples[prm.Name] = f.Value("sample_" + prm.Name)
			}
		}
		data["Samples"] = samples
	}
	if sess != nil {
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
