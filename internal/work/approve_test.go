package work_test

import (
	"sync"
	"testing"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestApproveFundsOnce: two stewards approving one draft at once fund its
// escrow once; the later approval is a conflict.
func TestApproveFundsOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := boxProject(t, e, "twice")
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Go(func() { errs[i] = e.s.Approve(t.Context(), e.as("stella"), p.Slug) })
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !problem.Is(err, problem.Conflict):
				t.Fatalf("a second approval: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d approvals succeeded: %v", ok, errs)
		}
		if got := e.balance(t, reward.EscrowAccount(p.ID)); got != p.Budget {
			t.Fatalf("escrow holds %d, want the budget %d once", got, p.Budget)
		}
	})
}
