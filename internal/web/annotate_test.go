package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/allmende/allmende/internal/browsertest"

	"github.com/allmende/allmende/internal/shareddata"
)

// The annotation canvas (static/annotate.js) is tested on a page of its
// own, with the real server's Content-Security-Policy, so that it can be
// tested before, and apart from, the handlers that serve tasks.

const (
	annotateCSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

// annotation is the answer the widget writes into #answer.
type annotation struct {
	Boxes    []annotatedBox     `json:"boxes"`
	Polygons []annotatedPolygon `json:"polygons"`
}

type annotatedBox struct {
	Label      string
	X, Y, W, H float64
}

type annotatedPolygon struct {
	Label  string
	Points [][2]float64
}

// annotateHarness serves the widget, the test image and a page that holds
// them, and records what the page's form submits.
type annotateHarness struct {
	url       string
	submitted chan url.Values
}

func newAnnotateHarness(t *testing.T) *annotateHarness {
	t.Helper()
	parallel(t) // the harness is a server of the test's own
	page := template.Must(template.ParseFiles("testdata/annotate/harness.html"))
	h := &annotateHarness{submitted: make(chan url.Values, 1)}
	mux := http.NewServeMux()
	mux.Handle("/static/", http.StripPrefix("/static/", http.FileServer(http.Dir("pages/static"))))
	lego := filepath.Join(shareddata.Dir(t), "coco", "lego-battery", "images", "IMG20231010083824.jpg") // 512×256
	mux.HandleFunc("GET /items/lego.jpg", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, lego)
	})
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /task", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		err := page.Execute(w, map[string]string{
			"Mode":    q.Get("mode"),
			"Labels":  `["battery","cable"]`,
			"Initial": q.Get("initial"),
		})
		if err != nil {
			t.Errorf("harness page: %v", err)
		}
	})
	mux.HandleFunc("POST /tasks/123/submit", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Errorf("submitted form: %v", err)
		}
		h.submitted <- r.PostForm
		fmt.Fprint(w, `<!doctype html><title>Thanks</title><p id="done">Submitted.</p>`)
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", annotateCSP)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	h.url = srv.URL
	return h
}

// open loads the task page in a new browser and fails the test on any
// error the page reports, Content-Security-Policy violations included.
func (h *annotateHarness) open(t *testing.T, mode, initial string, setup ...chromedp.Action[chromedp.Void]) context.Context {
	t.Helper()
	ctx := browsertest.New(t)
	watchPageErrors(t, ctx)
	q := url.Values{"mode": {mode}, "initial": {initial}}
	steps := append(setup, chromedp.Navigate(h.url+"/task?"+q.Encode()), chromedp.WaitVisible("#annotator svg"))
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("open the annotation page: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector("#annotator img").naturalWidth === 512`)); err != nil {
		t.Fatalf("the image did not load: %v", err)
	}
	return ctx
}

func watchPageErrors(t *testing.T, ctx context.Context) {
	var mu sync.Mutex
	var problems []string
	err := chromedp.Listen(ctx, func(ev any) {
		var p string
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			p = ev.ExceptionDetails.Text
			if e := ev.ExceptionDetails.Exception; e != nil {
				p += " " + e.Description
			}
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
				p = string(ev.Entry.Source) + ": " + ev.Entry.Text
			}
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				p = "console." + string(ev.Type)
			}
		}
		if p != "" {
			mu.Lock()
			problems = append(problems, p)
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Errorf("the page reported: %s", p)
		}
	})
}

// canvas is the annotation canvas in a browser tab.
type canvas struct{ ctx context.Context }

// rect is where the canvas is in the viewport, in CSS pixels.
func (c canvas) rect(t *testing.T) (left, top, width float64) {
	t.Helper()
	r, err := chromedp.Run(c.ctx, chromedp.Evaluate[struct{ Left, Top, Width float64 }](
		`(() => { const r = document.querySelector("#annotator svg").getBoundingClientRect();
		  return {left: r.left, top: r.top, width: r.width}; })()`))
	if err != nil {
		t.Fatal(err)
	}
	return r.Left, r.Top, r.Width
}

