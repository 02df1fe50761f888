package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// markdown is the benchmark's table: one line per kind, the mean last.
func markdown(p part) string {
	var b strings.Builder
	rows := p.Rows
	counts, _ := options{Demos: p.Demos}.counts()
	fmt.Fprintf(&b, "Success on %d fresh instances per kind (seeds %s); learning time from %d demos (CPU time of the learner's one thread); median time per run of the program learned from %d demos on the fresh instances, and on demo 1's own instance in turn with replays of demo 1's recording there (median of the runs that did the task); replaying demo 1's recording on %d of the fresh instances (success, median time).\n\n",
		instances(p.Seeds), seedText(p.Seeds), slices.Max(counts), slices.Max(counts), p.Replays)
	if p.Parallel > 1 {
		fmt.Fprintf(&b, "The fresh instances ran up to %d at a time: their run times include each other's load.\n\n", p.Parallel)
	}
	b.WriteString("| kind |")
	for _, n := range counts {
		fmt.Fprintf(&b, " %d demo%s |", n, plural(n))
	}
	b.WriteString(" learn | run | run, own instance | replay, own instance | replay success | replay run | why runs failed |\n|---|")
	for range counts {
		b.WriteString("---:|")
	}
	b.WriteString("---:|---:|---:|---:|---:|---:|---|\n")
	sums := make([]float64, len(counts))
	var learnSum, learnMax time.Duration
	var runMed, repMed []time.Duration
	var pairs []pair
	var repSum float64
	for _, r := range rows {
		name := r.Kind
		if r.Params {
			name += " (params)"
		}
		fmt.Fprintf(&b, "| %s |", name)
		if r.DemoErr != "" {
			for range counts {
				b.WriteString(" 0 % |")
			}
			fmt.Fprintf(&b, " – | – | – | – | – | – | the demonstrations failed: %s |\n", cell(r.DemoErr))
			continue
		}
		var why []string
		for i, l := range r.Learned {
			sums[i] += l.rate()
			if l.Err != "" {
				b.WriteString(" 0 % |")
				why = append(why, fmt.Sprintf("%d demos: not learned: %s", l.Demos, l.Err))
				continue
			}
			fmt.Fprintf(&b, " %.0f %% |", l.rate())
			if top := topReason(l.Reasons); top != "" {
				why = append(why, fmt.Sprintf("%d demos: %s", l.Demos, top))
			}
		}
		last := r.Learned[len(r.Learned)-1]
		learnSum += last.LearnCPU
		learnMax = max(learnMax, last.LearnCPU)
		m := median(last.RunTime)
		rm := median(r.Replay.RunTime)
		own, ownRun := median(r.Own.RunTime), median(r.OwnRun.RunTime)
		if own > 0 && ownRun > 0 {
			pairs = append(pairs, pair{run: ownRun, replay: own})
		}
		runMed, repMed = append(runMed, m), append(repMed, rm)
		repSum += r.Replay.rate()
		learn := ms(last.LearnCPU)
		if last.Err == "" && last.LearnCPU == 0 {
			learn = "< 1 ms" // below the clock's tick
		}
		fmt.Fprintf(&b, " %s | %s | %s | %s | %.0f %% | %s | %s |\n", learn, ms(m), ms(ownRun), ms(own), r.Replay.rate(), ms(rm), cell(strings.Join(why, "; ")))
	}
	n := float64(len(rows))
	b.WriteString("| **mean** |")
	for _, s := range sums {
		fmt.Fprintf(&b, " **%.1f %%** |", s/n)
	}
	run, replay, faster := sumPairs(pairs)
	fmt.Fprintf(&b, " %s | %s | %s | %s | %.1f %% | %s | |\n", ms(learnSum/time.Duration(max(1, len(rows)))), ms(mean(runMed)), ms(run/time.Duration(max(1, len(pairs)))), ms(replay/time.Duration(max(1, len(pairs)))), repSum/n, ms(mean(repMed)))
	fmt.Fprintf(&b, "\nLearning took at most %s of CPU time for one kind. On the %d kinds where both did the task on demo 1's own instance, a learned run took %s on average and a replay %s; the learned run was as fast or faster on %d of them.\n",
		ms(learnMax), len(pairs), ms(run/time.Duration(max(1, len(pairs)))), ms(replay/time.Duration(max(1, len(pairs)))), faster)
	return b.String()
}

// pair is one kind's median learned run and median replay on demo 1's
// own instance.
type pair struct{ run, replay time.Duration }

// sumPairs adds the runs and the replays up and counts the kinds whose
// learned run was no slower.
func sumPairs(ps []pair) (run, replay time.Duration, faster int) {
	for _, p := range ps {
		run += p.run
		replay += p.replay
		if p.run <= p.replay {
			faster++
		}
	}
	return run, replay, faster
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func topReason(m map[string]int) string {
	best, n := "", 0
	for k, v := range m {
		if v > n || (v == n && k < best) {
			best, n = k, v
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("%d× %s", n, best)
}

// mean is the mean of the durations that are not zero (a kind with no
// timed run has none).
func mean(ds []time.Duration) time.Duration {
	var sum time.Duration
	n := 0
	for _, d := range ds {
		if d > 0 {
			sum += d
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / time.Duration(n)
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) string {
	if d == 0 {
		return "–"
	}
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

// cell is text fit for a table cell.
func cell(s string) string {
	s = strings.NewReplacer("|", "\\|", "\n", " ").Replace(s)
	return cut(s, 300)
}

// cut is s cut to at most n bytes at a character boundary, "…" marking
// the cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
