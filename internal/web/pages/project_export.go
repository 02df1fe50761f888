package pages

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/allmende/allmende/internal/member"
)

// projectExport downloads a project's results, the file the API's
// export gives.
func (p *Pages) projectExport(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	proj, err := p.Work.Project(r.Context(), sess.Member, r.PathValue("slug"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	mt, name, err := p.Work.Export(r.Context(), proj, r.URL.Query().Get("format"), r.URL.Query().Get("raw") == "true", &buf)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", mt)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	_, _ = w.Write(buf.Bytes())
	return nil
}
