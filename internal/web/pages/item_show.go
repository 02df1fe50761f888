package pages

import (
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/member"
)

// itemShow serves an item's image to the members who may see the item;
// the work domain decides who they are. Images are addressed by content
// hash, so they never change and can be cached by the browser that was
// allowed to fetch them.
func (p *Pages) itemShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	f, mediaType, err := p.Work.ItemImage(r.Context(), sess.Member, r.PathValue("blob"))
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
	w.Header().Set("Content-Type", mediaType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", time.Time{}, f)
	return nil
}
