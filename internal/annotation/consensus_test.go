package annotation

import (
	"math"
	"reflect"
	"slices"
	"testing"
)

func TestBoxConsensus(t *testing.T) {
	tests := []struct {
		name      string
		answers   []WorkerBoxes
		want      []ConsensusBox
		agreement map[string]float64
	}{
		{
			name: "three workers, two objects, one stray box",
			answers: []WorkerBoxes{
				{"a", []Box{box("cat", 10, 10, 20, 20), box("dog", 100, 100, 40, 40)}},
				{"b", []Box{box("cat", 12, 10, 20, 20), box("dog", 102, 98, 40, 40)}},
				{"c", []Box{box("cat", 11, 13, 20, 20), box("dog", 101, 102, 40, 40), box("cat", 300, 300, 5, 5)}},
			},
			want: []ConsensusBox{
				{box("cat", 11, 11, 20, 20), []string{"a", "b", "c"}},
				{box("dog", 101, 100, 40, 40), []string{"a", "b", "c"}},
			},
			agreement: map[string]float64{"a": 1, "b": 1, "c": 2.0 / 3},
		},
		{
			name: "majority label, coordinates averaged over all three",
			answers: []WorkerBoxes{
				{"a", []Box{box("cat", 0, 0, 10, 10)}},
				{"b", []Box{box("dog", 0, 0, 10, 10)}},
				{"c", []Box{box("cat", 0, 0, 13, 10)}},
			},
			want:      []ConsensusBox{{box("cat", 0, 0, 11, 10), []string{"a", "b", "c"}}},
			agreement: map[string]float64{"a": 1, "b": 1, "c": 1},
		},
		{
			name: "tied labels go to the one that sorts first",
			answers: []WorkerBoxes{
				{"a", []Box{box("dog", 0, 0, 10, 10)}},
				{"b", []Box{box("cat", 0, 0, 10, 10)}},
			},
			want:      []ConsensusBox{{box("cat", 0, 0, 10, 10), []string{"a", "b"}}},
			agreement: map[string]float64{"a": 1, "b": 1},
		},
		{
			name: "one of three is not enough",
			answers: []WorkerBoxes{
				{"a", []Box{box("cat", 0, 0, 10, 10)}},
				{"b", nil},
				{"c", nil},
			},
			want:      nil,
			agreement: map[string]float64{"a": 0, "b": 1, "c": 1},
		},
		{
			name: "two of four is enough; who drew nothing missed it",
			answers: []WorkerBoxes{
				{"a", []Box{box("cat", 0, 0, 10, 10)}},
				{"b", []Box{box("cat", 1, 0, 10, 10)}},
				{"c", nil},
				{"d", []Box{box("cat", 50, 50, 10, 10)}},
			},
			want:      []ConsensusBox{{box("cat", 0.5, 0, 10, 10), []string{"a", "b"}}},
			agreement: map[string]float64{"a": 1, "b": 1, "c": 0, "d": 0},
		},
		{
			name: "a worker's two boxes on one object count once",
			answers: []WorkerBoxes{
				{"a", []Box{box("cat", 0, 0, 10, 10), box("cat", 0, 0, 10, 9)}},
				{"b", []Box{box("cat", 0, 0, 10, 10)}},
				{"c", nil},
			},
			want:      []ConsensusBox{{box("cat", 0, 0, 10, 10), []string{"a", "b"}}},
			agreement: map[string]float64{"a": 0.5, "b": 1, "c": 0},
		},
		{
			// a–b and b–c overlap enough, a–c do not: complete linkage
			// keeps c out rather than chaining all three.
			name: "no chaining",
			answers: []WorkerBoxes{
				{"a", []Box{box("cat", 0, 0, 10, 10)}},
				{"b", []Box{box("cat", 3, 0, 10, 10)}},
				{"c", []Box{box("cat", 6, 0, 10, 10)}},
			},
			want:      []ConsensusBox{{box("cat", 1.5, 0, 10, 10), []string{"a", "b"}}},
			agreement: map[string]float64{"a": 1, "b": 1, "c": 0},
		},
		{
			name: "entries of one worker are merged",
			answers: []WorkerBoxes{
				{"a", []Box{box("cat", 0, 0, 10, 10)}},
				{"a", []Box{box("cat", 40, 0, 10, 10)}},
				{"b", []Box{box("cat", 40, 0, 10, 10)}},
				{"c", nil},
			},
			want:      []ConsensusBox{{box("cat", 40, 0, 10, 10), []string{"a", "b"}}},
			agreement: map[string]float64{"a": 0.5, "b": 1, "c": 0},
		},
		{
			name: "of two workers, one is enough",
			answers: []WorkerBoxes{
				{"a", []Box{box("cat", 0, 0, 10, 10)}},
				{"b", []Box{box("dog", 50, 0, 10, 10)}},
			},
			want: []ConsensusBox{
				{box("cat", 0, 0, 10, 10), []string{"a"}},
				{box("dog", 50, 0, 10, 10), []string{"b"}},
			},
			agreement: map[string]float64{"a": 1, "b": 1},
		},
		{
			name:      "nobody",
			answers:   nil,
			want:      nil,
			agreement: map[string]float64{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := BoxConsensus(tc.answers)
			if !consensusEqual(got.Boxes, tc.want) {
				t.Errorf("boxes\n got %+v\nwant %+v", got.Boxes, tc.want)
			}
			if !reflect.DeepEqual(got.Agreement, tc.agreement) {
				t.Errorf("agreement %v, want %v", got.Agreement, tc.agreement)
			}
			// The order answers and boxes arrive in must not matter.
			rev := make([]WorkerBoxes, len(tc.answers))
			for i, a := range tc.answers {
				b := slices.Clone(a.Boxes)
				slices.Reverse(b)
				rev[len(rev)-1-i] = WorkerBoxes{a.Worker, b}
			}
			if again := BoxConsensus(rev); !consensusEqual(again.Boxes, got.Boxes) || !reflect.DeepEqual(again.Agreement, got.Agreement) {
				t.Errorf("reversed input gave %+v, %v", again.Boxes, again.Agreement)
			}
		})
	}
}

func consensusEqual(a, b []ConsensusBox) bool {
	return slices.EqualFunc(a, b, func(p, q ConsensusBox) bool {
		near := func(x, y float64) bool { return math.Abs(x-y) < 1e-9 }
		return p.Label == q.Label && near(p.X, q.X) && near(p.Y, q.Y) && near(p.W, q.W) && near(p.H, q.H) &&
			slices.Equal(p.Workers, q.Workers)
	})
}
