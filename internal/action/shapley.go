package action

import (
	"math"
	"slices"
	"strings"

	"github.com/allmende/allmende/internal/program"
	"github.com/allmende/allmende/internal/recording"
)

// What each demonstration of a learned automation is worth, measured
// offline and without a browser (docs/learned-automations.md).
//
// The game: the players are the n ≤ 5 demonstrations, each an instance of
// the task done on its own data and layout. A coalition S is worth the
// share of those n instances that the program learned from S alone does:
//
//	v(S) = 1/n · #{d ∈ N : ok(d, Learn(S))},  v(∅) = 0
//
// where ok(d, P) says that P, dry-run on demo d's recorded page outlines
// with d's values, picks exactly the element d acted on at every step
// (program.Query.Match) and types what d typed. For d outside S this is a
// held-out check: an instance the program never saw. For d in S it is
// not free either — a program that cannot redo its own demonstrations
// (contradicting data, a wrong generalisation) fails it. A demo's
// contribution is its exact Shapley value (Shapley, "A value for n-person
// games", 1953), the average over every order of joining of what it adds:
//
//	φ_i = Σ_{S ⊆ N∖{i}} |S|! (n−|S|−1)! / n! · (v(S ∪ {i}) − v(S))
//
// The values sum to v(N). A demo that repeats what another already
// teaches shares that credit with it; one whose data lets the program
// generalise to instances the others do not cover earns more; one that
// makes the program fail earns less, down to nothing. 2^n − 1 learnings
// (31 at most) of a few milliseconds each.

// demoWeights returns each demo's Shapley value and v(N).
func demoWeights(demos []recording.Recording) ([]float64, float64) {
	n := len(demos)
	learned := map[int]*program.Program{} // by subset bitmask; nil if it cannot be learned
	learn := func(mask int) *program.Program {
		if p, ok := learned[mask]; ok {
			return p
		}
		var sub []recording.Recording
		for i := range n {
			if mask&(1<<i) != 0 {
				sub = append(sub, demos[i])
			}
		}
		var p *program.Program
		if len(sub) > 0 {
			if got, err := program.Learn(sub); err == nil {
				p = &got
			}
		}
		learned[mask] = p
		return p
	}
	v := func(mask int) float64 {
		p := learn(mask)
		if p == nil {
			return 0
		}
		ok := 0
		for d := range n {
			if reproduces(*p, demos[d]) {
				ok++
			}
		}
		return float64(ok) / float64(n)
	}
	values := make([]float64, 1<<n)
	for mask := range values {
		values[mask] = v(mask)
	}
	return shapley(n, values), values[1<<n-1]
}

// shapley returns the exact Shapley value of each of n players in the game
// whose worth of coalition mask is v[mask].
func shapley(n int, v []float64) []float64 {
	fact := make([]float64, n+1)
	fact[0] = 1
	for i := 1; i <= n; i++ {
		fact[i] = fact[i-1] * float64(i)
	}
	phi := make([]float64, n)
	for i := range n {
		for mask := range 1 << n {
			if mask&(1<<i) != 0 {
				continue
			}
			s := popcount(mask)
			phi[i] += fact[s] * fact[n-s-1] / fact[n] * (v[mask|1<<i] - v[mask])
		}
		// Sums of a few fractions: keep what is exact exact.
		phi[i] = math.Round(phi[i]*1e9) / 1e9
	}
	return phi
}

func popcount(x int) int {
	c := 0
	for ; x != 0; x &= x - 1 {
		c++
	}
	return c
}

// payWeights turns Shapley values into the weights a run's split uses:
// negative values (a demo that made the others' program worse) count as
// nothing, and when no demo is measured to help — one demo alone, or none
// generalising to another — the demonstrators share equally rather than
// the treasury taking their part.
func payWeights(phi []float64) []float64 {
	w := make([]float64, len(phi))
	any := false
	for i, p := range phi {
		if p > 0 {
			w[i], any = p, true
		}
	}
	if !any {
		for i := range w {
			w[i] = 1
		}
	}
	return w
}

// demoAct is one step of a demo that acts on an element.
type demoAct struct {
	step   int
	target recording.Node
	value  string // what a change step typed (a parameter's kept value)
	typed  bool
	pages  []recording.Outline // outlines before the step, latest first
}

