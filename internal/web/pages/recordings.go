package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/bounty"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) recordingsPage(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return p.showRecordings(w, r, http.StatusOK, form{})
}

// showRecordings is the member's recordings with the upload form; an
// upload that is refused shows its problem here.
func (p *Pages) showRecordings(w http.ResponseWriter, r *http.Request, status int, f form) error {
	sess := request.Session(r)
	page, err := request.Page(r, request.PageLimit)
	if err != nil {
		return err
	}
	list, next, err := p.Actions.Mine(r.Context(), sess.Member.ID, page)
	if err != nil {
		return err
	}
	// The upload form offers the open recording datanets (a handful).
	datanets, _, err := p.Datanets.List(r.Context(), datanet.Filter{Open: true, Kind: datanet.KindRecording}, store.Page{Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	// Open bounties for recordings, inline (issue 17).
	bounties, err := p.openBounties(r.Context(), bounty.Filter{Kind: bounty.Recordings}, "")
	if err != nil {
		return err
	}
	return p.render(w, r, status, "recordings.html", "Recordings", map[string]any{"Recordings": list, "Datanets": datanets, "Form": f, "Base": request.Base(r), "Pager": pagerFor(r, next),
		"Bounties": bounties})
}
