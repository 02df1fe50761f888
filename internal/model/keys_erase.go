package model

import (
	"context"
	"fmt"

	"github.com/allmende/allmende/internal/store"
)

// EraseKeyNames blanks the names of a member's API keys, as part of
// erasing all their data: a name is text the member wrote ("Ada's
// laptop"). The keys themselves stay, each still listed by its prefix and
// revocable, so that erasing one's data does not break or hide a program
// that calls the models.
func (s *Service) EraseKeyNames(ctx context.Context, memberID int64) error {
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE api_keys SET name = '' WHERE member_id = $1`, memberID)
		return err
	})
	if err != nil {
		return fmt.Errorf("erase key names: %w", err)
	}
	return nil
}
