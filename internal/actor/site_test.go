package actor

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/replay"
)

// The practice pages: each is a task whose data comes from the query
// string, with layout variants (order, distractors, a shadow root, an
// iframe, content that appears late). A page records what was done in
// window.top.result, which the tests read with --report.

// signInPage: "Username: X", a quoted search term, two fields and Go.
//
//	layout=plain|shuffled|shadow|frame|late|missing|twice
func signInPage(q map[string]string) string {
	user, term, layout := html.EscapeString(q["user"]), html.EscapeString(q["term"]), q["layout"]
	form := `<label for=u>User</label><input id=u>
<label for=s>Search</label><input id=s>`
	goButton := `<button id=go onclick="top.result={user:document.getElementById('u').value,term:document.getElementById('s').value}">Go</button>`
	switch layout {
	case "shuffled":
		form = `<p>Nothing to copy here.</p><button>Go back</button>
<label for=s>Search</label><input id=s>
<p>Some filler text.</p>
<label for=u>User</label><input id=u>`
	case "missing":
		goButton = `<button>Cancel</button>`
	case "twice":
		goButton += strings.Replace(goButton, "id=go", "id=go2", 1)
	case "late":
		goButton = `<span id=slot></span><script>setTimeout(() => { document.getElementById('slot').innerHTML = ` + "`" + goButton + "`" + `; }, 800)</script>`
	case "shadow":
		goButton = `<div id=host></div><script>
const root = document.getElementById('host').attachShadow({mode: 'open'});
root.innerHTML = '<button>Go</button>';
root.querySelector('button').onclick = () => { top.result = {user: document.getElementById('u').value, term: document.getElementById('s').value}; };
</script>`
	}
	body := `<main><h1>Sign in and search</h1>
<p>Username: ` + user + `</p>
<p>Then search for "` + term + `", please.</p>
` + form + goButton + `</main>`
	if layout == "frame" {
		return `<!doctype html><meta charset=utf-8><title>Task</title><h1>Framed</h1><p>The form is below.</p>
<iframe src="/frame?` + "user=" + urlq(q["user"]) + "&term=" + urlq(q["term"]) + `" width=600 height=400></iframe>`
	}
	return `<!doctype html><meta charset=utf-8><title>Task</title>` + body
}

// tickPage: "Tick: a, b", a list of check boxes in some order, Save.
func tickPage(q map[string]string) string {
	var boxes strings.Builder
	for _, f := range strings.Split(q["order"], ",") {
		fmt.Fprintf(&boxes, `<li><label><input type=checkbox value=%q> %s</label></li>`, f, html.EscapeString(f))
	}
	return `<!doctype html><meta charset=utf-8><title>Tick</title><main><h1>Fruit</h1>
<p>Tick: ` + html.EscapeString(strings.ToLower(q["tick"])) + `</p><ul>` + boxes.String() + `</ul>
<button onclick="top.result=[...document.querySelectorAll('input:checked')].map(e=>e.value).sort().join(',')">Save</button></main>`
}

func urlq(s string) string {
	return strings.NewReplacer("%", "%25", "&", "%26", "#", "%23", " ", "%20", "+", "%2B").Replace(s)
}

