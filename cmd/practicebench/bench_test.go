package main

import (
	"io"
	"log"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/practice"
)

// TestBenchEndToEnd runs two kinds through the whole benchmark
// with small N: demonstrations by the hands through the recorder, a
// program learned from 1 and 2 of them, runs by the actor on fresh
// instances, the baseline replay. The kinds are ones the learner handles,
// so a run that fails here is a regression of the learner, the actor or
// the suite.
func TestBenchEndToEnd(t *testing.T) {
	srv := httptest.NewServer(practice.Server{})
	defer srv.Close()
	o := options{N: 2, Replays: 1, Demos: "1,2", RunTimeout: 30 * time.Second, Base: srv.URL, Log: log.New(io.Discard, "", 0)}
	b, err := newBench(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	var rows []row
	for _, name := range []string{"collapsible", "menu"} {
		k, _ := practice.Lookup(name)
		r := b.kind(t.Context(), k)
		if r.DemoErr != "" {
			t.Fatalf("%s: %s", name, r.DemoErr)
		}
		two := r.Learned[1]
		if two.Err != "" || two.OK != two.Runs || two.Runs != o.N {
			t.Errorf("%s from 2 demos: %d of %d runs succeeded (%s %v)", name, two.OK, two.Runs, two.Err, two.Reasons)
		}
		if r.Replay.Runs != 1 || len(r.Replay.RunTime) != 1 {
			t.Errorf("%s: the baseline replayed %d instances, want 1", name, r.Replay.Runs)
		}
		if r.Own.OK == 0 {
			t.Errorf("%s: demo 1 never replayed on its own instance: %v", name, r.Own.Reasons)
		}
		rows = append(rows, r)
	}
	table := markdown(partOf(o, rows))
	for _, want := range []string{"| collapsible | ", "| menu | ", "| **mean** |", "100 %"} {
		if !strings.Contains(table, want) {
			t.Errorf("the table lacks %q:\n%s", want, table)
		}
	}
}

// TestReplayBaselineDoesItsOwnInstance: the baseline is fair only if a
// recording replays on the instance it was made on; there the check must
// hold, and on another instance of a kind whose answer moves it must not.
func TestReplayBaselineDoesItsOwnInstance(t *testing.T) {
	srv := httptest.NewServer(practice.Server{})
	defer srv.Close()
	o := options{N: 1, Replays: 1, Demos: "1", RunTimeout: 30 * time.Second, Base: srv.URL}
	b, err := newBench(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	k, _ := practice.Lookup("menu")
	raw, _, err := makeDemo(t.Context(), b.rec, srv.URL, k, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := replayOn(t.Context(), b.browser, raw, srv.URL, k.Name, 1, k.Generate(1)); err != nil {
		t.Errorf("replaying the demo on its own instance: %v", err)
	}
	// Find an instance that asks for another menu item.
	want := k.Generate(1).Expect["action"]
	for seed := uint64(2); seed < 40; seed++ {
		in := k.Generate(seed)
		if in.Expect["action"] == want {
			continue
		}
		if err := replayOn(t.Context(), b.browser, raw, srv.URL, k.Name, 1, in); err == nil {
			t.Errorf("replaying demo 1 on instance %d (which wants %v) passed its check", seed, in.Expect["action"])
		}
		break
	}
}
