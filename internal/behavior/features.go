package behavior

import "fmt"

// Features are the measurements the scorer reads from one recording. Each
// says how a script differs from a person; the comment of each field says
// how. A rate or statistic computed from no evidence is 0, and the counts in
// the first group tell the scorer which ones to ignore.
type Features struct {
	// Evidence counts.
	Steps           int // decisions: clicks, typing bursts, scroll bursts
	Gaps            int // pauses measured before steps
	Clicks          int // clicks and double clicks
	PointerClicks   int // clicks not fired from the keyboard
	BoxedClicks     int // pointer clicks whose element box is known
	Movements       int // pointer movements long enough to measure
	Keys            int // keydowns
	TypingIntervals int // keydown-to-keydown intervals within typing bursts
	Dwells          int // keydowns matched to their keyup
	ScrollMoves     int // scroll events that moved the page
	ScrollGestures  int // scroll bursts
	Navigations     int // page loads
	NavPauses       int // page loads followed by a step

	// GapMedian is the median pause before a step, in seconds. Scripts act
	// within milliseconds of being able to; people look, read and decide.
	GapMedian float64
	// GapCV is the coefficient of variation of those pauses. Human think
	// times are heavy-tailed (roughly log-normal), so their CV is near or
	// above 1; a fixed delay has 0, a uniform random delay about 0.4.
	GapCV float64
	// GapEntropy is the entropy of the pauses binned by half-octaves, in
	// [0,1] (see logBinEntropy): low when delays come from a narrow range.
	GapEntropy float64
	// RepeatedIntervals is the share of consecutive intervals (pauses and
	// typing intervals) equal to within max(2 ms, 1 %): the signature of a
	// fixed-delay macro, rare for a person.
	RepeatedIntervals float64
	// ClickThink is the median pause before a click, in seconds: people
	// find the target before they click it.
	ClickThink float64
	// NavigationPause is the median time from a page load to the next step,
	// in seconds: people read a new page; scripts wait for a load event.
	NavigationPause float64

	// TypingMedian and TypingCV describe keydown-to-keydown intervals within
	// a burst. Scripted typing is either instant (a few ms) or metronomic.
	TypingMedian float64
	TypingCV     float64
	// DwellMedian and DwellCV describe how long keys are held, in seconds.
	// People hold keys for roughly 70–150 ms with visible variation; CDP and
	// WebDriver release keys within a few ms, macros after a fixed time.
	DwellMedian float64
	DwellCV     float64
	// Corrections is backspaces and deletes per keydown: people mistype and
	// correct; a script types its string once.
	Corrections float64

	// Reclicks is the share of clicks that repeat the previous click on the
	// same element within two seconds.
	Reclicks float64
	// ScrollReversals is changes of scroll direction per scroll gesture:
	// people scroll past what they look for and back; scripts scroll to
	// where they are told. A task may itself ask to scroll back up, so this
	// is weak evidence on its own.
	ScrollReversals float64

	// Teleports is the share of pointer clicks with no movement leading to
	// them: CDP, Puppeteer and Selenium dispatch a click at a position the
	// pointer never travelled to.
	Teleports float64
	// CentreClicks is the share of pointer clicks within 1 px of the exact
	// centre of their element, where Puppeteer and WebDriver click.
	CentreClicks float64
	// Straightness is the mean ratio of chord to path length. Human
	// movements bow a little; interpolated ones are exactly straight.
	Straightness float64
	// Deviation is the mean largest distance from the chord, as a fraction
	// of the chord: computed curves tend to bow more, or not at all.
	Deviation float64
	// PeakSpeedRatio is the mean ratio of peak to mean speed: about 1.9 for
	// the bell-shaped profile of an aimed human movement, 1 for constant
	// speed, in between for a curve sampled at uniform parameter steps.
	PeakSpeedRatio float64
	// Overshoots is the share of movements that go past their end and come
	// back, the corrective sub-movements of aimed human movement.
	Overshoots float64
	// Jitter is the median tremor in px: each sample's distance from the line
	// through its neighbours. Computed paths are smooth to the pixel grid.
	Jitter float64
}

// Extract measures r. It fails only when r is not valid (see
// [Recording.Validate]); the features of a valid recording are all finite.
func Extract(r Recording) (Features, error) {
	if err := r.Validate(); err != nil {
		return Features{}, fmt.Errorf("extract features: %w", err)
	}
	tm := timingOf(r.Events)
	pt := pointerOf(r.Events, tm.keyboardClicks)

	f := Features{
		Steps:           tm.steps,
		Gaps:            len(tm.gaps),
		Clicks:          tm.clicks,
		PointerClicks:   pt.clicks,
		BoxedClicks:     pt.boxed,
		Movements:       len(pt.moves),
		Keys:            tm.keys,
		TypingIntervals: len(tm.typing),
		Dwells:          len(tm.dwell),
		ScrollMoves:     len(tm.scrollMoves),
		ScrollGestures:  tm.scrollGestures,
		Navigations:     tm.navigations,
		NavPauses:       len(tm.navPauses),
	}
	f.GapMedian = median(tm.gaps)
	f.GapCV = cv(tm.gaps)
	f.GapEntropy = logBinEntropy(tm.gaps)
	f.RepeatedIntervals = repeatedFraction(tm.intervals)
	f.ClickThink = median(tm.clickGaps)
	f.NavigationPause = median(tm.navPauses)
	f.TypingMedian = median(tm.typing)
	f.TypingCV = cv(tm.typing)
	f.DwellMedian = median(tm.dwell)
	f.DwellCV = cv(tm.dwell)
	if tm.keys > 0 {
		f.Corrections = float64(tm.corrections) / float64(tm.keys)
	}
	if tm.clicks > 0 {
		f.Reclicks = float64(tm.reclicks) / float64(tm.clicks)
	}
	if tm.scrollGestures > 0 {
		f.ScrollReversals = float64(reversals(tm.scrollMoves)) / float64(tm.scrollGestures)
	}
	if pt.clicks > 0 {
		f.Teleports = float64(pt.teleports) / float64(pt.clicks)
	}
	if pt.boxed > 0 {
		f.CentreClicks = float64(pt.centred) / float64(pt.boxed)
	}
	if n := len(pt.moves); n > 0 {
		var s, d, pr, ov float64
		jit := make([]float64, n)
		for i, m := range pt.moves {
			s += m.straightness
			d += m.deviation
			pr += m.peakRatio
			if m.overshoot {
				ov++
			}
			jit[i] = m.jitter
		}
		f.Straightness = s / float64(n)
		f.Deviation = d / float64(n)
		f.PeakSpeedRatio = pr / float64(n)
		f.Overshoots = ov / float64(n)
		f.Jitter = median(jit)
	}
	return f, nil
}
