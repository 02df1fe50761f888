package program

import (
	"slices"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/recording"
)

// A native check box is described in the click event after the browser
// has ticked it; the outline before the click says it was not ticked:
// the click ticks it.
func TestLearnNativeBoxDescribedAfterTheClick(t *testing.T) {
	mk := func(want string, ids ...string) *demo {
		p := newPage(site)
		p.text("Archive every order whose status is “" + want + "”.")
		boxes := map[string]int{}
		for _, id := range ids {
			boxes[id] = p.checkbox("Select " + id)
		}
		arch := p.button("Archive")
		d := newDemo(p)
		for _, id := range ids {
			if strings.HasPrefix(id, want) {
				d.target(boxes[id])
				ticked := true
				d.rec.Allmende.Targets[len(d.rec.Allmende.Targets)-1].Checked = &ticked
				d.rec.Steps = append(d.rec.Steps, recording.Step{Type: recording.StepClick})
			}
		}
		return d.click(arch)
	}
	p := learn(t, mk("A", "A1", "B1", "A2"), mk("B", "B7", "A3", "B8", "B9"))
	var acts []string
	var walk func([]Step)
	walk = func(ss []Step) {
		for _, s := range ss {
			acts = append(acts, s.Action)
			walk(s.Body)
		}
	}
	walk(p.Steps)
	if strings.Contains(strings.Join(acts, " "), ActUncheck) || !strings.Contains(strings.Join(acts, " "), ActCheck) {
		t.Fatalf("clicks that ticked boxes are learned as %v:\n%s", acts, p.Describe())
	}
}

// A dialog's button clicked before the page's own button is an optional
// step, not the first pass of a loop over the two buttons, even when the
// recorder puts both among the same siblings.
func TestLearnDialogBeforeAPageButtonIsOptional(t *testing.T) {
	mk := func(plan string, banner bool) *demo {
		p := newPage(site)
		p.text("Choose the “" + plan + "” plan. If you are asked about cookies, reject them.")
		choose := map[string]int{}
		for _, x := range []string{"Starter", "Team", "Pro"} {
			choose[x] = p.add(recording.Node{Tag: "button", Role: "button", Name: "Choose " + x, Text: "Choose", Interactive: true,
				Landmark: "main", Place: &recording.Place{Container: 0, Row: -1, Column: -1}})
		}
		d := newDemo(p)
		if banner {
			rej := p.add(recording.Node{Tag: "button", Role: "button", Name: "Reject all", Text: "Reject all", Interactive: true,
				Landmark: "dialog Cookies", Place: &recording.Place{Container: 0, Row: -1, Column: -1}})
			d.click(rej)
		}
		return d.click(choose[plan])
	}
	p := learn(t, mk("Starter", false), mk("Team", false), mk("Pro", false), mk("Starter", true), mk("Team", true))
	if len(p.Steps) != 2 || !p.Steps[0].Optional || p.Steps[0].Action != ActClick || p.Steps[1].Optional {
		t.Fatalf("want an optional Reject all, then Choose:\n%s", p.Describe())
	}
	fresh := newPage(site)
	fresh.text("Choose the “Pro” plan. If you are asked about cookies, reject them.")
	fresh.button("Choose Team")
	pro := fresh.button("Choose Pro")
	wantPlan(t, p, fresh.outline(0), nil, "click "+itoa(pro))
}

// Star every mail whose subject starts with a word: the stars stand in a
// column without a header, and a star clicked after the table was drawn
// again is described apart from the table (its row, no container).
func TestLearnLoopInAColumnWithoutHeader(t *testing.T) {
	mk := func(word string, subjects ...string) *demo {
		p := newPage(site)
		p.text("Star every mail whose subject starts with “" + word + "”.")
		tbl := p.add(recording.Node{Tag: "table", Role: "table"})
		stars := map[string]int{}
		for r, s := range subjects {
			stars[s] = p.add(recording.Node{Tag: "button", Role: "button", Name: "Star " + s, Text: "☆", Interactive: true, Parent: tbl,
				Place: &recording.Place{Container: tbl, Row: r, Column: 0, RowKey: "☆"}})
			p.add(recording.Node{Tag: "td", Role: "cell", Text: s, Parent: tbl,
				Place: &recording.Place{Container: tbl, Row: r, Column: 1, ColumnHeader: "Subject", RowKey: "☆"}})
		}
		d := newDemo(p)
		n := 0
		for r, s := range subjects {
			if !strings.HasPrefix(s, word+" ") {
				continue
			}
			if n == 0 {
				d.click(stars[s])
			} else {
				d.clickLate(recording.Node{Tag: "button", Role: "button", Name: "Star " + s, Text: "☆", Interactive: true,
					Place: &recording.Place{Container: -1, Row: r, Column: 0, RowKey: "☆"}})
			}
			n++
		}
		return d
	}
	p := learn(t,
		mk("Invoice", "Budget draft", "Invoice update", "Lunch question"),
		mk("Lunch", "Lunch reminder", "Budget draft", "Lunch update", "Invoice question"),
		mk("Budget", "Invoice draft", "Budget update"))
	if len(p.Steps) != 1 || p.Steps[0].Action != ActForEach || p.Steps[0].Each == nil {
		t.Fatalf("want one loop over the rows:\n%s", p.Describe())
	}
	fresh := newPage(site)
	fresh.text("Star every mail whose subject starts with “Budget”.")
	tbl := fresh.add(recording.Node{Tag: "table", Role: "table"})
	var want []string
	for r, s := range []string{"Budget one", "Lunch two", "Budget three"} {
		star := fresh.add(recording.Node{Tag: "button", Role: "button", Name: "Star " + s, Text: "☆", Interactive: true, Parent: tbl,
			Place: &recording.Place{Container: tbl, Row: r, Column: 0, RowKey: "☆"}})
		fresh.add(recording.Node{Tag: "td", Role: "cell", Text: s, Parent: tbl,
			Place: &recording.Place{Container: tbl, Row: r, Column: 1, ColumnHeader: "Subject", RowKey: "☆"}})
		if strings.HasPrefix(s, "Budget") {
			want = append(want, "click "+itoa(star))
		}
	}
	wantPlan(t, p, fresh.outline(0), nil, want...)
}

