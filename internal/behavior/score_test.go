package behavior

import (
	"math"
	"strings"
	"testing"
)

func TestScoreVerdicts(t *testing.T) {
	task := SynthNewTask(42)
	person := SynthPeople(42, 1)[0]
	short := Recording{Events: []Event{
		{Kind: KindNavigate, T: 0},
		{Kind: KindClick, T: ms(1200), X: 10, Y: 10},
		{Kind: KindClick, T: ms(2500), X: 300, Y: 10},
	}}
	tests := []struct {
		name    string
		r       Recording
		verdict Verdict
		reason  string // a reason must contain this; "" means no reasons at all
	}{
		{"simulated person", SynthHuman(person, task, 1), VerdictHuman, ""},
		{"puppeteer-like script", SynthBot(BotCDP, task, 1), VerdictBot, "no pointer movement"},
		{"fixed-delay macro", SynthBot(BotMacro, task, 1), VerdictBot, "flatter than a hand's"},
		{"too short", short, VerdictReview, "Only 2 steps"},
		{"malformed", Recording{Events: []Event{{Kind: KindClick, T: -1}}}, VerdictReview, "malformed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := Score(tc.r)
			if res.Verdict != tc.verdict {
				t.Fatalf("verdict %s (human %.3f, reasons %q), want %s", res.Verdict, res.Human, res.Reasons, tc.verdict)
			}
			if tc.reason == "" {
				if res.Reasons != nil {
					t.Errorf("reasons %q, want none", res.Reasons)
				}
				return
			}
			found := false
			for _, r := range res.Reasons {
				found = found || strings.Contains(r, tc.reason)
				if strings.Contains(r, "%!") {
					t.Errorf("badly formatted reason %q", r)
				}
			}
			if !found {
				t.Errorf("reasons %q lack %q", res.Reasons, tc.reason)
			}
		})
	}
}

// TestScoreMonotone checks the fairness constraint: a recording that is
// slower, less straight or less steady than another is never scored as less
// human, so that slow or unsteady people are not pushed towards rejection.
func TestScoreMonotone(t *testing.T) {
	for i, in := range inputs {
		if model.weight[i]*in.human < 0 {
			t.Errorf("input %s: weight %v counts against its human direction %+v", in.name, model.weight[i], in.human)
		}
	}
	task := SynthNewTask(43)
	for p, person := range SynthPeople(43, 10) {
		f := mustExtract(t, SynthHuman(person, task, uint64(p)))
		base := ScoreFeatures(f).Human
		for _, c := range []struct {
			name   string
			change func(f *Features)
		}{
			{"ten times slower steps", func(f *Features) { f.GapMedian *= 10; f.ClickThink *= 10; f.NavigationPause *= 10 }},
			{"slower typing", func(f *Features) { f.TypingMedian *= 3; f.DwellMedian *= 2 }},
			{"curvier paths", func(f *Features) { f.Deviation *= 3; f.Straightness = 1 - 3*(1-f.Straightness) }},
			{"shakier hand", func(f *Features) { f.Jitter *= 4; f.PeakSpeedRatio *= 1.5 }},
			{"more corrections", func(f *Features) { f.Corrections *= 3; f.Reclicks += 0.1; f.Overshoots = min(1, f.Overshoots*2) }},
		} {
			g := f
			c.change(&g)
			if got := ScoreFeatures(g).Human; got < base-1e-12 {
				t.Errorf("person %d, %s: human score fell from %.4f to %.4f", p, c.name, base, got)
			}
		}
	}
}

func TestScoreReasonsWorstFirst(t *testing.T) {
	f := mustExtract(t, SynthBot(BotSelenium, SynthNewTask(44), 2))
	res := ScoreFeatures(f)
	_, contrib := model.evaluate(&f)
	worst := 0
	for i := range contrib {
		if contrib[i] < contrib[worst] {
			worst = i
		}
	}
	if len(res.Reasons) == 0 || len(res.Reasons) > 4 {
		t.Fatalf("%d reasons, want 1 to 4", len(res.Reasons))
	}
	if want := inputs[worst].reason(&f); res.Reasons[0] != want {
		t.Errorf("first reason %q, want the worst input's %q", res.Reasons[0], want)
	}
}

func TestScoreWithoutEvidence(t *testing.T) {
	// Enough steps to be judged, but nothing measurable: every input sits
	// at its training mean and only the intercept speaks.
	f := Features{Steps: MinSteps}
	logit, contrib := model.evaluate(&f)
	for i, c := range contrib {
		if c != 0 {
			t.Errorf("input %s contributes %v without evidence", inputs[i].name, c)
		}
	}
	if logit != model.bias {
		t.Errorf("logit %v, want the bias %v", logit, model.bias)
	}
	res := ScoreFeatures(f)
	if !near(res.Human, sigmoid(model.bias), 1e-12) {
		t.Errorf("human = %v, want %v", res.Human, sigmoid(model.bias))
	}
}

func TestReasonTexts(t *testing.T) {
	// Every reason formats cleanly, whatever the features.
	for _, f := range []Features{{}, {Straightness: 1, PointerClicks: 3, Teleports: 1, BoxedClicks: 3, CentreClicks: 1, Keys: 40}} {
		for _, in := range inputs {
			r := in.reason(&f)
			if r == "" || strings.Contains(r, "%!") || strings.Contains(r, "NaN") || strings.Contains(r, "Inf") {
				t.Errorf("%s: reason %q", in.name, r)
			}
		}
	}
}

func TestSeconds(t *testing.T) {
	for _, c := range []struct {
		s    float64
		want string
	}{{0.0012, "1.2 ms"}, {0.25, "250 ms"}, {1.5, "1.5 s"}, {math.SmallestNonzeroFloat64, "0.0 ms"}} {
		if got := seconds(c.s); got != c.want {
			t.Errorf("seconds(%v) = %q, want %q", c.s, got, c.want)
		}
	}
}
