package pages

import (
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/member"
)

// epochClose lets a steward close the epoch before the schedule does; the
// reward domain refuses anyone else.
func (p *Pages) epochClose(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if _, _, err := p.Reward.CloseEpoch(r.Context(), sess.Member, p.Params, time.Now()); err != nil {
		return err
	}
	http.Redirect(w, r, "/shares", http.StatusSeeOther)
	return nil
}
