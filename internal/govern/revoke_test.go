package govern_test

import (
	"testing"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestRevokeClosesNoCircle: ada gives bob the pay floor; bob gives ada
// everything but the pay floor, which he gives carol. Were bob to revoke
// the pay floor, his vote on it would follow his delegation on everything
// back to ada, who gives it to him: the revocation is refused, naming
// the topic, and stands once his delegation on everything is gone.
func TestRevokeClosesNoCircle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, "ada", "bob", "carol")
		ctx := t.Context()
		floor := govern.Topic(coop.PayFloor)
		for _, d := range []struct {
			from, to string
			topic    govern.Topic
		}{{"ada", "bob", floor}, {"bob", "carol", floor}, {"bob", "ada", ""}} {
			if _, err := e.g.Delegate(ctx, e.member(d.from), "m-"+d.to, d.topic, e.now); err != nil {
				t.Fatalf("%s to %s on %q: %v", d.from, d.to, d.topic, err)
			}
		}
		err := e.g.Revoke(ctx, e.member("bob"), floor)
		if pr, ok := problem.As(err); !ok || pr.Kind != problem.Conflict || pr.Fields["topic"] == "" {
			t.Fatalf("revoking into a circle: %v", err)
		}
		if mine, _, _ := e.g.Delegations(ctx, e.member("bob")); len(mine) != 2 {
			t.Fatalf("a refused revocation changed bob's delegations: %+v", mine)
		}
		if err := e.g.Revoke(ctx, e.member("bob"), ""); err != nil {
			t.Fatal(err)
		}
		if err := e.g.Revoke(ctx, e.member("bob"), floor); err != nil {
			t.Fatalf("revoking once no circle follows: %v", err)
		}
	})
}
