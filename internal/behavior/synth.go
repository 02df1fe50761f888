package behavior

// Synthetic recordings.
//
// Everything in the synth*.go files is generated, not observed. The human
// side is a model assembled from the motor-control and HCI literature —
// minimum-jerk movements (Flash & Hogan 1985), movement times by Fitts's law
// (Fitts 1954, MacKenzie 1992), corrective sub-movements after an overshoot
// (Meyer et al. 1988), log-normal think times and key intervals — with
// parameters drawn per simulated person so that people differ. The bot side
// imitates what the tools are documented to do (Puppeteer's click at the
// centre of the element box, WebDriver's in-view centre point, fixed-delay
// macro playback, Bézier "humanisers"). Neither side has been fitted to real
// recordings: scores and error rates measured on them say that the method
// separates these models, not that it separates real people from real bots.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// SynthPerson holds the behavioural habits of one simulated person.
type SynthPerson struct {
	ID int

	ThinkMedian float64 // s, median pause before a step
	ThinkSpread float64 // σ of the log pause
	ReadMedian  float64 // s, median pause after a page loads

	KeyInterval float64 // s, median keydown-to-keydown interval
	KeySpread   float64 // σ of the log interval
	DwellMedian float64 // s, median time a key is held
	DwellSpread float64 // σ of the log dwell
	TypoRate    float64 // chance per character of a mistake, corrected with backspace

	FittsA, FittsB float64 // movement time = a + b·log2(D/W+1), in s and s/bit
	MoveSpread     float64 // σ of the log movement time around Fitts's law
	Curve          float64 // typical bow of a path, as a fraction of its length
	CurveLeft      float64 // chance that a path bows to the left of its direction
	PeakSkew       float64 // time-warp exponent: below 1 the speed peaks early
	OvershootRate  float64 // chance that a movement overshoots and corrects
	Tremor         float64 // px, standard deviation of hand tremor
	AimSpread      float64 // click scatter around the centre, as a fraction of the target size
	DPR            float64 // device pixel ratio: positions fall on a 1/DPR grid

	KeyboardOnly bool    // never uses the pointer: Tab to the element, Enter to click
	ScrollNotch  float64 // px per scroll event: 100 for a wheel, less for a trackpad
	ReclickRate  float64 // chance of clicking the same element again
	HoverRate    float64 // chance of moving somewhere else before a click
}

// SynthPeople draws n simulated people. The same seed gives the same people.
func SynthPeople(seed uint64, n int) []SynthPerson {
	rng := rand.New(rand.NewPCG(seed, 0x5eed0001))
	people := make([]SynthPerson, n)
	for i := range people {
		p := SynthPerson{
			ID:            i,
			ThinkMedian:   logNormal(rng, 0.8, 0.3),
			ThinkSpread:   uniform(rng, 0.45, 0.9),
			ReadMedian:    logNormal(rng, 1.8, 0.35),
			KeyInterval:   logNormal(rng, 0.17, 0.3),
			KeySpread:     uniform(rng, 0.25, 0.5),
			DwellMedian:   logNormal(rng, 0.095, 0.25),
			DwellSpread:   uniform(rng, 0.15, 0.35),
			TypoRate:      uniform(rng, 0.005, 0.06),
			FittsA:        uniform(rng, 0.05, 0.2),
			FittsB:        uniform(rng, 0.1, 0.25),
			MoveSpread:    uniform(rng, 0.1, 0.25),
			Curve:         uniform(rng, 0.01, 0.08),
			CurveLeft:     uniform(rng, 0.1, 0.9),
			PeakSkew:      uniform(rng, 0.75, 1.15),
			OvershootRate: uniform(rng, 0.05, 0.35),
			Tremor:        logNormal(rng, 0.45, 0.4),
			AimSpread:     uniform(rng, 0.08, 0.2),
			DPR:           []float64{1, 1, 1.25, 1.5, 2, 2}[rng.IntN(6)],
			KeyboardOnly:  rng.Float64() < 0.04,
			ReclickRate:   uniform(rng, 0, 0.04),
			HoverRate:     uniform(rng, 0.05, 0.3),
		}
		if rng.Float64() < 0.5 {
			p.ScrollNotch = 100
		} else {
			p.ScrollNotch = uniform(rng, 8, 40)
		}
		people[i] = p
	}
	return people
}

