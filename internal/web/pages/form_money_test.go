package pages

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
)

// postForm is a form as a browser sends one with a file input: multipart.
func postForm(t *testing.T, v url.Values) *http.Request {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range v {
		for _, x := range vs {
			if err := mw.WriteField(k, x); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("POST", "/", &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestMoneyFormsTakeTheCurrency: every form that takes an amount reads it
// as money in the cooperative's currency ("12.50" EUR is 1250 points, and
// "12.5" with three decimals is 12500), and refuses a negative amount, too
// many decimals, an amount beyond the field's range, letters and "1,2,3"
// with an error on that field that says what is allowed.
func TestMoneyFormsTakeTheCurrency(t *testing.T) {
	eur := points.DefaultCurrency
	milli := points.Currency{Code: "USD", Decimals: 3}
	type parsed struct {
		v     int64
		field string
		err   error
	}
	forms := map[string]func(c points.Currency, typed string) parsed{
		"project pay": func(c points.Currency, typed string) parsed {
			p, _, f, err := projectForm(postForm(t, url.Values{"pay_per_task": {typed}, "budget": {"100"}}), c)
			return parsed{p.PayPerTask, f.Errors["pay_per_task"], err}
		},
		"project budget": func(c points.Currency, typed string) parsed {
			p, _, f, err := projectForm(postForm(t, url.Values{"pay_per_task": {"1"}, "budget": {typed}}), c)
			return parsed{p.Budget, f.Errors["budget"], err}
		},
		"project edit pay": func(c points.Currency, typed string) parsed {
			ch, f, err := projectEditForm(postForm(t, url.Values{"pay_per_task": {typed}}), c)
			var v int64
			if ch.PayPerTask != nil {
				v = *ch.PayPerTask
			}
			return parsed{v, f.Errors["pay_per_task"], err}
		},
		"model price per call": func(c points.Currency, typed string) parsed {
			m, _, err := modelForm(postForm(t, url.Values{"price_per_call": {typed}}), c)
			pr, _ := problem.As(err)
			var field string
			if pr != nil {
				field = pr.Fields["price_per_call"]
			}
			return parsed{m.PricePerCall, field, err}
		},
		"automation price": func(c points.Currency, typed string) parsed {
			p, _, err := publicationForm(postForm(t, url.Values{"price_per_run": {typed}}), c)
			pr, _ := problem.As(err)
			var field string
			if pr != nil {
				field = pr.Fields["price_per_run"]
			}
			return parsed{p.PricePerRun, field, err}
		},
	}
	for name, read := range forms {
		for _, tt := range []struct {
			c     points.Currency
			typed string
			want  int64
			bad   string
		}{
			{eur, "12.50", 1250, ""},
			{eur, "12.5 EUR", 1250, ""},
			{eur, "1,000", 100000, ""},
			{milli, "12.5", 12500, ""},
			{eur, "-3", 0, "not a negative amount"},
			{eur, "0.001", 0, "at most 2 decimals"},
			{eur, "1,2,3", 0, "a point before the decimals"},
			{eur, "twelve", 0, "an amount in EUR"},
			{eur, "99999999999999999999", 0, "between "},
			{eur, "20,000,000,000.00", 0, "between "},
		} {
			got := read(tt.c, tt.typed)
			if tt.bad == "" {
				if got.field != "" || got.v != tt.want {
					t.Errorf("%s: %q in %s read as %d (%q), want %d", name, tt.typed, tt.c.Code, got.v, got.field, tt.want)
				}
				continue
			}
			if pr, ok := problem.As(got.err); !ok || pr.Kind != problem.Invalid {
				t.Errorf("%s: %q refused with %v, want an Invalid problem", name, tt.typed, got.err)
			}
			if !strings.Contains(got.field, tt.bad) {
				t.Errorf("%s: %q: field error %q, want it to say %q", name, tt.typed, got.field, tt.bad)
			}
		}
	}
}

// TestProposalMoneyValues: a binding proposal on the pay floor takes its
// values in the currency; one on a share keeps basis points.
func TestProposalMoneyValues(t *testing.T) {
	base := url.Values{"title": {"t"}, "text": {"x"}, "mode": {"member"}, "quorum": {"30"}, "days": {"7"}, "option_0": {"raise"}, "option_1": {"keep"}, "status_quo": {"1"}}
	v := url.Values{}
	for k, vs := range base {
		v[k] = vs
	}
	v.Set("param", string(coop.PayFloor))
	v.Set("value_0", "16.50")
	d, _, err := proposalForm(postForm(t, v), time.Now(), points.DefaultCurrency)
	if err != nil || d.Options[0].Value == nil || *d.Options[0].Value != 1650 {
		t.Fatalf("pay floor 16.50: %+v, %v; want 1650 points", d.Options, err)
	}
	v.Set("value_0", "1000.01")
	if _, _, err := proposalForm(postForm(t, v), time.Now(), points.DefaultCurrency); err == nil {
		t.Fatal("a pay floor beyond its limit accepted")
	} else if pr, _ := problem.As(err); !strings.Contains(pr.Fields["options"], "option 1: between 0.00 and 1,000.00 EUR") {
		t.Fatalf("pay floor 1000.01: %v", pr.Fields)
	}
	v.Set("value_0", "16,5")
	if _, f, err := proposalForm(postForm(t, v), time.Now(), points.DefaultCurrency); err == nil {
		t.Fatalf("pay floor 16,5 accepted: %+v", f)
	} else if pr, _ := problem.As(err); !strings.Contains(pr.Fields["options"], "option 1: a point before the decimals") {
		t.Fatalf("pay floor 16,5: %v", pr.Fields)
	}
	v.Set("param", string(coop.ContributorShare))
	v.Set("value_0", "7500")
	d, _, err = proposalForm(postForm(t, v), time.Now(), points.DefaultCurrency)
	if err != nil || *d.Options[0].Value != 7500 {
		t.Fatalf("share 7500: %+v, %v", d.Options, err)
	}
}
