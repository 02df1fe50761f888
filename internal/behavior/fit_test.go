package behavior

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"
)

var update = flag.Bool("update", false, "refit the models on the synthetic training set and rewrite weights.go")

// ridge is the L2 penalty of both fits, per unit of (class-balanced) mean
// log-loss. It keeps the weights finite on training data that a
// linear model separates, and small enough to read.
const ridge = 0.01

// TestModelWeights refits the scorer and the same-person calibration on the
// training set and checks that weights.go holds exactly what the fit gives,
// so that the committed constants can always be reproduced. With -update it
// rewrites weights.go instead:
//
//	go test ./internal/behavior -run TestModelWeights -update
func TestModelWeights(t *testing.T) {
	humans := trainSet.humans()
	var feats []Features
	var labels []float64
	for _, sessions := range humans {
		for _, r := range sessions {
			feats = append(feats, mustExtract(t, r))
			labels = append(labels, 1)
		}
	}
	nHuman := len(feats)
	for fi, f := range BotFamilies {
		for _, r := range trainSet.bots(f, fi) {
			feats = append(feats, mustExtract(t, r))
			labels = append(labels, 0)
		}
	}
	fitted := fitScorer(feats, labels)
	calib := fitSamePerson(humans)

	if *update {
		about := fmt.Sprintf("%d simulated people × %d sessions,\n// %d scripts of each of %d bot families",
			trainSet.people, trainSet.sessions, trainSet.botsPerFamily, len(BotFamilies))
		if err := writeWeights("weights.go", fitted, calib, about); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote weights.go; run the tests again to use them")
		return
	}
	if fitted.names != model.names {
		t.Fatalf("weights.go has inputs %v, the inputs table %v: run with -update", model.names, fitted.names)
	}
	for _, c := range []struct {
		name      string
		got, want []float64
	}{
		{"mean", model.mean[:], fitted.mean[:]},
		{"scale", model.scale[:], fitted.scale[:]},
		{"weight", model.weight[:], fitted.weight[:]},
		{"bias", []float64{model.bias}, []float64{fitted.bias}},
		{"same-person", []float64{samePerson.slope, samePerson.mid}, []float64{calib.slope, calib.mid}},
	} {
		for i := range c.got {
			if math.Abs(c.got[i]-c.want[i]) > 1e-6*math.Max(1, math.Abs(c.want[i])) {
				t.Errorf("%s[%d] = %v in weights.go, fit gives %v: run with -update", c.name, i, c.got[i], c.want[i])
			}
		}
	}

	// The thresholds' documented rule, on the training people only.
	var low, bot int
	var scores []float64
	for i := range nHuman {
		h := ScoreFeatures(feats[i]).Human
		scores = append(scores, h)
		if h < HumanThreshold {
			low++
		}
		if h < BotThreshold {
			bot++
		}
	}
	slices.Sort(scores)
	t.Logf("training people: lowest scores %.3f", scores[:5])
	if bot > 0 {
		t.Errorf("%d training people score below BotThreshold %v", bot, BotThreshold)
	}
	if float64(low) >= 0.01*float64(nHuman) {
		t.Errorf("%d of %d training people score below HumanThreshold %v, the rule allows under 1 %%", low, nHuman, HumanThreshold)
	}
	for p, sessions := range humans {
		n := len(sessions)
		if s := SamePerson(sessions[n-1], sessions[:n-1]); s < SamePersonThreshold {
			t.Errorf("training person %d: own last session scores %.3f, below SamePersonThreshold %v", p, s, SamePersonThreshold)
		}
	}
}

