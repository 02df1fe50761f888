package work

import (
	"context"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/store"
)

// Offer is a project as the task list shows a worker: everything they
// need to decide before accepting.
type Offer struct {
	Project
	Minutes    float64 `json:"minutes"`
	PerHour    int64   `json:"per_hour"`
	FloorPerHr int64   `json:"floor_per_hour"`
	BelowFloor bool    `json:"below_floor"`
	Eligible   bool    `json:"eligible"`
	Reason     string  `json:"reason,omitempty"`
	Qualifying bool    `json:"qualifying,omitempty"`
	Measured   bool    `json:"measured"`
	EscrowLeft int64   `json:"escrow_left"`
}

// Offers are a page of the approved projects, newest first, as the worker
// sees them, with the pay floor they are measured against and the next
// page's cursor. The task page and the API's /work both show these.
func (s *Service) Offers(ctx context.Context, workerID int64, page store.Page) ([]Offer, int64, string, error) {
	floor, err := s.params.Get(ctx, nil, coop.PayFloor)
	if err != nil {
		return nil, 0, "", err
	}
	list, next, err := s.Approved(ctx, page)
	if err != nil {
		return nil, 0, "", err
	}
	out := make([]Offer, 0, len(list))
	for _, p := range list {
		el, err := s.Eligible(ctx, workerID, p)
		if err != nil {
			return nil, 0, "", err
		}
		esc, err := s.Escrow(ctx, p.ID)
		if err != nil {
			return nil, 0, "", err
		}
		out = append(out, Offer{Project: p, Minutes: float64(p.Seconds()) / 60, PerHour: p.HourlyRate(), FloorPerHr: floor,
			BelowFloor: p.HourlyRate() < floor, Eligible: el.OK, Reason: el.Reason, Qualifying: el.Qualifying, Measured: p.MeasuredSeconds > 0, EscrowLeft: esc})
	}
	return out, floor, next, nil
}