// session is the person on one day: habits drift a little between sessions,
// which is what makes telling two sessions of one person from two people
// hard.
func (p SynthPerson) session(rng *rand.Rand) SynthPerson {
	p.ThinkMedian *= math.Exp(rng.NormFloat64() * 0.2)
	p.KeyInterval *= math.Exp(rng.NormFloat64() * 0.06)
	p.DwellMedian *= math.Exp(rng.NormFloat64() * 0.05)
	p.FittsB *= math.Exp(rng.NormFloat64() * 0.07)
	p.Tremor *= math.Exp(rng.NormFloat64() * 0.1)
	return p
}

// SynthStep is one step of a simulated task.
type SynthStep struct {
	Kind      Kind    // KindNavigate, KindClick, KindDoubleClick, KindKeyDown (type into the focused field) or KindScroll
	Target    string  // selector of the element
	Box       Rect    // where the element is
	Chars     int     // characters to type, for KindKeyDown
	Scroll    float64 // px to scroll, signed, for KindScroll
	Navigates bool    // a click that loads a new page
}

// SynthTask is a simulated piece of browser work: pages with fields to fill,
// buttons to press and content to scroll through.
type SynthTask struct {
	Viewport Size
	Steps    []SynthStep
}

// SynthNewTask draws a task of two to four pages. The same seed gives the
// same task. A simulated person makes about 150–550 events on one (median
// near 300; trackpad scrolling adds many).
func SynthNewTask(seed uint64) SynthTask {
	rng := rand.New(rand.NewPCG(seed, 0x5eed0002))
	vps := []Size{{1280, 720}, {1366, 768}, {1440, 900}, {1920, 1080}}
	t := SynthTask{Viewport: vps[rng.IntN(len(vps))]}
	box := func(w, h float64) Rect {
		return Rect{
			X: math.Round(uniform(rng, 20, t.Viewport.W-w-20)),
			Y: math.Round(uniform(rng, 60, t.Viewport.H-h-20)),
			W: w, H: h,
		}
	}
	pages := 2 + rng.IntN(3)
	t.Steps = append(t.Steps, SynthStep{Kind: KindNavigate})
	for pg := range pages {
		actions := 3 + rng.IntN(4)
		for a := range actions {
			name := fmt.Sprintf("#p%d-e%d", pg, a)
			switch x := rng.Float64(); {
			case x < 0.42:
				field := box(math.Round(uniform(rng, 160, 400)), math.Round(uniform(rng, 28, 40)))
				t.Steps = append(t.Steps,
					SynthStep{Kind: KindClick, Target: name, Box: field},
					SynthStep{Kind: KindKeyDown, Target: name, Box: field, Chars: 4 + rng.IntN(27)})
			case x < 0.62:
				t.Steps = append(t.Steps, SynthStep{Kind: KindClick, Target: name,
					Box: box(math.Round(uniform(rng, 60, 180)), math.Round(uniform(rng, 28, 44)))})
			case x < 0.70:
				t.Steps = append(t.Steps, SynthStep{Kind: KindClick, Target: name, Box: box(16, 16)})
			case x < 0.75:
				t.Steps = append(t.Steps, SynthStep{Kind: KindDoubleClick, Target: name,
					Box: box(math.Round(uniform(rng, 40, 120)), 18)})
			default:
				s := math.Round(uniform(rng, 150, 900))
				if rng.Float64() < 0.25 {
					s = -s
				}
				t.Steps = append(t.Steps, SynthStep{Kind: KindScroll, Scroll: s})
			}
		}
		if pg < pages-1 {
			t.Steps = append(t.Steps, SynthStep{Kind: KindClick, Target: fmt.Sprintf("#p%d-next", pg),
				Box: box(math.Round(uniform(rng, 40, 200)), 18), Navigates: true})
		}
	}
	return t
}

