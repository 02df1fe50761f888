package replay

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestReportReadsThePageTheReplayEndedOn: Options.Report is evaluated
// once every step has succeeded, on the page the flow ended on — after
// the navigation its last click started, without the recording asserting
// it — in a world the page's scripts cannot tamper with; an expression
// that throws is reported without failing the steps, and a failed replay
// reads nothing.
func TestReportReadsThePageTheReplayEndedOn(t *testing.T) {
	browser := testBrowser(t)
	s := newSite(t)
	submit := `{"type":"navigate","url":"` + recordedHost + `/forms.html"},
		{"type":"change","selectors":[["#name"]],"value":"Ada Lovelace"},
		{"type":"click","selectors":[["aria/Submit"]],"offsetX":5,"offsetY":5}`
	cases := []struct {
		name, steps, report string
		ok                  bool
		want, wantErr       string
	}{
		{name: "the page a click went on to", steps: submit, report: `document.querySelector('#echo').innerText`, ok: true, want: `"name=Ada+Lovelace&email=&bio=&age=&when="`},
		{name: "a form field's value", steps: `{"type":"navigate","url":"` + recordedHost + `/forms.html"},
			{"type":"change","selectors":[["#email"]],"value":"ada@example.org"}`, report: `document.querySelector('#email').value`, ok: true, want: `"ada@example.org"`},
		{name: "nothing found", steps: submit, report: `document.querySelector('#nowhere')`, ok: true, want: `null`},
		{name: "the page's globals are out of reach", steps: `{"type":"navigate","url":"` + recordedHost + `/forms.html"},
			{"type":"waitForExpression","expression":"(document.querySelector = () => null, window.secret = 'x', true)"}`,
			report: `[typeof window.secret, document.querySelector('h1').innerText]`, ok: true, want: `["undefined","Sign up"]`},
		{name: "an expression that throws", steps: submit, report: `nope.value`, ok: true, wantErr: "nope is not defined"},
		{name: "a failed replay", steps: `{"type":"navigate","url":"` + recordedHost + `/forms.html"},
			{"type":"waitForElement","selectors":[["#never"]]}`, report: `document.title`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := s.parse(t, `{"title":"report","timeout":2000,"steps":[`+c.steps+`]}`)
			res, err := RunIn(t.Context(), browser, rec, Options{Report: c.report})
			if err != nil {
				t.Fatalf("RunIn: %v", err)
			}
			if res.OK != c.ok {
				t.Fatalf("ok %v, want %v:\n%s", res.OK, c.ok, describe(res))
			}
			if !c.ok {
				if res.Report != nil || res.ReportError != "" {
					t.Fatalf("a failed replay reported %s %q", res.Report, res.ReportError)
				}
				return
			}
			if c.wantErr != "" {
				if !strings.Contains(res.ReportError, c.wantErr) || res.Report != nil {
					t.Fatalf("report %s, error %q, want an error saying %q", res.Report, res.ReportError, c.wantErr)
				}
				return
			}
			if res.ReportError != "" || !jsonEqual(t, res.Report, c.want) {
				t.Fatalf("report %s (error %q), want %s", res.Report, res.ReportError, c.want)
			}
		})
	}
}

func jsonEqual(t *testing.T, got json.RawMessage, want string) bool {
	t.Helper()
	var a, b any
	if err := json.Unmarshal(got, &a); err != nil {
		return false
	}
	if err := json.Unmarshal([]byte(want), &b); err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}
