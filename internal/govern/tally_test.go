package govern_test

import (
	"math"
	"testing"

	"github.com/allmende/allmende/internal/govern"
)

func TestWeight(t *testing.T) {
	for _, tc := range []struct {
		mode   govern.Mode
		shares int64
		want   float64
	}{
		{govern.PerMember, 0, 1},
		{govern.PerMember, 9, 1},
		{govern.PerShare, 1, 1},
		{govern.PerShare, 4, 4},
		{govern.PerShare, 9, 9},
		{govern.Quadratic, 1, 1},
		{govern.Quadratic, 4, 2},
		{govern.Quadratic, 9, 3},
		{govern.Quadratic, 2, math.Sqrt2},
	} {
		if got := govern.Weight(tc.mode, tc.shares); got != tc.want {
			t.Errorf("Weight(%s, %d) = %v, want %v", tc.mode, tc.shares, got, tc.want)
		}
	}
}

func TestTally(t *testing.T) {
	yesNo := []govern.Option{{Label: "yes"}, {Label: "no", StatusQuo: true}}
	three := []govern.Option{{Label: "a"}, {Label: "b"}, {Label: "c"}}
	for _, tc := range []struct {
		name       string
		options    []govern.Option
		quorum     float64
		ballots    []govern.Ballot
		electorate float64
		status     govern.Status
		winner     int
		tie        bool
		turnout    float64
	}{
		{"yes wins", yesNo, 0.5, []govern.Ballot{{Option: 0, Weight: 1}, {Option: 0, Weight: 1}, {Option: 1, Weight: 1}}, 4, govern.Passed, 0, false, 0.75},
		{"status quo wins", yesNo, 0.5, []govern.Ballot{{Option: 0, Weight: 1}, {Option: 1, Weight: 1}, {Option: 1, Weight: 1}}, 4, govern.Rejected, 1, false, 0.75},
		{"below quorum", yesNo, 0.5, []govern.Ballot{{Option: 0, Weight: 1}}, 4, govern.NoQuorum, -1, false, 0.25},
		{"exactly at quorum", yesNo, 0.5, []govern.Ballot{{Option: 0, Weight: 1}, {Option: 0, Weight: 1}}, 4, govern.Passed, 0, false, 0.5},
		{"no electorate", yesNo, 0.1, nil, 0, govern.NoQuorum, -1, false, 0},
		{"nobody voted", yesNo, 0.1, nil, 3, govern.NoQuorum, -1, false, 0},
		{"tie changes nothing", yesNo, 0.5, []govern.Ballot{{Option: 0, Weight: 2}, {Option: 1, Weight: 2}}, 4, govern.Rejected, -1, true, 1},
		{"tie between changes", three, 0.5, []govern.Ballot{{Option: 0, Weight: 3}, {Option: 1, Weight: 3}, {Option: 2, Weight: 1}}, 7, govern.Rejected, -1, true, 1},
		{"weight beats numbers", three, 0.1, []govern.Ballot{{Option: 0, Weight: 1}, {Option: 0, Weight: 1}, {Option: 1, Weight: 3}}, 10, govern.Passed, 1, false, 0.5},
		// √2 + √8 and √18 are the same weight, but in floating point the
		// first comes out one unit in the last place larger.
		{"quadratic tie despite rounding", yesNo, 0.1, []govern.Ballot{{Option: 0, Weight: math.Sqrt(2)}, {Option: 0, Weight: math.Sqrt(8)}, {Option: 1, Weight: math.Sqrt(18)}}, 10, govern.Rejected, -1, true, (math.Sqrt(2) + math.Sqrt(8) + math.Sqrt(18)) / 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := govern.Tally(tc.options, tc.quorum, tc.ballots, tc.electorate)
			if r.Status != tc.status || r.Winner != tc.winner || r.Tie != tc.tie || math.Abs(r.Turnout-tc.turnout) > 1e-12 {
				t.Fatalf("got %s, winner %d, tie %v, turnout %v; want %s, %d, %v, %v", r.Status, r.Winner, r.Tie, r.Turnout, tc.status, tc.winner, tc.tie, tc.turnout)
			}
			var votes int
			var cast float64
			for _, o := range r.Options {
				votes += o.Votes
				cast += o.Weight
			}
			if votes != len(tc.ballots) || r.Voters != votes || math.Abs(cast-r.Cast) > 1e-12 {
				t.Fatalf("options count %d votes (%v), result says %d voters (%v)", votes, cast, r.Voters, r.Cast)
			}
		})
	}
}
