package classify

import (
	"slices"
	"testing"
)

// The bitmap and the sort find the same buckets, in order.
func TestDistinctBuckets(t *testing.T) {
	var vecs []vector
	nnz := 0
	for _, e := range corpus(50, 12) {
		v := extract(e.Text, 1<<26)
		vecs = append(vecs, v)
		nnz += len(v.idx)
	}
	bitmap := distinctBuckets(vecs, nnz, 1<<26)
	sorted := distinctBuckets(vecs, nnz, 1<<26+1)
	if len(bitmap) < 100 || !slices.Equal(bitmap, sorted) || !slices.IsSorted(bitmap) {
		t.Fatalf("bitmap found %d buckets, sort %d", len(bitmap), len(sorted))
	}
	m := newMatrix(vecs, 1<<26)
	// Every stored value is the record's own value for that bucket.
	for c, b := range m.feat {
		for p := m.start[c]; p < m.start[c+1]; p++ {
			v := vecs[m.rows[p]]
			i, ok := slices.BinarySearch(v.idx, b)
			if !ok || v.val[i] != m.vals[p] {
				t.Fatalf("column %d row %d holds %v", c, m.rows[p], m.vals[p])
			}
		}
	}
	if int(m.start[len(m.feat)]) != nnz {
		t.Fatalf("matrix holds %d values, vectors %d", m.start[len(m.feat)], nnz)
	}
}