// SynthHuman simulates person p doing task t once. Different seeds are
// different sessions of the same person.
func SynthHuman(p SynthPerson, t SynthTask, seed uint64) Recording {
	rng := rand.New(rand.NewPCG(seed, 0x5eed0003^uint64(p.ID)))
	h := &human{
		p:   p.session(rng),
		rng: rng,
		rec: Recording{Viewport: t.Viewport},
		x:   uniform(rng, 0, t.Viewport.W),
		y:   uniform(rng, 0, t.Viewport.H),
		now: secs(logNormal(rng, 0.4, 0.5)),
	}
	for _, st := range t.Steps {
		h.do(st)
	}
	sortEvents(h.rec.Events)
	return h.rec
}

// human is the state of one simulated session.
type human struct {
	p       SynthPerson
	rng     *rand.Rand
	rec     Recording
	now     time.Duration
	x, y    float64 // pointer position
	scrollY float64
	tremX   float64 // tremor state, carried from one movement to the next
	tremY   float64
}

func (h *human) emit(e Event) { h.rec.Events = append(h.rec.Events, e) }

func (h *human) wait(s float64) { h.now += secs(s) }

func (h *human) do(st SynthStep) {
	p, rng := h.p, h.rng
	switch st.Kind {
	case KindNavigate:
		h.emit(Event{Kind: KindNavigate, T: h.now})
		h.wait(logNormal(rng, p.ReadMedian, 0.5))
	case KindClick, KindDoubleClick:
		h.wait(logNormal(rng, p.ThinkMedian, p.ThinkSpread))
		if p.KeyboardOnly {
			h.keyboardClick(st)
		} else {
			h.pointerClick(st)
		}
		if st.Navigates {
			h.wait(uniform(rng, 0.3, 1.5)) // the page loads
			h.emit(Event{Kind: KindNavigate, T: h.now})
			h.wait(logNormal(rng, p.ReadMedian, 0.5))
		}
	case KindKeyDown:
		h.wait(logNormal(rng, 0.45, 0.4))
		h.typeChars(st.Chars)
		h.emit(Event{Kind: KindInput, T: h.now, Target: st.Target})
	case KindScroll:
		h.wait(logNormal(rng, 0.8*p.ThinkMedian, p.ThinkSpread))
		h.scroll(st.Scroll)
	}
}

func (h *human) pointerClick(st SynthStep) {
	p, rng := h.p, h.rng
	if rng.Float64() < p.HoverRate {
		// A look elsewhere first: towards the target's region but not onto it.
		hx := clamp(st.Box.X+uniform(rng, -300, 300), 0, h.rec.Viewport.W)
		hy := clamp(st.Box.Y+uniform(rng, -200, 200), 0, h.rec.Viewport.H)
		path := h.move(hx, hy, 40)
		h.emit(Event{Kind: KindHover, T: h.now, X: h.x, Y: h.y, Path: path})
		h.wait(logNormal(rng, 0.3, 0.5))
	}
	cx, cy := st.Box.Centre()
	ax := clamp(cx+rng.NormFloat64()*p.AimSpread*st.Box.W, st.Box.X+1, st.Box.X+st.Box.W-1)
	ay := clamp(cy+rng.NormFloat64()*p.AimSpread*st.Box.H, st.Box.Y+1, st.Box.Y+st.Box.H-1)
	path := h.move(ax, ay, math.Min(st.Box.W, st.Box.H))
	h.wait(logNormal(rng, 0.09, 0.3)) // button pressed and released
	if st.Kind == KindDoubleClick {
		h.wait(logNormal(rng, 0.15, 0.2))
	}
	h.emit(Event{Kind: st.Kind, T: h.now, X: h.x, Y: h.y, Path: path, Target: st.Target, Box: st.Box})
	if st.Kind == KindClick && rng.Float64() < p.ReclickRate {
		h.wait(logNormal(rng, 0.5, 0.3))
		h.emit(Event{Kind: KindClick, T: h.now, X: h.x, Y: h.y, Target: st.Target, Box: st.Box})
	}
}