// at turns natural image pixels into the viewport's CSS pixels, where the
// browser's mouse events land. It asks each time, as the page may have
// scrolled or changed size.
func (c canvas) at(t *testing.T, x, y float64) (float64, float64) {
	t.Helper()
	left, top, width := c.rect(t)
	scale := width / 512
	sx, sy := left+x*scale, top+y*scale
	// A point scrolled out of the window is scrolled back into it, as a
	// person would before clicking there.
	inner, err := chromedp.Run(c.ctx, chromedp.Evaluate[float64](`window.innerHeight`))
	if err != nil {
		t.Fatal(err)
	}
	if sy < 0 || sy >= inner {
		if _, err := chromedp.Run(c.ctx, chromedp.Evaluate[bool](fmt.Sprintf(`window.scrollBy(0, %f), true`, sy-inner/2))); err != nil {
			t.Fatal(err)
		}
		left, top, width = c.rect(t)
		scale = width / 512
		sx, sy = left+x*scale, top+y*scale
	}
	return sx, sy
}

// buttonsLeft says that the left button is held while the mouse moves.
func buttonsLeft(p *input.DispatchMouseEventParams) { p.Buttons = 1 }

// drag presses the left button at image pixel (x0, y0), moves in steps to
// (x1, y1) and releases it there.
func (c canvas) drag(t *testing.T, x0, y0, x1, y1 float64) {
	t.Helper()
	sx, sy := c.at(t, x0, y0)
	ex, ey := c.at(t, x1, y1)
	steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(chromedp.MousePressed, sx, sy, chromedp.ButtonLeft, buttonsLeft, chromedp.ClickCount(1))}
	const n = 5
	for i := 1; i <= n; i++ {
		f := float64(i) / n
		steps = append(steps, chromedp.MouseEvent(chromedp.MouseMoved, sx+f*(ex-sx), sy+f*(ey-sy), chromedp.ButtonLeft, buttonsLeft))
	}
	steps = append(steps, chromedp.MouseEvent(chromedp.MouseReleased, ex, ey, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	if err := chromedp.Do(c.ctx, steps...); err != nil {
		t.Fatalf("drag (%g,%g)→(%g,%g): %v", x0, y0, x1, y1, err)
	}
}

// click clicks at image pixel (x, y).
func (c canvas) click(t *testing.T, x, y float64) {
	t.Helper()
	sx, sy := c.at(t, x, y)
	if err := chromedp.Do(c.ctx, chromedp.MouseClickXY(sx, sy)); err != nil {
		t.Fatalf("click (%g,%g): %v", x, y, err)
	}
}

func press(t *testing.T, ctx context.Context, keys string, mods ...chromedp.Modifier) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(keys, chromedp.KeyModifiers(mods...))); err != nil {
		t.Fatalf("press %q: %v", keys, err)
	}
}

