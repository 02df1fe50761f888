package pages

import (
	"errors"
	"net/http"

	"github.com/allmende/allmende/internal/tlog"
	"github.com/allmende/allmende/internal/web/request"
)

// logPage is the index of the public log at /log/, the address the README
// and /audit give: what the log holds, its current checkpoint and the
// files under it. The files themselves (checkpoint, key, tiles) are
// served by internal/web/log.go, unchanged.
func (p *Pages) logPage(w http.ResponseWriter, r *http.Request) error {
	data := map[string]any{"Base": request.Base(r)}
	if p.TLog != nil {
		cp, err := p.TLog.Checkpoint(r.Context())
		if err != nil && !errors.Is(err, tlog.ErrNotCovered) {
			return err
		}
		data["Checkpoint"] = cp
		data["Origin"] = p.TLog.Origin()
	}
	return p.render(w, r, http.StatusOK, "log.html", "The public log", data)
}
