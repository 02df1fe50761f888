package attrib

import "iter"

// separator ends every record in a segment's text. 0xFF never occurs in
// UTF-8, so no match can run from one record into the next.
const separator = 0xFF

// A Record is one accepted contribution of a datanet: its id and its text.
type Record struct {
	ID   string
	Text string
}

// RecordsOf yields the given records, for Add.
func RecordsOf(records ...Record) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		for _, r := range records {
			if !yield(r, nil) {
				return
			}
		}
	}
}
