package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
)

// curationForm reads a datanet's curation settings: whether it is
// curated, what an accepted record pays (typed in the cooperative's
// currency c) and the curators' pseudonyms, comma-separated. An amount it
// cannot read comes back as a problem naming the field; the datanet
// domain checks the rest.
func curationForm(r *http.Request, c points.Currency) (datanet.CurationSettings, form, error) {
	v := fields(r.PostForm.Get, "curated", "reward_per_record", "curators")
	f := form{Values: v, Errors: map[string]string{}}
	s := datanet.CurationSettings{Curated: v["curated"] != "", Curators: splitList(v["curators"])}
	if s.Curators == nil {
		s.Curators = []string{}
	}
	if v["reward_per_record"] != "" {
		n, bad := money(c, v["reward_per_record"], 0, datanet.MaxRewardPerRecord)
		if bad != "" {
			f.Errors["reward_per_record"] = bad
			return s, f, &problem.Error{Kind: problem.Invalid, Message: "Some fields are not valid.", Fields: f.Errors}
		}
		s.RewardPerRecord = n
	}
	return s, f, nil
}

// decisionForm reads a curator's decision on one record: accept (with
// gold) or reject with a reason.
func decisionForm(r *http.Request) (datanet.Decision, form) {
	v := fields(r.PostForm.Get, "decision", "reason", "gold", "datanet")
	return datanet.Decision{Accept: v["decision"] == "accept", Reason: v["reason"], Gold: v["gold"] != ""}, form{Values: v}
}
