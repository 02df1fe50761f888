package store

import (
	"context"
	"errors"
)

// IDs runs a query of one integer column (row ids, mostly) and returns its
// values in the order the query gives; the rows are closed before it
// returns, so the caller may write with the same connection next.
func IDs(ctx context.Context, q Querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, errors.Join(rows.Err(), rows.Close())
}
