package recording

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustParse(t testing.TB, data []byte) Recording {
	t.Helper()
	r, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return r
}

// sameJSON reports whether a and b hold the same JSON value, whatever the
// spacing and key order.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, a)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return reflect.DeepEqual(va, vb)
}

// Files exported by Chrome's Recorder import and export back with the same
// meaning, every field included.
func TestChromeExportsRoundTrip(t *testing.T) {
	for _, name := range []string{"chrome_search.json", "chrome_all_steps.json", "chrome_unknown_fields.json"} {
		t.Run(name, func(t *testing.T) {
			data := readTestdata(t, name)
			r := mustParse(t, data)
			out, err := r.Export()
			if err != nil {
				t.Fatal(err)
			}
			if !sameJSON(t, data, out) {
				t.Fatalf("export differs from the file:\n%s", out)
			}
			if !strings.HasPrefix(string(out), "{\n    \"title\"") || !strings.HasSuffix(string(out), "}\n") {
				t.Errorf("export is not indented as Chrome writes it:\n%.80s", out)
			}
		})
	}
}

func TestParseChromeSearch(t *testing.T) {
	r := mustParse(t, readTestdata(t, "chrome_search.json"))
	if r.Title != "Search the cooperative's datanets" || len(r.Steps) != 7 || r.Allmende != nil {
		t.Fatalf("title %q, %d steps, allmende %v", r.Title, len(r.Steps), r.Allmende)
	}
	vp := r.Steps[0]
	if vp.Type != StepSetViewport || vp.Width != 1280 || vp.Height != 720 || vp.DeviceScaleFactor != 1 || vp.IsMobile {
		t.Errorf("setViewport: %+v", vp)
	}
	nav := r.Steps[1]
	if nav.URL != "https://coop.example/datanets" || len(nav.AssertedEvents) != 1 || nav.AssertedEvents[0].Title != "Datanets · Allmende" {
		t.Errorf("navigate: %+v", nav)
	}
	click := r.Steps[2]
	want := []Selector{{"aria/Search datanets"}, {"#search"}, {`xpath///*[@id="search"]`}, {"pierce/#search"}}
	if !reflect.DeepEqual(click.Selectors, want) || click.OffsetX != 87.5 || click.OffsetY != 14 || !click.IsMain() {
		t.Errorf("click: %+v", click)
	}
	if r.Steps[3].Value != "street photos" || r.Steps[4].Key != "Enter" || r.Steps[5].Type != StepKeyUp {
		t.Errorf("change/keys: %+v %+v", r.Steps[3], r.Steps[4])
	}
	if ev := r.Steps[6].AssertedEvents; len(ev) != 1 || ev[0].URL != "https://coop.example/datanets/street-photos" {
		t.Errorf("asserted navigation of the last click: %+v", ev)
	}
	if err := r.CheckBound(); err != nil {
		t.Errorf("a plain Recorder file needs no binding: %v", err)
	}
}

