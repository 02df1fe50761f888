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
func contributionRows(list []datanet.Contribution) template.HTML {
	var b strings.Builder
	b.Grow(len(list) * 800) // a row is about 700 bytes: one allocation for the page
	esc := func(s string) { b.WriteString(html.EscapeString(s)) }
	for _, c := range list {
		b.WriteString(`<tr class="status-`)
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
		if c.Reason != "" {
			b.WriteString(`<br><span class="hint">`)
			esc(c.Reason)
			b.WriteString(`</span>`)
		}
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
