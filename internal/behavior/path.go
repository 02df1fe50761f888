package behavior

import (
	"math"
	"time"
)

// Thresholds of the pointer analysis, in CSS pixels.
const (
	// minChord: shorter movements are adjustments whose shape is mostly
	// sampling noise.
	minChord = 30
	// minSamples: fewer samples cannot show a velocity profile.
	minSamples = 5
	// teleportSlack: a click this far from where the pointer was last seen,
	// with no movement recorded in between, means the pointer jumped.
	teleportSlack = 10
	// centreSlack: a click this close to the exact centre of its element, in
	// both axes, is where automation tools click. For a 100×30 px button and
	// human aim it happens to about one click in a hundred.
	centreSlack = 1
)

// movement describes one pointer movement, from its path samples.
type movement struct {
	// straightness is chord length over path length, in (0,1]: 1 for a
	// straight line. Ahmed & Traoré's movement "efficiency".
	straightness float64
	// deviation is the largest distance from the chord, over the chord's
	// length: how far the path bows.
	deviation float64
	// peakRatio is peak speed over mean speed. A minimum-jerk movement has
	// a bell-shaped speed profile with ratio 1.875 (Flash & Hogan 1985); a
	// constant-speed interpolation has 1.
	peakRatio float64
	// peakAt is when the peak speed happens, as a fraction of the duration.
	peakAt float64
	// overshoot: the pointer went past the end point along the chord and
	// came back, the corrective sub-movement of Meyer et al. (1988).
	overshoot bool
	// jitter is the mean distance, in px, of each sample from the line
	// through its neighbours: hand tremor and sensor noise, absent from
	// computed curves.
	jitter float64
	// throughput is Fitts's index of difficulty over movement time (bits/s),
	// 0 if the target size is unknown.
	throughput float64
}

// measure describes a path; ok is false when the path is too short or too
// sparse to say anything.
func measure(path []Point, box Rect) (m movement, ok bool) {
	n := len(path)
	if n < minSamples {
		return m, false
	}
	p0, pn := path[0], path[n-1]
	dx, dy := pn.X-p0.X, pn.Y-p0.Y
	chord := math.Hypot(dx, dy)
	dur := (pn.T - p0.T).Seconds()
	if chord < minChord || dur <= 0 {
		return m, false
	}
	ux, uy := dx/chord, dy/chord

	var length, maxPerp, maxAlong, jitterSum float64
	var jitterN int
	speeds := make([]float64, 0, n-1)
	mids := make([]time.Duration, 0, n-1)
	var pending float64 // distance covered by samples that share a timestamp
	for k := 1; k < n; k++ {
		a, b := path[k-1], path[k]
		seg := math.Hypot(b.X-a.X, b.Y-a.Y)
		length += seg
		pending += seg
		if dt := (b.T - a.T).Seconds(); dt > 0 {
			speeds = append(speeds, pending/dt)
			mids = append(mids, a.T+(b.T-a.T)/2)
			pending = 0
		}
		rx, ry := b.X-p0.X, b.Y-p0.Y
		maxAlong = math.Max(maxAlong, rx*ux+ry*uy)
		maxPerp = math.Max(maxPerp, math.Abs(rx*uy-ry*ux))
		if k < n-1 {
			c := path[k+1]
			ex, ey := c.X-a.X, c.Y-a.Y
			if base := math.Hypot(ex, ey); base > 1e-9 {
				jitterSum += math.Abs((b.X-a.X)*ey-(b.Y-a.Y)*ex) / base
				jitterN++
			}
		}
	}
	if len(speeds) < 3 || length <= 0 {
		return m, false
	}
	// A [1 2 1] smoothing keeps one noisy sample from posing as the peak.
	peak, peakK := 0.0, 0
	for k := range speeds {
		s := 2 * speeds[k]
		w := 2.0
		if k > 0 {
			s += speeds[k-1]
			w++
		}
		if k < len(speeds)-1 {
			s += speeds[k+1]
			w++
		}
		if s/w > peak {
			peak, peakK = s/w, k
		}
	}
	m.straightness = math.Min(chord/length, 1)
	m.deviation = maxPerp / chord
	m.peakRatio = peak / (length / dur)
	m.peakAt = clamp((mids[peakK]-p0.T).Seconds()/dur, 0, 1)
	m.overshoot = maxAlong > chord+math.Max(2, 0.02*chord)
	if jitterN > 0 {
		m.jitter = jitterSum / float64(jitterN)
	}
	if w := math.Min(box.W, box.H); w > 0 {
		// The Shannon formulation of I. S. MacKenzie, "Fitts' law as a
		// research and design tool in human-computer interaction",
		// Human-Computer Interaction 7(1), 1992.
		m.throughput = math.Log2(chord/w+1) / dur
	}
	return m, true
}

// pointer summarises the pointer behaviour of a recording.
type pointer struct {
	clicks    int // clicks and double clicks not fired from the keyboard
	teleports int // of those, clicks the pointer jumped to
	boxed     int // of those, clicks whose element box is known
	centred   int // of those, clicks at the exact centre
	moves     []movement
}

func pointerOf(events []Event, keyboardClick []bool) pointer {
	var p pointer
	var lastX, lastY float64
	known := false
	for i, e := range events {
		switch e.Kind {
		case KindClick, KindDoubleClick, KindHover:
		default:
			continue
		}
		if len(e.Path) > 0 {
			if m, ok := measure(e.Path, e.Box); ok {
				p.moves = append(p.moves, m)
			}
		}
		if e.Kind == KindHover {
			lastX, lastY, known = e.X, e.Y, true
			continue
		}
		if keyboardClick[i] {
			continue
		}
		p.clicks++
		if n := len(e.Path); n >= 3 {
			end := e.Path[n-1]
			if math.Hypot(end.X-e.X, end.Y-e.Y) > teleportSlack {
				p.teleports++
			}
		} else if !known || math.Hypot(e.X-lastX, e.Y-lastY) > teleportSlack {
			p.teleports++
		}
		if e.Box.W > 0 && e.Box.H > 0 {
			p.boxed++
			cx, cy := e.Box.Centre()
			if math.Abs(e.X-cx) <= centreSlack && math.Abs(e.Y-cy) <= centreSlack {
				p.centred++
			}
		}
		lastX, lastY, known = e.X, e.Y, true
	}
	return p
}
