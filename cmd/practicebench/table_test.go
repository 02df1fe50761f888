package main

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestTableMeans: a kind whose demonstrations failed counts as 0 % in the
// mean, as does a number of demos the learner could not learn from; the
// mean is over every kind.
func TestTableMeans(t *testing.T) {
	o := options{N: 4, Replays: 2, Demos: "1,3"}
	ok := func(n, okRuns int) result {
		return result{Demos: n, Runs: 4, OK: okRuns, Learn: time.Millisecond, RunTime: []time.Duration{time.Second, 3 * time.Second, 2 * time.Second}, Reasons: map[string]int{"boom": 4 - okRuns}}
	}
	rows := []row{
		{Kind: "a", Learned: []result{ok(1, 4), ok(3, 4)}, Replay: result{Runs: 2, OK: 1, RunTime: []time.Duration{time.Second}}, Own: result{Runs: 3, OK: 3, RunTime: []time.Duration{time.Second}}, OwnRun: result{Runs: 3, OK: 3, RunTime: []time.Duration{900 * time.Millisecond}}},
		{Kind: "b", Params: true, Learned: []result{{Demos: 1, Err: "ambiguous: step 2: x"}, ok(3, 2)}, Own: result{Runs: 3, OK: 3, RunTime: []time.Duration{time.Second}}, OwnRun: result{Runs: 3, OK: 3, RunTime: []time.Duration{3 * time.Second}}},
		// The replay failed on its own instance: not a pair to compare.
		{Kind: "d", Learned: []result{ok(1, 4), ok(3, 4)}, OwnRun: result{Runs: 3, OK: 3, RunTime: []time.Duration{time.Second}}},
		{Kind: "c", DemoErr: "demo 1: the hands failed"},
	}
	table := markdown(partOf(o, rows))
	for _, want := range []string{
		"| a | 100 % | 100 % |",
		"| b (params) | 0 % | 50 % |",
		"1 demos: not learned: ambiguous: step 2: x",
		"3 demos: 2× boom",
		"| c | 0 % | 0 % | – |",
		"the demonstrations failed: demo 1: the hands failed",
		"| **mean** | **50.0 %** | **62.5 %** |",
		"| 2000 ms | 900 ms | 1000 ms |",  // a's median runs
		"| 2000 ms | 1950 ms | 1000 ms |", // the mean row: runs on the pairs' own instances
		"On the 2 kinds where both did the task on demo 1's own instance, a learned run took 1950 ms on average and a replay 1000 ms; the learned run was as fast or faster on 1 of them.",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("the table lacks %q:\n%s", want, table)
		}
	}
}

func TestCutKeepsCharacters(t *testing.T) {
	s := strings.Repeat("é", 10) // two bytes each
	for n := range 21 {
		got := cut(s, n)
		if !utf8.ValidString(got) {
			t.Errorf("cut(%d) = %q, not UTF-8", n, got)
		}
	}
	if got := cut("short", 10); got != "short" {
		t.Errorf("cut of a short text = %q", got)
	}
}
