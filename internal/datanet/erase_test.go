package datanet_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// copyStub is a derived copy that records what it was told to forget and
// fails while fail is set.
type copyStub struct {
	mu     sync.Mutex
	fail   bool
	forgot []string
}

func (c *copyStub) Forget(_ context.Context, _ int64, ids []string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fail {
		return errors.New("disk full")
	}
	c.forgot = append(c.forgot, ids...)
	return nil
}

// TestErasureReachesCopies checks that an erasure reports success only
// once every derived copy has forgotten the record, that a failing copy
// makes it fail with a problem that says to try again, and that trying
// again finishes it — for one contribution, for all of a member's, and for
// withdrawn consent.
func TestErasureReachesCopies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		c := &copyStub{fail: true}
		e.svc.KeepCopy(c)
		notes := e.datanet(t, "notes")
		qa := e.datanet(t, "qa")
		res, err := e.svc.Contribute(ctx, e.ada, "notes", texts(t, notes, gardenText, "Basil likes warmth and hates cold nights below ten degrees."), datanet.IntakeOptions{})
		if err != nil || res.Accepted != 2 {
			t.Fatalf("contribute: %+v %v", res, err)
		}
		one, two := res.Outcomes[0].Contribution, res.Outcomes[1].Contribution

		err = e.svc.Erase(ctx, e.ada, one)
		if !problem.Is(err, problem.Unavailable) {
			t.Fatalf("erasure with a failing copy: %v, want an unavailable problem", err)
		}
		var status string
		db.Read().QueryRowContext(ctx, `SELECT status FROM contributions WHERE public_id = $1`, one).Scan(&status)
		if status != "erased" {
			t.Fatalf("status %q: the erasure itself must stand", status)
		}
		c.fail = false
		if err := e.svc.Erase(ctx, e.ada, one); err != nil {
			t.Fatalf("retry: %v", err)
		}
		if !slices.Equal(c.forgot, []string{one}) {
			t.Fatalf("forgot %v, want [%s]", c.forgot, one)
		}

		// Erasing all: every contribution, in every datanet.
		sub, _ := qa.ParseRecords(datanet.FormatJSONL, strings.NewReader(`{"question":"Is a verbal lease valid?","answer":"Yes, but a written one avoids disputes about what was agreed."}`))
		res, err = e.svc.Contribute(ctx, e.ada, "qa", sub, datanet.IntakeOptions{})
		if err != nil || res.Accepted != 1 {
			t.Fatalf("contribute: %+v %v", res, err)
		}
		three := res.Outcomes[0].Contribution
		c.forgot, c.fail = nil, true
		if _, err := e.svc.EraseAll(ctx, e.ada); !problem.Is(err, problem.Unavailable) {
			t.Fatalf("erase all with a failing copy: %v", err)
		}
		var keys int
		db.Read().QueryRowContext(ctx, `SELECT count(*) FROM member_keys WHERE member_id = $1`, e.ada).Scan(&keys)
		if keys != 0 {
			t.Fatal("a failing copy kept the member's key alive")
		}
		c.fail = false
		if n, err := e.svc.EraseAll(ctx, e.ada); err != nil || n != 0 {
			t.Fatalf("retry erase all: %d, %v", n, err)
		}
		for _, id := range []string{one, two, three} {
			if !slices.Contains(c.forgot, id) {
				t.Fatalf("the retry did not reach %s: %v", id, c.forgot)
			}
		}

		// Withdrawing consent erases too.
		res, err = e.svc.Contribute(ctx, e.bob, "notes", texts(t, notes, "Chives come back every spring without any care at all."), datanet.IntakeOptions{})
		if err != nil || res.Accepted != 1 {
			t.Fatalf("contribute: %+v %v", res, err)
		}
		c.forgot = nil
		if _, err := e.svc.ConsentAction(ctx, e.bob, "notes", "withdraw"); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(c.forgot, []string{res.Outcomes[0].Contribution}) {
			t.Fatalf("withdrawal forgot %v", c.forgot)
		}
	})
}