func TestParseAllStepTypes(t *testing.T) {
	r := mustParse(t, readTestdata(t, "chrome_all_steps.json"))
	if r.Timeout != 7000 || r.SelectorAttribute != "data-testid" {
		t.Errorf("timeout %d, selectorAttribute %q", r.Timeout, r.SelectorAttribute)
	}
	s := r.Steps
	if s[1].Type != StepEmulateNetworkConditions || s[1].Download != 50000 || s[1].Latency != 2000 {
		t.Errorf("emulateNetworkConditions: %+v", s[1])
	}
	if s[3].Button != "primary" || s[3].DeviceType != "mouse" || s[3].Duration != 50 {
		t.Errorf("doubleClick: %+v", s[3])
	}
	if !reflect.DeepEqual(s[4].Frame, []int{0}) || s[4].Button != "secondary" {
		t.Errorf("click in a frame: %+v", s[4])
	}
	if !reflect.DeepEqual(s[5].Selectors[0], Selector{"my-widget", "button.inner"}) || s[5].Selectors[0].String() != "my-widget >>>> button.inner" {
		t.Errorf("shadow chain: %+v", s[5].Selectors)
	}
	if s[7].X == nil || *s[7].X != 0 || *s[7].Y != 1200 || s[7].Selectors != nil {
		t.Errorf("window scroll: %+v", s[7])
	}
	w := s[9]
	if w.Operator != "==" || *w.Count != 3 || !*w.Visible || w.Attributes["data-state"] != "done" ||
		string(w.Properties) != `{"dataset":{"state":"done"}}` || w.Timeout != 10000 {
		t.Errorf("waitForElement: %+v", w)
	}
	if s[12].Target != "https://coop.example/help" || s[12].IsMain() || s[13].Type != StepClose {
		t.Errorf("popup steps: %+v %+v", s[12], s[13])
	}
	if s[14].Name != "screenshot" || string(s[14].CustomParameters) != `{"path":"done.png"}` {
		t.Errorf("customStep: %+v", s[14])
	}
}

func TestParseKeepsUnknownFields(t *testing.T) {
	r := mustParse(t, readTestdata(t, "chrome_unknown_fields.json"))
	if string(r.Extra["recorderVersion"]) != `"2.4"` || string(r.Extra["labels"]) != `["smoke","<nightly> & weekly"]` {
		t.Errorf("top-level extras: %s", r.Extra)
	}
	if string(r.Steps[0].Extra["description"]) != `"open the start page"` {
		t.Errorf("step extras: %s", r.Steps[0].Extra)
	}
	if string(r.Steps[0].AssertedEvents[0].Extra["statusCode"]) != "200" {
		t.Errorf("asserted event extras: %s", r.Steps[0].AssertedEvents[0].Extra)
	}
	// "url" is not a field of click steps: kept, not acted on.
	if r.Steps[1].URL != "" || string(r.Steps[1].Extra["url"]) != `"a field click steps do not have"` {
		t.Errorf("click with a url: URL %q, extras %s", r.Steps[1].URL, r.Steps[1].Extra)
	}
}

