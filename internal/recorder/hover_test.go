package recorder

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/recording"
)

// menuPage has a menu whose submenus open when the pointer enters their
// item, and a row that only marks itself when hovered.
const menuPage = `<!doctype html><html><head><title>Editor</title>
<style>.hidden{display:none} li{padding:6px} ul{list-style:none;margin:0;padding:0} .sub{position:relative;width:120px}
.sub>ul{position:absolute;left:100%;top:0;width:120px;background:#eee} .lit{background:#ffd}</style></head><body>
<button id="mb" type="button">Edit</button>
<ul role="menu" id="m" class="hidden">
<li role="menuitem" class="sub" id="fmt">Format ▸<ul role="menu" class="hidden"><li role="menuitem" class="leaf" id="bold">Bold</li></ul></li>
<li role="menuitem" class="sub" id="ins">Insert ▸<ul role="menu" class="hidden"><li role="menuitem" class="leaf" id="table">Table</li></ul></li>
</ul>
<p id="row" style="margin-top:120px">A row <button id="plain" type="button">Plain</button></p>
<p id="done"></p>
<script>
const $ = (s) => document.querySelector(s);
$("#mb").addEventListener("click", () => $("#m").classList.toggle("hidden"));
document.querySelectorAll(".sub").forEach((s) => s.addEventListener("mouseenter", () => {
  document.querySelectorAll(".sub > ul").forEach((u) => u.classList.add("hidden"));
  s.querySelector("ul").classList.remove("hidden");
}));
document.querySelectorAll(".leaf").forEach((l) => l.addEventListener("click", () => { $("#m").classList.add("hidden"); $("#done").textContent = l.textContent; }));
$("#row").addEventListener("mouseenter", () => $("#row").classList.add("lit"));
$("#plain").addEventListener("click", () => { $("#done").textContent += " plain"; });
</script></body></html>`

// glide moves the pointer to the middle of the element sel finds in a
// few quick moves, as a practised hand does: no rest anywhere.
func glide(ctx context.Context, from *[2]float64, sel string) error {
	pt, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](fmt.Sprintf(
		`(r => [r.left + Math.min(r.width / 2, 40), r.top + r.height / 2])(document.querySelector(%q).getBoundingClientRect())`, sel)))
	if err != nil {
		return err
	}
	for i := 1; i <= 4; i++ {
		f := float64(i) / 4
		x, y := from[0]+(pt[0]-from[0])*f, from[1]+(pt[1]-from[1])*f
		if _, err := chromedp.Call(ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseMoved, X: x, Y: y}); err != nil {
			return err
		}
		time.Sleep(5 * time.Millisecond)
	}
	from[0], from[1] = pt[0], pt[1]
	return nil
}

func press(ctx context.Context, at [2]float64) error {
	for _, t := range []input.DispatchMouseEventType{input.DispatchMouseEventTypeMousePressed, input.DispatchMouseEventTypeMouseReleased} {
		if _, err := chromedp.Call(ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: t, X: at[0], Y: at[1], Button: input.MouseButtonLeft, ClickCount: 1}); err != nil {
			return err
		}
	}
	return nil
}

// A hover the page answers with a submenu that the next click lands in is
// a step before that click, however quick the pointer; hovers that open
// nothing clicked (the other submenu on the way, a row that marks itself)
// are none.
func TestRecordHoverThatOpensTheWay(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, menuPage) })
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	body, err := Record(t.Context(), Options{
		URL: s.URL + "/", Headless: true, Timeout: 45 * time.Second,
		StopWhen: `document.getElementById("done").textContent === "Table plain"`,
		Drive: func(ctx context.Context) error {
			at := &[2]float64{5, 5}
			for _, sel := range []string{"#mb"} {
				if err := glide(ctx, at, sel); err != nil {
					return err
				}
				if err := press(ctx, *at); err != nil {
					return err
				}
			}
			// Across Format (its submenu opens) to Insert, then into
			// Insert's submenu and click Table.
			for _, sel := range []string{"#fmt", "#ins", "#table"} {
				if err := glide(ctx, at, sel); err != nil {
					return err
				}
			}
			if err := press(ctx, *at); err != nil {
				return err
			}
			if err := glide(ctx, at, "#row"); err != nil {
				return err
			}
			time.Sleep(700 * time.Millisecond) // at rest over the row: still no step
			if err := glide(ctx, at, "#plain"); err != nil {
				return err
			}
			return press(ctx, *at)
		},
	})
	rec := pointerSteps(t, body, err, "click #mb|hover #ins|click #table|click #plain")
	// The hover step has its target for the learner, like any other, as
	// the pointer found it: before the submenu opened and became part of
	// its name.
	var hover *recording.Target
	for i, tg := range rec.Allmende.Targets {
		if rec.Steps[tg.Step].Type == recording.StepHover {
			hover = &rec.Allmende.Targets[i]
		}
	}
	if hover == nil || hover.Role != "menuitem" || hover.Name != "Insert ▸" {
		t.Errorf("the hover's target should be the menuitem \"Insert ▸\": %+v", hover)
	}
}

// pointerSteps parses what Record returned and checks its clicks and
// hovers, by CSS selector, against want ("click #a|hover #b").
func pointerSteps(t *testing.T, body []byte, err error, want string) recording.Recording {
	t.Helper()
	if err != nil {
		t.Fatalf("Record: %v\n%s", err, body)
	}
	rec, err := recording.Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, st := range rec.Steps {
		switch st.Type {
		case recording.StepClick, recording.StepHover:
			got = append(got, string(st.Type)+" "+selectorText(st))
		}
	}
	if strings.Join(got, "|") != want {
		t.Fatalf("steps:\n%s\nwant:\n%s", strings.Join(got, "|"), want)
	}
	return rec
}

// selectorText is the step's CSS selector (the one that starts with #).
func selectorText(st recording.Step) string {
	for _, s := range st.Selectors {
		if len(s) == 1 && strings.HasPrefix(s[0], "#") {
			return s[0]
		}
	}
	return fmt.Sprint(st.Selectors)
}
