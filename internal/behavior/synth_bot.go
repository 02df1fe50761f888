package behavior

import (
	"math"
	"math/rand/v2"
	"time"
)

// BotFamily names a kind of simulated automation. All of them are synthetic:
// they imitate what each tool is documented to do, not recordings of it.
type BotFamily string

const (
	// BotCDP drives the browser over the Chrome DevTools Protocol as
	// Puppeteer does: page.click moves the pointer in one step to the
	// centre of the element box and clicks; page.type holds each key for
	// its delay option (0 by default); navigation waits for network idle
	// (500 ms without requests); some scripts add a fixed wait between steps.
	BotCDP BotFamily = "cdp"
	// BotSelenium drives the browser over WebDriver: element clicks land on
	// the element's in-view centre point in whole pixels, keys are sent
	// back to back, and scripts sleep a fixed time between steps.
	BotSelenium BotFamily = "selenium"
	// BotMacro plays back a recorded macro: a fixed delay between actions,
	// the pointer glides in a straight line at constant speed, keys are held
	// and spaced by fixed times.
	BotMacro BotFamily = "macro"
	// BotHumanised adds randomness: uniform random delays, pointer paths on
	// random cubic Bézier curves sampled at even parameter steps (so the
	// speed follows the curve, not a human velocity profile), clicks at a
	// random point of the element, uniform random key timing.
	BotHumanised BotFamily = "humanised"
	// BotEased is a more careful humaniser: Bézier paths with an ease-in-out
	// timing (a bell-shaped speed profile), occasional overshoot and
	// correction, clicks scattered around the centre, occasional typos; its
	// delays are still uniform random and its paths carry no tremor.
	BotEased BotFamily = "eased"
)

// BotFamilies lists every simulated bot family.
var BotFamilies = []BotFamily{BotCDP, BotSelenium, BotMacro, BotHumanised, BotEased}

// SynthBot simulates a script of family f doing task t. Different seeds are
// different scripts of the same family (their fixed delays and options
// differ) run once each.
func SynthBot(f BotFamily, t SynthTask, seed uint64) Recording {
	rng := rand.New(rand.NewPCG(seed, 0x5eed0004))
	b := &bot{
		family: f,
		rng:    rng,
		rec:    Recording{Viewport: t.Viewport},
		x:      uniform(rng, 0, t.Viewport.W),
		y:      uniform(rng, 0, t.Viewport.H),
		now:    secs(uniform(rng, 0.05, 0.5)),
	}
	b.configure()
	for _, st := range t.Steps {
		b.do(st)
	}
	sortEvents(b.rec.Events)
	return b.rec
}

type bot struct {
	family  BotFamily
	rng     *rand.Rand
	rec     Recording
	now     time.Duration
	x, y    float64
	scrollY float64

	fixed     float64 // s, fixed delay between steps (0: none)
	keyDwell  float64 // s, fixed key hold (macro, CDP delay option)
	keyGap    float64 // s, fixed key spacing (macro)
	speed     float64 // px/s, macro glide speed
	frame     float64 // s, sampling step of computed paths
	rounded   bool    // positions in whole pixels
	pageWait  float64 // s, macro: fixed wait after a click that loads a page
	typoRate  float64
	hoverRate float64
}

func (b *bot) configure() {
	rng := b.rng
	pick := func(xs ...float64) float64 { return xs[rng.IntN(len(xs))] }
	switch b.family {
	case BotCDP:
		if rng.Float64() < 0.5 {
			b.fixed = pick(0.25, 0.5, 1, 2)
		}
		if rng.Float64() < 0.4 {
			b.keyDwell = pick(0.01, 0.02, 0.05, 0.1)
		}
	case BotSelenium:
		if rng.Float64() < 0.6 {
			b.fixed = pick(0.5, 1, 2, 3)
		}
		b.rounded = true
	case BotMacro:
		b.fixed = uniform(rng, 0.1, 0.8)
		b.keyDwell = pick(0.01, 0.03, 0.05, 0.08)
		b.keyGap = pick(0.05, 0.08, 0.1, 0.15)
		b.speed = uniform(rng, 500, 3000)
		b.frame = 0.01
		b.rounded = true
		b.pageWait = uniform(rng, 2, 4)
	case BotHumanised:
		b.frame = pick(0.01, 0.016, 0.02)
		b.rounded = rng.Float64() < 0.5
		b.hoverRate = 0.1
	case BotEased:
		b.frame = 1.0 / 60
		b.typoRate = 0.02
		b.hoverRate = 0.15
	}
}

func (b *bot) emit(e Event) { b.rec.Events = append(b.rec.Events, e) }

func (b *bot) wait(s float64) { b.now += secs(math.Max(s, 0)) }