func TestParseProblems(t *testing.T) {
	const ok = `{"type":"navigate","url":"https://a.example/"}`
	doc := func(steps ...string) string {
		return `{"title":"t","steps":[` + strings.Join(steps, ",") + `]}`
	}
	tests := []struct {
		name string
		in   string
		want []string // every problem, in order
	}{
		{"unknown step type", doc(ok, `{"type":"teleport"}`),
			[]string{`step 1 (teleport): type: unknown step type "teleport"`}},
		{"step without type", doc(`{"url":"x"}`),
			[]string{"step 0: type: missing"}},
		{"step not an object", doc(`[1]`),
			[]string{"step 0: must be an object"}},
		{"click without selectors and offsets", doc(`{"type":"click"}`),
			[]string{"step 0 (click): selectors: missing", "step 0 (click): offsetX: missing", "step 0 (click): offsetY: missing"}},
		{"empty selectors", doc(`{"type":"hover","selectors":[]}`),
			[]string{"step 0 (hover): selectors: at least one selector is needed"}},
		{"bad selectors", doc(`{"type":"hover","selectors":[[],"",["#a",""],5,"css/div","aria/","xpath/","aria/x[level=\"2\"]"]}`),
			[]string{
				"step 0 (hover): selectors[0]: an empty array is not a selector",
				"step 0 (hover): selectors[1]: empty selector",
				"step 0 (hover): selectors[2][1]: empty selector",
				"step 0 (hover): selectors[3]: must be a string or an array of strings",
				`step 0 (hover): selectors[4]: unknown selector prefix "css/"`,
				"step 0 (hover): selectors[5]: aria selector names neither",
				`step 0 (hover): selectors[6]: "xpath/" selector is empty`,
				`step 0 (hover): selectors[7]: unknown aria attribute "level"`,
			}},
		{"navigate without url", doc(`{"type":"navigate"}`, `{"type":"navigate","url":""}`, `{"type":"navigate","url":5}`),
			[]string{"step 0 (navigate): url: missing", "step 1 (navigate): url: must not be empty", "step 2 (navigate): url: must be a string"}},
		{"change without value", doc(`{"type":"change","selectors":["#a"]}`),
			[]string{"step 0 (change): value: missing"}},
		{"keys", doc(`{"type":"keyDown"}`, `{"type":"keyUp","key":""}`),
			[]string{"step 0 (keyDown): key: missing", "step 1 (keyUp): key: must not be empty"}},
		{"frame", doc(`{"type":"click","selectors":["#a"],"offsetX":1,"offsetY":1,"frame":"0"}`,
			`{"type":"click","selectors":["#a"],"offsetX":1,"offsetY":1,"frame":[0,1.5,-1]}`),
			[]string{"step 0 (click): frame: must be an array of frame indexes",
				"step 1 (click): frame[1]: must be a frame index", "step 1 (click): frame[2]: must be a frame index"}},
		{"click attributes", doc(`{"type":"click","selectors":["#a"],"offsetX":"1","offsetY":1,"button":"left","deviceType":"finger","duration":-5}`),
			[]string{"step 0 (click): offsetX: must be a number", `step 0 (click): button: "left" is not one of primary`,
				`step 0 (click): deviceType: "finger" is not one of mouse`, "step 0 (click): duration: must not be negative"}},
		{"timeouts", `{"title":"t","timeout":0,"steps":[{"type":"close","timeout":30001},{"type":"close","timeout":2.5}]}`,
			[]string{"timeout: 0 is not between 1 and 30000", "step 0 (close): timeout: 30001 is not between", "step 1 (close): timeout: 2.5 is not a whole number"}},
		{"setViewport", doc(`{"type":"setViewport","width":0,"height":720.5,"deviceScaleFactor":1,"isMobile":"no","hasTouch":false}`),
			[]string{"step 0 (setViewport): isMobile: must be true or false", "step 0 (setViewport): isLandscape: missing",
				"step 0 (setViewport): width: 0 is not a whole number of pixels", "step 0 (setViewport): height: 720.5 is not a whole number"}},
		{"waitForElement", doc(`{"type":"waitForElement","selectors":["#a"],"operator":">","count":-1,"visible":1,"attributes":{"a":1},"properties":[]}`),
			[]string{`step 0 (waitForElement): operator: ">" is not one of`, "step 0 (waitForElement): count: must not be negative",
				"step 0 (waitForElement): visible: must be true or false", "step 0 (waitForElement): attributes: must be an object whose values are strings",
				"step 0 (waitForElement): properties: must be an object"}},
		{"waitForExpression", doc(`{"type":"waitForExpression"}`), []string{"step 0 (waitForExpression): expression: missing"}},
		{"customStep", doc(`{"type":"customStep"}`), []string{"step 0 (customStep): name: missing"}},
		{"asserted events", doc(`{"type":"navigate","url":"u","assertedEvents":[{"type":"alert"},{"url":1},3]}`),
			[]string{`step 0 (navigate): assertedEvents[0].type: "alert" is not an event`,
				"step 0 (navigate): assertedEvents[1].type: missing", "step 0 (navigate): assertedEvents[1].url: must be a string",
				"step 0 (navigate): assertedEvents[2]: must be an object"}},
		{"top level", `{"steps":{},"timeout":"5"}`,
			[]string{"title: missing", "timeout: must be a number", "steps: must be an array of steps"}},
		{"no steps", `{"title":"t"}`, []string{"steps: missing"}},
		{"not JSON", `{"title":"t",}`, []string{"not a recording: invalid JSON at line 1, column 14"}},
		{"not an object", `[1,2]`, []string{"not a recording: the file must hold one JSON object"}},
		{"null", `null`, []string{"not a recording: null is not an object"}},
		{"invalid UTF-8", "{\"title\":\"\xff\",\"steps\":[]}", []string{"not valid UTF-8"}},
		{"allmende object", `{"title":"t","steps":[` + ok + `,{"type":"change","selectors":["#a"],"value":"{{pw}} {{city}}"}],
			"allmende":{"version":2,"viewport":{"width":-1,"height":1},"parameters":[{"name":"city"},{"name":"City"},{"name":"city","default":"a\nb"}],
			"masked":[0,1,1,7],"events":[{"kind":"tap","t":0},{"kind":"click","t":-1},{"kind":"keydown","t":5,"key":"q","text":"hello"}],"extra":1}}`,
			[]string{
				"allmende.version: version 2 is not supported",
				"allmende.viewport: -1×1 is not a viewport size",
				`allmende.parameters[1].name: "City" is not a parameter name`,
				`allmende.parameters[2].name: parameter "city" is declared twice`,
				"allmende.parameters[2].default: contains the control character U+000A",
				"allmende.masked[0]: step 0 is a navigate step; only change steps",
				"allmende.masked[2]: step 1 is listed twice",
				"allmende.masked[3]: 7 is not the index of a step",
				`allmende.events[0].kind: "tap" is not an event kind`,
				"allmende.events[1].t: -1 ms is not between 0",
				`allmende.events[2].key: "q" is not a key class`,
				"allmende.events[2].text: unknown field",
				"allmende.events: viewport width -1: value out of range",
				"allmende.extra: unknown field",
				"step 1 (change): value: {{pw}} names no parameter declared",
			}},
		{"behaviour order", `{"title":"t","steps":[],"allmende":{"version":1,"events":[{"kind":"click","t":5},{"kind":"click","t":4}]}}`,
			[]string{"allmende.events: event 1 (click): time 4ms after 5ms: time goes backwards"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			var errs *Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Parse: got %v, want *Errors", err)
			}
			if len(errs.List) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(errs.List), len(tt.want), err)
			}
			for i, want := range tt.want {
				if got := errs.List[i].Error(); !strings.Contains(got, want) {
					t.Errorf("problem %d:\n got %q\nwant %q", i, got, want)
				}
			}
		})
	}
}

