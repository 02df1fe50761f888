package pages

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/work"
)

// earningsPayouts is how many of a member's payout requests /earnings
// lists.
const earningsPayouts = 5

// incomeWords names each kind of income on /earnings.
var incomeWords = map[reward.IncomeKind]string{
	reward.IncomeAnnotation:  "Annotation tasks, top-ups to the floor and qualification",
	reward.IncomeRecordings:  "Verified recordings of browser work",
	reward.IncomeModels:      "Model calls that used your data or your model",
	reward.IncomeAutomations: "Runs of automations you recorded or taught",
	reward.IncomeBounties:    "Bounties for wanted work you delivered",
	reward.IncomeRecords:     "Records a curator accepted",
}

// incomeRow is one kind of income on /earnings.
type incomeRow struct {
	Kind   reward.IncomeKind
	Words  string
	Amount int64
}

func (p *Pages) earningsPage(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return p.showEarnings(w, r, http.StatusOK, form{})
}

// showEarnings is a member's whole account: the balance and the payout
// form, income by kind, time paid and unpaid, per project and per day. A
// payout request that is refused comes back here with its problem.
func (p *Pages) showEarnings(w http.ResponseWriter, r *http.Request, status int, f form) error {
	sess := request.Session(r)
	e, err := p.Work.Earnings(r.Context(), sess.Member.ID, 14)
	if err != nil {
		return err
	}
	floor, err := p.Params.Get(r.Context(), nil, coop.PayFloor)
	if err != nil {
		return err
	}
	payouts, more, err := p.Reward.Payouts(r.Context(), sess.Member, sess.Member.PublicID, store.Page{Limit: earningsPayouts})
	if err != nil {
		return err
	}
	income := make([]incomeRow, len(e.Income))
	for i, in := range e.Income {
		income[i] = incomeRow{Kind: in.Kind, Words: incomeWords[in.Kind], Amount: in.Amount}
	}
	waiting := false
	for _, po := range payouts {
		waiting = waiting || po.Status == reward.PayoutRequested
	}
	return p.render(w, r, status, "earnings.html", "Earnings", map[string]any{"E": e, "Floor": floor, "Chart": earningsChart(e.Days, floor, p.currency()),
		"Income": income, "Payouts": payouts, "MorePayouts": more != "", "Waiting": waiting, "Form": f})
}

// earningsChart draws, per day, the hours worked (paid in green, unpaid in
// grey) and the effective hourly rate as a dot, with the pay floor as a
// line: the numbers a worker needs to see whether the work is fair.
func earningsChart(days []work.DayEarning, floor int64, c points.Currency) template.HTML {
	const w, h, left, bottom, top = 640, 200, 44, 24, 12
	maxMS, maxRate := int64(3_600_000), floor
	for _, d := range days {
		maxMS = max(maxMS, d.PaidMS+d.UnpaidMS)
		maxRate = max(maxRate, d.PerHour)
	}
	maxRate = maxRate * 11 / 10
	plotH := float64(h - bottom - top)
	bw := float64(w-left) / float64(max(len(days), 1))
	y := func(v, vmax int64) float64 { return float64(h-bottom) - plotH*float64(v)/float64(max(vmax, 1)) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="Hours worked and effective hourly rate per day">`, w, h)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>`, left, h-bottom, w, h-bottom)
	for i, d := range days {
		x := float64(left) + float64(i)*bw + bw*0.15
		bwi := bw * 0.7
		yPaid := y(d.PaidMS, maxMS)
		yAll := y(d.PaidMS+d.UnpaidMS, maxMS)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="unpaid"><title>%s: %s unpaid</title></rect>`, x, yAll, bwi, yPaid-yAll, d.Day, hours(d.UnpaidMS))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="paid"><title>%s: %s paid</title></rect>`, x, yPaid, bwi, float64(h-bottom)-yPaid, d.Day, hours(d.PaidMS))
		if d.PaidMS+d.UnpaidMS > 0 {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="4" class="rate"><title>%s: %s per hour</title></circle>`, x+bwi/2, y(d.PerHour, maxRate), d.Day, c.Format(d.PerHour))
		}
		if i%2 == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="tick">%s</text>`, x, h-6, template.HTMLEscapeString(d.Day[5:]))
		}
	}
	fy := y(floor, maxRate)
	fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" class="floor"/><text x="2" y="%.1f" class="tick">floor</text>`, left, fy, w, fy, fy+4)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