func mustExtract(t testing.TB, r Recording) Features {
	t.Helper()
	f, err := Extract(r)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// fitScorer standardises each input over the training rows that have it and
// fits a class-balanced, ridge-penalised logistic regression whose weights
// may only count in each input's machine-like direction.
func fitScorer(feats []Features, labels []float64) modelParams {
	var m modelParams
	for i, in := range inputs {
		m.names[i] = in.name
		var vs []float64
		for k := range feats {
			if v, ok := in.value(&feats[k]); ok && finite(v) {
				vs = append(vs, v)
			}
		}
		m.mean[i] = mean(vs)
		m.scale[i] = stddev(vs)
		if m.scale[i] < 1e-9 {
			m.scale[i] = 1
		}
	}
	// Columns are oriented so that larger is more human; then the
	// constraint is simply that every weight is non-negative.
	x := make([][]float64, len(feats))
	for k := range feats {
		row := make([]float64, nInputs)
		for i, in := range inputs {
			row[i] = in.human * m.z(i, &feats[k])
		}
		x[k] = row
	}
	nonNeg := make([]bool, nInputs)
	for i := range nonNeg {
		nonNeg[i] = true
	}
	beta, bias := fitLogistic(x, labels, ridge, nonNeg)
	for i, in := range inputs {
		m.weight[i] = in.human * beta[i]
	}
	m.bias = bias
	return m
}

// fitSamePerson fits the logistic curve from mean trait distance to score:
// each person's last session against their earlier ones (same person), and
// against the earlier sessions of the next person (different people).
func fitSamePerson(humans [][]Recording) personCalibration {
	var x [][]float64
	var y []float64
	for p, sessions := range humans {
		hist := sessions[:len(sessions)-1]
		for _, c := range []struct {
			r    Recording
			same float64
		}{
			{sessions[len(sessions)-1], 1},
			{humans[(p+1)%len(humans)][len(sessions)-1], 0},
			{humans[(p+2)%len(humans)][len(sessions)-1], 0},
		} {
			if d, ok := meanTraitDistance(ComparePerson(c.r, hist)); ok {
				x = append(x, []float64{d})
				y = append(y, c.same)
			}
		}
	}
	beta, bias := fitLogistic(x, y, ridge, nil)
	// score = σ(bias + β·D) = σ(slope·(mid − D))
	return personCalibration{slope: -beta[0], mid: bias / -beta[0]}
}

func meanTraitDistance(pm PersonMatch) (float64, bool) {
	if len(pm.Traits) == 0 {
		return 0, false
	}
	var s float64
	for _, t := range pm.Traits {
		s += t.Distance
	}
	return s / float64(len(pm.Traits)), true
}

// fitLogistic minimises the class-balanced mean log-loss plus ridge/2·‖β‖²
// (the intercept unpenalised) by Newton's method. Coefficients marked in
// nonNeg are kept ≥ 0 by an active-set method: a step that would cross zero
// stops there and pins the coefficient at zero, and a pinned coefficient is
// released when the gradient says the loss would fall if it grew.
func fitLogistic(x [][]float64, y []float64, ridge float64, nonNeg []bool) (beta []float64, bias float64) {
	d := len(x[0]) + 1 // last coefficient is the intercept
	var pos float64
	for _, v := range y {
		pos += v
	}
	wPos, wNeg := 0.5/pos, 0.5/(float64(len(y))-pos)
	constrained := func(i int) bool { return i < len(nonNeg) && nonNeg[i] }
	b := make([]float64, d)
	pinned := make([]bool, d)
	gradHess := func() ([]float64, [][]float64) {
		g := make([]float64, d)
		h := make([][]float64, d)
		for i := range h {
			h[i] = make([]float64, d)
		}
		for k, row := range x {
			z := b[d-1]
			for i, v := range row {
				z += b[i] * v
			}
			p := sigmoid(z)
			w := wNeg
			if y[k] == 1 {
				w = wPos
			}
			r, s := w*(p-y[k]), w*p*(1-p)
			for i := range d {
				vi := 1.0
				if i < d-1 {
					vi = row[i]
				}
				g[i] += r * vi
				for j := 0; j <= i; j++ {
					vj := 1.0
					if j < d-1 {
						vj = row[j]
					}
					h[i][j] += s * vi * vj
				}
			}
		}
		for i := range d {
			for j := 0; j < i; j++ {
				h[j][i] = h[i][j]
			}
			if i < d-1 {
				g[i] += ridge * b[i]
				h[i][i] += ridge
			}
		}
		return g, h
	}
	for range 200 {
		g, h := gradHess()
		var free []int
		for i := range d {
			if !pinned[i] {
				free = append(free, i)
			}
		}
		hf := make([][]float64, len(free))
		gf := make([]float64, len(free))
		for a, i := range free {
			gf[a] = g[i]
			hf[a] = make([]float64, len(free))
			for c, j := range free {
				hf[a][c] = h[i][j]
			}
		}
		step := solveCholesky(hf, gf)
		// Shorten the step so that no constrained coefficient crosses zero.
		alpha, hit := 1.0, -1
		for a, i := range free {
			if constrained(i) && b[i]-step[a] < 0 && step[a] > 0 {
				if t := b[i] / step[a]; t < alpha {
					alpha, hit = t, i
				}
			}
		}
		var biggest float64
		for a, i := range free {
			b[i] -= alpha * step[a]
			biggest = math.Max(biggest, math.Abs(alpha*step[a]))
		}
		if hit >= 0 {
			b[hit], pinned[hit] = 0, true
			continue
		}
		if biggest > 1e-12 {
			continue
		}
		// Converged on the free set: release a pinned coefficient whose
		// gradient points into the feasible side.
		released := false
		for i := range d {
			if pinned[i] && g[i] < -1e-12 {
				pinned[i], released = false, true
			}
		}
		if !released {
			break
		}
	}
	return b[:d-1], b[d-1]
}

// solveCholesky solves A·x = y for a symmetric positive definite A.
func solveCholesky(a [][]float64, y []float64) []float64 {
	n := len(a)
	l := make([][]float64, n)
	for i := range l {
		l[i] = make([]float64, n)
		for j := 0; j <= i; j++ {
			s := a[i][j]
			for k := range j {
				s -= l[i][k] * l[j][k]
			}
			if i == j {
				l[i][i] = math.Sqrt(math.Max(s, 1e-300))
			} else {
				l[i][j] = s / l[j][j]
			}
		}
	}
	z := make([]float64, n)
	for i := range n {
		s := y[i]
		for k := range i {
			s -= l[i][k] * z[k]
		}
		z[i] = s / l[i][i]
	}
	x := make([]float64, n)
	for i := n - 1; i >= 0; i-- {
		s := z[i]
		for k := i + 1; k < n; k++ {
			s -= l[k][i] * x[k]
		}
		x[i] = s / l[i][i]
	}
	return x
}

func writeWeights(path string, m modelParams, c personCalibration, about string) error {
	var b bytes.Buffer
	floats := func(xs []float64) string {
		var s bytes.Buffer
		for i, x := range xs {
			if i > 0 {
				s.WriteString(", ")
			}
			s.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
		}
		return s.String()
	}
	var names, table bytes.Buffer
	for i, n := range m.names {
		if i > 0 {
			names.WriteString(", ")
		}
		names.WriteString(strconv.Quote(n))
		fmt.Fprintf(&table, "//\t%-20s %+8.3f %+9.3f %8.3f\n", n, m.weight[i], m.mean[i], m.scale[i])
	}
	fmt.Fprintf(&b, `// Code generated by TestModelWeights with -update; DO NOT EDIT.

package behavior

// model is the scorer's logistic regression, fitted by TestModelWeights on
// the synthetic training set (%s):
// inputs standardised by mean and scale, then a class-balanced log-loss
// with an L2 penalty of %v minimised by Newton's method, each weight
// constrained to the sign of its input's machine-like direction. See
// synth.go for how the data were generated.
//
// A weight is the change in log-odds per standard deviation of its input
// (see the inputs table in score.go for how each input is read); 0 means the
// sign constraint pinned it: given the other inputs, an unconstrained fit
// would have used it the other way round.
//
//	input                  weight      mean    scale
%s//
//	intercept            %+8.3f
var model = modelParams{
	names:  [nInputs]string{%s},
	mean:   [nInputs]float64{%s},
	scale:  [nInputs]float64{%s},
	weight: [nInputs]float64{%s},
	bias:   %s,
}

// samePerson maps the mean trait distance to the same-person score, fitted
// by TestModelWeights on the training people: each one's last session
// against their own earlier sessions and against two other people's.
var samePerson = personCalibration{slope: %s, mid: %s}
`, about, ridge, table.String(), m.bias, names.String(), floats(m.mean[:]), floats(m.scale[:]), floats(m.weight[:]),
		strconv.FormatFloat(m.bias, 'g', -1, 64),
		strconv.FormatFloat(c.slope, 'g', -1, 64), strconv.FormatFloat(c.mid, 'g', -1, 64))
	src, err := format.Source(b.Bytes())
	if err != nil {
		return fmt.Errorf("format weights: %w", err)
	}
	if err := os.WriteFile(path, src, 0o644); err != nil {
		return fmt.Errorf("write weights: %w", err)
	}
	return nil
}