// Placeholders are text in a plain Recorder file: only the allmende object
// makes them parameters.
func TestPlaceholdersNeedTheExtension(t *testing.T) {
	r := mustParse(t, []byte(`{"title":"t","steps":[{"type":"change","selectors":["#a"],"value":"{{name}}"}]}`))
	if r.Steps[0].Value != "{{name}}" || r.CheckBound() != nil {
		t.Fatalf("value %q, CheckBound %v", r.Steps[0].Value, r.CheckBound())
	}
}

func TestParseLimits(t *testing.T) {
	big := make([]byte, MaxBytes+1)
	if _, err := Parse(big); err == nil || !strings.Contains(err.Error(), "at most 10485760 are accepted") {
		t.Errorf("too large: %v", err)
	}
	steps := strings.Repeat(`{"type":"close"},`, MaxSteps)
	_, err := Parse([]byte(`{"title":"t","steps":[` + steps + `{"type":"close"}]}`))
	if err == nil || !strings.Contains(err.Error(), "5001 steps, at most 5000") {
		t.Errorf("too many steps: %v", err)
	}
	mustParse(t, []byte(`{"title":"t","steps":[`+strings.TrimSuffix(steps, ",")+`]}`))

	// Problems are collected, not just the first, up to MaxErrors.
	bad := strings.Repeat(`{"type":"click"},`, 40)
	_, err = Parse([]byte(`{"title":"t","steps":[` + bad + `{"type":"close"}]}`))
	var errs *Errors
	if !errors.As(err, &errs) || len(errs.List) != MaxErrors+1 {
		t.Fatalf("got %v", err)
	}
	if last := errs.List[MaxErrors].Error(); last != "70 more problems not listed" {
		t.Errorf("last line %q", last)
	}
}