func readAnswer(t *testing.T, ctx context.Context) annotation {
	t.Helper()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("answer").value`))
	if err != nil {
		t.Fatal(err)
	}
	return parseAnswer(t, raw)
}

func parseAnswer(t *testing.T, raw string) annotation {
	t.Helper()
	var a annotation
	if err := json.Unmarshal([]byte(raw), &a); err != nil {
		t.Fatalf("answer %q: %v", raw, err)
	}
	if a.Boxes == nil || a.Polygons == nil {
		t.Fatalf("answer %s: want both lists, empty rather than missing or null", raw)
	}
	return a
}

// submitRefused tries to submit, as a click on Submit does, and reports
// whether the annotator stopped it; the page never leaves (the test's own
// listener, after the annotator's, stops every submission).
func submitRefused(t *testing.T, ctx context.Context) bool {
	t.Helper()
	d, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const b = document.getElementById("submit-task"), f = b.form;
		let refused = false;
		const h = e => { refused = e.defaultPrevented; e.preventDefault(); };
		f.addEventListener("submit", h);
		f.requestSubmit(b);
		f.removeEventListener("submit", h);
		return refused;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// wantBoxes checks the answer's boxes, to ±2 image pixels: a mouse lands
// on whole CSS pixels, which are not whole image pixels when scaled.
func wantBoxes(t *testing.T, a annotation, want ...annotatedBox) {
	t.Helper()
	if len(a.Boxes) != len(want) {
		t.Fatalf("boxes = %+v, want %+v", a.Boxes, want)
	}
	for i, w := range want {
		g := a.Boxes[i]
		if g.Label != w.Label || !near(g.X, w.X) || !near(g.Y, w.Y) || !near(g.W, w.W) || !near(g.H, w.H) {
			t.Fatalf("box %d = %+v, want %+v", i, g, w)
		}
	}
}

func wantPoints(t *testing.T, got, want [][2]float64) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(want); i++ {
		ok = near(got[i][0], want[i][0]) && near(got[i][1], want[i][1])
	}
	if !ok {
		t.Fatalf("polygon points = %v, want %v", got, want)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 2 }

// TestAnnotateDrawEditSubmit is what an annotator does with a box-and-
// polygon task: draw a box, move and resize it, undo and redo, draw and
// delete a second box with another label, draw a polygon, and submit.
func TestAnnotateDrawEditSubmit(t *testing.T) {
	h := newAnnotateHarness(t)
	ctx := h.open(t, "bounding_box polygon", "")
	c := canvas{ctx}

	if a := readAnswer(t, ctx); len(a.Boxes)+len(a.Polygons) != 0 {
		t.Fatalf("answer before drawing = %+v, want empty", a)
	}
	if !submitRefused(t, ctx) {
		t.Fatal("submitting with nothing drawn was not stopped")
	}

	// A slip of the mouse makes no box.
	c.drag(t, 300, 200, 301, 201)
	wantBoxes(t, readAnswer(t, ctx))

	c.drag(t, 100, 50, 200, 120)
	wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 100, 50, 100, 70})
	if submitRefused(t, ctx) {
		t.Fatal("submitting with a box drawn was stopped")
	}

	press(t, ctx, "v")
	c.drag(t, 150, 85, 170, 95) // by its inside: moves it
	wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 120, 60, 100, 70})
	c.drag(t, 220, 130, 250, 150) // by its bottom-right corner: resizes it
	wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 120, 60, 130, 90})
	c.drag(t, 250, 150, 100, 40) // past the opposite corner: turns over
	wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 100, 40, 20, 20})

	press(t, ctx, "z", chromedp.ModifierCtrl)
	press(t, ctx, "z", chromedp.ModifierCtrl)
	wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 120, 60, 100, 70})
	press(t, ctx, "z", chromedp.ModifierCtrl)
	wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 100, 50, 100, 70})
	press(t, ctx, "z", chromedp.ModifierCtrl, chromedp.ModifierShift)
	wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 120, 60, 100, 70})
	press(t, ctx, "z", chromedp.ModifierCtrl) // a redone change can be undone again
	wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 100, 50, 100, 70})
	press(t, ctx, "y", chromedp.ModifierCtrl)
	wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 120, 60, 100, 70})

	// The box is still selected: arrows nudge it, Shift by 10.
	press(t, ctx, kb.ArrowRight, chromedp.ModifierShift)
	press(t, ctx, kb.ArrowUp)
	wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 130, 59, 100, 70})
	press(t, ctx, "y", chromedp.ModifierCtrl) // nothing to redo after an edit
	wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 130, 59, 100, 70})

	// Typing in the page's reason field is typing, not shortcuts.
	if err := chromedp.Do(ctx, chromedp.SendKeys("#reason", "2 b"+kb.Delete)); err != nil {
		t.Fatal(err)
	}
	wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 130, 59, 100, 70})
	c.click(t, 480, 240) // out of the field, onto the image

	press(t, ctx, "2")
	press(t, ctx, "b")
	c.drag(t, 300, 100, 400, 200)
	wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 130, 59, 100, 70}, annotatedBox{"cable", 300, 100, 100, 100})
	press(t, ctx, kb.Delete)
	wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 130, 59, 100, 70})

	// Choosing a label for the selected box relabels it.
	press(t, ctx, "v")
	c.click(t, 180, 90)
	press(t, ctx, "2")
	wantBoxes(t, readAnswer(t, ctx), annotatedBox{"cable", 130, 59, 100, 70})
	press(t, ctx, "z", chromedp.ModifierCtrl)
	wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 130, 59, 100, 70})
	press(t, ctx, "1")

	press(t, ctx, "p")
	square := [][2]float64{{260, 150}, {380, 140}, {400, 230}, {270, 240}}
	for _, p := range square {
		c.click(t, p[0], p[1])
	}
	if !submitRefused(t, ctx) {
		t.Fatal("submit is enabled while a polygon is half drawn")
	}
	browsertest.Screenshot(t, ctx, "annotate-polygon-drawing")
	press(t, ctx, kb.Enter)
	a := readAnswer(t, ctx)
	wantBoxes(t, a, annotatedBox{"battery", 130, 59, 100, 70})
	if len(a.Polygons) != 1 || a.Polygons[0].Label != "battery" {
		t.Fatalf("polygons = %+v, want one battery", a.Polygons)
	}
	wantPoints(t, a.Polygons[0].Points, square)

	// Backspace takes back the last vertex.
	c.click(t, 20, 20)
	c.click(t, 60, 20)
	press(t, ctx, kb.Backspace)
	c.click(t, 60, 60)
	c.click(t, 20, 60)
	press(t, ctx, kb.Enter)
	a = readAnswer(t, ctx)
	if len(a.Polygons) != 2 {
		t.Fatalf("polygons = %+v, want two", a.Polygons)
	}
	wantPoints(t, a.Polygons[1].Points, [][2]float64{{20, 20}, {60, 60}, {20, 60}})
	press(t, ctx, kb.Backspace) // deletes the selected polygon
	// Escape drops a polygon half drawn.
	c.click(t, 20, 20)
	c.click(t, 60, 20)
	c.click(t, 40, 50)
	press(t, ctx, kb.Escape)
	if a := readAnswer(t, ctx); len(a.Polygons) != 1 || submitRefused(t, ctx) {
		t.Fatalf("after Escape, polygons = %+v, want the first one closed before, and submit enabled", a.Polygons)
	}

	label, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#annotator svg").getAttribute("aria-label")`))
	if err != nil || !strings.Contains(label, "1 box and 1 polygon") {
		t.Fatalf("canvas aria-label = %q (%v), want the shapes counted", label, err)
	}
	t.Logf("screenshot: %s", browsertest.Screenshot(t, ctx, "annotate-box-and-polygon"))

	want, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("answer").value`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click("#submit-task"), chromedp.WaitVisible("#done")); err != nil {
		t.Fatalf("submit: %v", err)
	}
	form := <-h.submitted
	if got := form.Get("answer"); got != want {
		t.Fatalf("submitted answer %s, want %s", got, want)
	}
	if form.Get("reason") != "2 b" {
		t.Fatalf("submitted reason %q, want what was typed", form.Get("reason"))
	}
}

// TestAnnotatePreAnnotations shows an imported box for correction: it is
// in the answer from the start, and the annotator can delete it.
func TestAnnotatePreAnnotations(t *testing.T) {
	h := newAnnotateHarness(t)
	initial := `{"boxes":[{"label":"battery","x":215.5,"y":65,"w":115,"h":80}],"polygons":[{"label":"cable","points":[[20,200],[90,190],[60,240]]}]}`
	ctx := h.open(t, "bounding_box", initial)

	a := readAnswer(t, ctx)
	wantBoxes(t, a, annotatedBox{"battery", 215.5, 65, 115, 80})
	if len(a.Polygons) != 1 {
		t.Fatalf("polygons = %+v, want the imported one", a.Polygons)
	}
	if submitRefused(t, ctx) {
		t.Fatal("submitting with imported shapes was stopped")
	}
	imported, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#annotator .ann-list .badge").length`))
	if err != nil || imported != 2 {
		t.Fatalf("%d shapes marked imported (%v), want 2", imported, err)
	}
	t.Logf("screenshot: %s", browsertest.Screenshot(t, ctx, "annotate-imported"))

	// Deleted from the list and with the keyboard, then one comes back.
	if err := chromedp.Do(ctx, chromedp.Click(`#annotator .ann-list li:first-child .ann-delete`)); err != nil {
		t.Fatal(err)
	}
	c := canvas{ctx}
	press(t, ctx, "v")
	c.click(t, 55, 210)
	press(t, ctx, kb.Delete)
	if a := readAnswer(t, ctx); len(a.Boxes)+len(a.Polygons) != 0 {
		t.Fatalf("after deleting both, answer = %+v", a)
	}
	if !submitRefused(t, ctx) {
		t.Fatal("submitting with every shape deleted was not stopped")
	}
	why, err := chromedp.Run(ctx, chromedp.Text("#annotator .ann-status"))
	if err != nil || !strings.Contains(why, "Draw at least a box") {
		t.Fatalf("status = %q (%v), want why submitting is not possible", why, err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`#annotator [data-action="undo"]`)); err != nil {
		t.Fatal(err)
	}
	a = readAnswer(t, ctx)
	if len(a.Boxes) != 0 || len(a.Polygons) != 1 {
		t.Fatalf("after undo, answer = %+v, want the polygon back", a)
	}

	// Moving the other imported shape makes it the annotator's own.
	c.drag(t, 55, 210, 65, 200)
	wantPoints(t, readAnswer(t, ctx).Polygons[0].Points, [][2]float64{{30, 190}, {100, 180}, {70, 230}})
	imported, err = chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#annotator .ann-list .badge").length`))
	if err != nil || imported != 0 {
		t.Fatalf("%d shapes marked imported after moving (%v), want 0", imported, err)
	}
}

