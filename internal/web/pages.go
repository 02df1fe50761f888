package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/allmende/allmende/internal/member"
)

//go:embed templates static
var assets embed.FS

// pages holds one template set per page, each joined with the layout, so
// that pages can define the same block names without clashing.
type pages struct {
	sets map[string]*template.Template
}

// dateLayout is how pages write a date.
const dateLayout = "2 Jan 2006"

var templateFuncs = template.FuncMap{
	"date": func(t time.Time) string { return t.Format(dateLayout) },
	"points": func(p int64) string {
		// Points are hundredths of the currency unit.
		sign := ""
		if p < 0 {
			sign, p = "-", -p
		}
		return fmt.Sprintf("%s%d.%02d", sign, p/100, p%100)
	},
	"join":    strings.Join,
	"hours":   hours,
	"minutes": func(f float64) string { return fmt.Sprintf("%.1f", f) },
	"percent": func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) },
	"str":     func(b []byte) string { return string(b) },
	"list":    func(v ...string) []string { return v },
}

func loadPages() *pages {
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		panic(err)
	}
	p := &pages{sets: map[string]*template.Template{}}
	for _, name := range names {
		base := strings.TrimPrefix(name, "templates/")
		if base == "layout.html" {
			continue
		}
		p.sets[base] = template.Must(template.New(base).Funcs(templateFuncs).ParseFS(assets, "templates/layout.html", name))
	}
	return p
}

// view is what every page template receives.
type view struct {
	Title string
	Me    *member.Member
	Path  string
	Data  any
}

// render executes a page into a buffer first, so that a template error
// becomes a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page, title string, data any) {
	t, ok := s.pages.sets[page]
	if !ok {
		panic("no page template " + page)
	}
	v := view{Title: title, Path: r.URL.Path, Data: data}
	if sess := currentSession(r); sess != nil {
		v.Me = &sess.Member
	}
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	if err := t.ExecuteTemplate(buf, "layout", v); err != nil {
		s.Log.Error("render page", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
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

// form carries what a person typed and what is wrong with it back to the
// page, so nothing they typed is lost when a field needs fixing.
type form struct {
	Values  map[string]string
	Errors  map[string]string
	Message string
}

func (f form) Value(k string) string { return f.Values[k] }
func (f form) Error(k string) string { return f.Errors[k] }

func staticHandler() http.Handler {
	sub, _ := fs.Sub(assets, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

// parseForm reads a form body of bounded size.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	return r.ParseForm()
}
