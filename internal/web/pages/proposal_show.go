package pages

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

func proposalID(r *http.Request) (int64, error) { return request.Number(r, "id", "no such proposal") }

// optionRow is one option on a proposal's page.
type optionRow struct {
	Index     int
	Label     string
	Value     string
	StatusQuo bool
	Mine      bool
	// Count, once decided.
	Votes  int
	Weight string
	Share  float64
	Winner bool
}

func (p *Pages) proposalShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return p.showProposal(w, r, http.StatusOK, form{})
}

// showProposal is a proposal's page with the member's vote; a vote that
// is refused shows its problem here.
func (p *Pages) showProposal(w http.ResponseWriter, r *http.Request, status int, f form) error {
	sess := request.Session(r)
	id, err := proposalID(r)
	if err != nil {
		return err
	}
	prop, mine, voted, err := p.Govern.Ballot(r.Context(), sess.Member.ID, id)
	if err != nil {
		return err
	}
	shares, err := p.Reward.Shares(r.Context(), sess.Member.ID)
	if err != nil {
		return err
	}
	now := time.Now()
	data := map[string]any{
		"P": prop, "Phase": string(prop.Phase(now)), "Opens": moment(prop.OpensAt), "Closes": moment(prop.ClosesAt),
		"Mode": modeWords[prop.Mode], "Quorum": 100 * prop.Quorum, "Message": f.Message, "Shares": shares,
		"Weight":     strconv.FormatFloat(govern.Weight(prop.Mode, shares), 'g', 4, 64),
		"MayVote":    prop.Mode == govern.PerMember || shares > 0,
		"Voted":      voted,
		"MyWeight":   strconv.FormatFloat(mine.Weight, 'g', 4, 64),
		"TopicWords": topicName(prop.Topic),
	}
	if prop.Binding() {
		cur, err := p.Params.Get(r.Context(), nil, prop.Param)
		if err != nil {
			return err
		}
		data["Current"] = p.paramValue(prop.Param, cur)
		data["ParamWords"] = paramWords(prop.Param)
	}
	rows := make([]optionRow, len(prop.Options))
	for i, o := range prop.Options {
		rows[i] = optionRow{Index: i, Label: o.Label, StatusQuo: o.StatusQuo, Mine: voted && mine.Option == i}
		if o.Value != nil {
			rows[i].Value = p.paramValue(prop.Param, *o.Value)
		}
		if res := prop.Result; res != nil && i < len(res.Options) {
			c := res.Options[i]
			rows[i].Votes, rows[i].Weight, rows[i].Winner = c.Votes, strconv.FormatFloat(c.Weight, 'g', 4, 64), res.Winner == i
			if res.Cast > 0 {
				rows[i].Share = c.Weight / res.Cast
			}
		}
		if rows[i].Mine {
			data["MyLabel"] = o.Label
		}
	}
	data["Rows"] = rows
	if prop.Result != nil {
		data["Outcome"] = outcome(prop)
		// Decided before the timelock: the result itself says what it set.
		if prop.Result.Applied != nil && prop.Result.Previous != nil {
			data["Change"] = fmt.Sprintf("%s: %s → %s", paramWords(prop.Param), p.paramValue(prop.Param, *prop.Result.Previous), p.paramValue(prop.Param, *prop.Result.Applied))
		}
	}
	if c := prop.Change; c != nil {
		what, err := p.changeWords(r, c)
		if err != nil {
			return err
		}
		tl := map[string]any{"What": what, "State": string(c.State), "StateWords": changeStateWords[c.State], "When": moment(c.AppliesAt),
			"Left": countdown(c.AppliesAt, now), "StoppedBy": c.StoppedBy, "Note": c.Note, "AppliesAtISO": c.AppliesAt.UTC().Format(time.RFC3339)}
		if c.State == govern.Queued {
			tl["Due"] = !now.Before(c.AppliesAt)
			if c.HeldBy != 0 {
				tl["HeldBy"], tl["HeldUntil"], tl["HeldUntilISO"] = c.HeldBy, moment(c.HeldUntil), c.HeldUntil.UTC().Format(time.RFC3339)
			}
		}
		if !c.SettledAt.IsZero() {
			tl["Settled"] = moment(c.SettledAt)
		}
		if c.State == govern.Applied {
			data["Change"] = what
		}
		data["Timelock"] = tl
	}
	if prop.Stops != 0 {
		data["Stops"] = prop.Stops
	}
	if prop.Phase(now) == govern.Cosigning {
		// The window starts when the last co-signer signs.
		data["Opens"] = "when the last co-signer signs"
		data["Closes"] = fmt.Sprintf("%s after it opens", countdown(prop.ClosesAt, prop.OpensAt))
		data["MayCosign"] = prop.CreatedBy != sess.Member.PublicID && !slices.Contains(prop.Cosigners, sess.Member.PublicID)
	}
	return p.render(w, r, status, "proposal.html", prop.Title, data)
}
