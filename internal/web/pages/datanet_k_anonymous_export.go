package pages

import (
	"io"
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/response"
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
	return response.Stream(w, mediaType, name, func(out io.Writer) error { return an.Write(out, format) })
}
