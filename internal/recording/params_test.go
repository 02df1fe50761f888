package recording

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// cityWithPassword is allmende_city.json with its masked password step made
// a parameter, so that it can be bound.
func cityWithPassword(t *testing.T) Recording {
	t.Helper()
	data := string(readTestdata(t, "allmende_city.json"))
	data = strings.Replace(data, `"value": "",`, `"value": "{{password}}",`, 1)
	data = strings.Replace(data, `"label": "User name"
            }`, `"label": "User name"
            },
            {
                "name": "password"
            }`, 1)
	return mustParse(t, []byte(data))
}

func TestParameters(t *testing.T) {
	r := mustParse(t, readTestdata(t, "allmende_city.json"))
	want := []Parameter{{Name: "city", Label: "City", Default: "Berlin"}, {Name: "user", Label: "User name"}}
	if got := r.Parameters(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Parameters: %+v", got)
	}
	if !reflect.DeepEqual(r.Allmende.Masked, []int{4}) || r.Allmende.Recorder != "allmende-extension/0.1" {
		t.Errorf("extension: %+v", r.Allmende)
	}
	if (Recording{}).Parameters() != nil {
		t.Error("a plain recording has parameters")
	}
}

func TestBind(t *testing.T) {
	r := cityWithPassword(t)
	if err := r.CheckBound(); err == nil || !strings.Contains(err.Error(), "the recording has parameters (city, user, password); bind them first") {
		t.Fatalf("CheckBound before Bind: %v", err)
	}
	b, err := r.Bind(map[string]string{"user": "ada", "password": "p4ss wörd", "city": "Bad Homburg/Höhe"})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.CheckBound(); err != nil {
		t.Fatalf("CheckBound after Bind: %v", err)
	}
	nav := b.Steps[1]
	if nav.URL != "https://weather.example/Bad%20Homburg%2FH%C3%B6he" {
		t.Errorf("url: %q", nav.URL)
	}
	if ev := nav.AssertedEvents[0]; ev.URL != nav.URL || ev.Title != "Weather in Bad Homburg/Höhe" {
		t.Errorf("asserted event: %+v", ev)
	}
	if b.Steps[3].Value != "ada" || b.Steps[4].Value != "p4ss wörd" || b.Steps[5].Value != "Bad Homburg/Höhe Mitte" {
		t.Errorf("values: %q %q %q", b.Steps[3].Value, b.Steps[4].Value, b.Steps[5].Value)
	}
	// The original is untouched.
	if r.Steps[1].URL != "https://weather.example/{{city}}" || r.Steps[1].AssertedEvents[0].Title != "Weather in {{city}}" {
		t.Errorf("Bind changed its receiver: %+v", r.Steps[1])
	}

	// Defaults fill what values leave out.
	d, err := r.Bind(map[string]string{"user": "ada", "password": "x"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Steps[5].Value != "Berlin Mitte" {
		t.Errorf("default: %q", d.Steps[5].Value)
	}
}

func TestBindProblems(t *testing.T) {
	masked := mustParse(t, readTestdata(t, "allmende_city.json"))
	tests := []struct {
		name   string
		rec    Recording
		values map[string]string
		want   []string
	}{
		{"masked step and missing value", masked, map[string]string{"city": "Köln"}, []string{
			`parameters: parameter "user" (User name) has no value and no default`,
			"step 4 (change): value: the value was masked when it was recorded; make it a parameter",
		}},
		{"unknown parameter and control characters", cityWithPassword(t), map[string]string{"user": "a\tb", "password": "x", "town": "y"}, []string{
			`parameters: the recording has no parameter "town" (it has city, user, password)`,
			`parameters: the value of "user" contains the control character U+0009`,
		}},
		{"no parameters at all", Recording{Title: "t"}, map[string]string{"x": "1"}, []string{
			`parameters: the recording has no parameter "x" (it has none)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.rec.Bind(tt.values)
			var errs *Errors
			if !errors.As(err, &errs) || len(errs.List) != len(tt.want) {
				t.Fatalf("Bind: %v", err)
			}
			for i, want := range tt.want {
				if got := errs.List[i].Error(); !strings.Contains(got, want) {
					t.Errorf("problem %d:\n got %q\nwant %q", i, got, want)
				}
			}
		})
	}
	if err := masked.CheckBound(); err == nil || !strings.Contains(err.Error(), "step 4 (change): value: the value was masked") {
		t.Errorf("CheckBound of a masked step: %v", err)
	}
}

func TestBehavior(t *testing.T) {
	r := mustParse(t, readTestdata(t, "allmende_city.json"))
	b, err := r.Behavior()
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Events) != 6 || b.Viewport.W != 1280 || b.Viewport.H != 720 {
		t.Fatalf("behavior: %d events, viewport %+v", len(b.Events), b.Viewport)
	}
	click := b.Events[1]
	if click.Kind != "click" || click.T.Microseconds() != 1234500 || click.X != 10 || click.Target != "#login" ||
		click.Box.W != 80 || len(click.Path) != 2 || click.Path[0].T.Microseconds() != 1200100 || click.Path[1].Y != 15 {
		t.Errorf("click: %+v", click)
	}
	if b.Events[2].Key != "char" || b.Events[3].T.Microseconds() != 1580250 {
		t.Errorf("keys: %+v %+v", b.Events[2], b.Events[3])
	}
	if err := b.Validate(); err != nil {
		t.Error(err)
	}

	if _, err := mustParse(t, readTestdata(t, "chrome_search.json")).Behavior(); err == nil {
		t.Error("a plain Recorder file has behavioural events")
	}
	// A hand-built recording is checked too, and out-of-range times do not
	// overflow.
	r.Allmende.Events = append(r.Allmende.Events, Event{Kind: "click", T: 1e300})
	if _, err := r.Behavior(); err == nil || !strings.Contains(err.Error(), "value out of range") {
		t.Errorf("event at 1e300 ms: %v", err)
	}
}

func TestMarshalJSONRoundTrip(t *testing.T) {
	for _, name := range []string{"allmende_city.json", "chrome_all_steps.json", "chrome_unknown_fields.json"} {
		r := mustParse(t, readTestdata(t, name))
		data, err := r.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		again := mustParse(t, data)
		if !reflect.DeepEqual(r, again) {
			t.Errorf("%s: MarshalJSON and Parse changed the recording:\n%s", name, data)
		}
		if !sameJSON(t, readTestdata(t, name), data) {
			t.Errorf("%s: MarshalJSON changed the meaning:\n%s", name, data)
		}
	}
	// Export leaves the allmende object out and keeps the masked step.
	r := mustParse(t, readTestdata(t, "allmende_city.json"))
	out, err := r.Export()
	if err != nil {
		t.Fatal(err)
	}
	plain := mustParse(t, out)
	if plain.Allmende != nil || len(plain.Steps) != 6 || plain.Steps[4].Value != "" || plain.Steps[3].Value != "{{user}}" {
		t.Errorf("export: %s", out)
	}
}