// pause is the delay before a step.
func (b *bot) pause() float64 {
	rng := b.rng
	switch b.family {
	case BotCDP:
		return b.fixed + uniform(rng, 0.002, 0.015) + uniform(rng, 0, 0.04) // round trips, waitForSelector
	case BotSelenium:
		return b.fixed + uniform(rng, 0.02, 0.12)
	case BotMacro:
		return b.fixed + rng.NormFloat64()*0.0003
	case BotHumanised:
		return uniform(rng, 0.3, 2.0)
	default:
		return uniform(rng, 0.4, 2.5)
	}
}

// afterLoad is the delay from a page load to the next step.
func (b *bot) afterLoad(load float64) float64 {
	rng := b.rng
	switch b.family {
	case BotCDP:
		return 0.5 + uniform(rng, 0, 0.03) + b.fixed // networkidle0
	case BotSelenium:
		return b.fixed + uniform(rng, 0.02, 0.12)
	case BotMacro:
		return math.Max(b.pageWait-load, 0.05)
	case BotHumanised:
		return uniform(rng, 1, 3)
	default:
		return uniform(rng, 1, 4)
	}
}

func (b *bot) do(st SynthStep) {
	rng := b.rng
	switch st.Kind {
	case KindNavigate:
		b.emit(Event{Kind: KindNavigate, T: b.now})
		b.wait(b.afterLoad(0))
	case KindClick, KindDoubleClick:
		b.wait(b.pause())
		if rng.Float64() < b.hoverRate {
			hx := clamp(st.Box.X+uniform(rng, -300, 300), 0, b.rec.Viewport.W)
			hy := clamp(st.Box.Y+uniform(rng, -200, 200), 0, b.rec.Viewport.H)
			path := b.move(hx, hy, 40)
			b.emit(Event{Kind: KindHover, T: b.now, X: b.x, Y: b.y, Path: path})
			b.wait(uniform(rng, 0.1, 0.6))
		}
		cx, cy := b.aim(st.Box)
		path := b.move(cx, cy, math.Min(st.Box.W, st.Box.H))
		switch b.family {
		case BotCDP, BotSelenium:
			b.wait(uniform(rng, 0.0005, 0.003))
		default:
			b.wait(uniform(rng, 0.05, 0.15))
		}
		b.emit(Event{Kind: st.Kind, T: b.now, X: b.x, Y: b.y, Path: path, Target: st.Target, Box: st.Box})
		if st.Navigates {
			load := uniform(rng, 0.3, 1.5)
			b.wait(load)
			b.emit(Event{Kind: KindNavigate, T: b.now})
			b.wait(b.afterLoad(load))
		}
	case KindKeyDown:
		b.wait(b.pause())
		b.typeChars(st.Chars)
		b.emit(Event{Kind: KindInput, T: b.now, Target: st.Target})
	case KindScroll:
		b.wait(b.pause())
		b.scroll(st.Scroll)
	}
}

// aim is where the bot clicks in box.
func (b *bot) aim(box Rect) (x, y float64) {
	rng := b.rng
	cx, cy := box.Centre()
	switch b.family {
	case BotCDP:
		return cx, cy
	case BotSelenium:
		return math.Floor(cx), math.Floor(cy)
	case BotMacro:
		// The position recorded when the macro was made: anywhere on the
		// element, in whole pixels.
		return math.Round(box.X + box.W*uniform(rng, 0.15, 0.85)), math.Round(box.Y + box.H*uniform(rng, 0.15, 0.85))
	case BotHumanised:
		return box.X + box.W*uniform(rng, 0.1, 0.9), box.Y + box.H*uniform(rng, 0.1, 0.9)
	default:
		return clamp(cx+rng.NormFloat64()*0.15*box.W, box.X+1, box.X+box.W-1),
			clamp(cy+rng.NormFloat64()*0.15*box.H, box.Y+1, box.Y+box.H-1)
	}
}

// move takes the pointer to (tx, ty) and returns the recorded samples.
func (b *bot) move(tx, ty, w float64) []Point {
	rng := b.rng
	x0, y0 := b.x, b.y
	d := math.Hypot(tx-x0, ty-y0)
	var path []Point
	switch b.family {
	case BotCDP:
		// One mousemove straight to the target.
		path = []Point{{T: b.now, X: tx, Y: ty}}
	case BotSelenium:
		// The pointer is moved by the driver with no intermediate events.
	case BotMacro:
		n := max(int(math.Ceil(d/b.speed/b.frame)), 1)
		for k := 1; k <= n; k++ {
			s := float64(k) / float64(n)
			path = append(path, Point{T: b.now + secs(float64(k)*b.frame),
				X: math.Round(x0 + s*(tx-x0)), Y: math.Round(y0 + s*(ty-y0))})
		}
	case BotHumanised:
		path = b.bezier(tx, ty, 20+rng.IntN(31), 0.3, false)
	case BotEased:
		n := max(int((0.1+0.15*math.Log2(d/w+1))/b.frame), 5)
		if rng.Float64() < 0.2 {
			over := uniform(rng, 0.03, 0.08)
			ox, oy := tx+(tx-x0)*over, ty+(ty-y0)*over
			path = b.bezier(ox, oy, n, 0.12, true)
			b.wait(uniform(rng, 0.05, 0.15))
			path = append(path, b.bezier(tx, ty, 5+rng.IntN(5), 0, true)...)
		} else {
			path = b.bezier(tx, ty, n, 0.12, true)
		}
	}
	if len(path) > 0 {
		last := path[len(path)-1]
		b.now = last.T
	}
	b.x, b.y = tx, ty
	return thin(path, 64)
}

