package api

import (
	"cmp"
	"net/http"
	"slices"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) params(mux route.Mux) {
	mux.Handle("GET /api/v1/params", a.member(a.paramList))
	mux.Handle("POST /api/v1/params/{name}", a.member(a.paramSet))
}

// paramJSON is a cooperative parameter with the range every value of it
// must keep and whether only a steward sets it.
type paramJSON struct {
	Name        coop.Param `json:"name"`
	Value       int64      `json:"value"`
	Min         int64      `json:"min"`
	Max         int64      `json:"max"`
	StewardOnly bool       `json:"steward_only,omitempty"`
}

// paramList is every parameter as it is now, and the names of the rules
// no vote can break.
func (a *API) paramList(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	values, err := a.Params.All(r.Context(), nil)
	if err != nil {
		return err
	}
	out := make([]paramJSON, 0, len(values))
	for name, v := range values {
		lim := coop.Limits[name]
		out = append(out, paramJSON{Name: name, Value: v, Min: lim[0], Max: lim[1], StewardOnly: coop.StewardOnly[name]})
	}
	slices.SortFunc(out, func(x, y paramJSON) int { return cmp.Compare(x.Name, y.Name) })
	rules := make([]string, len(coop.Constraints))
	for i, c := range coop.Constraints {
		rules[i] = c.Name
	}
	response.JSON(w, http.StatusOK, map[string]any{"params": out, "constraints": rules})
	return nil
}

// paramSet is a steward setting a parameter directly — the legal minimum
// pay, which no vote sets. The value keeps the parameter's range and the
// rules no vote can break; the domain refuses anyone but a steward.
func (a *API) paramSet(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	name := coop.Param(r.PathValue("name"))
	lim, ok := coop.Limits[name]
	if !ok {
		return problem.New(problem.NotFound, "no such parameter")
	}
	var body struct {
		Value     *int64  `json:"value"`
		ValueText *string `json:"value_text"`
	}
	if err := request.JSON(w, r, &body); err != nil {
		return err
	}
	v := body.Value
	if name == coop.LegalMinimumPay || name == coop.PayFloor || name == coop.RecordingReward || name == coop.PointsPerShare {
		var err error
		if v, err = a.amountIn("value", body.Value, body.ValueText, lim[0], lim[1]); err != nil {
			return err
		}
	}
	if v == nil {
		return &problem.Error{Kind: problem.Invalid, Message: "say what to set it to",
			Fields: map[string]string{"value": "required: an integer from the parameter's min to its max"}}
	}
	if err := a.Params.SetAsSteward(r.Context(), sess.Member, name, *v); err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, paramJSON{Name: name, Value: *v, Min: lim[0], Max: lim[1], StewardOnly: coop.StewardOnly[name]})
	return nil
}
