package truth

import (
	"slices"
	"testing"
)

func TestSortNaturalOrder(t *testing.T) {
	tests := []struct {
		name  string
		items []string
		want  []string
	}{
		{"integers sort by value", []string{"10", "2", "-1", "1"}, []string{"-1", "1", "2", "10"}},
		{"same value, different spelling, by bytes", []string{"07", "7", "6"}, []string{"6", "07", "7"}},
		{"any non-integer sorts all by bytes", []string{"10", "2", "b", "a"}, []string{"10", "2", "a", "b"}},
		{"ids beyond int64 are not integers", []string{"99999999999999999999", "1"}, []string{"1", "99999999999999999999"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := &Dataset{}
			for n, item := range tc.items {
				d.Add(item, "w", string(rune('a'+n))) // label n marks the item's answer
			}
			d.Sort()
			if !slices.Equal(d.Items, tc.want) {
				t.Fatalf("items %q, want %q", d.Items, tc.want)
			}
			// Every answer must still belong to the item it was given for.
			for _, a := range d.Answers {
				label := d.Labels[a.Label]
				if got, want := d.Items[a.Item], tc.items[label[0]-'a']; got != want {
					t.Errorf("answer %s moved to item %s, want %s", label, got, want)
				}
			}
			for name, id := range d.items {
				if d.Items[id] != name {
					t.Errorf("index maps %q to %d, which holds %q", name, id, d.Items[id])
				}
			}
		})
	}
}

func TestAddInterns(t *testing.T) {
	d := &Dataset{Items: []string{"q1"}} // a literal, then extended with Add
	d.Add("q1", "w1", "yes")
	d.Add("q2", "w1", "no")
	d.Add("q1", "w2", "yes")
	if !slices.Equal(d.Items, []string{"q1", "q2"}) || !slices.Equal(d.Workers, []string{"w1", "w2"}) || !slices.Equal(d.Labels, []string{"yes", "no"}) {
		t.Fatalf("names %q %q %q", d.Items, d.Workers, d.Labels)
	}
	want := []Answer{{0, 0, 0}, {1, 0, 1}, {0, 1, 0}}
	if !slices.Equal(d.Answers, want) {
		t.Fatalf("answers %v, want %v", d.Answers, want)
	}
}
