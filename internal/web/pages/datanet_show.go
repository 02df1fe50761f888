package pages

import (
	"net/http"
	"net/url"

	"github.com/allmende/allmende/internal/bounty"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) datanetShow(w http.ResponseWriter, r *http.Request) error {
	return p.showDatanet(w, r, http.StatusOK, form{})
}

// showDatanet is the datanet's page; the forms on it (consent, open or
// close, contribute) show their problems in its message.
func (p *Pages) showDatanet(w http.ResponseWriter, r *http.Request, status int, f form) error {
	d, err := p.Datanets.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	sess := request.Session(r)
	var viewer *member.Member
	if sess != nil {
		viewer = &sess.Member
	}
	o, err := p.Datanets.Overview(r.Context(), d, viewer)
	if err != nil {
		return err
	}
	mayManage := sess != nil && datanet.MayCreate(sess.Member)
	data := map[string]any{"D": o, "Message": f.Message, "MayManage": mayManage, "Form": f}
	if sess != nil {
		if err := p.curationData(r, sess.Member, d, data); err != nil {
			return err
		}
	}
	if sess != nil && datanet.MayExport(sess.Member) && (d.RecordKind == datanet.KindText || d.RecordKind == datanet.KindQA) {
		versions, err := p.Datanets.Versions(r.Context(), d.Slug, 10)
		if err != nil {
			return err
		}
		formats := datanet.FineTuneFormats
		if d.RecordKind == datanet.KindText {
			formats = []datanet.FineTuneFormat{datanet.Completion}
		}
		data["Versions"], data["MayExport"], data["Formats"] = versions, true, formats
	}
	if sess != nil {
		// The open bounties for its records, inline (issue 17).
		fund := ""
		if bounty.MayFundFromBalance(sess.Member) {
			fund = "/bounties/new?datanet=" + url.QueryEscape(d.Slug)
		}
		if data["Bounties"], err = p.openBounties(r.Context(), bounty.Filter{Datanet: d.Slug, Kind: bounty.Records}, fund); err != nil {
			return err
		}
	}
	return p.render(w, r, status, "datanet.html", d.Name, data)
}

// curationData adds what a datanet's page shows its owner (the curation
// settings) and its curators (how many records wait).
func (p *Pages) curationData(r *http.Request, m member.Member, d datanet.Datanet, data map[string]any) error {
	curator, err := p.Datanets.MayCurate(r.Context(), m, d)
	if err != nil {
		return err
	}
	if curator {
		// Records left waiting when curation was turned off are still
		// decided from the queue.
		waiting, err := p.Datanets.Waiting(r.Context(), d)
		if err != nil {
			return err
		}
		data["Waiting"], data["ShowQueue"] = waiting, d.Curated || waiting > 0
	}
	if datanet.MayOwn(m, d) {
		data["MayOwn"] = true
		if data["Curators"], err = p.Datanets.Curators(r.Context(), d); err != nil {
			return err
		}
	}
	return nil
}
