package behavior

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Verdict is what the cooperative does with a recording.
type Verdict string

const (
	// VerdictHuman: the recording earns.
	VerdictHuman Verdict = "human"
	// VerdictReview: a steward looks at it before anything is decided.
	VerdictReview Verdict = "review"
	// VerdictBot: rejected, with reasons the member can read and appeal.
	VerdictBot Verdict = "bot"
)

// Thresholds on [Result.Human]. They were set on the synthetic training set
// (see TestModelWeights) so that no simulated person there fell below
// BotThreshold and fewer than 1 % fell below HumanThreshold, before any
// held-out result was looked at. Between them, a steward decides.
const (
	HumanThreshold = 0.7
	BotThreshold   = 0.1
	// MinSteps is the fewest decisions (clicks, typing bursts, scroll
	// gestures) a recording needs to be judged at all; shorter ones go to
	// review whatever they score.
	MinSteps = 8
)

// Result is the judgement on one recording.
type Result struct {
	// Human is the model's probability that a person did the work, in [0,1].
	Human   float64
	Verdict Verdict
	// Reasons say, in words a member can check, what made the recording
	// look scripted or why it needs review; nil for a human verdict.
	Reasons []string
	// Features are the measurements the score was computed from.
	Features Features
}

// Score judges whether r is the work of a person.
//
// The model is a logistic regression over standardised features, fitted on
// synthetic recordings (see weights.go and TestModelWeights). Each weight is
// constrained to count only in the machine-like direction of its feature:
// too regular, too fast, too straight, too smooth. Being slower, clumsier or
// less steady than most people — as novices, older people and people with
// motor impairments are — never lowers the score. Each feature's
// contribution to the log-odds is its own, so the reasons are the features
// that pushed the score down the most.
//
// A malformed recording is not silently rejected: it goes to review with the
// validation error as its reason.
func Score(r Recording) Result {
	f, err := Extract(r)
	if err != nil {
		return Result{Verdict: VerdictReview, Reasons: []string{
			"The recording is malformed, so it could not be judged automatically: " + err.Error() + ".",
		}}
	}
	return ScoreFeatures(f)
}

// ScoreFeatures judges already extracted features.
func ScoreFeatures(f Features) Result {
	logit, contrib := model.evaluate(&f)
	res := Result{Human: sigmoid(logit), Features: f}
	switch {
	case res.Human >= HumanThreshold:
		res.Verdict = VerdictHuman
	case res.Human < BotThreshold:
		res.Verdict = VerdictBot
	default:
		res.Verdict = VerdictReview
	}
	if f.Steps < MinSteps {
		res.Verdict = VerdictReview
		res.Reasons = append(res.Reasons, fmt.Sprintf(
			"Only %d steps were recorded; at least %d are needed to judge a recording automatically.", f.Steps, MinSteps))
	}
	if res.Verdict == VerdictHuman {
		return res
	}
	// The inputs that pushed the log-odds down by at least reasonFloor,
	// worst first; a handful is enough to check and to answer. A rejection
	// always names what counted against it, however small each part.
	const reasonFloor, maxReasons = 0.5, 4
	order := make([]int, 0, nInputs)
	for i, c := range contrib {
		if c < 0 {
			order = append(order, i)
		}
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(contrib[a], contrib[b]) })
	strong := 0
	for strong < len(order) && contrib[order[strong]] <= -reasonFloor {
		strong++
	}
	pick := order[:min(strong, maxReasons)]
	if len(pick) == 0 && res.Verdict == VerdictBot {
		pick = order[:min(len(order), maxReasons)]
	}
	for _, i := range pick {
		res.Reasons = append(res.Reasons, inputs[i].reason(&f))
	}
	if len(res.Reasons) == 0 {
		res.Reasons = append(res.Reasons, fmt.Sprintf(
			"No single measurement stands out, but together they leave the recording below the threshold for automatic payment (human score %.2f).", res.Human))
	}
	return res
}

// zClip bounds standardised values, so that one absurd measurement cannot
// outvote all the others and contributions stay readable.
const zClip = 4

// modelParams are the fitted parameters; names guard against the inputs
// table and the generated weights drifting apart.
type modelParams struct {
	names       [nInputs]string
	mean, scale [nInputs]float64
	weight      [nInputs]float64
	bias        float64
}

