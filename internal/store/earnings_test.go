package store_test

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestEarningTotalsFollowRecordEarnings: "where my data went" and a
// model's top contributors read totals kept by triggers on
// record_earnings (migration 00012). Migrating a cooperative that already
// has earnings fills them; every insert, update (a member or a
// contribution deleted sets its id to NULL) and delete moves them; a
// total saturates instead of failing the charge that adds to it; and the
// migration goes down and up again.
func TestEarningTotalsFollowRecordEarnings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		if err := db.MigrateDownTo(ctx, 11); err != nil {
			t.Fatal(err)
		}
		exec := func(q string, args ...any) int64 {
			t.Helper()
			var id int64
			err := db.InTx(ctx, func(tx *store.Tx) error {
				if !strings.Contains(q, "RETURNING") {
					_, err := tx.ExecContext(ctx, q, args...)
					return err
				}
				return tx.QueryRowContext(ctx, q, args...).Scan(&id)
			})
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return id
		}
		member := func(name string) int64 {
			return exec(`INSERT INTO members (public_id, email, name, password_hash, role, created_at) VALUES ($1, $2, 'Test', 'x', 'member', 0) RETURNING id`,
				"m-"+name, name+"@example.org")
		}
		ada, bob, stella := member("ada"), member("bob"), member("stella")
		dn := exec(`INSERT INTO datanets (slug, name, domain, client, purpose, licence, record_kind, status, created_by, created_at)
			VALUES ('tenancy', 'Tenancy', 'law', 'Tenants', 'answers', 'CC0', 'qa', 'open', $1, 0) RETURNING id`, stella)
		contribution := func(pid string, who int64) int64 {
			return exec(`INSERT INTO contributions (public_id, datanet_id, member_id, status, dna, size, created_at) VALUES ($1, $2, $3, 'accepted', $1, 1, 0) RETURNING id`, pid, dn, who)
		}
		c1, c2, c3 := contribution("c-1", ada), contribution("c-2", ada), contribution("c-3", bob)
		mdl := func(slug string) int64 {
			return exec(`INSERT INTO models (slug, name, kind, owner_id, price_per_call, status, created_at) VALUES ($1, $1, 'retrieval', $2, 10, 'active', 0) RETURNING id`, slug, stella)
		}
		m1, m2 := mdl("m1"), mdl("m2")
		call := func(m int64) int64 {
			return exec(`INSERT INTO model_calls (model_id, client_id, status, created_at) VALUES ($1, $2, 'ok', 0) RETURNING id`, m, stella)
		}
		k1, k2, k3 := call(m1), call(m1), call(m2)
		earn := func(k int64, c any, who any, amount int64) int64 {
			return exec(`INSERT INTO record_earnings (call_id, contribution_id, member_id, weight, amount, created_at) VALUES ($1, $2, $3, 1, $4, 0) RETURNING id`, k, c, who, amount)
		}
		earn(k1, c1, ada, 10)
		earn(k2, c1, ada, 5)
		gone := earn(k3, c1, ada, 7)
		left := earn(k3, c3, bob, 4)
		earn(k2, nil, ada, 3) // of a contribution deleted since

		if err := db.MigrateUp(ctx); err != nil {
			t.Fatal(err)
		}
		want := totals{
			records: map[[2]int64][2]int64{{ada, c1}: {3, 22}, {bob, c3}: {1, 4}},
			pairs:   map[[3]int64]int64{{ada, c1, m1}: 2, {ada, c1, m2}: 1, {bob, c3, m2}: 1},
			models:  map[[2]int64][2]int64{{m1, ada}: {3, 18}, {m2, ada}: {1, 7}, {m2, bob}: {1, 4}},
		}
		want.check(t, db, "after the migration")

		earn(k1, c2, ada, 6)
		want.records[[2]int64{ada, c2}] = [2]int64{1, 6}
		want.pairs[[3]int64{ada, c2, m1}] = 1
		want.models[[2]int64{m1, ada}] = [2]int64{4, 24}
		want.check(t, db, "after a call")

		exec(`UPDATE record_earnings SET member_id = NULL WHERE id = $1`, left)
		delete(want.records, [2]int64{bob, c3})
		delete(want.pairs, [3]int64{bob, c3, m2})
		delete(want.models, [2]int64{m2, bob})
		want.check(t, db, "after bob left")

		exec(`UPDATE record_earnings SET contribution_id = $2, amount = 8 WHERE id = $1`, gone, c2)
		want.records[[2]int64{ada, c1}] = [2]int64{2, 15}
		want.records[[2]int64{ada, c2}] = [2]int64{2, 14}
		delete(want.pairs, [3]int64{ada, c1, m2})
		want.pairs[[3]int64{ada, c2, m2}] = 1
		want.models[[2]int64{m2, ada}] = [2]int64{1, 8}
		want.check(t, db, "after an earning moved")

		exec(`DELETE FROM record_earnings WHERE id = $1`, gone)
		want.records[[2]int64{ada, c2}] = [2]int64{1, 6}
		delete(want.pairs, [3]int64{ada, c2, m2})
		delete(want.models, [2]int64{m2, ada})
		want.check(t, db, "after a delete")

		// Twice nearly the int64 maximum: the totals saturate and the
		// charge that adds the second one goes through.
		huge := []int64{earn(k1, c2, ada, math.MaxInt64-1), earn(k1, c2, ada, math.MaxInt64-1)}
		want.records[[2]int64{ada, c2}] = [2]int64{3, math.MaxInt64}
		want.pairs[[3]int64{ada, c2, m1}] = 3
		want.models[[2]int64{m1, ada}] = [2]int64{6, math.MaxInt64}
		want.check(t, db, "after huge earnings")
		for _, id := range huge {
			exec(`DELETE FROM record_earnings WHERE id = $1`, id)
		}

		// Down and up again: the totals are rebuilt from the rows.
		if err := db.MigrateDownTo(ctx, 11); err != nil {
			t.Fatal(err)
		}
		if err := db.MigrateUp(ctx); err != nil {
			t.Fatal(err)
		}
		want.records[[2]int64{ada, c2}] = [2]int64{1, 6}
		want.pairs[[3]int64{ada, c2, m1}] = 1
		want.models[[2]int64{m1, ada}] = [2]int64{4, 24}
		want.check(t, db, "after migrating down and up")
	})
}

