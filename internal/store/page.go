package store

// Page asks for one page of a list that runs newest first. Lists are read
// by keyset — the rows older than the last one shown, along an index — so
// the hundredth page costs what the first does, and rows added while a
// member pages through never shift what comes next.
type Page struct {
	// Before is the cursor: the id of the last row of the previous page (an
	// API response's "next"), empty for the first page.
	Before string
	// Limit is the most rows the page holds; Size keeps it within 1 and
	// MaxLimit, with DefaultLimit for zero.
	Limit int
}

// The bounds of a page.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Size is the number of rows the page holds at most.
func (p Page) Size() int {
	switch {
	case p.Limit <= 0:
		return DefaultLimit
	case p.Limit > MaxLimit:
		return MaxLimit
	}
	return p.Limit
}

// Fetch is how many rows to read for the page: one more than it holds,
// which tells whether another page follows.
func (p Page) Fetch() int { return p.Size() + 1 }

// Cut trims rows read with Fetch to the page and returns the cursor of the
// next page — the key of the page's last row — or "" when no row follows.
func Cut[T any](p Page, rows []T, key func(T) string) ([]T, string) {
	if len(rows) <= p.Size() {
		return rows, ""
	}
	rows = rows[:p.Size()]
	return rows, key(rows[len(rows)-1])
}