// z is input i of f standardised, or 0 (the training mean) when f lacks the
// evidence for it.
func (m *modelParams) z(i int, f *Features) float64 {
	v, ok := inputs[i].value(f)
	if !ok || !finite(v) {
		return 0
	}
	return clamp((v-m.mean[i])/m.scale[i], -zClip, zClip)
}

func (m *modelParams) evaluate(f *Features) (logit float64, contrib [nInputs]float64) {
	logit = m.bias
	for i := range inputs {
		z := m.z(i, f)
		contrib[i] = m.weight[i] * z
		logit += contrib[i]
	}
	return logit, contrib
}

// input is one variable of the model: how to read it from the features, in
// which direction it is human (+1: larger values are more human; -1:
// smaller), and how to explain a value that counts against the recording.
type input struct {
	name   string
	human  float64
	value  func(f *Features) (float64, bool)
	reason func(f *Features) string
}

const nInputs = len(inputs)

var inputs = [...]input{
	{
		name: "gap_median", human: +1,
		value: func(f *Features) (float64, bool) { return logFloor(f.GapMedian, 1e-3), f.Gaps >= 3 },
		reason: func(f *Features) string {
			return fmt.Sprintf("The median pause before a step was %s; people usually need half a second or more to find the next thing to do.", seconds(f.GapMedian))
		},
	},
	{
		name: "gap_cv", human: +1,
		value: func(f *Features) (float64, bool) { return f.GapCV, f.Gaps >= 4 },
		reason: func(f *Features) string {
			return fmt.Sprintf("Pauses between steps were unusually even (coefficient of variation %.2f; people's pauses usually vary by 0.7 or more).", f.GapCV)
		},
	},
	{
		name: "gap_entropy", human: +1,
		value: func(f *Features) (float64, bool) { return f.GapEntropy, f.Gaps >= 4 },
		reason: func(f *Features) string {
			return fmt.Sprintf("Pauses between steps came from a narrow range of lengths (spread %.2f of the largest possible), as delays drawn by a script do.", f.GapEntropy)
		},
	},
	{
		name: "repeated_intervals", human: -1,
		value: func(f *Features) (float64, bool) { return f.RepeatedIntervals, f.Gaps+f.TypingIntervals >= 5 },
		reason: func(f *Features) string {
			return fmt.Sprintf("%.0f %% of consecutive delays were identical to within 2 ms, as scripted delays are.", 100*f.RepeatedIntervals)
		},
	},
	{
		name: "click_think", human: +1,
		value: func(f *Features) (float64, bool) { return logFloor(f.ClickThink, 1e-3), f.Clicks >= 2 },
		reason: func(f *Features) string {
			return fmt.Sprintf("Clicks came a median %s after the previous action, too soon to have looked for what to click.", seconds(f.ClickThink))
		},
	},
	{
		name: "navigation_pause", human: +1,
		value: func(f *Features) (float64, bool) { return logFloor(f.NavigationPause, 1e-2), f.NavPauses >= 1 },
		reason: func(f *Features) string {
			return fmt.Sprintf("The next action came a median %s after a page loaded, before a person could have read it.", seconds(f.NavigationPause))
		},
	},
	{
		name: "typing_median", human: +1,
		value: func(f *Features) (float64, bool) { return logFloor(f.TypingMedian, 1e-3), f.TypingIntervals >= 5 },
		reason: func(f *Features) string {
			return fmt.Sprintf("Keys were pressed a median %s apart, faster than people type.", seconds(f.TypingMedian))
		},
	},
	{
		name: "typing_cv", human: +1,
		value: func(f *Features) (float64, bool) { return f.TypingCV, f.TypingIntervals >= 5 },
		reason: func(f *Features) string {
			return fmt.Sprintf("Keys came at an even rhythm (coefficient of variation %.2f); people's typing rhythm varies more.", f.TypingCV)
		},
	},
	{
		name: "dwell_median", human: +1,
		value: func(f *Features) (float64, bool) { return logFloor(f.DwellMedian, 1e-3), f.Dwells >= 5 },
		reason: func(f *Features) string {
			return fmt.Sprintf("Keys were held down a median %s; people hold keys for around 100 ms.", seconds(f.DwellMedian))
		},
	},
	{
		name: "dwell_cv", human: +1,
		value: func(f *Features) (float64, bool) { return f.DwellCV, f.Dwells >= 5 },
		reason: func(f *Features) string {
			return fmt.Sprintf("Every key was held for nearly the same time (coefficient of variation %.2f).", f.DwellCV)
		},
	},
	{
		name: "corrections", human: +1,
		value: func(f *Features) (float64, bool) { return f.Corrections, f.Keys >= 20 },
		reason: func(f *Features) string {
			return fmt.Sprintf("Not one typing mistake was corrected in %d keystrokes.", f.Keys)
		},
	},
	{
		name: "reclicks", human: +1,
		value: func(f *Features) (float64, bool) { return f.Reclicks, f.Clicks >= 5 },
		reason: func(f *Features) string {
			return fmt.Sprintf("No click was repeated in %d clicks.", f.Clicks)
		},
	},
	{
		name: "scroll_reversals", human: +1,
		value: func(f *Features) (float64, bool) { return f.ScrollReversals, f.ScrollGestures >= 2 },
		reason: func(f *Features) string {
			return fmt.Sprintf("The page was scrolled %d times and never back, straight to where it was going each time.", f.ScrollGestures)
		},
	},
	{
		name: "teleports", human: -1,
		value: func(f *Features) (float64, bool) { return f.Teleports, f.PointerClicks >= 2 },
		reason: func(f *Features) string {
			n := int(math.Round(f.Teleports * float64(f.PointerClicks)))
			return fmt.Sprintf("%d of %d clicks had no pointer movement leading to them; scripted browsers click without moving the pointer.", n, f.PointerClicks)
		},
	},
	{
		name: "centre_clicks", human: -1,
		value: func(f *Features) (float64, bool) { return f.CentreClicks, f.BoxedClicks >= 2 },
		reason: func(f *Features) string {
			n := int(math.Round(f.CentreClicks * float64(f.BoxedClicks)))
			return fmt.Sprintf("%d of %d clicks landed within 1 px of the exact centre of their element, where automation tools click.", n, f.BoxedClicks)
		},
	},
	{
		name: "path_slack", human: +1,
		value: func(f *Features) (float64, bool) { return logFloor(1-f.Straightness, 1e-4), f.Movements >= 2 },
		reason: func(f *Features) string {
			return fmt.Sprintf("Pointer paths were nearly straight lines (the direct line was %.2f %% of the distance travelled); a hand's path bends.", 100*f.Straightness)
		},
	},
	{
		name: "deviation", human: +1,
		value: func(f *Features) (float64, bool) { return logFloor(f.Deviation, 1e-3), f.Movements >= 2 },
		reason: func(f *Features) string {
			return fmt.Sprintf("Pointer paths hardly bowed (on average %.1f %% of their length away from the direct line).", 100*f.Deviation)
		},
	},
	{
		name: "peak_speed", human: +1,
		value: func(f *Features) (float64, bool) { return f.PeakSpeedRatio, f.Movements >= 2 },
		reason: func(f *Features) string {
			return fmt.Sprintf("The pointer's speed was flatter than a hand's (peak %.2f times the mean); an aimed hand movement speeds up and slows down, peaking at about twice its mean speed.", f.PeakSpeedRatio)
		},
	},
	{
		name: "overshoots", human: +1,
		value: func(f *Features) (float64, bool) { return f.Overshoots, f.Movements >= 3 },
		reason: func(f *Features) string {
			return fmt.Sprintf("%.0f %% of %d pointer movements overshot their target; people overshoot and correct on some.", 100*f.Overshoots, f.Movements)
		},
	},
	{
		name: "jitter", human: +1,
		value: func(f *Features) (float64, bool) { return logFloor(f.Jitter, 0.01), f.Movements >= 2 },
		reason: func(f *Features) string {
			return fmt.Sprintf("Pointer paths were smooth to %.2f px, without the tremor of a hand.", f.Jitter)
		},
	},
}

// seconds formats a duration given in seconds for a reason.
func seconds(s float64) string {
	switch {
	case s < 0.01:
		return fmt.Sprintf("%.1f ms", 1000*s)
	case s < 1:
		return fmt.Sprintf("%.0f ms", 1000*s)
	default:
		return fmt.Sprintf("%.1f s", s)
	}
}
