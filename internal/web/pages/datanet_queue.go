package pages

import (
	"cmp"
	"net/http"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// datanetQueue is a curated datanet's queue, for its curators: the
// oldest waiting records, each with the form to accept or reject it, and
// the newest accepted ones, each with its gold mark to set or take away.
func (p *Pages) datanetQueue(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return p.showQueue(w, r, http.StatusOK, form{})
}

// showQueue shows the queue of the datanet in the path, or named by the
// decision form that failed.
func (p *Pages) showQueue(w http.ResponseWriter, r *http.Request, status int, f form) error {
	sess := request.Session(r)
	d, err := p.Datanets.BySlug(r.Context(), cmp.Or(r.PathValue("slug"), r.PostFormValue("datanet")))
	if err != nil {
		return err
	}
	list, total, err := p.Datanets.Queue(r.Context(), sess.Member, d.Slug, datanet.MaxQueue)
	if err != nil {
		return err
	}
	accepted, nAccepted, nGold, err := p.Datanets.Accepted(r.Context(), sess.Member, d.Slug, datanet.MaxAccepted)
	if err != nil {
		return err
	}
	return p.render(w, r, status, "datanet_queue.html", "Curator queue: "+d.Name, map[string]any{
		"D": d, "Queue": list, "Total": total, "Form": f, "Decided": r.URL.Query().Get("decided"), "Reward": p.money(d.RewardPerRecord),
		"Accepted": accepted, "AcceptedTotal": nAccepted, "Gold": nGold,
		"Marked": r.URL.Query().Get("marked"), "MarkedRecord": r.URL.Query().Get("record"),
	})
}
