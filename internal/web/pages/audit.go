package pages

import (
	"errors"
	"net/http"

	"github.com/allmende/allmende/internal/tlog"
	"github.com/allmende/allmende/internal/web/request"
)

// auditPage shows the log's state and how to check it; to a signed-in
// member also their own events with their log index and receipts.
func (p *Pages) auditPage(w http.ResponseWriter, r *http.Request) error {
	data := map[string]any{}
	if p.TLog != nil {
		cp, err := p.TLog.Checkpoint(r.Context())
		if err != nil && !errors.Is(err, tlog.ErrNotCovered) {
			return err
		}
		data["Checkpoint"] = cp
		data["Key"] = p.TLog.VerifierKey()
		data["Origin"] = p.TLog.Origin()
	}
	stats, err := p.Ledger.Stats(r.Context())
	if err != nil {
		return err
	}
	data["Stats"] = stats
	data["Base"] = request.Base(r)
	if sess := request.Session(r); sess != nil {
		page, err := request.Page(r, request.PageLimit)
		if err != nil {
			return err
		}
		events, next, err := p.Ledger.ForMember(r.Context(), sess.Member.ID, page)
		if err != nil {
			return err
		}
		data["Events"] = events
		data["Pager"] = pagerFor(r, next)
	}
	return p.render(w, r, http.StatusOK, "audit.html", "Audit", data)
}
