package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// markdown is the benchmark's table: one line per kind, the mean last.
func markdown(o options, rows []row) string {
	var b strings.Builder
	counts, _ := o.counts()
	fmt.Fprintf(&b, "Success on %d fresh instances per kind (seeds %d–%d); learning time from %d demos; median time per run of the program learned from %d demos; replaying demo 1's recording on %d of the fresh instances (success, median time) and on its own instance (median time of the replays that did the task).\n\n",
		o.N, RunSeed, RunSeed+o.N-1, slices.Max(counts), slices.Max(counts), min(o.N, o.Replays))
	b.WriteString("| kind |")
	for _, n := range counts {
		fmt.Fprintf(&b, " %d demo%s |", n, plural(n))
	}
	b.WriteString(" learn | run | replay success | replay run | replay, own instance | why runs failed |\n|---|")
	for range counts {
		b.WriteString("---:|")
	}
	b.WriteString("---:|---:|---:|---:|---:|---|\n")
	sums := make([]float64, len(counts))
	var learnSum time.Duration
	var runMed, repMed, ownMed []time.Duration
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
			fmt.Fprintf(&b, " – | – | – | – | – | the demonstrations failed: %s |\n", cell(r.DemoErr))
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
		learnSum += last.Learn
		m := median(last.RunTime)
		rm := median(r.Replay.RunTime)
		om := median(r.Own.RunTime)
		runMed, repMed, ownMed = append(runMed, m), append(repMed, rm), append(ownMed, om)
		repSum += r.Replay.rate()
		fmt.Fprintf(&b, " %s | %s | %.0f %% | %s | %s | %s |\n", ms(last.Learn), ms(m), r.Replay.rate(), ms(rm), ms(om), cell(strings.Join(why, "; ")))
	}
	n := float64(len(rows))
	b.WriteString("| **mean** |")
	for _, s := range sums {
		fmt.Fprintf(&b, " **%.1f %%** |", s/n)
	}
	fmt.Fprintf(&b, " %s | %s | %.1f %% | %s | %s | |\n", ms(learnSum/time.Duration(max(1, len(rows)))), ms(median(runMed)), repSum/n, ms(median(repMed)), ms(median(ownMed)))
	return b.String()
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
