package api

import (
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) epochs(mux route.Mux) {
	mux.Handle("POST /api/v1/epochs/close", a.member(a.epochClose))
}

// epochClose closes the open epoch now (stewards, as the reward domain
// decides): the schedule does it at the end of each epoch; this is for a
// cooperative that decides to close early. The first close ever only
// opens the first epoch.
func (a *API) epochClose(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	closed, ok, err := a.Reward.CloseEpoch(r.Context(), sess.Member, a.Params, time.Now())
	if err != nil {
		return err
	}
	open, _, err := a.Reward.OpenEpoch(r.Context())
	if err != nil {
		return err
	}
	body := map[string]any{"closed": nil, "open": open}
	if ok {
		body["closed"] = closed
	}
	response.JSON(w, http.StatusOK, body)
	return nil
}