// totals are the three kept tables: (member, contribution) → calls,
// points; (member, contribution, model) → calls; (model, member) → calls,
// points.
type totals struct {
	records map[[2]int64][2]int64
	pairs   map[[3]int64]int64
	models  map[[2]int64][2]int64
}

func (want totals) check(t *testing.T, db *store.DB, when string) {
	t.Helper()
	read := func(q string, n int) map[string]string {
		rows, err := db.Read().QueryContext(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			v := make([]int64, n)
			ptrs := make([]any, n)
			for i := range v {
				ptrs[i] = &v[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out[fmt.Sprint(v[:len(v)-1])] = fmt.Sprint(v[len(v)-1])
		}
		return out
	}
	gotRecords := read(`SELECT member_id, contribution_id, calls, points FROM record_earning_totals`, 4)
	wantRecords := map[string]string{}
	for k, v := range want.records {
		wantRecords[fmt.Sprint([]int64{k[0], k[1], v[0]})] = fmt.Sprint(v[1])
	}
	gotPairs := read(`SELECT member_id, contribution_id, model_id, calls FROM record_earning_models`, 4)
	wantPairs := map[string]string{}
	for k, v := range want.pairs {
		wantPairs[fmt.Sprint(k[:])] = fmt.Sprint(v)
	}
	gotModels := read(`SELECT model_id, member_id, calls, points FROM model_earning_totals`, 4)
	wantModels := map[string]string{}
	for k, v := range want.models {
		wantModels[fmt.Sprint([]int64{k[0], k[1], v[0]})] = fmt.Sprint(v[1])
	}
	for _, c := range []struct {
		name      string
		got, want map[string]string
	}{{"record_earning_totals", gotRecords, wantRecords}, {"record_earning_models", gotPairs, wantPairs}, {"model_earning_totals", gotModels, wantModels}} {
		if !maps.Equal(c.got, c.want) {
			t.Errorf("%s: %s holds\n%v, want\n%v", when, c.name, sorted(c.got), sorted(c.want))
		}
	}
}

func sorted(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+" → "+v)
	}
	slices.Sort(out)
	return out
}
