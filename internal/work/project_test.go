package work_test

import (
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/work"
)

func TestProjectsNeedApprovalBeforeWorkersSeeThem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		var requester int64
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRowContext(ctx, `INSERT INTO members (public_id, email, name, password_hash, role, created_at) VALUES ('m-r', 'r@example.org', 'R', 'x', 'requester', 0) RETURNING id`).Scan(&requester)
		}); err != nil {
			t.Fatal(err)
		}
		blobs, err := store.OpenBlobs(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		s := work.NewService(db, blobs)
		_, err = s.Create(ctx, requester, work.Project{Slug: "x", TaskType: "dance", PayPerTask: -1})
		p, ok := problem.As(err)
		if !ok || p.Fields["task_type"] == "" || p.Fields["pay_per_task"] == "" || p.Fields["client"] == "" || p.Fields["labels"] == "" {
			t.Fatalf("invalid project: %v", err)
		}
		proj, err := s.Create(ctx, requester, work.Project{Slug: "cats", Name: "Cats", Client: "Vet AI", Purpose: "triage", TaskType: work.ImageClassification,
			Labels: []string{"cat", "dog"}, Instructions: "pick one", PayPerTask: 30})
		if err != nil {
			t.Fatal(err)
		}
		if proj.Redundancy != 3 {
			t.Fatalf("default redundancy = %d, want 3", proj.Redundancy)
		}
		if err := s.AddImage(ctx, proj.ID, "a.jpg", "image/jpeg", 10, 10, strings.NewReader("not really a jpeg")); err != nil {
			t.Fatal(err)
		}
		if list, _ := s.Approved(ctx); len(list) != 0 {
			t.Fatalf("a draft project is visible to workers: %+v", list)
		}
		if err := s.Approve(ctx, proj.ID); err != nil {
			t.Fatal(err)
		}
		list, err := s.Approved(ctx)
		if err != nil || len(list) != 1 || list[0].Items != 1 || list[0].Labels[1] != "dog" {
			t.Fatalf("approved: %+v %v", list, err)
		}
	})
}
