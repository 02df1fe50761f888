package practice

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"html"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
)

//go:embed page.css
var pageCSS string

//go:embed page.js
var pageJS string

// Server serves every kind's instances: GET /{kind}/?seed=N is an
// instance's start page and /{kind}/{page} its other pages. It keeps no
// state; a page is made again from its seed on each request.
//
// Every instance of a kind starts at the same path, as the same task on
// a real site does; the seed is in the query, and the start page leaves
// it in a cookie for the instance's other pages (a run has a browser
// context of its own, so runs do not see each other's cookies).
type Server struct{}

// URL is the start page of kind's instance seed on a Server mounted at
// base ("http://127.0.0.1:8080").
func URL(base, kind string, seed uint64) string {
	return fmt.Sprintf("%s/%s/?seed=%d", strings.TrimRight(base, "/"), kind, seed)
}

// seedCookie names the cookie that carries a kind's seed between pages.
func seedCookie(kind string) string { return "practice-seed-" + kind }

func (Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "only GET", http.StatusMethodNotAllowed)
		return
	}
	parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 2)
	if len(parts) == 1 && parts[0] == "" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, index())
		return
	}
	if len(parts) < 2 {
		http.NotFound(w, r)
		return
	}
	k, ok := Lookup(parts[0])
	if !ok {
		http.NotFound(w, r)
		return
	}
	raw := r.URL.Query().Get("seed")
	if raw == "" {
		if c, err := r.Cookie(seedCookie(k.Name)); err == nil {
			raw = c.Value
		}
	}
	seed, err := strconv.ParseUint(raw, 10, 64)
	if err != nil {
		http.Error(w, "no instance: open the start page with ?seed=N first", http.StatusNotFound)
		return
	}
	in := k.Generate(seed)
	p, ok := in.Pages[parts[1]]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if parts[1] == "" {
		http.SetCookie(w, &http.Cookie{Name: seedCookie(k.Name), Value: strconv.FormatUint(seed, 10), Path: "/" + k.Name + "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprint(w, render(in, p))
}

// index lists the kinds, for a person exploring the suite.
func index() string {
	var b strings.Builder
	b.WriteString("<!doctype html><meta charset=utf-8><title>Practice tasks</title><h1>Practice tasks</h1><ul>")
	for _, k := range Kinds() {
		fmt.Fprintf(&b, `<li><a href="%s/?seed=1">%s</a> — %s</li>`, k.Name, k.Name, html.EscapeString(k.Covers))
	}
	b.WriteString("</ul>")
	return b.String()
}

// notes are distractors: text a program must not take for its input.
var notes = []string{
	"Tip: you can change your preferences at any time.",
	"Our office is closed on public holidays.",
	"New: dark mode is coming soon.",
	"Questions? Write to the help desk.",
	"Last sign-in from a new device was yesterday.",
	"Maintenance is planned for Sunday night.",
	"Remember to save your work.",
}

// render is a page in the suite's shell, laid out by the instance's seed:
// margins, width and a distractor note differ between instances.
func render(in Instance, p Page) string {
	h := fnv.New64a()
	h.Write([]byte("layout:" + in.Kind))
	r := rand.New(rand.NewPCG(mix(in.Seed), h.Sum64()))
	top, left, width := r.IntN(120), r.IntN(220), 560+r.IntN(340)
	note := ""
	if r.IntN(2) == 0 {
		note = `<p class="note">` + html.EscapeString(one(r, notes)) + `</p>`
	}
	noteAfter := r.IntN(2) == 0
	data, _ := json.Marshal(p.Data)
	key, _ := json.Marshal(in.StateKey())
	var b strings.Builder
	b.WriteString("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
	b.WriteString(`<meta name="viewport" content="width=device-width, initial-scale=1">`)
	fmt.Fprintf(&b, "<title>%s</title><style>%s</style></head>\n<body>", html.EscapeString(p.Title), pageCSS)
	if p.Bare {
		top, left, note = 0, 0, ""
	}
	fmt.Fprintf(&b, `<main style="margin:%dpx 0 40px %dpx;max-width:%dpx">`, top, left, width)
	if !noteAfter {
		b.WriteString(note)
	}
	if !p.Bare {
		fmt.Fprintf(&b, "<h1>%s</h1>\n", html.EscapeString(p.Title))
	}
	if p.Instruction != "" {
		fmt.Fprintf(&b, "<p class=\"task\" id=\"instruction\">%s</p>\n", p.Instruction)
	}
	if noteAfter {
		b.WriteString(note)
	}
	b.WriteString(p.Body)
	b.WriteString("\n</main>\n<script>")
	fmt.Fprintf(&b, "const KEY = %s, START = %t, DATA = %s;\n%s", key, p.Start, data, pageJS)
	b.WriteString("</script>\n")
	if p.Script != "" {
		b.WriteString("<script>\"use strict\";\n" + p.Script + "\n</script>\n")
	}
	b.WriteString("</body></html>\n")
	return b.String()
}

// esc is text for HTML.
func esc(s string) string { return html.EscapeString(s) }

// q is text in typographic quotes for an instruction.
func q(s string) string { return "“" + esc(s) + "”" }
