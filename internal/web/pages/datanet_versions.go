package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
)

// datanetVersions makes a version of the datanet for fine-tuning and goes
// back to its page, where the version is listed.
func (p *Pages) datanetVersions(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if _, err := p.Datanets.CreateVersion(r.Context(), sess.Member, r.PathValue("slug")); err != nil {
		return again(err, p.showDatanet, form{})
	}
	http.Redirect(w, r, "/datanets/"+r.PathValue("slug")+"#finetune", http.StatusSeeOther)
	return nil
}