// TestAnnotateScaled draws on an image shown at another size, on a narrow
// screen with two device pixels to a CSS pixel: the answer is in the
// image's own pixels all the same.
func TestAnnotateScaled(t *testing.T) {
	h := newAnnotateHarness(t)
	ctx := h.open(t, "bounding_box", "", chromedp.EmulateViewport(420, 800, chromedp.EmulateScale(2)))
	c := canvas{ctx}
	if _, _, w := c.rect(t); w >= 400 || w < 300 {
		t.Fatalf("image shown %g CSS pixels wide on a 420-pixel screen, want it scaled down to fit", w)
	}
	c.drag(t, 100, 50, 200, 120)
	wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 100, 50, 100, 70})
	browsertest.Screenshot(t, ctx, "annotate-narrow")

	// Wider than the image itself: shown larger.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1200, 800)); err != nil {
		t.Fatal(err)
	}
	if _, _, w := c.rect(t); w <= 600 {
		t.Fatalf("image shown %g CSS pixels wide on a 1200-pixel screen, want it larger than its 512", w)
	}
	c.drag(t, 200, 120, 210, 130) // the box's corner
	wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 100, 50, 110, 80})
	press(t, ctx, "v")
	c.drag(t, 150, 90, 540, 90) // moved against the right edge, and no further
	wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 402, 50, 110, 80})
	browsertest.Screenshot(t, ctx, "annotate-scaled")
}

