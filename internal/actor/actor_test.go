package actor

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/program"
	"github.com/allmende/allmende/internal/recording"
)

// report decodes the page's window.result as the run reported it.
func report(t *testing.T, res Result) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(res.Report, &s); err != nil {
		t.Fatalf("report %s: %v", res.Report, err)
	}
	return s
}

func describeRun(res Result) string {
	var b strings.Builder
	for _, s := range res.Steps {
		b.WriteString("  " + s.Step + " " + s.Action + " " + s.Status + " " + s.Target + " " + s.Item + " " + s.Error + "\n")
	}
	return b.String()
}

// Learned from two demos on plain pages, the program signs in and searches
// on fresh instances with other data — quotes, emoji, right-to-left text —
// and other layouts: fields swapped among distractors, the button in a
// shadow root, the whole form in an iframe, the button appearing late.
func TestRunOnFreshInstances(t *testing.T) {
	b := browser(t)
	srv := newSite(t)
	prog, err := program.Learn([]recording.Recording{
		signInDemo(t, b, srv.URL, "alice", "tide tables"),
		signInDemo(t, b, srv.URL, "bob", "night ferries"),
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ layout, user, term string }{
		{"plain", "carol", "harbour lights"},
		{"shuffled", "O'Neil “the 2nd”", "fish & chips 🐟"},
		{"shadow", "שלום עולם", "مرحبا"},
		{"frame", "dave", "ferry timetable"},
		{"late", "erin", "lighthouse"},
	}
	for _, c := range cases {
		t.Run(c.layout, func(t *testing.T) {
			opts := quick()
			opts.URL = srv.URL + "/signin?layout=" + c.layout + "&user=" + urlq(c.user) + "&term=" + urlq(c.term)
			opts.DoneWhen = "window.result !== undefined"
			res, err := Run(t.Context(), b, prog, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !res.OK {
				t.Fatalf("the run failed at step %s: %s\n%s\n%s", res.Failed, res.Error, describeRun(res), prog.Describe())
			}
			var got struct{ User, Term string }
			if err := json.Unmarshal([]byte(report(t, res)), &got); err != nil {
				t.Fatal(err)
			}
			if got.User != c.user || got.Term != c.term {
				t.Errorf("the page got user %q, term %q; want %q, %q", got.User, got.Term, c.user, c.term)
			}
		})
	}
}

// A target that never appears fails its step, naming it and what it
// looked for; a query that matches two elements fails without touching
// either.
func TestRunFailsClearly(t *testing.T) {
	b := browser(t)
	srv := newSite(t)
	prog, err := program.Learn([]recording.Recording{
		signInDemo(t, b, srv.URL, "alice", "tide tables"),
		signInDemo(t, b, srv.URL, "bob", "night ferries"),
	})
	if err != nil {
		t.Fatal(err)
	}
	opts := quick()
	opts.StepTimeout = 3_000_000_000 // capturing an outline takes most of a second on a loaded machine
	opts.URL = srv.URL + "/signin?layout=missing&user=x&term=y"
	res, err := Run(t.Context(), b, prog, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.OK || res.Failed != "3" || !strings.Contains(res.Error, `nothing on the page is the button named "Go"`) {
		t.Errorf("a missing button: %+v\n%s", res, describeRun(res))
	}
	opts.URL = srv.URL + "/signin?layout=twice&user=x&term=y"
	res, err = Run(t.Context(), b, prog, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.OK || res.Failed != "3" || !strings.Contains(res.Error, "2 elements are") || report(t, res) != "null" {
		t.Errorf("two buttons: %+v\n%s", res, describeRun(res))
	}
	if _, err := Run(t.Context(), b, prog, Options{Params: map[string]string{"nope": "1"}}); err == nil {
		t.Error("an unknown parameter was accepted")
	}
}

// Ticking the boxes a list on the page names: learned from demos that tick
// one, two and three boxes, the loop ticks the fresh instance's boxes in
// another order and nothing else.
func TestRunLoop(t *testing.T) {
	b := browser(t)
	srv := newSite(t)
	demo := func(order string, tick ...string) recording.Recording {
		return demoOf(t, b, srv.URL+"/tick?order="+order+"&tick="+strings.Join(tick, ",%20"), func(o recording.Outline, d *demoBuilder) {
			for _, f := range tick {
				d.tick(f)
			}
			d.click("button", "Save")
		})
	}
	prog, err := program.Learn([]recording.Recording{
		demo("Apples,Pears,Plums,Figs", "Pears"),
		demo("Figs,Plums,Pears,Apples", "Apples", "Figs"),
		demo("Plums,Apples,Figs,Pears", "Plums", "Apples", "Pears"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if prog.Steps[0].Action != program.ActForEach {
		t.Fatalf("want a loop:\n%s", prog.Describe())
	}
	opts := quick()
	opts.URL = srv.URL + "/tick?order=Quinces,Figs,Apples,Plums,Pears&tick=Quinces,%20Plums"
	res, err := Run(t.Context(), b, prog, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK || report(t, res) != `"Plums,Quinces"` {
		t.Fatalf("ok %v, report %s: %s\n%s\n%s", res.OK, res.Report, res.Error, describeRun(res), prog.Describe())
	}
	// Reading the list and finding the first item's box look at the page
	// once; after that, once per click.
	if res.Captures != 3 {
		t.Errorf("the run outlined the page %d times for 3 clicks on a page that changes only when clicked", res.Captures)
	}
}

// A list that loads more as it scrolls, and a calendar whose "Next month"
// is pressed until the day is there: learned from demos that scrolled and
// pressed it different numbers of times, runs scroll and press as far as
// a fresh instance needs.
func TestRunScrollAndRepeat(t *testing.T) {
	b := browser(t)
	srv := newSite(t)
	scrollDemo := func(want string) recording.Recording {
		rec := demoOf(t, b, srv.URL+"/scroll?want="+urlq(want), func(o recording.Outline, d *demoBuilder) {})
		// The demo scrolled, then clicked a button that was not in the
		// first outline: described as the recorder would.
		rec.Steps = append(rec.Steps, recording.Step{Type: recording.StepScroll})
		rec.Allmende.Targets = append(rec.Allmende.Targets, recording.Target{Step: len(rec.Steps), Node: recording.Node{Ref: -1, Parent: -1, Tag: "button", Role: "button", Name: "Add " + want, Text: "Add", Interactive: true}})
		rec.Steps = append(rec.Steps, recording.Step{Type: recording.StepClick})
		return rec
	}
	prog, err := program.Learn([]recording.Recording{scrollDemo("Item 35"), scrollDemo("Item 50")})
	if err != nil {
		t.Fatal(err)
	}
	opts := quick()
	opts.URL = srv.URL + "/scroll?want=" + urlq("Item 4")
	res, err := Run(t.Context(), b, prog, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK || report(t, res) != `"Item 4"` {
		t.Fatalf("scroll: %s %s\n%s\n%s", res.Report, res.Error, describeRun(res), prog.Describe())
	}

	calDemo := func(want string, nexts int) recording.Recording {
		return demoOf(t, b, srv.URL+"/calendar?want="+urlq(want), func(o recording.Outline, d *demoBuilder) {
			next := d.node("Next month", func(n recording.Node) bool { return n.Name == "Next month" })
			for range nexts {
				d.step(recording.Step{Type: recording.StepClick}, next)
			}
			day := recording.Node{Ref: -1, Parent: -1, Tag: "button", Role: "button", Name: want, Text: strings.Fields(want)[0], Interactive: true}
			d.step(recording.Step{Type: recording.StepClick}, day)
			d.click("button", "Book")
		})
	}
	prog, err = program.Learn([]recording.Recording{calDemo("17 April", 3), calDemo("2 January", 0), calDemo("9 February", 1)})
	if err != nil {
		t.Fatal(err)
	}
	opts.URL = srv.URL + "/calendar?want=" + urlq("21 June")
	res, err = Run(t.Context(), b, prog, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK || report(t, res) != `"21 June"` || res.Steps[0].Target != "5 times" {
		t.Fatalf("calendar: %s %s\n%s\n%s", res.Report, res.Error, describeRun(res), prog.Describe())
	}

	// A "Next month" that does nothing is given up on after a few
	// clicks, not sixty.
	opts.URL = srv.URL + "/calendar?stuck=1&want=" + urlq("21 June")
	res, err = Run(t.Context(), b, prog, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.OK || res.Failed != "1" || !strings.Contains(res.Error, "done 3 times, the last 3 changed nothing on the page") {
		t.Fatalf("a stuck calendar: ok %v, %s\n%s", res.OK, res.Error, describeRun(res))
	}
}

// A banner the demos closed in some instances only is an optional step;
// a fresh instance that shows it only after the first click gets it
// closed when it covers the next target, and the task is done.
func TestRunOptionalStepThatComesLate(t *testing.T) {
	b := browser(t)
	srv := newSite(t)
	demo := func(banner string) recording.Recording {
		return demoOf(t, b, srv.URL+"/shop?banner="+banner, func(o recording.Outline, d *demoBuilder) {
			if banner == "now" {
				d.click("button", "Accept")
			}
			d.click("button", "Size M")
			d.click("button", "Buy")
		})
	}
	prog, err := program.Learn([]recording.Recording{demo("now"), demo("none")})
	if err != nil {
		t.Fatal(err)
	}
	if !prog.Steps[0].Optional {
		t.Fatalf("want the banner's button optional:\n%s", prog.Describe())
	}
	for _, banner := range []string{"none", "now", "click"} {
		opts := quick()
		opts.URL = srv.URL + "/shop?banner=" + banner
		res, err := Run(t.Context(), b, prog, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !res.OK || report(t, res) != `"M"` {
			t.Errorf("banner %s: ok %v, report %s: %s\n%s", banner, res.OK, res.Report, res.Error, describeRun(res))
		}
	}
}

// A banner no demo showed is closed when it covers a target, by its only
// refusing button (else its only accepting one), also when it comes over
// the target as the click is made — that click is stopped, not given to
// the banner. A covering element that is not a dialog is left alone.
func TestRunClosesABannerNoDemoShowed(t *testing.T) {
	b := browser(t)
	srv := newSite(t)
	demo := demoOf(t, b, srv.URL+"/shop?banner=none", func(o recording.Outline, d *demoBuilder) {
		d.click("button", "Size M")
		d.click("button", "Buy")
	})
	prog, err := program.Learn([]recording.Recording{demo})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		query  string
		ok     bool
		closed string // the button the run closes the banner with
	}{
		{"banner=now&dialog=1", true, `button "Accept"`},
		{"banner=now&dialog=1&reject=1", true, `button "Reject all"`},
		{"banner=move&dialog=1&reject=1", true, `button "Reject all"`},
		{"banner=click&dialog=1", true, `button "Accept"`},
		{"banner=now", false, ""},
	} {
		opts := quick()
		opts.URL = srv.URL + "/shop?" + c.query
		opts.Report = `JSON.stringify({result: window.result ?? null, refused: window.refused ?? false})`
		res, err := Run(t.Context(), b, prog, opts)
		if err != nil {
			t.Fatal(err)
		}
		var closed []string
		for _, s := range res.Steps {
			if strings.Contains(s.Target, "closed the dialog") {
				closed = append(closed, s.Target)
			}
		}
		wantReport := `{"result":"M","refused":false}`
		if strings.Contains(c.closed, "Reject") {
			wantReport = `{"result":"M","refused":true}`
		}
		switch {
		case c.ok && (!res.OK || report(t, res) != wantReport || len(closed) != 1 || !strings.HasPrefix(closed[0], c.closed)):
			t.Errorf("%s: ok %v, report %s, closed %q: %s\n%s", c.query, res.OK, res.Report, closed, res.Error, describeRun(res))
		case !c.ok && (res.OK || len(closed) > 0 || !strings.Contains(res.Error, "not in an open dialog")):
			t.Errorf("%s: a banner that is not a dialog: ok %v, closed %q, error %s\n%s", c.query, res.OK, closed, res.Error, describeRun(res))
		}
	}
}
