package app

import (
	"context"
	"time"
)

// erasureSweep is how often a server makes its model indexes forget
// records erased by another server of the cooperative.
const erasureSweep = 30 * time.Second

// sweepErasures runs Models.ForgetErased and Datanets.ForgetErased (the
// near-duplicate indexes) at start and then every
// erasureSweep until ctx ends. An erasure reaches the indexes of the
// server that ran it before it answers; this bounds how long another
// server's own data folder (several servers on one PostgreSQL database)
// keeps the text, even if no model call comes.
func (a *App) sweepErasures(ctx context.Context) {
	t := time.NewTicker(erasureSweep)
	defer t.Stop()
	for {
		if err := a.Models.ForgetErased(ctx); err != nil && ctx.Err() == nil {
			a.log.Error("model indexes could not forget erased records; retrying", "err", err)
		}
		if err := a.Datanets.ForgetErased(ctx); err != nil && ctx.Err() == nil {
			a.log.Error("near-duplicate indexes could not forget erased records; retrying", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
