package classify

import (
	"math/bits"
	"slices"
)

// matrix holds the training vectors column by column (compressed sparse
// columns): for the f-th bucket any record used, feat[f] is the bucket and
// rows[start[f]:start[f+1]] the records with their values. A query then
// touches only the columns of its own features, and a linear model's
// weights are rows over the same feat.
type matrix struct {
	n     int // records
	feat  []uint32
	start []int64
	rows  []int32
	vals  []float32
}

func newMatrix(vecs []vector, buckets int) matrix {
	var nnz int
	for _, v := range vecs {
		nnz += len(v.idx)
	}
	feat := distinctBuckets(vecs, nnz, buckets)
	m := matrix{n: len(vecs), feat: feat, start: make([]int64, len(feat)+1),
		rows: make([]int32, nnz), vals: make([]float32, nnz)}
	col := make([]int32, nnz) // the column of each stored value, in record order
	colOf := columnIndex(m.feat, buckets)
	k := 0
	for _, v := range vecs {
		for _, b := range v.idx {
			c := colOf(b)
			col[k] = c
			m.start[c+1]++
			k++
		}
	}
	for c := range m.feat {
		m.start[c+1] += m.start[c]
	}
	next := slices.Clone(m.start[:len(m.feat)])
	k = 0
	for r, v := range vecs {
		for j := range v.idx {
			p := next[col[k]]
			m.rows[p] = int32(r)
			m.vals[p] = v.val[j]
			next[col[k]]++
			k++
		}
	}
	return m
}

// distinctBuckets returns the buckets the vectors use, in order: by a
// bitmap over the feature space when it is small enough (one bit a
// bucket), by sorting them all otherwise.
func distinctBuckets(vecs []vector, nnz, buckets int) []uint32 {
	if buckets <= 1<<26 {
		seen := make([]uint64, (buckets+63)/64)
		for _, v := range vecs {
			for _, b := range v.idx {
				seen[b/64] |= 1 << (b % 64)
			}
		}
		var feat []uint32
		for w, word := range seen {
			for word != 0 {
				feat = append(feat, uint32(w*64+bits.TrailingZeros64(word)))
				word &= word - 1
			}
		}
		return feat
	}
	all := make([]uint32, 0, nnz)
	for _, v := range vecs {
		all = append(all, v.idx...)
	}
	slices.Sort(all)
	return slices.Clip(slices.Compact(all))
}

// columnIndex returns a function from bucket to column for the buckets in
// feat: a dense table when the feature space is small enough (4 bytes per
// bucket), a map otherwise.
func columnIndex(feat []uint32, buckets int) func(uint32) int32 {
	if buckets <= 1<<24 {
		t := make([]int32, buckets)
		for c, b := range feat {
			t[b] = int32(c)
		}
		return func(b uint32) int32 { return t[b] }
	}
	t := make(map[uint32]int32, len(feat))
	for c, b := range feat {
		t[b] = int32(c)
	}
	return func(b uint32) int32 { return t[b] }
}

// column returns the column of bucket b, or -1 if no record has it.
func (m *matrix) column(b uint32) int {
	i, ok := slices.BinarySearch(m.feat, b)
	if !ok {
		return -1
	}
	return i
}

// sims returns ⟨x_r, v⟩ for every record r.
func (m *matrix) sims(v vector) []float32 {
	s := make([]float32, m.n)
	for i, b := range v.idx {
		c := m.column(b)
		if c < 0 {
			continue
		}
		q := v.val[i]
		rows := m.rows[m.start[c]:m.start[c+1]]
		vals := m.vals[m.start[c]:m.start[c+1]]
		vals = vals[:len(rows)]
		for j, r := range rows {
			s[r] += q * vals[j]
		}
	}
	return s
}

func (m *matrix) bytes() int64 {
	return int64(len(m.feat))*4 + int64(len(m.start))*8 + int64(len(m.rows))*4 + int64(len(m.vals))*4
}
