package behavior

import (
	"math"
	"time"
)

// Time constants of the timing analysis.
const (
	// burstBreak ends a typing burst: a longer pause between two keys is
	// thinking, not typing, and counts as a step of its own.
	burstBreak = 2 * time.Second
	// scrollBreak ends a scroll burst: wheel notches closer than this are one
	// gesture.
	scrollBreak = 500 * time.Millisecond
	// keyboardClickWindow: a click this soon after Enter was fired by the
	// key, not by a pointer, and says nothing about pointer movement.
	keyboardClickWindow = 100 * time.Millisecond
	// reclickWindow: a second click on the same element this soon after the
	// first is a re-click (a missed or unnoticed first click).
	reclickWindow = 2 * time.Second
	// repeatAbs and repeatRel decide when two consecutive intervals are "the
	// same": within 2 ms, or within 1 % for long ones. Human intervals differ
	// by more nearly always (timer resolution in browsers is coarser than
	// 2 ms only under fingerprinting protection, which then affects both).
	repeatAbs = 2 * time.Millisecond
	repeatRel = 0.01
)

// timing holds the time series one pass over the events yields. Durations
// are in seconds.
type timing struct {
	gaps      []float64 // pause before each step (click, typing burst, scroll burst)
	clickGaps []float64 // pause before each click
	navPauses []float64 // from a page load to the next step
	typing    []float64 // keydown to keydown within a typing burst
	dwell     []float64 // keydown to its keyup
	// intervals are gaps and typing intervals in the order they happened,
	// for spotting runs of identical delays.
	intervals []float64

	steps             int
	keys, corrections int
	clicks, reclicks  int
	scrollMoves       []float64 // signed offset changes, zero changes left out
	scrollGestures    int       // scroll bursts
	navigations       int
	keyboardClicks    []bool // per event index: a click fired from the keyboard
}

// timingOf walks the events once. Events must be valid and in time order.
func timingOf(events []Event) timing {
	var tm timing
	tm.keyboardClicks = make([]bool, len(events))
	type open struct {
		class KeyClass
		t     time.Duration
	}
	var (
		down                []open // keydowns waiting for their keyup, oldest first
		last                = time.Duration(-1)
		lastKeyDown         time.Duration
		lastEnter           = time.Duration(-1)
		lastScroll          time.Duration
		typingOn, scrolling bool
		navAt               = time.Duration(-1)
		prevScrollY         float64
		haveScrollY         bool
		lastClickTarget     string
		lastClickX          float64
		lastClickY          float64
		lastClickAt         = time.Duration(-1)
	)
	step := func(t time.Duration) {
		tm.steps++
		if last >= 0 {
			g := (t - last).Seconds()
			tm.gaps = append(tm.gaps, g)
			tm.intervals = append(tm.intervals, g)
		}
		if navAt >= 0 {
			tm.navPauses = append(tm.navPauses, (t - navAt).Seconds())
			navAt = -1
		}
	}
	for i, e := range events {
		switch e.Kind {
		case KindKeyUp:
			// Only the key class is known, so a keyup is matched to the
			// oldest open keydown of its class; for rolled-over keys of the
			// same class this is the usual order of release.
			for k, o := range down {
				if o.class == e.Key {
					tm.dwell = append(tm.dwell, (e.T - o.t).Seconds())
					down = append(down[:k], down[k+1:]...)
					break
				}
			}
			last = e.T
			continue
		case KindInput, KindHover:
			// An input echoes the keys already counted; a hover is movement,
			// measured with the paths.
			continue
		case KindNavigate:
			tm.navigations++
			navAt = e.T
			last = e.T
			typingOn, scrolling = false, false
			continue
		case KindKeyDown:
			tm.keys++
			if e.Key == KeyBackspace || e.Key == KeyDelete {
				tm.corrections++
			}
			if e.Key == KeyEnter {
				lastEnter = e.T
			}
			if len(down) < 64 { // a stuck recorder must not grow this forever
				down = append(down, open{e.Key, e.T})
			}
			if typingOn && e.T-lastKeyDown <= burstBreak {
				d := (e.T - lastKeyDown).Seconds()
				tm.typing = append(tm.typing, d)
				tm.intervals = append(tm.intervals, d)
			} else {
				step(e.T)
			}
			typingOn, scrolling = true, false
			lastKeyDown = e.T
		case KindScroll:
			if haveScrollY {
				if d := e.ScrollY - prevScrollY; d != 0 {
					tm.scrollMoves = append(tm.scrollMoves, d)
				}
			}
			prevScrollY, haveScrollY = e.ScrollY, true
			if !scrolling || e.T-lastScroll > scrollBreak {
				step(e.T)
				tm.scrollGestures++
			}
			scrolling, typingOn = true, false
			lastScroll = e.T
		case KindClick, KindDoubleClick:
			if len(e.Path) == 0 && lastEnter >= 0 && e.T-lastEnter <= keyboardClickWindow {
				tm.keyboardClicks[i] = true
			}
			gapBefore := time.Duration(-1)
			if last >= 0 {
				gapBefore = e.T - last
			}
			step(e.T)
			tm.clicks++
			if gapBefore >= 0 {
				tm.clickGaps = append(tm.clickGaps, gapBefore.Seconds())
			}
			same := (e.Target != "" && e.Target == lastClickTarget) ||
				(e.Target == "" && math.Hypot(e.X-lastClickX, e.Y-lastClickY) < 5)
			if lastClickAt >= 0 && same && e.T-lastClickAt <= reclickWindow {
				tm.reclicks++
			}
			lastClickTarget, lastClickX, lastClickY, lastClickAt = e.Target, e.X, e.Y, e.T
			typingOn, scrolling = false, false
		}
		last = e.T
	}
	return tm
}

// repeatedFraction is the share of consecutive interval pairs that are equal
// to within max(2 ms, 1 %): a fixed-delay macro repeats its delay exactly,
// a person almost never does twice in a row.
func repeatedFraction(intervals []float64) float64 {
	if len(intervals) < 2 {
		return 0
	}
	var same int
	for i := 1; i < len(intervals); i++ {
		a, b := intervals[i-1], intervals[i]
		if math.Abs(a-b) <= math.Max(repeatAbs.Seconds(), repeatRel*math.Max(a, b)) {
			same++
		}
	}
	return float64(same) / float64(len(intervals)-1)
}

// reversals counts changes of scroll direction: people overshoot what they
// look for and scroll back; scripts scroll to where they are told.
func reversals(moves []float64) int {
	var n int
	for i := 1; i < len(moves); i++ {
		if (moves[i] > 0) != (moves[i-1] > 0) {
			n++
		}
	}
	return n
}
