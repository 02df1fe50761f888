package privacy

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Mondrian multidimensional k-anonymity (LeFevre, DeWitt and Ramakrishnan,
// ICDE 2006), strict partitioning: the records are split recursively at the
// median of the quasi-identifier with the widest normalised range, as long
// as both halves keep at least k records; each final partition becomes one
// equivalence class whose quasi-identifiers are generalised to the range or
// set of its values.
//
// A quasi-identifier whose values all parse as finite numbers is numeric
// and becomes a closed range "[30,39]"; any other is categorical and
// becomes a set "{10115,10117}", or "*" when the set is the whole domain.
// Categorical values have no generalisation hierarchy here; they are
// ordered as strings for splitting, which keeps postcodes with a common
// prefix together.

// Errors of Anonymize, found with errors.Is.
var (
	ErrBadK        = errors.New("k must be at least 1")
	ErrNoQuasiID   = errors.New("no quasi-identifier given")
	ErrDuplicateQI = errors.New("quasi-identifier listed twice")
)

// Anonymized is the result of [Anonymize].
type Anonymized struct {
	// Records are the generalised records in input order. Fields other
	// than the quasi-identifiers are copied.
	Records []map[string]string
	// Suppressed counts the records left out. Strict Mondrian places every
	// record in a class of at least k when there are k records at all, so
	// this is either 0 or all of them (fewer than k were given).
	Suppressed int
	// Groups counts the equivalence classes.
	Groups int
	// Fields summarises each quasi-identifier, in the order given.
	Fields []FieldSummary
	// Loss is the normalised certainty penalty (Xu et al., "Utility-based
	// anonymization using local recoding", KDD 2006) averaged over every
	// quasi-identifier of every input record: 0 when nothing changed, 1
	// when every value was generalised to its whole domain or suppressed.
	Loss float64
}

// FieldSummary says how much one quasi-identifier was generalised.
type FieldSummary struct {
	Field       string
	Numeric     bool
	Generalised int // kept records whose value was replaced by a range or set
	Distinct    int // distinct values after generalisation
}

// Anonymize generalises the quasi-identifiers qis of records so that every
// combination of their values is shared by at least k records. A record
// without a quasi-identifier field counts as having the empty string there.
// The input is not modified.
func Anonymize(records []map[string]string, qis []string, k int) (Anonymized, error) {
	if k < 1 {
		return Anonymized{}, fmt.Errorf("anonymize: %w, got %d", ErrBadK, k)
	}
	if len(qis) == 0 {
		return Anonymized{}, fmt.Errorf("anonymize: %w", ErrNoQuasiID)
	}
	for i, q := range qis {
		if slices.Contains(qis[:i], q) {
			return Anonymized{}, fmt.Errorf("anonymize: %w: %q", ErrDuplicateQI, q)
		}
	}
	dims := make([]dimension, len(qis))
	for d, q := range qis {
		dims[d] = newDimension(records, q)
	}
	res := Anonymized{Fields: make([]FieldSummary, len(qis))}
	for d, q := range qis {
		res.Fields[d] = FieldSummary{Field: q, Numeric: dims[d].numeric}
	}
	if len(records) < k {
		res.Suppressed = len(records)
		if len(records) > 0 {
			res.Loss = 1
		}
		return res, nil
	}

	out := make([]map[string]string, len(records))
	loss := 0.0
	stack := [][]int{indexes(len(records))}
	for len(stack) > 0 {
		part := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if lhs, rhs, ok := split(part, dims, k); ok {
			stack = append(stack, rhs, lhs)
			continue
		}
		res.Groups++
		for d := range dims {
			value, penalty := dims[d].generalise(part)
			loss += penalty * float64(len(part))
			for _, r := range part {
				if out[r] == nil {
					out[r] = copyRecord(records[r], len(qis))
				}
				out[r][qis[d]] = value
			}
		}
	}
	res.Records = out
	for d, q := range qis {
		distinct := map[string]bool{}
		for r, rec := range res.Records {
			distinct[rec[q]] = true
			if rec[q] != records[r][q] {
				res.Fields[d].Generalised++
			}
		}
		res.Fields[d].Distinct = len(distinct)
	}
	res.Loss = loss / float64(len(records)*len(qis))
	return res, nil
}

// IsKAnonymous reports whether every combination of the values of qis that
// occurs in records occurs at least k times. Missing fields count as empty.
func IsKAnonymous(records []map[string]string, qis []string, k int) bool {
	count := map[string]int{}
	var key strings.Builder
	for _, rec := range records {
		key.Reset()
		for _, q := range qis {
			v := rec[q]
			key.WriteString(strconv.Itoa(len(v)))
			key.WriteByte(':')
			key.WriteString(v)
		}
		count[key.String()]++
	}
	for _, n := range count {
		if n < k {
			return false
		}
	}
	return true
}

// dimension is one quasi-identifier over the whole dataset.
type dimension struct {
	field   string
	numeric bool
	num     []float64 // per record, when numeric
	rank    []int     // per record: index of its value in domain, when categorical
	domain  []string  // distinct values, sorted (as numbers when numeric)
	raw     []string  // per record, the value as given
	lo, hi  float64   // numeric range over the dataset
}

func newDimension(records []map[string]string, field string) dimension {
	d := dimension{field: field, numeric: len(records) > 0, raw: make([]string, len(records))}
	for r, rec := range records {
		d.raw[r] = rec[field]
	}
	d.num = make([]float64, len(records))
	for r, v := range d.raw {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			d.numeric, d.num = false, nil
			break
		}
		d.num[r] = f
	}
	if d.numeric {
		d.lo, d.hi = slices.Min(d.num), slices.Max(d.num)
		return d
	}
	d.domain = slices.Compact(slices.Sorted(slices.Values(d.raw)))
	d.rank = make([]int, len(records))
	for r, v := range d.raw {
		d.rank[r], _ = slices.BinarySearch(d.domain, v)
	}
	return d
}

