package reward_test

import (
	"testing"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestReceiptsListPaymentsOnly: a member's receipts are the payments into
// their account — a task, a split's share — newest first and paged, not
// what they paid out; nobody else may list them.
func TestReceiptsListPaymentsOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEpochEnv(t, db, "ada", "bob")
		ada := member.Member{ID: e.ids["ada"], PublicID: "m-ada"}
		bob := member.Member{ID: e.ids["bob"], PublicID: "m-bob"}
		e.pay(t, ledger.TaskPaid, "ada", 40)
		e.move(t, ledger.RewardSplit, reward.MemberAccount("m-ada"), reward.MemberAccount("m-bob"), 15) // ada pays for a call
		for i := range 5 {
			e.pay(t, ledger.RewardSplit, "ada", int64(10+i))
		}
		var got []int64
		page := store.Page{Limit: 2}
		for range 10 {
			list, next, err := e.r.Receipts(t.Context(), ada, "m-ada", page)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range list {
				if p.EventID == "" || p.Logged || p.Scope != "project:1" || p.CreatedAt.IsZero() {
					t.Fatalf("receipt row %+v", p)
				}
				got = append(got, p.Amount)
			}
			if next == "" {
				break
			}
			page.Before = next
		}
		want := []int64{14, 13, 12, 11, 10, 40}
		if len(got) != len(want) {
			t.Fatalf("ada's receipts: %v, want %v (her payment of 15 is not one)", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("ada's receipts: %v, want %v", got, want)
			}
		}
		if _, _, err := e.r.Receipts(t.Context(), bob, "m-ada", store.Page{}); !problem.Is(err, problem.Forbidden) {
			t.Fatalf("bob listing ada's receipts: %v", err)
		}
		if list, _, err := e.r.Receipts(t.Context(), bob, "m-bob", store.Page{}); err != nil || len(list) != 1 || list[0].Amount != 15 {
			t.Fatalf("bob's receipts: %+v %v", list, err)
		}
		if _, _, err := e.r.Receipts(t.Context(), ada, "m-ada", store.Page{Before: "x"}); !problem.Is(err, problem.Invalid) {
			t.Fatalf("a made-up cursor: %v", err)
		}
	})
}
