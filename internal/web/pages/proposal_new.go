package pages

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/member"
)

// optionRows is how many option rows the new-proposal form offers.
const optionRows = govern.MaxOptions

func (p *Pages) proposalNew(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	f := form{Values: map[string]string{"mode": "member", "quorum": "25", "days": "7", "topic": string(govern.TopicOther)}}
	// A counter-proposal: the page of a change in its timelock links here.
	if stops, err := strconv.ParseInt(r.URL.Query().Get("stops"), 10, 64); err == nil && stops > 0 {
		f.Values["stops"] = strconv.FormatInt(stops, 10)
		f.Values["option_0"], f.Values["option_1"], f.Values["status_quo"] = "Stop the change", "Let it apply", "1"
	}
	return p.showProposalForm(w, r, http.StatusOK, f)
}

// paramChoice is a binding parameter as the form offers it.
type paramChoice struct {
	Name, Desc, Now string
	Selected        bool
}

func (p *Pages) showProposalForm(w http.ResponseWriter, r *http.Request, status int, f form) error {
	var params []paramChoice
	for _, bp := range bindingParams {
		v, err := p.Params.Get(r.Context(), nil, bp.Name)
		if err != nil {
			return err
		}
		c := paramChoice{Name: string(bp.Name), Desc: bp.Desc, Now: fmt.Sprintf("%d (%s)", v, p.paramValue(bp.Name, v)), Selected: f.Value("param") == string(bp.Name)}
		if bp.Money {
			c.Desc += ", in " + p.currency().Code
			c.Now = p.paramValue(bp.Name, v)
		}
		params = append(params, c)
	}
	var topics []topicChoice
	for _, t := range govern.AdvisoryTopics() {
		topics = append(topics, topicChoice{Name: string(t), Words: aboutWords(t), Selected: f.Value("topic") == string(t)})
	}
	rows := make([]int, optionRows)
	for i := range rows {
		rows[i] = i
	}
	return p.render(w, r, status, "proposal_new.html", "New proposal", map[string]any{"Form": f, "Params": params, "Topics": topics, "Rows": rows,
		"MinDays": int(govern.MinWindow / (24 * time.Hour)), "MaxDays": int(govern.MaxWindow / (24 * time.Hour)), "MinBindingQuorum": 100 * govern.MinBindingQuorum})
}