// demoActs lists the steps of rec that act on an element, as the learner
// reads them.
func demoActs(rec recording.Recording) ([]demoAct, map[string]string) {
	params := map[string]string{}
	if rec.Allmende == nil {
		return nil, params
	}
	for _, p := range rec.Parameters() {
		params[p.Name] = p.Default
	}
	targets := map[int]recording.Node{}
	for _, t := range rec.Allmende.Targets {
		targets[t.Step] = t.Node
	}
	outlines := slices.Clone(rec.Allmende.Outlines)
	slices.SortStableFunc(outlines, func(a, b recording.Outline) int { return a.Before - b.Before })
	var out []demoAct
	for i, s := range rec.Steps {
		switch s.Type {
		case recording.StepClick, recording.StepDoubleClick, recording.StepHover, recording.StepChange:
		default:
			continue
		}
		t, ok := targets[i]
		if !ok {
			continue
		}
		a := demoAct{step: i, target: t}
		if s.Type == recording.StepChange {
			a.typed, a.value = true, s.Value
			if name, ok := strings.CutPrefix(s.Value, "{{"); ok {
				if name, ok := strings.CutSuffix(name, "}}"); ok {
					a.value = params[name]
				}
			}
		}
		for _, o := range outlines {
			if o.Before <= i {
				a.pages = append([]recording.Outline{o}, a.pages...)
			}
		}
		out = append(out, a)
	}
	return out, params
}

// reproduces dry-runs prog on demo's recorded pages: every step with a
// target must single out the element the demo acted on, in order, and
// what it types must be what the demo typed; optional steps may be
// skipped; nothing the demo did may be left over.
func reproduces(prog program.Program, demo recording.Recording) bool {
	acts, params := demoActs(demo)
	if len(acts) == 0 {
		return false
	}
	bind := map[string]string{}
	for _, in := range prog.Inputs {
		if in.Param == "" {
			continue
		}
		v, ok := params[in.Param]
		if !ok {
			return false
		}
		bind[in.Param] = v
	}
	env, err := prog.Bind(bind)
	if err != nil {
		return false
	}
	d := dryRun{prog: prog, acts: acts}
	return d.steps(prog.Steps, env) && d.k == len(acts)
}

type dryRun struct {
	prog program.Program
	acts []demoAct
	k    int // the next demo step to reproduce
}

func (d *dryRun) steps(steps []program.Step, env program.Env) bool {
	for _, s := range steps {
		if !d.step(s, env) {
			return false
		}
	}
	return true
}

func (d *dryRun) step(s program.Step, env program.Env) bool {
	switch {
	case s.Action == program.ActForEach:
		if d.k >= len(d.acts) {
			return s.Optional
		}
		a := d.acts[d.k]
		if err := d.prog.Fill(&env, s, a.pages); err != nil {
			return s.Optional
		}
		items, err := d.prog.Items(s, a.pages[0], env)
		if err != nil {
			return false
		}
		for _, it := range items {
			e := env
			e.Item, e.HasItem = it, true
			if !d.steps(s.Body, e) {
				return false
			}
		}
		return true
	case s.Target == nil:
		return true // navigate, press: nothing to single out
	}
	if d.k >= len(d.acts) {
		return s.Optional
	}
	a := d.acts[d.k]
	if len(a.pages) == 0 {
		return false
	}
	ok := d.prog.Fill(&env, s, a.pages) == nil
	if ok {
		o, ref := onPage(a.pages[0], a.target)
		got := s.Target.Match(o, env)
		ok = len(got) == 1 && got[0] == ref
	}
	if ok && s.Value != nil && a.typed {
		v, err := s.Value.Resolve(env)
		ok = err == nil && strings.Join(strings.Fields(v), " ") == strings.Join(strings.Fields(a.value), " ")
	}
	if !ok {
		return s.Optional
	}
	d.k++
	return true
}

// onPage returns the outline the demo's step ran on with its target in it
// (a target that appeared after the outline was captured is added at the
// end), and the target's ref there.
func onPage(o recording.Outline, t recording.Node) (recording.Outline, int) {
	if t.Ref >= 0 && t.Ref < len(o.Nodes) && o.Nodes[t.Ref].Role == t.Role && o.Nodes[t.Ref].Tag == t.Tag {
		return o, t.Ref
	}
	o.Nodes = append(slices.Clone(o.Nodes), t)
	ref := len(o.Nodes) - 1
	o.Nodes[ref].Ref, o.Nodes[ref].Parent = ref, -1
	return o, ref
}
