package pages

import (
	"html"
	"html/template"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/allmende/allmende/internal/datanet"
)

// contributionRows writes the rows of the contributions table. It is the
// one table built in Go rather than in its template: members page through
// it, and html/template spends about 20 µs on each of its rows (every
// printed value goes through escaping functions called by reflection),
// which made a page of rows cost twenty times the rest of the request.
// Here a row costs about a microsecond. Every value goes through
// html.EscapeString, and a path segment through url.PathEscape first, so
// nothing a member or a datanet's creator wrote can leave its text or its
// quoted attribute; TestContributionRowsEscape holds it to that.
func contributionRows(list []datanet.Contribution, money func(int64) string) template.HTML {
	var b strings.Builder
	b.Grow(len(list) * 800) // a row is about 700 bytes: one allocation for the page
	esc := func(s string) { b.WriteString(html.EscapeString(s)) }
	for _, c := range list {
		b.WriteString(`<tr id="contribution-`)
		esc(c.ID)
		b.WriteString(`" class="status-`)
		esc(c.Status)
		b.WriteString(`"><td>`)
		esc(c.CreatedAt.Format(dateLayout))
		b.WriteString(`</td><td><a href="/datanets/`)
		esc(url.PathEscape(c.Datanet))
		b.WriteString(`">`)
		esc(c.DatanetName)
		b.WriteString(`</a></td><td>`)
		if len(c.DNA) >= 16 {
			b.WriteString(`<code title="`)
			esc(c.DNA)
			b.WriteString(`">`)
			esc(c.DNA[:16])
			b.WriteString(`…</code>`)
		} else {
			b.WriteString(`<span class="empty">—</span>`)
		}
		b.WriteString(`</td><td><span class="status">`)
		esc(c.Status)
		b.WriteString(`</span>`)
		if c.Curation != "" && c.Curation != c.Status {
			b.WriteString(` <span class="curation">(`)
			esc(c.Curation)
			b.WriteString(`)</span>`)
		}
		if c.Reason != "" {
			b.WriteString(`<br><span class="hint reason">`)
			if c.Curation != "" {
				b.WriteString(`The curator: `)
			}
			esc(c.Reason)
			b.WriteString(`</span>`)
		}
		curationCell(&b, c, esc)
		b.WriteString(`</td><td>`)
		scoreCell(&b, c, esc, money)
		b.WriteString(`</td><td>`)
		for _, k := range slices.Sorted(maps.Keys(c.Redactions)) {
			esc(k + " ×" + strconv.Itoa(c.Redactions[k]))
			b.WriteString(`<br>`)
		}
		b.WriteString(`</td><td>`)
		if c.LogIndex != nil {
			b.WriteString("#" + strconv.FormatInt(*c.LogIndex, 10))
			if c.EventID != "" {
				b.WriteString(` <a href="/api/v1/events/`)
				esc(url.PathEscape(c.EventID))
				b.WriteString(`/receipt">receipt</a>`)
			}
		}
		b.WriteString(`</td><td>`)
		if c.Status != "erased" {
			b.WriteString(`<form method="post" action="/contributions/`)
			esc(url.PathEscape(c.ID))
			b.WriteString(`/erase" class="inline"><button type="submit" class="link erase" data-confirm="Erase this contribution for good? This cannot be undone.">Erase</button></form>`)
		}
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String())
}

// curationCell writes, for a record of a curated datanet, the member's
// appeal and the steward's ruling, or the form to appeal a rejection.
func curationCell(b *strings.Builder, c datanet.Contribution, esc func(string)) {
	if c.Appeal != "" {
		b.WriteString(`<br><span class="hint appeal">Your appeal: `)
		esc(c.Appeal)
		b.WriteString(`</span>`)
	}
	if c.Ruling != "" {
		b.WriteString(`<br><span class="hint ruling">A steward ruled: `)
		esc(c.Ruling)
		b.WriteString(`</span>`)
	}
	if c.MayAppeal() && c.Status != "erased" {
		b.WriteString(`<details class="appeal-form"><summary>Appeal</summary><form method="post" action="/contributions/`)
		esc(url.PathEscape(c.ID))
		b.WriteString(`/appeal"><label>Why the rejection is wrong (once; a steward decides) <textarea name="text" rows="3"></textarea></label><button type="submit">Send the appeal</button></form></details>`)
	}
}

// scoreCell writes a record's validation score and its parts, and what its
// acceptance paid.
func scoreCell(b *strings.Builder, c datanet.Contribution, esc func(string), money func(int64) string) {
	if c.Score == nil {
		if c.Curation == datanet.CurationPending {
			b.WriteString(`<span class="hint">waiting for a curator</span>`)
		}
		return
	}
	b.WriteString(`<span class="score" title="the mean of the parts below">`)
	esc(strconv.FormatFloat(c.Score.Value, 'f', 2, 64))
	b.WriteString(`</span>`)
	for _, part := range []struct {
		name string
		v    *float64
	}{{"decision", c.Score.Decision}, {"agreement", c.Score.Agreement}, {"gold", c.Score.Gold}} {
		if part.v != nil {
			b.WriteString(`<br><span class="hint">`)
			esc(part.name + " " + strconv.FormatFloat(*part.v, 'f', 2, 64))
			b.WriteString(`</span>`)
		}
	}
	if c.Paid != 0 {
		b.WriteString(`<br><span class="paid">paid `)
		esc(money(c.Paid))
		b.WriteString(`</span>`)
	}
}
