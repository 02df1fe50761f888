package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// myDataShow is one of the member's records that models used: what it
// earned, and a page of the calls that paid it, each linked to the
// receipt of the split that paid the member; and the model versions
// trained on it (every other version excludes it).
func (p *Pages) myDataShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	page, err := request.Page(r, request.PageLimit)
	if err != nil {
		return err
	}
	rec, calls, next, err := p.Models.RecordCalls(r.Context(), sess.Member.ID, r.PathValue("record"), page)
	if err != nil {
		return err
	}
	versions, err := p.Models.RecordVersions(r.Context(), sess.Member.ID, rec.Contribution)
	if err != nil {
		return err
	}
	return p.render(w, r, http.StatusOK, "mydata_record.html", "Record "+rec.Contribution, map[string]any{"Record": rec, "Calls": calls, "Pager": pagerFor(r, next), "Versions": versions})
}
