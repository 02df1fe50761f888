package truth

import (
	"math"
	"testing"
)

func TestMajorityVote(t *testing.T) {
	type answer struct{ item, worker, label string }
	tests := []struct {
		name    string
		answers []answer
		want    map[string]string  // item → label
		conf    map[string]float64 // item → confidence
	}{
		{
			name: "clear majority",
			answers: []answer{
				{"q", "w1", "cat"}, {"q", "w2", "cat"}, {"q", "w3", "dog"},
			},
			want: map[string]string{"q": "cat"},
			conf: map[string]float64{"q": 2.0 / 3},
		},
		{
			// "dog" is tied on q but given more often over the dataset.
			name: "tie goes to the label given most overall",
			answers: []answer{
				{"q", "w1", "cat"}, {"q", "w2", "dog"},
				{"r", "w1", "dog"}, {"r", "w2", "dog"},
			},
			want: map[string]string{"q": "dog", "r": "dog"},
			conf: map[string]float64{"q": 0.5, "r": 1},
		},
		{
			// Equal overall too: the label that sorts first wins, whatever
			// the order the answers came in.
			name: "full tie goes to the label that sorts first",
			answers: []answer{
				{"q", "w1", "zebra"}, {"q", "w2", "ant"},
			},
			want: map[string]string{"q": "ant"},
			conf: map[string]float64{"q": 0.5},
		},
		{
			name: "numeric labels sort by value",
			answers: []answer{
				{"q", "w1", "10"}, {"q", "w2", "9"},
			},
			want: map[string]string{"q": "9"},
			conf: map[string]float64{"q": 0.5},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := &Dataset{}
			for _, a := range tc.answers {
				d.Add(a.item, a.worker, a.label)
			}
			d.Sort()
			r, err := MajorityVote(d)
			if err != nil {
				t.Fatal(err)
			}
			for i, item := range d.Items {
				if got := d.Labels[r.Labels[i]]; got != tc.want[item] {
					t.Errorf("item %s: %s, want %s", item, got, tc.want[item])
				}
				if got := r.Confidence[i]; math.Abs(got-tc.conf[item]) > 1e-12 {
					t.Errorf("item %s: confidence %v, want %v", item, got, tc.conf[item])
				}
			}
		})
	}
}

func TestMajorityVoteReliability(t *testing.T) {
	d := &Dataset{}
	d.Add("q1", "a", "x")
	d.Add("q1", "b", "x")
	d.Add("q1", "c", "y")
	d.Add("q2", "a", "y")
	d.Add("q2", "b", "y")
	d.Add("q2", "c", "y")
	r, err := MajorityVote(d)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"a": 1, "b": 1, "c": 0.5}
	for w, name := range d.Workers {
		if r.Reliability[w] != want[name] {
			t.Errorf("worker %s reliability %v, want %v", name, r.Reliability[w], want[name])
		}
	}
}

// TestItemWithoutAnswers covers an item declared in the name table but never
// answered: every method must leave it unlabelled rather than invent a label.
func TestItemWithoutAnswers(t *testing.T) {
	d := &Dataset{Items: []string{"empty"}}
	d.Add("q", "w1", "x")
	d.Add("q", "w2", "y")
	d.Add("q", "w3", "x")
	for _, m := range methods {
		r, err := m.run(d)
		if err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		if r.Labels[0] != -1 || r.Confidence[0] != 0 {
			t.Errorf("%s: unanswered item got label %d, confidence %v; want -1, 0", m.name, r.Labels[0], r.Confidence[0])
		}
		if got := d.Labels[r.Labels[1]]; got != "x" {
			t.Errorf("%s: answered item got %s, want x", m.name, got)
		}
	}
}
