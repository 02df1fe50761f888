package pages

import (
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/action"
)

// A free test run's page said "0.00 EUR — paid to the author and the
// treasury" (or "given back to you" when it failed): nothing moved, and
// the page now says so; a priced run still says where its price went.
func TestRunPageSaysWhereThePriceWent(t *testing.T) {
	p := testPages(slog.New(slog.DiscardHandler))
	tests := []struct {
		name        string
		run         action.Run
		want, never string
	}{
		{"free test run that succeeded", action.Run{ID: "x-1", Status: "ok", Test: true}, "free: nobody is paid", "paid to the author"},
		{"free test run that failed", action.Run{ID: "x-2", Status: "failed", Test: true}, "free: nobody is paid", "given back to you"},
		{"paid run that succeeded", action.Run{ID: "x-3", Status: "ok", Price: 100}, "1.00 EUR — paid to the author and the treasury", "free"},
		{"paid run that failed", action.Run{ID: "x-4", Status: "failed", Price: 100}, "1.00 EUR — given back to you", "free"},
		{"paid test run of a chain", action.Run{ID: "x-5", Status: "running", Price: 150, Test: true}, "1.50 EUR — held in escrow until the run ends", "free"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			data := map[string]any{"Run": tt.run, "Form": form{}}
			if err := p.render(w, httptest.NewRequest("GET", "/runs/"+tt.run.ID, nil), 200, "run.html", "Run", data); err != nil {
				t.Fatal(err)
			}
			body := w.Body.String()
			i := strings.Index(body, "<dt>Price</dt>")
			if i < 0 {
				t.Fatalf("no price on the page: %.2000s", body)
			}
			price := body[i:min(len(body), i+300)]
			price = price[:strings.Index(price, "</dd>")]
			if !strings.Contains(price, tt.want) || strings.Contains(price, tt.never) {
				t.Fatalf("the price reads %q; want %q and not %q", price, tt.want, tt.never)
			}
		})
	}
}
