package demo_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/demo"
)

// TestDemoCuratedDatanet: the demo's curator finds two accepted records,
// one of them gold, so the accepted list shows a gold mark and the button
// to mark one; four records wait, enough for a curator's day (accept one,
// reject the next, twice).
func TestDemoCuratedDatanet(t *testing.T) {
	a, err := app.Open(t.Context(), app.Config{DataDir: t.TempDir()}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := demo.Seed(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	rita, err := a.Members.ByEmail(t.Context(), "rita@example.org")
	if err != nil {
		t.Fatal(err)
	}
	list, total, gold, err := a.Datanets.Accepted(t.Context(), rita, demo.CuratedDatanet, 10)
	if err != nil || total != 2 || gold != 1 || len(list) != 2 {
		t.Fatalf("accepted: %d (%d gold) %+v %v", total, gold, list, err)
	}
	d, err := a.Datanets.BySlug(t.Context(), demo.CuratedDatanet)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := a.Datanets.Waiting(t.Context(), d); err != nil || n != 4 {
		t.Fatalf("%d records wait (%v), want 4", n, err)
	}
}
