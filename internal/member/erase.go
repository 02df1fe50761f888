package member

import (
	"context"
	"fmt"

	"github.com/allmende/allmende/internal/store"
)

// EraseDisplayName withdraws the name a member chose to show, as part of
// erasing all their data: it is text they wrote, and without it others
// see the member's pseudonym, as before they chose one. The member keeps
// their account; a name can be chosen again.
func (s *Service) EraseDisplayName(ctx context.Context, memberID int64) error {
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE members SET display_name = '' WHERE id = $1`, memberID)
		return err
	})
	if err != nil {
		return fmt.Errorf("erase display name: %w", err)
	}
	return nil
}
