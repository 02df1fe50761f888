package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
)

// datanetKAnonymousExport downloads the k-anonymous table the preview
// showed, as the API's export does (?format=csv|jsonl).
func (p *Pages) datanetKAnonymousExport(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	d, err := p.Datanets.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	req, _, err := kanonForm(r, d)
	if err != nil {
		return err
	}
	an, err := p.Datanets.KAnonymous(r.Context(), sess.Member, d.Slug, req)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	mediaType, name, err := an.File(format)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", mediaType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	return an.Write(w, format)
}
