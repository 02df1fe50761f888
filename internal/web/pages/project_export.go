package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/response"
)

// projectExport downloads a project's results, the file the API's export
// gives.
func (p *Pages) projectExport(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	mt, name, body, err := p.Work.ExportFor(r.Context(), sess.Member, r.PathValue("slug"), r.URL.Query().Get("format"), r.URL.Query().Get("raw") == "true")
	if err != nil {
		return err
	}
	response.Download(w, mt, name, body)
	return nil
}
