package pages

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
)

// datanetForm reads the form a new datanet is described in, its reward
// per accepted record typed in the cooperative's currency c. A number it
// cannot read comes back as a problem naming the field; the datanet
// domain checks the rest.
func datanetForm(r *http.Request, c points.Currency) (datanet.Datanet, form, error) {
	v := map[string]string{}
	for _, k := range []string{"slug", "name", "domain", "client", "purpose", "licence", "reward_rules", "record_kind", "fields", "labels", "near_duplicate", "curated", "reward_per_record"} {
		v[k] = r.PostForm.Get(k)
	}
	d := datanet.Datanet{Slug: v["slug"], Name: v["name"], Domain: v["domain"], Client: v["client"], Purpose: v["purpose"], Licence: v["licence"],
		RewardRules: v["reward_rules"], RecordKind: datanet.RecordKind(v["record_kind"]), Fields: splitList(v["fields"]), Labels: splitList(v["labels"]),
		Curated: v["curated"] != ""}
	f := form{Values: v}
	if typed := strings.TrimSpace(v["reward_per_record"]); typed != "" {
		n, bad := money(c, typed, 0, datanet.MaxRewardPerRecord)
		if bad != "" {
			return d, f, &problem.Error{Kind: problem.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"reward_per_record": bad}}
		}
		d.RewardPerRecord = n
	}
	if nd := strings.TrimSpace(v["near_duplicate"]); nd != "" {
		x, err := strconv.ParseFloat(nd, 64)
		if err != nil {
			return d, f, &problem.Error{Kind: problem.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"near_duplicate": "a number between 0.5 and 1"}}
		}
		d.NearDuplicate = x
	}
	return d, f, nil
}
