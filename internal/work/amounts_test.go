package work_test

import (
	"math"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/work"
)

// TestProjectAmountsHaveARange: a project's pay per task and budget are
// refused outside their documented ranges, naming the field, and nothing
// of a refused project is stored.
func TestProjectAmountsHaveARange(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	for _, tt := range []struct {
		name        string
		pay, budget int64
		field       string
	}{
		{"the limits", points.MaxPrice, points.MaxBudget, ""},
		{"no budget yet", 10, 0, ""},
		{"a budget at the int64 maximum", 10, math.MaxInt64, "budget"},
		{"a budget one point too large", 10, points.MaxBudget + 1, "budget"},
		{"a negative budget", 10, -1, "budget"},
		{"pay at the int64 maximum", math.MaxInt64, 1000, "pay_per_task"},
		{"pay one point too large", points.MaxPrice + 1, 1000, "pay_per_task"},
		{"no pay", 0, 1000, "pay_per_task"},
		{"pay at the int64 minimum", math.MinInt64, 1000, "pay_per_task"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			slug := strings.ReplaceAll(strings.ToLower(tt.name), " ", "-")
			p := work.Project{Slug: slug, Name: "Sentiment", Client: "Shop Co", Purpose: "rank reviews", Instructions: "Pick one.",
				TaskType: work.TextClassification, Labels: []string{"positive", "negative"}, EstSeconds: 20, PayPerTask: tt.pay, Budget: tt.budget}
			_, err := e.s.Create(t.Context(), e.as("rita"), p)
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if pr, ok := problem.As(err); !ok || pr.Kind != problem.Invalid || pr.Fields[tt.field] == "" {
				t.Fatalf("%v, want invalid %s", err, tt.field)
			}
			if _, err := e.s.BySlug(t.Context(), slug); !problem.Is(err, problem.NotFound) {
				t.Fatalf("the refused project was stored: %v", err)
			}
		})
	}
}

// TestEscrowCheckDoesNotWrap: a pay per task stored before pay had a
// range (set here by hand) must not make the escrow check's product wrap
// around to a small number and hand out work the escrow cannot pay.
func TestEscrowCheckDoesNotWrap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.project(t, work.Project{PayPerTask: 10, EstSeconds: 20, ReviewHours: 24, Redundancy: 2}, 3, nil, nil)
		if _, err := e.s.Next(t.Context(), e.ids["ada"], p.Slug); err != nil {
			t.Fatal(err)
		}
		// With one task open, (1+1) × MaxInt64 wraps to −2 in int64.
		if err := db.InTx(t.Context(), func(tx *store.Tx) error {
			_, err := tx.ExecContext(t.Context(), `UPDATE projects SET pay_per_task = $1 WHERE id = $2`, int64(math.MaxInt64), p.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Next(t.Context(), e.ids["bob"], p.Slug); !problem.Is(err, problem.Conflict) {
			t.Fatalf("a task the escrow cannot pay was handed out: %v", err)
		}
	})
}
