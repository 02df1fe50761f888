package behavior

import (
	"math"
	"slices"
)

// A trait is a behavioural habit that stays with a person from task to task
// and differs between people: typing rhythm and key hold (keystroke
// dynamics, e.g. K. S. Killourhy and R. A. Maxion, "Comparing
// anomaly-detection algorithms for keystroke dynamics", DSN 2009), and pointer
// speed, curvature and tremor (mouse dynamics, A. A. E. Ahmed and I. Traoré,
// "A new biometric technology based on mouse dynamics", IEEE TDSC 4(3),
// 2007).
const (
	traitTyping     = iota // log10 keydown-to-keydown interval within bursts
	traitDwell             // log10 key hold
	traitThink             // log10 pause before a click
	traitThroughput        // log10 Fitts throughput of a movement, bits/s
	traitBow               // log10 deviation of a path from its chord
	traitPeakAt            // when in a movement the speed peaks, 0..1
	traitTremor            // log10 jitter of a path
	nTraits
)

var traitNames = [nTraits]string{
	"typing rhythm", "key hold", "pause before clicks", "pointer throughput",
	"path bow", "timing of peak speed", "tremor",
}

// traitFloor is the least spread a trait is given, in its own units, so that
// a history that happens to be very regular does not make every small
// difference look large.
var traitFloor = [nTraits]float64{0.03, 0.03, 0.05, 0.03, 0.05, 0.03, 0.03}

// SamePersonThreshold: a [SamePerson] score below it flags the account for
// a steward's review. Set on the training people (TestModelWeights checks
// it) so that none of their own later sessions fell below it.
const SamePersonThreshold = 0.5

// Evidence needed to compare a trait.
const (
	minTraitNew     = 5  // samples in the new recording
	minTraitHistory = 10 // samples in the history, pooled
)

// traitSamples holds each trait's samples from some recordings, sorted.
type traitSamples [nTraits][]float64

func (s *traitSamples) add(r Recording) {
	if r.Validate() != nil {
		return
	}
	tm := timingOf(r.Events)
	pt := pointerOf(r.Events, tm.keyboardClicks)
	for _, v := range tm.typing {
		s[traitTyping] = append(s[traitTyping], logFloor(v, 1e-3))
	}
	for _, v := range tm.dwell {
		s[traitDwell] = append(s[traitDwell], logFloor(v, 1e-3))
	}
	for _, v := range tm.clickGaps {
		s[traitThink] = append(s[traitThink], logFloor(v, 1e-3))
	}
	for _, m := range pt.moves {
		if m.throughput > 0 {
			s[traitThroughput] = append(s[traitThroughput], logFloor(m.throughput, 1e-2))
		}
		s[traitBow] = append(s[traitBow], logFloor(m.deviation, 1e-3))
		s[traitPeakAt] = append(s[traitPeakAt], m.peakAt)
		s[traitTremor] = append(s[traitTremor], logFloor(m.jitter, 1e-2))
	}
}

func (s *traitSamples) sort() {
	for k := range s {
		slices.Sort(s[k])
	}
}

// TraitDistance is how far one trait of a new recording lies from the same
// trait in the member's history.
type TraitDistance struct {
	Trait string
	// Distance is the Wasserstein-1 distance between the two samples in
	// units of the history's standard deviation, less what sampling noise
	// alone would give (so 0 means "no detectable difference").
	Distance float64
	New      int // samples in the new recording
	History  int // samples in the history
}

// PersonMatch is the comparison of a new recording with a member's history.
type PersonMatch struct {
	// Score is the probability-like score in [0,1] that the same person did
	// the new work; see SamePerson.
	Score float64
	// Traits lists the traits there was enough evidence to compare; when it
	// is empty, Score is 1: nothing contradicts the history.
	Traits []TraitDistance
}

// noiseW1 approximates the Wasserstein-1 distance, in standard deviations,
// between two samples of sizes n and m drawn from one normal distribution:
// about 0.8·√(1/n + 1/m). Subtracting it keeps short recordings from looking
// different just because they are short.
func noiseW1(n, m int) float64 {
	return 0.8 * math.Sqrt(1/float64(n)+1/float64(m))
}

// ComparePerson compares the behavioural traits of r with those of the
// member's earlier recordings. For each trait with enough samples on both
// sides it takes the two-sample Wasserstein-1 distance, scaled by the
// history's spread and reduced by the expected sampling noise; the mean of
// those distances goes through a logistic curve fitted on simulated people
// (see weights.go). Invalid recordings contribute nothing.
func ComparePerson(r Recording, history []Recording) PersonMatch {
	var now, past traitSamples
	now.add(r)
	for _, h := range history {
		past.add(h)
	}
	now.sort()
	past.sort()
	var pm PersonMatch
	var sum float64
	for k := range nTraits {
		a, b := now[k], past[k]
		if len(a) < minTraitNew || len(b) < minTraitHistory {
			continue
		}
		sd := math.Max(stddev(b), traitFloor[k])
		d := math.Max(wasserstein1(a, b)/sd-noiseW1(len(a), len(b)), 0)
		pm.Traits = append(pm.Traits, TraitDistance{Trait: traitNames[k], Distance: d, New: len(a), History: len(b)})
		sum += d
	}
	if len(pm.Traits) == 0 {
		pm.Score = 1
		return pm
	}
	pm.Score = sigmoid(samePerson.slope * (samePerson.mid - sum/float64(len(pm.Traits))))
	return pm
}

// SamePerson scores, in [0,1], whether the person who made r is the one who
// made history: high when their typing rhythm, key hold, pauses and pointer
// habits match. A low score flags the account for a steward's review (a sold
// or shared account); it is not proof, since people change devices and
// habits. See [ComparePerson] for the traits compared.
func SamePerson(r Recording, history []Recording) float64 {
	return ComparePerson(r, history).Score
}

// personCalibration maps the mean trait distance to a score.
type personCalibration struct {
	slope, mid float64
}
