package pages

import (
	"bytes"
	"cmp"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/web/request"
)

//go:embed templates static
var assets embed.FS

// dateLayout is how pages write a date.
const dateLayout = "2 Jan 2006"

var templateFuncs = template.FuncMap{
	"date":    func(t time.Time) string { return t.Format(dateLayout) },
	"join":    strings.Join,
	"hours":   hours,
	"minutes": func(f float64) string { return fmt.Sprintf("%.1f", f) },
	"percent": func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) },
	"str":     func(b []byte) string { return string(b) },
	"list":    func(v ...string) []string { return v },
	"plural":  plural,
	"noun":    noun,
	// Internal names in words: ledger events, accounts, scopes, task types.
	"event":    eventName,
	"account":  accountName,
	"scope":    scopeName,
	"taskType": taskTypeName,
	"coord":    func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) },
	"outline":  outline,
	"summary":  answerSummary,
	"inc":      func(i int) int { return i + 1 },
	"size":     fileSize,
}

// moneyFuncs are the template functions that write amounts, all with the
// cooperative's one currency: "points" writes an amount of points as money
// ("0.65 EUR"), "number" the same without the code (for an input a person
// edits), "pointValue" what one point is worth ("0.01 EUR"), "currency"
// and "decimals" the currency's code and its digits after the point (for
// scripts that preview amounts as the server will read them).
func moneyFuncs(c points.Currency) template.FuncMap {
	return template.FuncMap{
		"points":     c.Format,
		"number":     c.Number,
		"pointValue": c.PointValue,
		"currency":   func() string { return c.Code },
		"decimals":   func() int { return c.Decimals },
	}
}

// loadTemplates parses one template set per page, each joined with the
// layout, so that pages can define the same block names without
// clashing.
func loadTemplates(c points.Currency) map[string]*template.Template {
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		panic(err)
	}
	money := moneyFuncs(c)
	sets := map[string]*template.Template{}
	for _, name := range names {
		base := strings.TrimPrefix(name, "templates/")
		if base == "layout.html" || strings.HasPrefix(base, "partial_") {
			continue
		}
		// Parts several pages include: templates/partials/*.html and
		// templates/partial_*.html (go:embed leaves out names that begin
		// with "_").
		sets[base] = template.Must(template.New(base).Funcs(templateFuncs).Funcs(money).ParseFS(assets, "templates/layout.html", "templates/partials/*.html", "templates/partial_*.html", name))
	}
	return sets
}

// plural writes a count with its noun, "1 project", "3 projects"; a noun
// whose plural is not an added "s" gives it after the singular. The count
// is any integer a page has (int, int64).
func plural(count any, singular string, pl ...string) string {
	return fmt.Sprintf("%d %s", integer(count), noun(count, singular, pl...))
}

// noun is plural's noun alone, for a page that shows the count apart
// ("<strong>1</strong> open project").
func noun(count any, singular string, pl ...string) string {
	switch {
	case integer(count) == 1:
		return singular
	case len(pl) > 0:
		return pl[0]
	}
	return singular + "s"
}

func integer(count any) int64 {
	switch c := count.(type) {
	case int:
		return int64(c)
	case int64:
		return c
	}
	panic(fmt.Sprintf("a count of %T", count))
}

// view is what every page template receives.
type view struct {
	Title string
	Me    *member.Member
	Path  string
	Data  any
}

// render executes a page into a buffer first, so that a template error
// becomes a clean error page rather than half a page: nothing is written
// when it returns an error.
func (p *Pages) render(w http.ResponseWriter, r *http.Request, status int, page, title string, data any) error {
	t, ok := p.sets[page]
	if !ok {
		panic("no page template " + page)
	}
	v := view{Title: title, Path: r.URL.Path, Data: data}
	if sess := request.Session(r); sess != nil {
		v.Me = &sess.Member
	}
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	if err := t.ExecuteTemplate(buf, "layout", v); err != nil {
		return fmt.Errorf("render page %s: %w", page, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// renderBuffers keep the buffers pages are rendered into: a page of rows
// is tens of kilobytes, and growing a fresh buffer to that size on every
// request was a good part of the garbage the collector had to keep up with
// under load.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putRenderBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 {
		return // an unusually large page: let it go rather than keep it
	}
	b.Reset()
	renderBuffers.Put(b)
}

// hours writes a duration the way a person reads it: seconds for a task,
// hours and minutes for a week.
func hours(ms int64) string {
	switch {
	case ms < 60_000:
		return fmt.Sprintf("%d s", ms/1000)
	case ms < 3_600_000:
		return fmt.Sprintf("%d min %02d s", ms/60_000, ms/1000%60)
	}
	m := ms / 60_000
	return fmt.Sprintf("%d h %02d min", m/60, m%60)
}

// money writes an amount of points the way every page does.
func (p *Pages) money(v int64) string { return p.currency().Format(v) }

func (p *Pages) currency() points.Currency { return cmp.Or(p.Currency, points.DefaultCurrency) }
