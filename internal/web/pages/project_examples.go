package pages

import (
	"net/http"
	"strconv"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

// projectExamples serves one of a project's example images to the
// members the work domain lets see it.
func (p *Pages) projectExamples(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return problem.New(problem.NotFound, "no such image")
	}
	f, mediaType, err := p.Work.ExampleImage(r.Context(), sess.Member, r.PathValue("slug"), id)
	if err != nil {
		return err
	}
	defer f.Close()
	// An example can be removed, and its id is not reused; a draft's is
	// private to its managers.
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Header().Set("Content-Type", mediaType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", time.Time{}, f)
	return nil
}
