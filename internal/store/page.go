package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/allmende/allmende/internal/problem"
)

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

// Row returns the row the cursor names — the integer lookup reads, given
// the cursor and any further args — so that the page continues below it.
// A cursor that names no row (another member's, a deleted one, a made-up
// one) is refused as invalid; hint tells the reader what "before" takes.
// Call it only when Before is set.
func (p Page) Row(ctx context.Context, q Querier, hint, lookup string, args ...any) (int64, error) {
	if problem.LineProblem(p.Before) != "" {
		return 0, unknownCursor(hint) // PostgreSQL would refuse the text itself
	}
	var row int64
	err := q.QueryRowContext(ctx, lookup, append([]any{p.Before}, args...)...).Scan(&row)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, unknownCursor(hint)
	}
	if err != nil {
		return 0, fmt.Errorf("the page to continue from: %w", err)
	}
	return row, nil
}

// ID is the cursor of a list keyed by a positive integer id, or the
// largest int64 for the first page, so that "id < ID" holds for every row.
func (p Page) ID(hint string) (int64, error) {
	if p.Before == "" {
		return math.MaxInt64, nil
	}
	id, err := strconv.ParseInt(p.Before, 10, 64)
	if err != nil || id <= 0 {
		return 0, unknownCursor(hint)
	}
	return id, nil
}

func unknownCursor(hint string) error {
	return &problem.Error{Kind: problem.Invalid, Message: "the page to continue from is not known", Fields: map[string]string{"before": hint}}
}
