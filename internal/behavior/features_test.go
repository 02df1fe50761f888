package behavior

import (
	"math"
	"reflect"
	"testing"
	"time"
)

// line is a path of n samples from (x0, y0) to (x1, y1) ending at t1,
// dt apart, at constant speed.
func line(x0, y0, x1, y1 float64, n int, t1, dt time.Duration) []Point {
	p := make([]Point, n)
	for i := range p {
		s := float64(i) / float64(n-1)
		p[i] = Point{T: t1 - time.Duration(n-1-i)*dt, X: x0 + s*(x1-x0), Y: y0 + s*(y1-y0)}
	}
	return p
}

func keys(start time.Duration, gap, dwell time.Duration, classes ...KeyClass) []Event {
	var es []Event
	for i, c := range classes {
		t := start + time.Duration(i)*gap
		es = append(es, Event{Kind: KindKeyDown, T: t, Key: c}, Event{Kind: KindKeyUp, T: t + dwell, Key: c})
	}
	sortEvents(es)
	return es
}

func extract(t *testing.T, events ...Event) Features {
	t.Helper()
	f, err := Extract(Recording{Events: events})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestTimingFeatures(t *testing.T) {
	t.Run("fixed delay", func(t *testing.T) {
		var es []Event
		for i := range 6 {
			es = append(es, Event{Kind: KindClick, T: ms(500 * float64(i+1)), X: 10, Y: 10})
		}
		f := extract(t, es...)
		if f.Steps != 6 || f.Gaps != 5 {
			t.Fatalf("steps %d gaps %d, want 6 and 5", f.Steps, f.Gaps)
		}
		if f.RepeatedIntervals != 1 || f.GapCV != 0 || f.GapEntropy != 0 || f.GapMedian != 0.5 {
			t.Errorf("repeated %v cv %v entropy %v median %v, want 1, 0, 0, 0.5",
				f.RepeatedIntervals, f.GapCV, f.GapEntropy, f.GapMedian)
		}
	})
	t.Run("varied delays", func(t *testing.T) {
		var es []Event
		at := 0.0
		for _, g := range []float64{300, 1200, 450, 4000, 800, 2200} {
			at += g
			es = append(es, Event{Kind: KindClick, T: ms(at), X: 10, Y: 10})
		}
		f := extract(t, es...)
		if f.RepeatedIntervals != 0 {
			t.Errorf("repeated = %v, want 0", f.RepeatedIntervals)
		}
		if f.GapCV < 0.5 || f.GapEntropy < 0.9 {
			t.Errorf("cv %v entropy %v, want a wide spread", f.GapCV, f.GapEntropy)
		}
	})
	t.Run("navigation pause and click think", func(t *testing.T) {
		f := extract(t,
			Event{Kind: KindNavigate, T: 0},
			Event{Kind: KindClick, T: ms(1500), X: 1, Y: 1},
			Event{Kind: KindClick, T: ms(2500), X: 1, Y: 1},
		)
		if f.NavigationPause != 1.5 || f.NavPauses != 1 {
			t.Errorf("navigation pause %v (%d), want 1.5 (1)", f.NavigationPause, f.NavPauses)
		}
		if f.ClickThink != 1.25 {
			t.Errorf("click think = %v, want median of 1.5 and 1.0", f.ClickThink)
		}
	})
	t.Run("typing burst, dwell and corrections", func(t *testing.T) {
		es := keys(ms(100), ms(150), ms(90), KeyChar, KeyChar, KeyChar, KeyBackspace, KeyChar)
		f := extract(t, es...)
		if f.Keys != 5 || f.TypingIntervals != 4 || f.Steps != 1 {
			t.Fatalf("keys %d intervals %d steps %d, want 5, 4, 1", f.Keys, f.TypingIntervals, f.Steps)
		}
		if !near(f.TypingMedian, 0.15, 1e-9) || !near(f.DwellMedian, 0.09, 1e-9) || f.DwellCV > 1e-9 {
			t.Errorf("typing %v dwell %v dwell cv %v, want 0.15, 0.09, 0", f.TypingMedian, f.DwellMedian, f.DwellCV)
		}
		if f.Corrections != 0.2 {
			t.Errorf("corrections = %v, want 1 in 5", f.Corrections)
		}
	})
	t.Run("rolled-over keys pair in order", func(t *testing.T) {
		// a down, b down, a up, b up: dwells 80 and 70 ms.
		f := extract(t,
			Event{Kind: KindKeyDown, T: ms(0), Key: KeyChar},
			Event{Kind: KindKeyDown, T: ms(50), Key: KeyChar},
			Event{Kind: KindKeyUp, T: ms(80), Key: KeyChar},
			Event{Kind: KindKeyUp, T: ms(120), Key: KeyChar},
		)
		if f.Dwells != 2 || !near(f.DwellMedian, 0.075, 1e-9) {
			t.Errorf("dwells %d median %v, want 2 and 75 ms", f.Dwells, f.DwellMedian)
		}
	})
	t.Run("long pause starts a new step", func(t *testing.T) {
		f := extract(t,
			Event{Kind: KindKeyDown, T: ms(0), Key: KeyChar},
			Event{Kind: KindKeyDown, T: ms(3000), Key: KeyChar},
		)
		if f.Steps != 2 || f.TypingIntervals != 0 || f.Gaps != 1 {
			t.Errorf("steps %d intervals %d gaps %d, want 2, 0, 1", f.Steps, f.TypingIntervals, f.Gaps)
		}
	})
	t.Run("scroll gestures and reversals", func(t *testing.T) {
		f := extract(t,
			Event{Kind: KindScroll, T: ms(0), ScrollY: 100},
			Event{Kind: KindScroll, T: ms(40), ScrollY: 200},
			Event{Kind: KindScroll, T: ms(80), ScrollY: 300},
			Event{Kind: KindScroll, T: ms(400), ScrollY: 200},  // back: same gesture
			Event{Kind: KindScroll, T: ms(3000), ScrollY: 500}, // a new gesture, direction changes again
		)
		if f.ScrollGestures != 2 || f.ScrollMoves != 4 {
			t.Fatalf("gestures %d moves %d, want 2 and 4", f.ScrollGestures, f.ScrollMoves)
		}
		if f.ScrollReversals != 1 {
			t.Errorf("reversals per gesture = %v, want 2/2", f.ScrollReversals)
		}
	})
	t.Run("reclicks", func(t *testing.T) {
		f := extract(t,
			Event{Kind: KindClick, T: ms(100), X: 5, Y: 5, Target: "#a"},
			Event{Kind: KindClick, T: ms(600), X: 6, Y: 5, Target: "#a"},  // re-click
			Event{Kind: KindClick, T: ms(5000), X: 6, Y: 5, Target: "#a"}, // too late
			Event{Kind: KindClick, T: ms(5500), X: 6, Y: 5, Target: "#b"}, // other element
		)
		if f.Reclicks != 0.25 {
			t.Errorf("reclicks = %v, want 1 in 4", f.Reclicks)
		}
	})
}

func TestPointerFeatures(t *testing.T) {
	box := Rect{380, 190, 40, 20} // centre (400, 200)
	t.Run("teleports and centre clicks", func(t *testing.T) {
		f := extract(t,
			Event{Kind: KindClick, T: ms(100), X: 400, Y: 200, Box: box},                                                        // no movement: teleport, centre
			Event{Kind: KindClick, T: ms(900), X: 100, Y: 100, Path: []Point{{ms(800), 100, 100}}},                              // one sample: teleport
			Event{Kind: KindClick, T: ms(1500), X: 101, Y: 100},                                                                 // did not move: not a teleport
			Event{Kind: KindClick, T: ms(3000), X: 390, Y: 195, Box: box, Path: line(101, 100, 390, 195, 20, ms(2900), ms(16))}, // moved there
			Event{Kind: KindClick, T: ms(4000), X: 700, Y: 500, Path: line(390, 195, 600, 400, 20, ms(3900), ms(16))},           // path ends 140 px away
		)
		if f.PointerClicks != 5 {
			t.Fatalf("pointer clicks = %d, want 5", f.PointerClicks)
		}
		if f.Teleports != 3.0/5 {
			t.Errorf("teleports = %v, want 3 of 5", f.Teleports)
		}
		if f.BoxedClicks != 2 || f.CentreClicks != 0.5 {
			t.Errorf("boxed %d centre %v, want 2 and 1 of 2", f.BoxedClicks, f.CentreClicks)
		}
	})
	t.Run("keyboard clicks are not pointer clicks", func(t *testing.T) {
		f := extract(t,
			Event{Kind: KindKeyDown, T: ms(100), Key: KeyEnter},
			Event{Kind: KindClick, T: ms(104), Box: box},
			Event{Kind: KindKeyUp, T: ms(180), Key: KeyEnter},
			Event{Kind: KindClick, T: ms(900), X: 400, Y: 200, Box: box}, // not after Enter
		)
		if f.Clicks != 2 || f.PointerClicks != 1 || f.Teleports != 1 {
			t.Errorf("clicks %d pointer clicks %d teleports %v, want 2, 1, 1", f.Clicks, f.PointerClicks, f.Teleports)
		}
	})
}

func TestMeasure(t *testing.T) {
	const n = 41
	// minimumJerk samples a straight minimum-jerk movement of 400 px.
	minimumJerk := func(warp func(float64) float64) []Point {
		p := make([]Point, n)
		for i := range p {
			u := warp(float64(i) / (n - 1))
			s := u * u * u * (10 - 15*u + 6*u*u)
			p[i] = Point{T: ms(float64(i) * 10), X: 400 * s}
		}
		return p
	}
	identity := func(u float64) float64 { return u }
	tests := []struct {
		name  string
		path  []Point
		box   Rect
		check func(t *testing.T, m movement)
	}{
		{"constant speed line", line(0, 0, 300, 400, n, ms(400), ms(10)), Rect{}, func(t *testing.T, m movement) {
			if !near(m.straightness, 1, 1e-9) || !near(m.deviation, 0, 1e-9) || !near(m.jitter, 0, 1e-9) || m.overshoot {
				t.Errorf("straight %v deviation %v jitter %v overshoot %v", m.straightness, m.deviation, m.jitter, m.overshoot)
			}
			if !near(m.peakRatio, 1, 1e-9) {
				t.Errorf("peak ratio = %v, want 1", m.peakRatio)
			}
			if m.throughput != 0 {
				t.Errorf("throughput = %v without a box, want 0", m.throughput)
			}
		}},
		{"minimum jerk", minimumJerk(identity), Rect{W: 20, H: 20}, func(t *testing.T, m movement) {
			// The analytic ratio is 1.875; smoothing and sampling lower it a little.
			if m.peakRatio < 1.8 || m.peakRatio > 1.875 {
				t.Errorf("peak ratio = %v, want about 1.875", m.peakRatio)
			}
			if !near(m.peakAt, 0.5, 0.05) {
				t.Errorf("peak at %v, want the middle", m.peakAt)
			}
			// ID = log2(400/20 + 1) = log2 21 over 0.4 s.
			if !near(m.throughput, math.Log2(21)/0.4, 1e-9) {
				t.Errorf("throughput = %v, want %v", m.throughput, math.Log2(21)/0.4)
			}
		}},
		{"early peak", minimumJerk(func(u float64) float64 { return math.Pow(u, 0.7) }), Rect{}, func(t *testing.T, m movement) {
			if m.peakAt >= 0.45 {
				t.Errorf("peak at %v, want before the middle", m.peakAt)
			}
		}},
		{"bowed", func() []Point {
			p := line(0, 0, 400, 0, n, ms(400), ms(10))
			for i := range p {
				p[i].Y = 40 * math.Sin(math.Pi*float64(i)/(n-1))
			}
			return p
		}(), Rect{}, func(t *testing.T, m movement) {
			if !near(m.deviation, 0.1, 1e-9) || m.straightness >= 1 {
				t.Errorf("deviation %v straightness %v, want 0.1 and below 1", m.deviation, m.straightness)
			}
		}},
		{"overshoot", append(line(0, 0, 440, 0, 30, ms(300), ms(10)), line(440, 0, 400, 0, 11, ms(410), ms(10))[1:]...), Rect{},
			func(t *testing.T, m movement) {
				if !m.overshoot {
					t.Error("overshoot not detected")
				}
			}},
		{"tremor", func() []Point {
			p := line(0, 0, 400, 0, n, ms(400), ms(10))
			for i := range p {
				if i%2 == 1 {
					p[i].Y = 1
				}
			}
			return p
		}(), Rect{}, func(t *testing.T, m movement) {
			// Each inner sample lies 1 px off the line through its neighbours.
			if !near(m.jitter, 1, 1e-9) {
				t.Errorf("jitter = %v, want 1", m.jitter)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, ok := measure(tc.path, tc.box)
			if !ok {
				t.Fatal("not measured")
			}
			tc.check(t, m)
		})
	}
	for _, bad := range []struct {
		name string
		path []Point
	}{
		{"too few samples", line(0, 0, 400, 0, 4, ms(100), ms(10))},
		{"too short", line(0, 0, 20, 0, 10, ms(100), ms(10))},
		{"no time passes", line(0, 0, 400, 0, 10, ms(100), 0)},
	} {
		if _, ok := measure(bad.path, Rect{}); ok {
			t.Errorf("%s: measured, want rejected", bad.name)
		}
	}
}

// TestFeaturesFinite checks every float field of the features of every
// synthetic family for NaN and infinities.
func TestFeaturesFinite(t *testing.T) {
	task := SynthNewTask(5)
	recs := []Recording{SynthHuman(SynthPeople(5, 1)[0], task, 1)}
	for _, f := range BotFamilies {
		recs = append(recs, SynthBot(f, task, 1))
	}
	for i, r := range recs {
		f := mustExtract(t, r)
		if err := checkFinite(f); err != "" {
			t.Errorf("recording %d: %s", i, err)
		}
	}
}

func checkFinite(f Features) string {
	v := reflect.ValueOf(f)
	for i := range v.NumField() {
		fv := v.Field(i)
		switch fv.Kind() {
		case reflect.Float64:
			if x := fv.Float(); !finite(x) || x < 0 {
				return v.Type().Field(i).Name + " is not a finite non-negative number"
			}
		case reflect.Int:
			if fv.Int() < 0 {
				return v.Type().Field(i).Name + " is negative"
			}
		}
	}
	return ""
}
