package privacy

import (
	"cmp"
	"slices"
	"sort"
)

// resolve keeps a set of non-overlapping spans, sorted by start. Where spans
// overlap, the higher score wins, then the longer span, then the earlier
// one, then the type that sorts first, so the result never depends on the
// order in which the detectors ran.
//
// Spans are grouped into clusters of transitive overlap first; the greedy
// choice within one cluster cannot affect another.
func resolve(spans []Span) []Span {
	if len(spans) < 2 {
		return spans
	}
	slices.SortFunc(spans, byPosition)
	out := spans[:0:0]
	for lo := 0; lo < len(spans); {
		hi, end := lo+1, spans[lo].End
		for hi < len(spans) && spans[hi].Start < end {
			end = max(end, spans[hi].End)
			hi++
		}
		out = pick(out, spans[lo:hi])
		lo = hi
	}
	return out
}

func byPosition(a, b Span) int {
	return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End), cmp.Compare(a.Type, b.Type))
}

// pick appends to out the spans of one cluster, sorted by position, that the
// greedy choice keeps. Kept spans are disjoint, so the only one a candidate
// can overlap is the kept span with the greatest start before the
// candidate's end; a Fenwick tree of prefix maxima finds it in O(log n),
// which keeps pathological inputs (long chains of overlapping candidates)
// from turning quadratic.
func pick(out, cluster []Span) []Span {
	n := len(cluster)
	if n == 1 {
		return append(out, cluster[0])
	}
	order := make([]int, n)
	for k := range order {
		order[k] = k
	}
	slices.SortFunc(order, func(x, y int) int {
		a, b := cluster[x], cluster[y]
		return cmp.Or(
			cmp.Compare(b.Score, a.Score),
			cmp.Compare(b.End-b.Start, a.End-a.Start),
			byPosition(a, b),
		)
	})
	tree := make([]int, n+1) // prefix maxima of kept index+1; 0 means none
	keep := make([]bool, n)
	for _, x := range order {
		c := cluster[x]
		before := sort.Search(n, func(k int) bool { return cluster[k].Start >= c.End })
		last := 0
		for k := before; k > 0; k -= k & -k {
			last = max(last, tree[k])
		}
		if last > 0 && cluster[last-1].End > c.Start {
			continue
		}
		keep[x] = true
		for k := x + 1; k <= n; k += k & -k {
			tree[k] = max(tree[k], x+1)
		}
	}
	for k, c := range cluster {
		if keep[k] {
			out = append(out, c)
		}
	}
	return out
}
