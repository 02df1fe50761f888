package datanet_test

import (
	"testing"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

func TestCreateValidatesAndLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		var creator int64
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRowContext(ctx, `INSERT INTO members (public_id, email, name, password_hash, role, created_at) VALUES ('m-r', 'r@example.org', 'R', 'x', 'requester', 0) RETURNING id`).Scan(&creator)
		}); err != nil {
			t.Fatal(err)
		}
		s := datanet.NewService(db)
		good := datanet.Datanet{Slug: "roofs", Name: "Roofs", Domain: "drone images", Client: "Solar Co", Purpose: "find roofs for panels", Licence: "CC BY 4.0", RecordKind: datanet.KindImage}
		bad := good
		bad.Slug, bad.Client, bad.RecordKind = "Not A Slug", "", "video"
		_, err := s.Create(ctx, creator, bad)
		p, ok := problem.As(err)
		if !ok || p.Fields["slug"] == "" || p.Fields["client"] == "" || p.Fields["record_kind"] == "" {
			t.Fatalf("invalid datanet: %v", err)
		}
		d, err := s.Create(ctx, creator, good)
		if err != nil || d.ID == 0 || !d.Open {
			t.Fatalf("create: %+v %v", d, err)
		}
		if _, err := s.Create(ctx, creator, good); !problem.Is(err, problem.Conflict) {
			t.Fatalf("duplicate slug: %v", err)
		}
		list, err := s.List(ctx)
		if err != nil || len(list) != 1 || list[0].Client != "Solar Co" {
			t.Fatalf("list: %+v %v", list, err)
		}
	})
}