func newSite(t testing.TB) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := map[string]string{}
		for k, v := range r.URL.Query() {
			q[k] = v[0]
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/signin":
			fmt.Fprint(w, signInPage(q))
		case "/frame":
			q["layout"] = "plain"
			fmt.Fprint(w, signInPage(q))
		case "/tick":
			fmt.Fprint(w, tickPage(q))
		case "/scroll":
			fmt.Fprint(w, scrollPage(q))
		case "/calendar":
			fmt.Fprint(w, calendarPage(q))
		case "/shop":
			fmt.Fprint(w, shopPage(q))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// demoOf makes a demonstration the way the recorder does: it opens the
// page, captures its outline, and describes each step's target by the
// outline's node; do picks the nodes and says what was done to them.
func demoOf(t *testing.T, browser context.Context, url string, do func(o recording.Outline, d *demoBuilder)) recording.Recording {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	o, err := replay.CaptureOutline(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d := &demoBuilder{t: t, o: o}
	d.rec.Title = "practice"
	d.rec.Steps = []recording.Step{{Type: recording.StepNavigate, URL: url}}
	d.rec.Allmende = &recording.Extension{Version: 1, Outlines: []recording.Outline{o}}
	do(o, d)
	return d.rec
}

type demoBuilder struct {
	t   *testing.T
	o   recording.Outline
	rec recording.Recording
}

// node returns the only node for which match is true.
func (d *demoBuilder) node(what string, match func(recording.Node) bool) recording.Node {
	d.t.Helper()
	var found []recording.Node
	for _, n := range d.o.Nodes {
		if match(n) {
			found = append(found, n)
		}
	}
	if len(found) != 1 {
		d.t.Fatalf("%d nodes are %s", len(found), what)
	}
	return found[0]
}

func (d *demoBuilder) step(s recording.Step, n recording.Node) {
	d.rec.Allmende.Targets = append(d.rec.Allmende.Targets, recording.Target{Step: len(d.rec.Steps), Node: n})
	d.rec.Steps = append(d.rec.Steps, s)
}

func (d *demoBuilder) typeInto(label, value string) {
	d.step(recording.Step{Type: recording.StepChange, Value: value}, d.node("the field "+label, func(n recording.Node) bool { return n.Label == label && n.Interactive }))
}

func (d *demoBuilder) click(role, name string) {
	d.step(recording.Step{Type: recording.StepClick}, d.node(role+" "+name, func(n recording.Node) bool { return n.Role == role && n.Name == name }))
}

func (d *demoBuilder) tick(label string) {
	n := d.node("the box "+label, func(n recording.Node) bool { return n.Role == "checkbox" && n.Name == label })
	unticked := false // described as it was when clicked
	n.Checked = &unticked
	d.step(recording.Step{Type: recording.StepClick}, n)
}

func browser(t *testing.T) context.Context {
	t.Helper()
	return browsertest.New(t)
}

func signInDemo(t *testing.T, b context.Context, base, user, term string) recording.Recording {
	return demoOf(t, b, base+"/signin?layout=plain&user="+urlq(user)+"&term="+urlq(term), func(o recording.Outline, d *demoBuilder) {
		d.typeInto("User", user)
		d.typeInto("Search", term)
		d.click("button", "Go")
	})
}

func quick() Options {
	return Options{StepTimeout: 2 * time.Second, Report: "JSON.stringify(window.result ?? null)"}
}

// scrollPage: "Add the “X” to your basket" in a list that loads twelve
// more items each time it is scrolled to its end.
func scrollPage(q map[string]string) string {
	return `<!doctype html><meta charset=utf-8><title>Catalogue</title><main><h1>Catalogue</h1>
<p>Add the “` + html.EscapeString(q["want"]) + `” to your basket.</p>
<ul id=cat style="height:200px;overflow-y:auto;list-style:none"></ul></main><script>
const items = []; for (let i = 0; i < 60; i++) items.push("Item " + (i * 7 % 60));
let shown = 0; const list = document.getElementById("cat");
function more() { for (const it of items.slice(shown, shown + 12)) { const li = document.createElement("li"); li.style.height = "30px";
  const b = document.createElement("button"); b.textContent = "Add"; b.setAttribute("aria-label", "Add " + it); b.onclick = () => { top.result = it; };
  li.append(it + " ", b); list.append(li); } shown += 12; }
more();
let loading = false;
list.addEventListener("scroll", () => { if (loading || list.scrollTop + list.clientHeight < list.scrollHeight - 30) return;
  loading = true; setTimeout(() => { more(); loading = false; }, 200); });
</script>`
}

// calendarPage: "Set the date to D Month" with a month shown and a
// "Next month" button; the days are buttons named "D Month".
func calendarPage(q map[string]string) string {
	return `<!doctype html><meta charset=utf-8><title>Calendar</title><main><h1>Delivery</h1>
<p>Set the delivery date to ` + html.EscapeString(q["want"]) + ` and book it.</p>
<button id=next aria-label="Next month">›</button><div id=days></div><button id=book>Book</button></main><script>
const M = ["January","February","March","April","May","June","July","August","September","October","November","December"];
let m = 0, picked = "";
function draw() { const d = document.getElementById("days"); d.replaceChildren();
  for (let i = 1; i <= 28; i++) { const b = document.createElement("button"); b.textContent = i; b.setAttribute("aria-label", i + " " + M[m]);
    b.onclick = () => { picked = i + " " + M[m]; }; d.append(b); } }
document.getElementById("next").onclick = () => { if (` + strconv.Quote(q["stuck"]) + ` === "") { m = (m + 1) % 12; draw(); } };
document.getElementById("book").onclick = () => { top.result = picked; };
draw();
</script>`
}

// shopPage: pick a size, then Buy. A cookie banner that covers the page
// shows from the start (banner=now), after the first click (banner=click)
// or never.
//
// With dialog=1 the banner is a dialog; with reject=1 it also has a
// "Reject all" button that closes it and notes the refusal. banner=move
// shows it when the mouse first moves: after a click's hit test, before
// its press.
func shopPage(q map[string]string) string {
	dialog, reject := "", ""
	if q["dialog"] != "" {
		dialog = `role=dialog aria-label=Cookies `
	}
	if q["reject"] != "" {
		reject = ` <button onclick="document.getElementById('cookies').hidden=true; top.refused=true">Reject all</button>`
	}
	return `<!doctype html><meta charset=utf-8><title>Shop</title><main><h1>Shirt</h1>
<button onclick="picked='S'">Size S</button> <button id=size onclick="picked='M'; if (banner === 'click') show()">Size M</button> <button onclick="picked='L'">Size L</button> <button id=buy onclick="top.result=picked">Buy</button></main>
<div id=cookies hidden ` + dialog + `style="position:fixed;inset:0;background:#fffe;padding:2em">We use cookies. <button onclick="document.getElementById('cookies').hidden=true">Accept</button>` + reject + `</div><script>
const banner = ` + strconv.Quote(q["banner"]) + `; let picked = "";
function show() { document.getElementById("cookies").hidden = false; }
if (banner === "now") show();
if (banner === "move") document.addEventListener("mousemove", show, {once: true});
</script>`
}
