package pages

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/problem"
)

// FuzzGoldForm: whatever the gold form sends reads as on, as off, or as a
// problem naming the field — never as a mark nobody asked for.
func FuzzGoldForm(f *testing.F) {
	for _, s := range []string{"on", "off", " on ", "", "true", "ON", "\x00", "on\noff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(url.Values{"gold": {s}, "datanet": {"advice"}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if err := r.ParseForm(); err != nil {
			t.Fatal(err)
		}
		gold, _, err := goldForm(r)
		switch strings.TrimSpace(s) {
		case "on":
			if err != nil || !gold {
				t.Fatalf("%q: %v %v, want gold", s, gold, err)
			}
		case "off":
			if err != nil || gold {
				t.Fatalf("%q: %v %v, want not gold", s, gold, err)
			}
		default:
			if p, ok := problem.As(err); !ok || p.Kind != problem.Invalid || p.Fields["gold"] == "" || gold {
				t.Fatalf("%q: %v %v, want a problem naming gold", s, gold, err)
			}
		}
	})
}
