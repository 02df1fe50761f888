package coop_test

import (
	"math"
	"testing"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestParamsKeepTheirLimits: every parameter is an amount or a share that
// money is computed with, so none may be set outside its limits — by a
// steward or by a passed proposal — and the refusal names the parameter.
func TestParamsKeepTheirLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		p := coop.New(db)
		if len(coop.Limits) != len(coop.Defaults) {
			t.Fatalf("%d limits for %d parameters", len(coop.Limits), len(coop.Defaults))
		}
		set := func(name coop.Param, v int64) error {
			return db.InTx(ctx, func(tx *store.Tx) error { return p.Set(ctx, tx, name, v) })
		}
		// Every other parameter where it leaves room for the one under
		// test: the constraints tie some of them together (see
		// TestConstraints).
		baseline := func() {
			for name, lim := range coop.Limits {
				v := lim[0]
				if name == coop.PayFloor {
					v = lim[1]
				}
				if err := set(name, v); err != nil {
					t.Fatalf("baseline %s = %d: %v", name, v, err)
				}
			}
		}
		for name, lim := range coop.Limits {
			baseline()
			if d, ok := coop.Defaults[name]; !ok || d < lim[0] || d > lim[1] {
				t.Errorf("%s: default %d outside %v", name, d, lim)
			}
			for _, v := range []int64{lim[0] - 1, lim[1] + 1, math.MaxInt64, math.MinInt64} {
				err := set(name, v)
				if pr, ok := problem.As(err); !ok || pr.Kind != problem.Invalid || pr.Fields[string(name)] == "" {
					t.Errorf("%s = %d: %v, want invalid naming it", name, v, err)
				}
			}
			for _, v := range []int64{lim[0], lim[1]} {
				if err := set(name, v); err != nil {
					t.Errorf("%s = %d: %v", name, v, err)
				}
				if got, err := p.Get(ctx, nil, name); err != nil || got != v {
					t.Errorf("%s: %d, %v; want %d", name, got, err, v)
				}
			}
		}
	})
}