// key is the order in which records are split along the dimension.
func (d *dimension) key(r int) float64 {
	if d.numeric {
		return d.num[r]
	}
	return float64(d.rank[r])
}

// width is the extent of a partition along the dimension, normalised by
// the extent of the whole dataset, as Mondrian chooses the dimension.
func (d *dimension) width(part []int) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range part {
		lo, hi = min(lo, d.key(r)), max(hi, d.key(r))
	}
	whole := d.hi - d.lo
	if !d.numeric {
		whole = float64(len(d.domain) - 1)
	}
	if whole == 0 {
		return 0
	}
	return (hi - lo) / whole
}

// split cuts a partition along the widest dimension that allows it: a cut
// between two different values as close to the median as possible that
// leaves at least k records on each side.
func split(part []int, dims []dimension, k int) (lhs, rhs []int, ok bool) {
	if len(part) < 2*k {
		return nil, nil, false
	}
	order := make([]int, len(dims))
	widths := make([]float64, len(dims))
	for d := range dims {
		order[d], widths[d] = d, dims[d].width(part)
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(widths[b], widths[a]) })
	for _, d := range order {
		if widths[d] == 0 {
			break
		}
		dim := &dims[d]
		sorted := slices.Clone(part)
		slices.SortFunc(sorted, func(a, b int) int { return cmp.Or(cmp.Compare(dim.key(a), dim.key(b)), cmp.Compare(a, b)) })
		n, mid := len(sorted), len(sorted)/2
		for off := 0; off <= n; off++ {
			for _, c := range [2]int{mid - off, mid + off} {
				if c >= k && n-c >= k && dim.key(sorted[c-1]) < dim.key(sorted[c]) {
					return sorted[:c], sorted[c:], true
				}
			}
			if mid-off < k && mid+off > n-k {
				break
			}
		}
	}
	return nil, nil, false
}

// generalise returns the value every record of a partition gets along the
// dimension, and its normalised certainty penalty.
func (d *dimension) generalise(part []int) (string, float64) {
	if d.numeric {
		lo, hi := part[0], part[0]
		for _, r := range part {
			if d.num[r] < d.num[lo] {
				lo = r
			}
			if d.num[r] > d.num[hi] {
				hi = r
			}
		}
		if d.num[lo] == d.num[hi] {
			return d.raw[lo], 0
		}
		return "[" + strings.TrimSpace(d.raw[lo]) + "," + strings.TrimSpace(d.raw[hi]) + "]",
			(d.num[hi] - d.num[lo]) / (d.hi - d.lo)
	}
	set := make([]string, 0, len(part))
	for _, r := range part {
		set = append(set, d.raw[r])
	}
	slices.Sort(set)
	set = slices.Compact(set)
	switch {
	case len(set) == 1:
		return set[0], 0
	case len(set) == len(d.domain):
		return "*", 1
	}
	return "{" + strings.Join(set, ",") + "}", float64(len(set)-1) / float64(len(d.domain)-1)
}

func indexes(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

func copyRecord(rec map[string]string, extra int) map[string]string {
	out := make(map[string]string, len(rec)+extra)
	for k, v := range rec {
		out[k] = v
	}
	return out
}
