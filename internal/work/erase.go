package work

import (
	"context"
	"fmt"

	"github.com/allmende/allmende/internal/store"
)

// ErasedAppeal replaces the text of an appeal whose author erased all
// their data.
const ErasedAppeal = "(erased by its author)"

// EraseAppeals replaces the texts of the member's appeals, for "erase all
// my data": of what annotation work holds, they are the texts the member
// wrote in their own words. The answers themselves (labels, boxes,
// choices and their reasons) are work the project's requester paid for
// and stay with the project; rejection reasons are the reviewer's.
func (s *Service) EraseAppeals(ctx context.Context, memberID int64) (int, error) {
	var n int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE task_reviews SET text = $2 WHERE by_member = $1 AND action = 'appeal' AND text <> $2`, memberID, ErasedAppeal)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("erase appeals: %w", err)
	}
	return int(n), s.db.Purge(ctx)
}
