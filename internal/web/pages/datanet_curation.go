package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// datanetCuration sets whether the datanet's contributions wait for a
// curator, what an accepted one pays and who curates; the domain decides
// who may (its creator and stewards).
func (p *Pages) datanetCuration(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	s, f, err := curationForm(r, p.currency())
	if err != nil {
		return againSummary(err, p.showDatanet, f)
	}
	if _, err := p.Datanets.SetCuration(r.Context(), sess.Member, r.PathValue("slug"), s); err != nil {
		return againSummary(err, p.showDatanet, f)
	}
	http.Redirect(w, r, "/datanets/"+r.PathValue("slug")+"#curation", http.StatusSeeOther)
	return nil
}
