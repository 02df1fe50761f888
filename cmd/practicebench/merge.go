package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
)

// A long benchmark is made in parts: each part runs some kinds (-kinds) on
// some fresh instances (-first, -n) and writes its results (-json); -merge
// adds the parts' results up, kind by kind, and prints one table over all
// the instances they ran.

// part is what -json writes: the options that matter for merging, and the
// rows.
type part struct {
	Demos string `json:"demos"`
	// Seeds are the fresh instances' seeds, as first–last ranges.
	Seeds   [][2]int `json:"seeds"`
	Replays int      `json:"replays"`
	// Parallel says the fresh instances ran this many at once.
	Parallel int   `json:"parallel"`
	Rows     []row `json:"rows"`
}

// partOf is the part a run with options o made.
func partOf(o options, rows []row) part {
	p := part{Demos: o.Demos, Replays: min(o.N, o.Replays), Parallel: o.Parallel, Rows: rows}
	if o.N > 0 {
		p.Seeds = [][2]int{{RunSeed + o.First, RunSeed + o.First + o.N - 1}}
	}
	return p
}

func writePart(file string, p part) error {
	b, err := json.MarshalIndent(p, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(file, append(b, '\n'), 0o644)
}

func readPart(file string) (part, error) {
	var p part
	b, err := os.ReadFile(file)
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("%s: not a practicebench result file: %w", file, err)
	}
	return p, nil
}

// merge adds parts up. The parts must learn from the same numbers of
// demos; a kind's instances in two parts must not overlap (the same
// instance counted twice would weigh twice). Per kind and number of
// demos, runs, successes and reasons add up and run times are pooled; the
// learning time is the first part's (learning is the same computation
// each time, from the same demonstrations).
func merge(parts []part) (part, error) {
	if len(parts) == 0 {
		return part{}, fmt.Errorf("no result files to merge")
	}
	out := part{Demos: parts[0].Demos}
	byKind := map[string]*row{}
	seeds := map[string][][2]int{}
	var order []string
	for i, p := range parts {
		if p.Demos != out.Demos {
			return part{}, fmt.Errorf("part %d learned from %s demos, part 1 from %s: the tables do not add up", i+1, p.Demos, out.Demos)
		}
		out.Replays += p.Replays
		out.Parallel = max(out.Parallel, p.Parallel)
		for _, r := range p.Rows {
			for _, s := range p.Seeds {
				for _, t := range seeds[r.Kind] {
					if s[0] <= t[1] && t[0] <= s[1] {
						return part{}, fmt.Errorf("%s: part %d runs instances %d–%d again (another part ran %d–%d)", r.Kind, i+1, s[0], s[1], t[0], t[1])
					}
				}
				seeds[r.Kind] = append(seeds[r.Kind], s)
			}
			have, ok := byKind[r.Kind]
			if !ok {
				c := r
				byKind[r.Kind] = &c
				order = append(order, r.Kind)
				continue
			}
			if err := have.add(r); err != nil {
				return part{}, fmt.Errorf("%s: %w", r.Kind, err)
			}
		}
	}
	for _, k := range order {
		out.Rows = append(out.Rows, *byKind[k])
	}
	// The table's seeds: those of every kind, when they agree.
	for i, k := range order {
		s := ranges(seeds[k])
		if i == 0 {
			out.Seeds = s
		} else if !slices.Equal(s, out.Seeds) {
			return part{}, fmt.Errorf("%s ran instances %s, %s ran %s: merge parts that cover the same instances for every kind", k, seedText(s), order[0], seedText(out.Seeds))
		}
	}
	return out, nil
}

// add adds another part's row of the same kind to r.
func (r *row) add(o row) error {
	if o.DemoErr != "" && r.DemoErr == "" {
		r.DemoErr = o.DemoErr
	}
	if len(r.Learned) != len(o.Learned) {
		return fmt.Errorf("learned from %d numbers of demos in one part, %d in another", len(r.Learned), len(o.Learned))
	}
	for i := range r.Learned {
		if r.Learned[i].Err == "" && o.Learned[i].Err != "" {
			r.Learned[i].Err = o.Learned[i].Err
		}
		r.Learned[i].addRuns(o.Learned[i])
	}
	r.Replay.addRuns(o.Replay)
	r.Own.addRuns(o.Own)
	r.OwnRun.addRuns(o.OwnRun)
	return nil
}

func (r *result) addRuns(o result) {
	r.Runs += o.Runs
	r.OK += o.OK
	r.RunTime = append(r.RunTime, o.RunTime...)
	if r.Reasons == nil {
		r.Reasons = map[string]int{}
	}
	for k, v := range o.Reasons {
		r.Reasons[k] += v
	}
}

// ranges joins seed ranges that touch: [1000 1049] [1050 1099] is
// [1000 1099].
func ranges(rs [][2]int) [][2]int {
	s := slices.Clone(rs)
	slices.SortFunc(s, func(a, b [2]int) int { return a[0] - b[0] })
	var out [][2]int
	for _, r := range s {
		if n := len(out); n > 0 && r[0] <= out[n-1][1]+1 {
			out[n-1][1] = max(out[n-1][1], r[1])
			continue
		}
		out = append(out, r)
	}
	return out
}

func seedText(rs [][2]int) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, fmt.Sprintf("%d–%d", r[0], r[1]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func instances(rs [][2]int) int {
	n := 0
	for _, r := range rs {
		n += r[1] - r[0] + 1
	}
	return n
}
