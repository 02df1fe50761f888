package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Parts of a long run add up: two parts over instances 1000–1001 and
// 1002–1003 of the same kinds make one table over four instances, with
// the runs, successes and reasons summed and the run times pooled; the
// result files written with -json read back the same.
func TestMergeParts(t *testing.T) {
	res := func(n, runs, ok int, reason string, times ...time.Duration) result {
		r := result{Demos: n, Runs: runs, OK: ok, RunTime: times, LearnCPU: time.Millisecond, Reasons: map[string]int{}}
		if reason != "" {
			r.Reasons[reason] = runs - ok
		}
		return r
	}
	one := options{N: 2, Replays: 1, Demos: "1,3"}
	two := one
	two.First = 2
	p1 := partOf(one, []row{
		{Kind: "a", Learned: []result{res(1, 2, 2, "", time.Second, time.Second), res(3, 2, 2, "", time.Second, time.Second)}, Replay: res(1, 1, 0, "boom")},
		{Kind: "b", Learned: []result{res(1, 2, 1, "step 1: gone", time.Second, 2*time.Second), res(3, 2, 2, "", time.Second, time.Second)}, Replay: res(1, 1, 1, "", time.Second)},
	})
	p2 := partOf(two, []row{
		{Kind: "b", Learned: []result{res(1, 2, 0, "step 1: gone", 3*time.Second, 4*time.Second), res(3, 2, 2, "", 3*time.Second, 3*time.Second)}, Replay: res(1, 1, 1, "", time.Second)},
		{Kind: "a", Learned: []result{res(1, 2, 2, "", 3*time.Second, 3*time.Second), res(3, 2, 1, "late", 3*time.Second, 3*time.Second)}, Replay: res(1, 1, 0, "boom")},
	})
	dir := t.TempDir()
	var files []string
	for i, p := range []part{p1, p2} {
		f := filepath.Join(dir, []string{"a.json", "b.json"}[i])
		if err := writePart(f, p); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	var parts []part
	for _, f := range files {
		p, err := readPart(f)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, p)
	}
	m, err := merge(parts)
	if err != nil {
		t.Fatal(err)
	}
	table := markdown(m)
	for _, want := range []string{
		"Success on 4 fresh instances per kind (seeds 1000–1003)",
		"replaying demo 1's recording on 2 of the fresh instances",
		"| a | 100 % | 75 % |",
		"| b | 25 % | 100 % |",
		"1 demos: 3× step 1: gone",
		"3 demos: 1× late",
		"| **mean** | **62.5 %** | **87.5 %** |",
		"| 3000 ms |", // a's median run from 3 demos, over both parts' times
	} {
		if !strings.Contains(table, want) {
			t.Errorf("the merged table lacks %q:\n%s", want, table)
		}
	}
	// The same instances twice, other numbers of demos, and parts that
	// cover other instances for different kinds are refused.
	if _, err := merge([]part{p1, p1}); err == nil || !strings.Contains(err.Error(), "again") {
		t.Errorf("merging a part with itself: %v", err)
	}
	other := partOf(options{N: 2, Demos: "1,5", First: 4}, p1.Rows)
	if _, err := merge([]part{p1, other}); err == nil || !strings.Contains(err.Error(), "demos") {
		t.Errorf("merging parts of other numbers of demos: %v", err)
	}
	onlyA := partOf(options{N: 2, Demos: "1,3", First: 4}, p1.Rows[:1])
	if _, err := merge([]part{p1, onlyA}); err == nil || !strings.Contains(err.Error(), "same instances for every kind") {
		t.Errorf("merging parts that cover other instances per kind: %v", err)
	}
	if _, err := readPart(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("reading a missing file succeeded")
	}
}