// keyboardClick reaches the element with Tab and activates it with Enter, as
// people who do not use a pointer do.
func (h *human) keyboardClick(st SynthStep) {
	for range 1 + h.rng.IntN(4) {
		h.key(KeyTab)
		h.wait(logNormal(h.rng, 0.25, 0.4))
	}
	down := h.now
	dwell := logNormal(h.rng, h.p.DwellMedian, h.p.DwellSpread)
	h.emit(Event{Kind: KindKeyDown, T: down, Key: KeyEnter})
	h.emit(Event{Kind: st.Kind, T: down + secs(uniform(h.rng, 0.001, 0.008)), Target: st.Target, Box: st.Box})
	h.emit(Event{Kind: KindKeyUp, T: down + secs(dwell), Key: KeyEnter})
	h.wait(dwell)
}

// key presses and releases one key, and waits for the next one.
func (h *human) key(k KeyClass) {
	p, rng := h.p, h.rng
	dwell := logNormal(rng, p.DwellMedian, p.DwellSpread)
	h.emit(Event{Kind: KindKeyDown, T: h.now, Key: k})
	h.emit(Event{Kind: KindKeyUp, T: h.now + secs(dwell), Key: k})
	h.wait(logNormal(rng, p.KeyInterval, p.KeySpread))
}

func (h *human) typeChars(n int) {
	p, rng := h.p, h.rng
	for typed := 0; typed < n; {
		if rng.Float64() < p.TypoRate {
			// A wrong key, noticed after up to two more, then erased.
			extra := rng.IntN(3)
			for range 1 + extra {
				h.key(KeyChar)
			}
			h.wait(logNormal(rng, 0.35, 0.4))
			for range 1 + extra {
				h.key(KeyBackspace)
			}
			continue
		}
		h.key(KeyChar)
		typed++
		if rng.Float64() < 0.12 { // between words
			h.wait(logNormal(rng, 0.3, 0.5))
		}
	}
}

func (h *human) scroll(amount float64) {
	p, rng := h.p, h.rng
	dir := math.Copysign(1, amount)
	notches := int(math.Ceil(math.Abs(amount) / p.ScrollNotch))
	step := 0.035
	if p.ScrollNotch < 100 {
		step = 0.016
	}
	tick := func(d float64) bool {
		y := math.Max(h.scrollY+d*p.ScrollNotch, 0)
		if y == h.scrollY {
			return false
		}
		h.scrollY = y
		h.emit(Event{Kind: KindScroll, T: h.now, ScrollY: y})
		h.wait(logNormal(rng, step, 0.3))
		return true
	}
	for range notches {
		if !tick(dir) {
			return
		}
	}
	if rng.Float64() < 0.35 { // past what was looked for, and back
		over := 1 + rng.IntN(3)
		for range over {
			tick(dir)
		}
		h.wait(logNormal(rng, 0.5, 0.4))
		for range over {
			tick(-dir)
		}
	}
}