// TestAnnotatePolygonTask is a polygon-only task: the polygon tool is
// the one to start with, a click on the first vertex closes the polygon,
// vertices can be dragged, and there is no box tool.
func TestAnnotatePolygonTask(t *testing.T) {
	h := newAnnotateHarness(t)
	ctx := h.open(t, "polygon", "")
	c := canvas{ctx}

	tri := [][2]float64{{100, 60}, {220, 80}, {150, 200}}
	for _, p := range tri {
		c.click(t, p[0], p[1])
	}
	c.click(t, tri[0][0]+1, tri[0][1]+1) // near the first vertex: closes
	a := readAnswer(t, ctx)
	if len(a.Polygons) != 1 {
		t.Fatalf("polygons = %+v, want one", a.Polygons)
	}
	wantPoints(t, a.Polygons[0].Points, tri)

	c.drag(t, 220, 80, 300, 40) // the selected polygon's vertex
	wantPoints(t, readAnswer(t, ctx).Polygons[0].Points, [][2]float64{{100, 60}, {300, 40}, {150, 200}})
	browsertest.Screenshot(t, ctx, "annotate-polygon-selected")

	press(t, ctx, "b") // not a box task: still the polygon tool
	c.drag(t, 350, 100, 450, 200)
	if a := readAnswer(t, ctx); len(a.Boxes) != 0 {
		t.Fatalf("boxes = %+v in a polygon task", a.Boxes)
	}
	press(t, ctx, kb.Escape)
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#annotator button[data-tool]").length`))
	if err != nil || n != 2 {
		t.Fatalf("%d tool buttons (%v), want Select and Polygon", n, err)
	}
}
