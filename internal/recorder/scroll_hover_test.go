package recorder

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// feedPage has a list that loads more items as it is scrolled, each with
// its own button.
const feedPage = `<!doctype html><html><head><title>Shop</title>
<style>#list{height:220px;overflow:auto;list-style:none;margin:0;padding:0;width:300px} #list li{height:40px}</style></head><body>
<ul id="list"></ul><p id="done"></p>
<script>
const list = document.getElementById("list");
let n = 0;
function more() {
  for (let i = 0; i < 5; i++, n++) {
    const li = document.createElement("li");
    li.innerHTML = "Item " + n + ' <button type="button" id="b' + n + '">Add ' + n + "</button>";
    li.querySelector("button").addEventListener("click", (e) => { document.getElementById("done").textContent = e.target.textContent; });
    list.appendChild(li);
  }
}
more(); more();
list.addEventListener("scroll", () => { if (list.scrollTop + list.clientHeight > list.scrollHeight - 60) setTimeout(more, 150); });
</script></body></html>`

// A list that loads more as it is scrolled changes the page right under a
// resting pointer: that is the scroll's answer, not a hover's, and no
// hover step is recorded before the click on a loaded item.
func TestScrollLoadedItemsAreNoHover(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, feedPage) })
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	body, err := Record(t.Context(), Options{
		URL: s.URL + "/", Headless: true, Timeout: 45 * time.Second,
		StopWhen: `document.getElementById("done").textContent === "Add 17"`,
		Drive: func(ctx context.Context) error {
			at := &[2]float64{5, 5}
			if err := glide(ctx, at, "#b2"); err != nil {
				return err
			}
			for range 40 {
				ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.getElementById("b17") && document.getElementById("b17").getBoundingClientRect().bottom < 210`))
				if err != nil {
					return err
				}
				if ok {
					break
				}
				if _, err := chromedp.Call(ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseWheel, X: at[0], Y: at[1], DeltaY: 80, DeltaX: 1e-6}); err != nil {
					return err
				}
				time.Sleep(120 * time.Millisecond)
			}
			if err := glide(ctx, at, "#b17"); err != nil {
				return err
			}
			return press(ctx, *at)
		},
	})
	pointerSteps(t, body, err, "click #b17")
}