// move takes the pointer to (tx, ty), a target of size w, and returns the
// samples the extension would record. The primary sub-movement follows a
// minimum-jerk profile with a duration from Fitts's law; it may overshoot or
// fall short, and then a smaller corrective sub-movement follows.
func (h *human) move(tx, ty, w float64) []Point {
	p, rng := h.p, h.rng
	d := math.Hypot(tx-h.x, ty-h.y)
	if d < 2 {
		return nil
	}
	ux, uy := (tx-h.x)/d, (ty-h.y)/d
	var miss float64
	if rng.Float64() < p.OvershootRate {
		miss = uniform(rng, 0.03, 0.10) * d
	} else {
		miss = (rng.NormFloat64()*0.015 - 0.01) * d
	}
	side := rng.NormFloat64() * 0.01 * d
	ex, ey := tx+ux*miss-uy*side, ty+uy*miss+ux*side
	mt := (p.FittsA + p.FittsB*math.Log2(d/w+1)) * math.Exp(rng.NormFloat64()*p.MoveSpread)
	bow := p.Curve * math.Max(0.2, 1+0.4*rng.NormFloat64()) * d
	if rng.Float64() >= p.CurveLeft {
		bow = -bow
	}
	path := h.minJerk(ex, ey, mt, bow)
	if r := math.Hypot(tx-h.x, ty-h.y); r > 2 {
		h.wait(logNormal(rng, 0.06, 0.3))
		mt2 := (0.5*p.FittsA + p.FittsB*math.Log2(r/w+1)) * math.Exp(rng.NormFloat64()*p.MoveSpread)
		path = append(path, h.minJerk(tx, ty, mt2, 0)...)
	}
	return thin(path, 64)
}

// minJerk samples one sub-movement to (tx, ty) lasting mt seconds and bowing
// by bow px at its middle, at the display's frame rate, with tremor, on the
// device pixel grid. It leaves the pointer at the last sample.
func (h *human) minJerk(tx, ty, mt, bow float64) []Point {
	p, rng := h.p, h.rng
	x0, y0 := h.x, h.y
	dx, dy := tx-x0, ty-y0
	d := math.Hypot(dx, dy)
	var nx, ny float64
	if d > 0 {
		nx, ny = -dy/d, dx/d
	}
	start := h.now
	var path []Point
	for t := 0.0; ; {
		t += 1.0/60 + rng.NormFloat64()*0.0015
		u := math.Min(t/mt, 1)
		tau := math.Pow(u, p.PeakSkew)
		s := tau * tau * tau * (10 - 15*tau + 6*tau*tau)
		// AR(1) tremor: correlated from sample to sample like a hand's.
		h.tremX = 0.7*h.tremX + rng.NormFloat64()*p.Tremor*0.714
		h.tremY = 0.7*h.tremY + rng.NormFloat64()*p.Tremor*0.714
		b := bow * math.Sin(math.Pi*s)
		x := snap(x0+s*dx+b*nx+h.tremX, p.DPR)
		y := snap(y0+s*dy+b*ny+h.tremY, p.DPR)
		path = append(path, Point{T: start + secs(t), X: x, Y: y})
		if u >= 1 {
			break
		}
	}
	last := path[len(path)-1]
	h.x, h.y, h.now = last.X, last.Y, last.T
	return path
}

// thin keeps at most n samples, evenly spaced, first and last included, as
// the extension does before sending a path.
func thin(path []Point, n int) []Point {
	if len(path) <= n {
		return path
	}
	out := make([]Point, n)
	for i := range out {
		out[i] = path[i*(len(path)-1)/(n-1)]
	}
	return out
}

func snap(v, dpr float64) float64 { return math.Round(v*dpr) / dpr }

func secs(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func uniform(rng *rand.Rand, a, b float64) float64 { return a + (b-a)*rng.Float64() }

func logNormal(rng *rand.Rand, median, sigma float64) float64 {
	return median * math.Exp(sigma*rng.NormFloat64())
}

// sortEvents puts events in time order; simulated keyups are emitted with
// their keydowns and may belong after later events.
func sortEvents(events []Event) {
	slices.SortStableFunc(events, func(a, b Event) int {
		switch {
		case a.T < b.T:
			return -1
		case a.T > b.T:
			return 1
		}
		return 0
	})
}
