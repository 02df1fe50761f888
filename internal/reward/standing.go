package reward

import (
	"context"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/store"
)

// Standing is where a member stands in governance: the shares they hold,
// the points the open epoch will convert, the rule it converts them by,
// and a page of the closed epochs with what each gave them.
type Standing struct {
	Shares         int64
	Pending        int64
	PointsPerShare int64
	Open           Epoch
	IsOpen         bool
	History        []MemberEpoch
}

// Standing returns a member's standing with a page of their epochs, and
// the cursor of the next page. The shares page and the API both show it.
func (s *Service) Standing(ctx context.Context, memberID int64, params *coop.Params, page store.Page) (Standing, string, error) {
	var st Standing
	var err error
	if st.Shares, err = s.Shares(ctx, memberID); err != nil {
		return Standing{}, "", err
	}
	if st.Pending, err = s.PendingPoints(ctx, memberID); err != nil {
		return Standing{}, "", err
	}
	if st.PointsPerShare, err = params.Get(ctx, nil, coop.PointsPerShare); err != nil {
		return Standing{}, "", err
	}
	if st.Open, st.IsOpen, err = s.OpenEpoch(ctx); err != nil {
		return Standing{}, "", err
	}
	var next string
	if st.History, next, err = s.MemberEpochs(ctx, memberID, page); err != nil {
		return Standing{}, "", err
	}
	return st, next, nil
}
