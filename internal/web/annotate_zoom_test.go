package web_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/allmende/allmende/internal/browsertest"
)

// zoomState is what the canvas shows of its zoom: the level it reports
// and how wide the image is drawn against its viewport.
type zoomState struct {
	Level         string  `json:"level"`
	ImageWidth    float64 `json:"imageWidth"`
	ViewportWidth float64 `json:"viewportWidth"`
	ImageLeft     float64 `json:"imageLeft"`
	ViewportLeft  float64 `json:"viewportLeft"`
	Status        string  `json:"status"`
}

func readZoom(t *testing.T, c canvas) zoomState {
	t.Helper()
	z, err := chromedp.Run(c.ctx, chromedp.Evaluate[zoomState](`(() => {
	  const svg = document.querySelector("#annotator svg").getBoundingClientRect();
	  const vp = document.querySelector(".ann-viewport").getBoundingClientRect();
	  return {level: document.querySelector(".ann-zoom").textContent, imageWidth: svg.width, viewportWidth: vp.width,
	    imageLeft: svg.left, viewportLeft: vp.left, status: document.querySelector(".ann-status").textContent};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	return z
}

// TestAnnotateKeyboardAndZoom, at a laptop's and a phone's width: a box
// is drawn and resized with the keyboard alone, and the status line says
// what happened; the canvas zooms with its buttons, keys, Ctrl+wheel and
// a two-finger pinch, pans with the arrow keys, and a box drawn on the
// zoomed image has the image's coordinates.
func TestAnnotateKeyboardAndZoom(t *testing.T) {
	for _, width := range []int64{1280, 390} {
		t.Run(strconv.FormatInt(width, 10), func(t *testing.T) {
			h := newAnnotateHarness(t)
			ctx := h.open(t, "bounding_box", "", chromedp.EmulateViewport(width, 844, chromedp.EmulateTouch))
			c := canvas{ctx}

			// Keyboard only: N adds a box in the middle of the view, a
			// quarter of it in size (the whole 512×256 image at first).
			if err := chromedp.Do(ctx, chromedp.Focus("#annotator svg")); err != nil {
				t.Fatal(err)
			}
			press(t, ctx, "n")
			wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 192, 96, 128, 64})
			if z := readZoom(t, c); !strings.Contains(z.Status, "box 128 × 64 at 192, 96") {
				t.Errorf("status after N = %q, want the new box described", z.Status)
			}
			press(t, ctx, kb.ArrowRight)
			press(t, ctx, kb.ArrowRight)
			press(t, ctx, "r")
			for range 3 {
				press(t, ctx, kb.ArrowRight)
			}
			press(t, ctx, kb.ArrowDown, chromedp.ModifierShift)
			press(t, ctx, kb.ArrowUp)
			wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 194, 96, 131, 73})
			if z := readZoom(t, c); !strings.Contains(z.Status, "box 131 × 73") {
				t.Errorf("status while resizing = %q, want the size", z.Status)
			}
			press(t, ctx, kb.Escape) // ends resizing: the arrows move again
			press(t, ctx, kb.ArrowDown)
			wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 194, 97, 131, 73})
			press(t, ctx, "z", chromedp.ModifierCtrl)
			wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 194, 96, 131, 73})

			// Zoom: the buttons, then the keys.
			z := readZoom(t, c)
			if z.Level != "100%" || z.ImageWidth > z.ViewportWidth+0.5 {
				t.Fatalf("before zooming: %+v", z)
			}
			if err := chromedp.Do(ctx, chromedp.Click(`button[data-action="zoom-in"]`)); err != nil {
				t.Fatal(err)
			}
			if z = readZoom(t, c); z.Level != "150%" || !near(z.ImageWidth, 1.5*z.ViewportWidth) {
				t.Fatalf("after Zoom in: %+v, want 150%%", z)
			}
			browsertest.Screenshot(t, ctx, "annotate-zoomed-"+strconv.FormatInt(width, 10))
			press(t, ctx, "+")
			if z = readZoom(t, c); z.Level != "225%" {
				t.Fatalf("after +: %+v, want 225%%", z)
			}
			press(t, ctx, "0")
			if z = readZoom(t, c); z.Level != "100%" || !near(z.ImageWidth, z.ViewportWidth) {
				t.Fatalf("after 0: %+v, want the whole image", z)
			}

			// Ctrl+wheel (a trackpad's pinch) zooms at the pointer.
			sx, sy := c.at(t, 256, 128)
			// DevTools wants both deltas and the params omit a zero: a
			// sideways hundredth of a pixel stands in for none.
			wheel := func(p *input.DispatchMouseEventParams) { p.DeltaX, p.DeltaY, p.Modifiers = 0.01, -100, 2 }
			if err := chromedp.Do(ctx, chromedp.MouseEvent(chromedp.MouseWheel, sx, sy, wheel)); err != nil {
				t.Fatal(err)
			}
			if z = readZoom(t, c); z.Level == "100%" {
				t.Fatalf("Ctrl+wheel did not zoom: %+v", z)
			}
			press(t, ctx, "0")

			// Two fingers spreading on the image zoom it.
			a0x, a0y := c.at(t, 200, 128)
			b0x, b0y := c.at(t, 312, 128)
			a1x, b1x := a0x-(b0x-a0x)/2, b0x+(b0x-a0x)/2
			touch := func(typ input.DispatchTouchEventType, pts ...[2]float64) {
				t.Helper()
				var tps []*input.TouchPoint
				for i, p := range pts {
					id := float64(i + 1)
					tps = append(tps, &input.TouchPoint{X: p[0], Y: p[1], ID: &id})
				}
				if _, err := chromedp.Call(ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: typ, TouchPoints: tps}); err != nil {
					t.Fatal(err)
				}
			}
			touch(input.DispatchTouchEventTypeTouchStart, [2]float64{a0x, a0y}, [2]float64{b0x, b0y})
			for i := 1; i <= 4; i++ {
				f := float64(i) / 4
				touch(input.DispatchTouchEventTypeTouchMove, [2]float64{a0x + f*(a1x-a0x), a0y}, [2]float64{b0x + f*(b1x-b0x), b0y})
			}
			touch(input.DispatchTouchEventTypeTouchEnd)
			if z = readZoom(t, c); z.Level != "200%" {
				t.Fatalf("after spreading two fingers to twice their distance: %+v, want 200%%", z)
			}
			if n := len(readAnswer(t, ctx).Boxes); n != 1 {
				t.Fatalf("the pinch left %d boxes, want the one there was", n)
			}

			// The arrows pan a zoomed view when nothing is selected.
			press(t, ctx, kb.Escape)
			press(t, ctx, kb.Escape)
			before := readZoom(t, c)
			press(t, ctx, kb.ArrowRight)
			if z = readZoom(t, c); !near(before.ImageLeft-z.ImageLeft, 40) {
				t.Fatalf("ArrowRight moved the image from %g to %g, want 40 px left", before.ImageLeft, z.ImageLeft)
			}

			// A box drawn on the zoomed image is in image pixels.
			press(t, ctx, "b")
			c.drag(t, 230, 100, 270, 130)
			wantBoxes(t, readAnswer(t, ctx), annotatedBox{"battery", 194, 96, 131, 73}, annotatedBox{"battery", 230, 100, 40, 30})
			browsertest.Screenshot(t, ctx, "annotate-zoomed-drawn-"+strconv.FormatInt(width, 10))
		})
	}
}
