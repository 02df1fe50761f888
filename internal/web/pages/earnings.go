package pages

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/work"
)

func (p *Pages) earningsPage(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	e, err := p.Work.Earnings(r.Context(), sess.Member.ID, 14)
	if err != nil {
		return err
	}
	floor, err := p.Params.Get(r.Context(), nil, coop.PayFloor)
	if err != nil {
		return err
	}
	return p.render(w, r, http.StatusOK, "earnings.html", "Earnings", map[string]any{"E": e, "Floor": floor, "Chart": earningsChart(e.Days, floor, p.currency())})
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