// Five demos fill a form's fields in the order of each instance's layout
// (three orders): the fields line up by their labels, every step is done
// in every demo, and none is optional.
func TestLearnFormFilledInManyOrders(t *testing.T) {
	mk := func(order ...string) *demo {
		p := newPage(site)
		refs := map[string]int{}
		for _, l := range order {
			refs[l] = p.field(l, "")
		}
		save := p.button("Save")
		d := newDemo(p)
		for _, l := range order {
			name := strings.ToLower(l)
			d.param(name, l+" "+strings.Join(order, ""))
			d.click(refs[l]).typ(refs[l], "{{"+name+"}}")
		}
		return d.click(save)
	}
	p := learn(t, mk("City", "Street", "Name"), mk("Street", "City", "Name"), mk("City", "Street", "Name"),
		mk("Name", "Street", "City"), mk("Name", "City", "Street"))
	if len(p.Steps) != 4 {
		t.Fatalf("want 3 fields typed into (the clicks that put the cursor there are part of typing), then Save:\n%s", p.Describe())
	}
	for i, s := range p.Steps {
		if s.Optional || s.Repeat || len(s.Demos) != 5 {
			t.Fatalf("step %d is not done in every demo:\n%s", i+1, p.Describe())
		}
	}
}

// Switches to turn on and off, clicked in the order the page lists them
// (which differs between instances): ticking and unticking line up as
// two loops, whatever order the demos clicked in.
func TestLearnTickAndUntickInAnyOrder(t *testing.T) {
	mk := func(on, off string, all ...string) (*page, map[string]int) {
		p := newPage(site)
		p.text("Turn on “" + on + "”, turn off “" + off + "”, then save.")
		r := map[string]int{}
		for _, a := range all {
			st := a == off
			r[a] = p.add(recording.Node{Tag: "button", Role: "switch", Name: a, Interactive: true, Checked: &st})
		}
		r["Save"] = p.button("Save")
		return p, r
	}
	demo := func(on, off string, all ...string) *demo {
		p, r := mk(on, off, all...)
		d := newDemo(p)
		for _, a := range all {
			if a == on || a == off {
				d.click(r[a])
			}
		}
		return d.click(r["Save"])
	}
	p := learn(t,
		demo("GPS", "NFC", "GPS", "NFC", "Wi-Fi"),
		demo("Wi-Fi", "GPS", "GPS", "NFC", "Wi-Fi"),
		demo("NFC", "Wi-Fi", "Wi-Fi", "NFC", "GPS"))
	for i, s := range p.Steps {
		if s.Optional {
			t.Fatalf("step %d is optional:\n%s", i+1, p.Describe())
		}
	}
	fresh, r := mk("Bluetooth", "GPS", "GPS", "Bluetooth")
	wantPlan(t, p, fresh.outline(0), nil, "check "+itoa(r["Bluetooth"]), "uncheck "+itoa(r["GPS"]), "click "+itoa(r["Save"]))
}

// One demo of "Turn on “A” and “B”, turn off “C”" in which B was on
// already: the list to tick runs to the comma, "and" joins its last item,
// so a fresh instance ticks both.
func TestLearnListJoinedByAnd(t *testing.T) {
	mk := func(on1, on2, off string, ticked ...string) (*page, map[string]int) {
		p := newPage(site)
		p.text("Our office is closed on public holidays, as always.")
		p.text("Turn on “" + on1 + "” and “" + on2 + "”, turn off “" + off + "”, then save.")
		r := map[string]int{}
		for _, a := range []string{"GPS", "NFC", "Wi-Fi", "Bluetooth", "Radio"} {
			st := a == off || slices.Contains(ticked, a)
			r[a] = p.add(recording.Node{Tag: "button", Role: "switch", Name: a, Interactive: true, Checked: &st})
		}
		r["Save"] = p.button("Save")
		return p, r
	}
	p0, r0 := mk("GPS", "NFC", "Wi-Fi", "NFC")
	p := learn(t, newDemo(p0).click(r0["GPS"]).click(r0["Wi-Fi"]).click(r0["Save"]))
	fresh, r := mk("Radio", "Bluetooth", "NFC")
	wantPlan(t, p, fresh.outline(0), nil, "check "+itoa(r["Radio"]), "check "+itoa(r["Bluetooth"]), "uncheck "+itoa(r["NFC"]), "click "+itoa(r["Save"]))
}
