package pages

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
)

// FuzzMarketForms sends what a person can type into the compose and
// samples forms: the parsers never panic, refuse only with an Invalid
// problem naming a field, keep what was typed, and read every samples
// line as one trimmed name and value.
func FuzzMarketForms(f *testing.F) {
	for _, seed := range []string{"", "number = 1Z9", "a=b\nc = d", "no equals", "=x", "a==b", "\x00", "\xff", " 3.50 ", "-1"} {
		f.Add(seed, seed)
	}
	f.Fuzz(func(t *testing.T, samples, other string) {
		v := url.Values{}
		for _, k := range []string{"id", "title", "description", "price_per_run", "part_0", "output_0", "input_1", "part_1", "sample_number", "sample_" + other} {
			v.Set(k, other)
		}
		v.Set("samples", samples)
		r := httptest.NewRequest("POST", "/", strings.NewReader(v.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if err := r.ParseForm(); err != nil {
			t.Fatal(err)
		}
		c, fm, err := compositionForm(r, points.DefaultCurrency)
		if err != nil {
			if pr, ok := problem.As(err); !ok || pr.Kind != problem.Invalid || len(pr.Fields) == 0 {
				t.Fatalf("the compose form refused with %v", err)
			}
		} else {
			for name, value := range c.Samples {
				if strings.Contains(name, "=") || name != strings.TrimSpace(name) || value != strings.TrimSpace(value) {
					t.Fatalf("samples line read as %q = %q", name, value)
				}
			}
		}
		if fm.Value("samples") != strings.TrimSpace(v.Get("samples")) {
			t.Fatalf("the compose form lost the samples %q", v.Get("samples"))
		}
		got, sf := samplesForm(r)
		if sf.Value("panel") != "samples" || sf.Value("sample_number") != v.Get("sample_number") {
			t.Fatalf("the samples form lost what was typed: %+v", sf.Values)
		}
		if strings.TrimSpace(v.Get("sample_number")) == "" && got["number"] != "" {
			t.Fatal("an empty sample became a value")
		}
	})
}
