package model_test

import (
	"testing"

	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestRecordCallsLinkEachPaymentToItsSplit: the calls that paid one of
// ada's records are listed newest first, a page at a time, each with the
// reward.split event whose receipt proves her share; the record is hers
// alone to look at.
func TestRecordCallsLinkEachPaymentToItsSplit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		if _, err := e.s.Create(ctx, e.as("stella"), model.Model{Slug: "tenancy-helper", Name: "Tenancy helper", Kind: model.Retrieval, PricePerCall: 100, Datanets: []string{"tenancy"}}); err != nil {
			t.Fatal(err)
		}
		var events []string
		for range 3 {
			res, err := e.s.Complete(ctx, e.client(), ask("My landlord wants to keep my deposit, may he?"), nil)
			if err != nil || res.Attribution.EventID == "" {
				t.Fatalf("call: %+v %v", res.Attribution, err)
			}
			events = append(events, res.Attribution.EventID)
		}
		var got []model.RecordCall
		page := store.Page{Limit: 2}
		var sum model.RecordEarning
		for range 5 {
			re, list, next, err := e.s.RecordCalls(ctx, e.ids["ada"], e.recs["ada"], page)
			if err != nil {
				t.Fatal(err)
			}
			sum = re
			got = append(got, list...)
			if next == "" {
				break
			}
			page.Before = next
		}
		if sum.Calls != 3 || sum.Datanet != "Tenancy" || sum.Models != "Tenancy helper" || sum.Points <= 0 {
			t.Fatalf("the record's totals: %+v", sum)
		}
		if len(got) != 3 {
			t.Fatalf("%d calls listed, want 3: %+v", len(got), got)
		}
		var paid int64
		for i, c := range got {
			if c.EventID != events[len(events)-1-i] || c.Slug != "tenancy-helper" || c.Amount <= 0 || c.CreatedAt.IsZero() {
				t.Fatalf("call %d: %+v, want event %s", i, c, events[len(events)-1-i])
			}
			paid += c.Amount
		}
		if paid != sum.Points {
			t.Fatalf("the calls paid %d, the record's total says %d", paid, sum.Points)
		}
		for _, tt := range []struct {
			name   string
			member string
			record string
		}{
			{"bob asks for ada's record", "bob", e.recs["ada"]},
			{"a record no model used", "bob", e.recs["bob"] + "x"},
			{"not a record id", "ada", "c-\x00"},
		} {
			if _, _, _, err := e.s.RecordCalls(ctx, e.ids[tt.member], tt.record, store.Page{}); !problem.Is(err, problem.NotFound) {
				t.Errorf("%s: %v, want not found", tt.name, err)
			}
		}
	})
}