// bezier samples a cubic Bézier curve from the pointer to (tx, ty) whose
// control points stray up to spread·distance sideways, in n samples one
// frame apart; eased samples follow 3u²−2u³ instead of u.
func (b *bot) bezier(tx, ty float64, n int, spread float64, eased bool) []Point {
	rng := b.rng
	x0, y0 := b.x, b.y
	dx, dy := tx-x0, ty-y0
	d := math.Hypot(dx, dy)
	var nx, ny float64
	if d > 0 {
		nx, ny = -dy/d, dx/d
	}
	o1, o2 := uniform(rng, -spread, spread)*d, uniform(rng, -spread, spread)*d
	f1, f2 := uniform(rng, 0.2, 0.4), uniform(rng, 0.6, 0.8)
	x1, y1 := x0+f1*dx+o1*nx, y0+f1*dy+o1*ny
	x2, y2 := x0+f2*dx+o2*nx, y0+f2*dy+o2*ny
	path := make([]Point, 0, n)
	for k := 1; k <= n; k++ {
		u := float64(k) / float64(n)
		if eased {
			u = u * u * (3 - 2*u)
		}
		v := 1 - u
		x := v*v*v*x0 + 3*v*v*u*x1 + 3*v*u*u*x2 + u*u*u*tx
		y := v*v*v*y0 + 3*v*v*u*y1 + 3*v*u*u*y2 + u*u*u*ty
		if b.rounded {
			x, y = math.Round(x), math.Round(y)
		}
		path = append(path, Point{T: b.now + secs(float64(k)*b.frame), X: x, Y: y})
	}
	b.x, b.y = tx, ty
	if len(path) > 0 {
		b.now = path[len(path)-1].T
	}
	return path
}

func (b *bot) typeChars(n int) {
	rng := b.rng
	key := func(k KeyClass) {
		var dwell, gap float64
		switch b.family {
		case BotCDP:
			dwell = b.keyDwell + uniform(rng, 0.0002, 0.002)
			gap = dwell + uniform(rng, 0.0002, 0.002)
		case BotSelenium:
			dwell = uniform(rng, 0.0005, 0.003)
			gap = dwell + uniform(rng, 0.001, 0.006)
		case BotMacro:
			dwell = b.keyDwell + rng.NormFloat64()*0.0003
			gap = b.keyGap + rng.NormFloat64()*0.0003
		case BotHumanised:
			dwell = uniform(rng, 0.03, 0.12)
			gap = uniform(rng, 0.06, 0.25)
		default:
			dwell = uniform(rng, 0.05, 0.14)
			gap = uniform(rng, 0.08, 0.3)
		}
		b.emit(Event{Kind: KindKeyDown, T: b.now, Key: k})
		b.emit(Event{Kind: KindKeyUp, T: b.now + secs(dwell), Key: k})
		b.wait(gap)
	}
	for typed := 0; typed < n; {
		if rng.Float64() < b.typoRate {
			key(KeyChar)
			b.wait(uniform(rng, 0.2, 0.6))
			key(KeyBackspace)
			continue
		}
		key(KeyChar)
		typed++
	}
}

func (b *bot) scroll(amount float64) {
	rng := b.rng
	emit := func(d float64) {
		y := math.Max(b.scrollY+d, 0)
		if y != b.scrollY {
			b.scrollY = y
			b.emit(Event{Kind: KindScroll, T: b.now, ScrollY: y})
		}
	}
	switch b.family {
	case BotCDP, BotSelenium:
		emit(amount) // window.scrollBy from a script
	case BotMacro:
		for range int(math.Ceil(math.Abs(amount) / 100)) {
			emit(math.Copysign(100, amount))
			b.wait(0.05)
		}
	case BotHumanised:
		n := 1 + rng.IntN(3)
		for range n {
			emit(amount / float64(n))
			b.wait(uniform(rng, 0.1, 0.4))
		}
	default:
		for range int(math.Ceil(math.Abs(amount) / 100)) {
			emit(math.Copysign(100, amount))
			b.wait(uniform(rng, 0.03, 0.06))
		}
	}
}
