package behavior

import (
	"math/rand/v2"
	"slices"
	"time"
)

// SynthReplay is r played back unchanged, as a replay tool that injects the
// recorded events would, starting a little later. It is synthetic in the
// sense that r usually is.
func SynthReplay(r Recording, seed uint64) Recording {
	rng := rand.New(rand.NewPCG(seed, 0x5eed0005))
	shift := secs(uniform(rng, 0.05, 1))
	out := cloneRecording(r)
	for i := range out.Events {
		e := &out.Events[i]
		e.T += shift
		for j := range e.Path {
			e.Path[j].T += shift
		}
	}
	return out
}

// SynthCopy is r disguised: played 20 % slower to 25 % faster, every interval
// stretched or shrunk by up to 10 %, every position moved by up to 3 px, and
// one hover in five left out — what someone would do to pass off another
// member's recording, or their own, as new work.
func SynthCopy(r Recording, seed uint64) Recording {
	rng := rand.New(rand.NewPCG(seed, 0x5eed0006))
	speed := uniform(rng, 0.8, 1.25)
	src := cloneRecording(r)
	out := Recording{Viewport: src.Viewport}
	var prevOld, prevNew time.Duration
	for i, e := range src.Events {
		if e.Kind == KindHover && rng.Float64() < 0.2 {
			continue
		}
		gap := e.T - prevOld
		if i == 0 {
			gap = e.T
		}
		scale := speed * uniform(rng, 0.9, 1.1)
		t := prevNew + time.Duration(float64(gap)*scale)
		prevOld, prevNew = e.T, t
		dx, dy := uniform(rng, -3, 3), uniform(rng, -3, 3)
		if e.X != 0 || e.Y != 0 {
			e.X += dx
			e.Y += dy
		}
		// One scale for the whole movement keeps its samples in order.
		for j := range e.Path {
			p := &e.Path[j]
			p.T = max(t-time.Duration(float64(e.T-p.T)*scale), 0)
			p.X += dx + uniform(rng, -0.5, 0.5)
			p.Y += dy + uniform(rng, -0.5, 0.5)
		}
		e.T = t
		out.Events = append(out.Events, e)
	}
	return out
}

func cloneRecording(r Recording) Recording {
	out := Recording{Viewport: r.Viewport, Events: slices.Clone(r.Events)}
	for i := range out.Events {
		out.Events[i].Path = slices.Clone(out.Events[i].Path)
	}
	return out
}
