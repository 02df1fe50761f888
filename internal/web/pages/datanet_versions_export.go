package pages

import (
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/response"
)

// datanetVersionsExport downloads a version for a fine-tuning trainer, as
// the API's export does: a zip of the JSON Lines, the manifest and the
// trainers' dataset entries.
func (p *Pages) datanetVersionsExport(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil || n < 1 {
		return problem.New(problem.NotFound, "no such version")
	}
	slug, format := r.PathValue("slug"), r.URL.Query().Get("format")
	// The name is set when the first file is written, after FineTune
	// has checked the format: nothing unchecked reaches the header.
	return response.Zip(w, fmt.Sprintf("%s-v%d-%s.zip", slug, n, format), func(create func(string) (io.Writer, error)) error {
		_, err := p.Datanets.FineTune(r.Context(), sess.Member, slug, n, format, create)
		return err
	})
}
