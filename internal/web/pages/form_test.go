package pages

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
)

// FuzzForms sends what a person can type into every form field the
// parsers read: whatever it is, a parser never panics, refuses only with
// an Invalid problem that names a field, keeps what was typed for the form
// to show again, and never echoes a model's upstream key.
func FuzzForms(f *testing.F) {
	for _, seed := range []string{"", "x", "12", "-1", "0.5", "NaN", "1e309", "9223372036854775808", " 7 ", "a,b\nc", "\x00", "\xff", "{{.}}", "<b>",
		`{"boxes":[],"polygons":[]}`, `{"boxes":[{"label":"a","x":1,"y":1,"w":2,"h":2}]}`, `{"boxes":null}`} {
		f.Add(seed, uint8(0))
		f.Add(seed, uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, which uint8) {
		v := url.Values{}
		for _, k := range []string{"slug", "name", "domain", "client", "purpose", "licence", "reward_rules", "record_kind", "fields", "labels",
			"near_duplicate", "id", "kind", "upstream_url", "upstream_model", "price_per_call", "price_per_1k_tokens", "datanets",
			"title", "text", "mode", "param", "quorum", "days", "status_quo", "option_0", "value_0", "option_1", "value_1",
			"invite_quota", "role", "description", "price_per_run", "label", "choice", "reason", "param_x", "email", "next", "code", "answer", "nothing"} {
			if int(which)%3 == 0 || len(k)%3 == int(which)%3 {
				v.Set(k, s)
			}
		}
		v.Set("upstream_key", "sk-secret-"+s)
		r := httptest.NewRequest("POST", "/", strings.NewReader(v.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if err := r.ParseForm(); err != nil {
			t.Fatal(err)
		}
		refused := func(what string, err error) {
			t.Helper()
			if err == nil {
				return
			}
			pr, ok := problem.As(err)
			if !ok || pr.Kind != problem.Invalid || (pr.Message == "" && len(pr.Fields) == 0) {
				t.Fatalf("%s refused %q with %v, not an Invalid problem that says what", what, s, err)
			}
		}
		_, f1, err := datanetForm(r, points.DefaultCurrency)
		refused("the datanet form", err)
		if f1.Value("name") != v.Get("name") {
			t.Fatalf("the datanet form lost the name %q", v.Get("name"))
		}
		_, f2, err := modelForm(r, points.DefaultCurrency)
		refused("the model form", err)
		if f2.Value("upstream_key") != "" {
			t.Fatal("the model form echoes the upstream key")
		}
		_, f3, err := proposalForm(r, time.Now(), points.DefaultCurrency)
		refused("the proposal form", err)
		if f3.Value("title") != strings.TrimSpace(v.Get("title")) {
			t.Fatalf("the proposal form lost the title %q", v.Get("title"))
		}
		_, err = memberForm(r)
		refused("the member form", err)
		_, f4, err := publicationForm(r, points.DefaultCurrency)
		refused("the publication form", err)
		if f4.Value("title") != strings.TrimSpace(v.Get("title")) {
			t.Fatalf("the publication form lost the title %q", v.Get("title"))
		}
		// An annotation tool's answer is refused only for a drawing that
		// contradicts "nothing to label here", naming the field.
		_, err = answerForm(r)
		refused("the answer form", err)
		if got := runForm(r)["x"]; got != v.Get("param_x") {
			t.Fatalf("the run form read param_x as %q", got)
		}
		email, _, f5 := signinForm(r)
		if f5.Value("email") != email || f5.Value("next") != v.Get("next") {
			t.Fatalf("the sign-in form lost what was typed: %+v", f5)
		}
		su, f6 := signupForm(r)
		if f6.Value("code") != su.Code || f6.Value("password") != "" {
			t.Fatalf("the sign-up form: %+v", f6)
		}
	})
}
