package truth

import (
	"cmp"
	"slices"
	"strconv"
)

// Answer is one worker's label for one item, as indexes into a [Dataset]'s
// Items, Workers and Labels.
type Answer struct {
	Item, Worker, Label int
}

// Dataset holds categorical answers. Names are interned to dense ids so that
// the algorithms index slices instead of hashing strings in their inner loops.
// The zero value is empty and ready for [Dataset.Add].
type Dataset struct {
	Items   []string
	Workers []string
	Labels  []string
	Answers []Answer

	items, workers, labels map[string]int
}

// Add records that worker gave label for item. A worker may answer the same
// item more than once; every answer counts.
func (d *Dataset) Add(item, worker, label string) {
	d.Answers = append(d.Answers, Answer{
		Item:   intern(&d.Items, &d.items, item),
		Worker: intern(&d.Workers, &d.workers, worker),
		Label:  intern(&d.Labels, &d.labels, label),
	})
}

// Sort renumbers items, workers and labels in natural order (numerically
// when every name of that kind is an integer, else bytewise). After Sort,
// output in id order is the order people expect, and label ids, which break
// ties, do not depend on the order answers arrived in.
func (d *Dataset) Sort() {
	items := sortNames(d.Items, &d.items)
	workers := sortNames(d.Workers, &d.workers)
	labels := sortNames(d.Labels, &d.labels)
	for i, a := range d.Answers {
		d.Answers[i] = Answer{Item: items[a.Item], Worker: workers[a.Worker], Label: labels[a.Label]}
	}
}

// NumericAnswer is one worker's number for one item.
type NumericAnswer struct {
	Item, Worker int
	Value        float64
}

// NumericDataset holds numeric answers. The zero value is ready for
// [NumericDataset.Add].
type NumericDataset struct {
	Items   []string
	Workers []string
	Answers []NumericAnswer

	items, workers map[string]int
}

// Add records that worker answered value for item.
func (d *NumericDataset) Add(item, worker string, value float64) {
	d.Answers = append(d.Answers, NumericAnswer{
		Item:   intern(&d.Items, &d.items, item),
		Worker: intern(&d.Workers, &d.workers, worker),
		Value:  value,
	})
}

// Sort renumbers items and workers in natural order, like [Dataset.Sort].
func (d *NumericDataset) Sort() {
	items := sortNames(d.Items, &d.items)
	workers := sortNames(d.Workers, &d.workers)
	for i, a := range d.Answers {
		d.Answers[i] = NumericAnswer{Item: items[a.Item], Worker: workers[a.Worker], Value: a.Value}
	}
}

// intern returns the id of name, appending it to names if it is new. The
// index is rebuilt from names when missing, so a Dataset written as a literal
// can still be extended with Add.
func intern(names *[]string, index *map[string]int, name string) int {
	if *index == nil {
		*index = make(map[string]int, len(*names))
		for i, n := range *names {
			(*index)[n] = i
		}
	}
	if id, ok := (*index)[name]; ok {
		return id
	}
	id := len(*names)
	*names = append(*names, name)
	(*index)[name] = id
	return id
}

// sortNames sorts names in place in natural order, rebuilds the index, and
// returns the map from old id to new id.
func sortNames(names []string, index *map[string]int) []int {
	order := make([]int, len(names))
	for i := range order {
		order[i] = i
	}
	compare := naturalCompare(names)
	slices.SortStableFunc(order, func(a, b int) int { return compare(names[a], names[b]) })

	sorted := make([]string, len(names))
	remap := make([]int, len(names))
	for newID, oldID := range order {
		sorted[newID] = names[oldID]
		remap[oldID] = newID
	}
	copy(names, sorted)
	*index = make(map[string]int, len(names))
	for i, n := range names {
		(*index)[n] = i
	}
	return remap
}

// naturalCompare returns a comparison that orders names as integers when all
// of them are integers ("2" before "10"), and bytewise otherwise. Integers that
// are equal in value but spelled differently ("7", "07") fall back to bytes so
// the order stays total.
func naturalCompare(names []string) func(a, b string) int {
	for _, n := range names {
		if _, err := strconv.ParseInt(n, 10, 64); err != nil {
			return cmp.Compare[string]
		}
	}
	return func(a, b string) int {
		x, _ := strconv.ParseInt(a, 10, 64)
		y, _ := strconv.ParseInt(b, 10, 64)
		if c := cmp.Compare(x, y); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	}
}
