package main

import (
	"slices"
	"testing"
)

// The benchmark's data set is the same on every machine and run, and
// every queue occurs about as often.
func TestMessagesAreDeterministicAndBalanced(t *testing.T) {
	a, b := messages(4000, 1, 0.03), messages(4000, 1, 0.03)
	if !slices.Equal(a, b) {
		t.Fatal("two runs generated different messages")
	}
	count := map[string]int{}
	for i, e := range a {
		count[e.Label]++
		if e.Text == "" || e.ID == "" {
			t.Fatalf("record %d: %+v", i, e)
		}
	}
	if len(count) != len(queues) {
		t.Fatalf("%d queues occur, want %d", len(count), len(queues))
	}
	for l, n := range count {
		if n < 4000/len(queues)/2 {
			t.Fatalf("queue %s has only %d of 4000 messages", l, n)
		}
	}
}
