package govern_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestCounterProposalBounds: a counter-proposal holds a passed change
// only while its vote is actually open; it must open at once and close
// within a timelock's length of the change's due time; there is one at a
// time per change (409 naming it); and the change says which one holds
// it, until when.
func TestCounterProposalBounds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, "ada", "bob")
		ctx := t.Context()
		counter := func(stops int64, opens, closes time.Time) govern.Draft {
			return govern.Draft{Title: "Stop it", Text: "Stop that change.", Mode: govern.PerMember, Quorum: 0.5, Stops: stops,
				OpensAt: opens, ClosesAt: closes, Options: []govern.Option{{Label: "stop"}, {Label: "let it apply", StatusQuo: true}}}
		}
		first := e.pass(t, coop.PayFloor, 2000, "ada", "bob")
		applies := first.Change.AppliesAt
		// The default timelock is 48 hours: a counter may close by
		// applies + 48h, no later.
		_, err := e.g.Create(ctx, e.ids["ada"], counter(first.ID, e.now.Add(80*24*time.Hour), e.now.Add(81*24*time.Hour)), e.now)
		wantInvalid(t, err, "opens_at", "at once")
		_, err = e.g.Create(ctx, e.ids["ada"], counter(first.ID, time.Time{}, applies.Add(49*time.Hour)), e.now)
		wantInvalid(t, err, "closes_at", "must close by")

		c := e.propose(t, counter(first.ID, time.Time{}, applies.Add(48*time.Hour)))
		_, err = e.g.Create(ctx, e.ids["bob"], counter(first.ID, time.Time{}, applies.Add(24*time.Hour)), e.now)
		if pr, ok := problem.As(err); !ok || pr.Kind != problem.Conflict || !strings.Contains(pr.Message, "Proposal "+strconv.FormatInt(c.ID, 10)) {
			t.Fatalf("a second counter-proposal: %v; want a conflict naming proposal %d", err, c.ID)
		}
		got, _ := e.g.Get(ctx, first.ID)
		if got.Change.HeldBy != c.ID || !got.Change.HeldUntil.Equal(c.ClosesAt) {
			t.Fatalf("held by %d until %v; want %d until %v", got.Change.HeldBy, got.Change.HeldUntil, c.ID, c.ClosesAt)
		}
		if n, err := e.g.ApplyDue(ctx, applies); err != nil || n != 0 {
			t.Fatalf("applied %d (%v) while a counter-proposal's vote was open", n, err)
		}

		// A counter whose vote has not started (one filed before these
		// rules, opening in 80 days) holds nothing.
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE proposals SET opens_at = $1, closes_at = $2 WHERE id = $3`,
				applies.Add(80*24*time.Hour).UnixMilli(), applies.Add(81*24*time.Hour).UnixMilli(), c.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if n, err := e.g.ApplyDue(ctx, applies); err != nil || n != 1 || e.payFloor(t) != 2000 {
			t.Fatalf("applied %d (%v), floor %d; a counter not yet open must not hold the change", n, err, e.payFloor(t))
		}
	})
}
