package program

import (
	"fmt"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/recording"
)

// booker is a form whose instruction names a traveller by first and last
// name in one sentence.
func booker(first, last string) (*page, map[string]int) {
	p := newPage(site + "?seed=3")
	p.text("Book the train for " + first + " " + last + ".")
	return p, map[string]int{"first": p.field("First name", ""), "last": p.field("Last name", ""), "go": p.button("Continue")}
}

// From one demo, a name is not read up to the next name ("the words
// between for and Berg"): words the demo typed elsewhere are data, and a
// rule anchored on the sentence's fixed words and marks is preferred.
func TestLearnAnchorsOnFixedWordsNotOtherValues(t *testing.T) {
	p0, r := booker("Aoife", "Berg")
	p := learn(t, newDemo(p0).typ(r["first"], "Aoife").typ(r["last"], "Berg").click(r["go"]))
	fresh, f := booker("Zoë", "Knuth")
	wantPlan(t, p, fresh.outline(0), nil,
		"type "+itoa(f["first"])+" Zoë",
		"type "+itoa(f["last"])+" Knuth",
		"click "+itoa(f["go"]))
}

// contact is a form whose instruction lists labelled values in an order
// that changes from instance to instance.
func contact(order ...[2]string) (*page, map[string]int) {
	p := newPage(site + "?seed=4")
	text := "Fill in the form and send it."
	for i, kv := range order {
		if i == 0 {
			text += " "
		} else {
			text += ", "
		}
		text += kv[0] + ": " + kv[1]
	}
	p.text(text)
	return p, map[string]int{"Email": p.field("Email", ""), "Phone": p.field("Phone", ""), "go": p.button("Send")}
}

// The last value of a list of labelled values ends where the others do, at
// a comma: on other data it may come first. And a label is read with its
// own word ("Email :"), not by a lone colon that only the first value
// follows.
func TestLearnReadsLabelledListsInAnyOrder(t *testing.T) {
	p0, r := contact([2]string{"Email", "ada@example.org"}, [2]string{"Phone", "+58 552 2867"})
	p := learn(t, newDemo(p0).typ(r["Email"], "ada@example.org").typ(r["Phone"], "+58 552 2867").click(r["go"]))
	fresh, f := contact([2]string{"Phone", "+63 594 9999"}, [2]string{"Email", "bob@example.org"})
	wantPlan(t, p, fresh.outline(0), nil,
		"type "+itoa(f["Email"])+" bob@example.org",
		"type "+itoa(f["Phone"])+" +63 594 9999",
		"click "+itoa(f["go"]))
}

// claims is a table of claims, each row with an Approve and a Reject
// button, under an instruction that says which to press for whom.
func claims(verb, who string, names ...string) (*page, map[string]int) {
	p := newPage(site + "?seed=5")
	p.text(verb + " the expense claim of “" + who + "”.")
	t := p.add(recording.Node{Tag: "table", Role: "table", Name: "Claims"})
	refs := map[string]int{}
	for r, name := range names {
		place := func(c int, h string) *recording.Place {
			return &recording.Place{Container: t, Row: r, Column: c, ColumnHeader: h, RowKey: name}
		}
		p.add(recording.Node{Tag: "td", Role: "cell", Text: name, Parent: t, Place: place(0, "Name")})
		for i, b := range []string{"Approve", "Reject"} {
			refs[name+" "+b] = p.add(recording.Node{Tag: "button", Role: "button", Name: b, Text: b, Interactive: true, Parent: t, Place: place(1+i, "Actions")})
		}
	}
	return p, refs
}

// The instruction's verb names the button: read from the instruction, it
// follows other data ("Approve" where the demo said "Reject"), even when
// every demo pressed the same one.
func TestLearnReadsTheButtonFromTheInstructionsVerb(t *testing.T) {
	for _, n := range []int{1, 2} {
		var demos []*demo
		for _, who := range []string{"Mei Lamarr", "Olu Thompson"}[:n] {
			p0, r := claims("Reject", who, "Ada Berg", "Mei Lamarr", "Olu Thompson")
			demos = append(demos, newDemo(p0).click(r[who+" Reject"]))
		}
		p := learn(t, demos...)
		fresh, f := claims("Approve", "Ada Berg", "Olu Thompson", "Ada Berg", "Mei Lamarr")
		wantPlan(t, p, fresh.outline(0), nil, "click "+itoa(f["Ada Berg Approve"]))
	}
}

// inbox is a table of mails (From, Subject) and an instruction that
// quotes the sender of the one to open.
func inbox(from string, mails ...[2]string) (*page, map[string]int) {
	p := newPage(site + "?seed=6")
	p.text("Open the mail from “" + from + "” and reply.")
	t := p.add(recording.Node{Tag: "table", Role: "table", Name: "Inbox"})
	refs := map[string]int{}
	for r, m := range mails {
		place := func(c int, h string) *recording.Place {
			return &recording.Place{Container: t, Row: r, Column: c, ColumnHeader: h, RowKey: m[0]}
		}
		p.add(recording.Node{Tag: "td", Role: "cell", Text: m[0], Parent: t, Place: place(0, "From")})
		c := p.add(recording.Node{Tag: "td", Role: "cell", Text: m[1], Parent: t, Place: place(1, "Subject")})
		refs[m[1]] = p.add(recording.Node{Tag: "a", Role: "link", Name: m[1], Text: m[1], Interactive: true, Parent: c, Place: place(1, "Subject")})
	}
	return p, refs
}

// From one demo, the link to open is the one in the row of the sender the
// instruction quotes, not the subject that demo happened to have: one demo
// cannot tell a constant from a value, and the instruction says the data.
func TestLearnOneDemoPrefersTheQueryByInputs(t *testing.T) {
	p0, r := inbox("Alan Núñez", [2]string{"Ken Lamport", "Holiday draft"}, [2]string{"Alan Núñez", "Budget update"})
	p := learn(t, newDemo(p0).click(r["Budget update"]))
	fresh, f := inbox("Ken Lamport", [2]string{"Alan Núñez", "Contract draft"}, [2]string{"Ken Lamport", "Holiday next week"})
	wantPlan(t, p, fresh.outline(0), nil, "click "+itoa(f["Holiday next week"]))
}

// timeDemo sets a time with a picker whose hour and minute lists appear
// after "Choose time" is clicked.
func timeDemo(hour, minute int) *demo {
	p := newPage(site + "?seed=7")
	p.text(fmt.Sprintf("Set the time of the call to %02d:%02d and save.", hour, minute))
	choose := p.button("Choose time")
	option := func(v, i, of int) recording.Node {
		name := fmt.Sprintf("%02d", v)
		return recording.Node{Tag: "li", Role: "option", Name: name, Text: name, Interactive: true, Place: &recording.Place{Container: -1, Row: -1, Column: -1, Index: i, Of: of}}
	}
	return newDemo(p).click(choose).clickLate(option(hour, hour, 24)).clickLate(option(minute, minute/5, 12))
}

// The hour "10" and then the minute "10" are two steps, not one click
// done twice: they stand in lists of different sizes. Each is read as a
// part of "10:40" split at its colon.
func TestLearnSplitsATimeAndKeepsTwoListsApart(t *testing.T) {
	p := learn(t, timeDemo(10, 10), timeDemo(13, 40))
	fresh := newPage(site + "?seed=8")
	fresh.text("Set the time of the call to 17:25 and save.")
	choose := fresh.button("Choose time")
	refs := map[string]int{}
	for _, l := range []struct{ from, to, step int }{{0, 24, 1}, {0, 60, 5}} {
		for v := l.from; v < l.to; v += l.step {
			name := fmt.Sprintf("%02d", v)
			if _, ok := refs[name]; ok {
				name += "'" // the same name in the other list: kept apart below
			}
			refs[name] = fresh.add(recording.Node{Tag: "li", Role: "option", Name: strings.TrimSuffix(name, "'"), Text: strings.TrimSuffix(name, "'"), Interactive: true})
		}
	}
	// On the fresh page, 17 is only an hour and 25 only a minute.
	wantPlan(t, p, fresh.outline(0), nil, "click "+itoa(choose), "click "+itoa(refs["17"]), "click "+itoa(refs["25"]))
}

// From one demo, a row picked by an input is the first such row: on other
// data several rows may share the key.
func TestLearnOneDemoTakesTheFirstRowOfAKey(t *testing.T) {
	p0, r := inbox("Alan Núñez", [2]string{"Ken Lamport", "Holiday draft"}, [2]string{"Alan Núñez", "Budget update"})
	p := learn(t, newDemo(p0).click(r["Budget update"]))
	fresh, f := inbox("Ken Lamport", [2]string{"Ken Lamport", "Holiday next week"}, [2]string{"Alan Núñez", "Contract draft"}, [2]string{"Ken Lamport", "Training next week"})
	wantPlan(t, p, fresh.outline(0), nil, "click "+itoa(f["Holiday next week"]))
}

// folders is a tree whose top folders are shown, under an instruction
// that names a file by its folder's path.
func folders(file, path string, tops ...string) (*page, map[string]int) {
	p := newPage(site + "?seed=9")
	p.text("Open the file “" + file + "” in the folder “" + path + "”.")
	refs := map[string]int{}
	for _, t := range tops {
		refs[t] = p.add(recording.Node{Tag: "li", Role: "treeitem", Name: "📁 " + t, Text: "📁 " + t, Interactive: true})
	}
	return p, refs
}

// From one demo, a folder's name is a part of the quoted path ("2025" of
// “2025/Thistle”) after the icon: one compound word split at its "/" is
// still the instruction's words.
func TestLearnOneDemoReadsAPartOfAQuotedPath(t *testing.T) {
	p0, r := folders("plan.md", "2025/Thistle", "2025", "2024")
	item := func(name string) recording.Node {
		return recording.Node{Tag: "li", Role: "treeitem", Name: name, Text: name, Interactive: true}
	}
	p := learn(t, newDemo(p0).click(r["2025"]).clickLate(item("📁 Thistle")).clickLate(item("plan.md")))
	fresh, f := folders("notes.txt", "2021/Cobalt", "2024", "2021")
	cobalt := fresh.add(item("📁 Cobalt"))
	notes := fresh.add(item("notes.txt"))
	wantPlan(t, p, fresh.outline(0), nil, "click "+itoa(f["2021"]), "click "+itoa(cobalt), "click "+itoa(notes))
}

// A target that no outline held (a list that opened later) keeps the size
// of its list, which breaks a tie on other data: the hour 15 and the
// minute 15 are both "15".
func TestLearnBreaksATieByTheSizeOfTheList(t *testing.T) {
	for _, demos := range [][]*demo{{timeDemo(10, 40)}, {timeDemo(10, 40), timeDemo(13, 10)}} {
		p := learn(t, demos...)
		fresh := newPage(site + "?seed=8")
		fresh.text("Set the time of the call to 15:15 and save.")
		choose := fresh.button("Choose time")
		refs := map[string]int{}
		for _, l := range []struct {
			list     string
			step, of int
		}{{"h", 1, 24}, {"m", 5, 12}} {
			for i := range l.of {
				name := fmt.Sprintf("%02d", i*l.step)
				refs[l.list+name] = fresh.add(recording.Node{Tag: "li", Role: "option", Name: name, Text: name, Interactive: true,
					Place: &recording.Place{Container: -1, Row: -1, Column: -1, Index: i, Of: l.of}})
			}
		}
		wantPlan(t, p, fresh.outline(0), nil, "click "+itoa(choose), "click "+itoa(refs["h15"]), "click "+itoa(refs["m15"]))
	}
}

// A value at the end of one demo's instruction may be followed by more on
// other data ("Username: ken36" and "Username: sophie24 and tick …"): the
// rule ends it at "and" when that follows, else at the end.
func TestLearnEndsAValueWhereOtherDataGoesOn(t *testing.T) {
	signIn := func(user, more string) (*page, map[string]int) {
		p := newPage(site + "?seed=10")
		p.text("Sign in with the password you were given. Username: " + user + more)
		return p, map[string]int{"user": p.field("Username", ""), "go": p.button("Sign in")}
	}
	var demos []*demo
	for _, u := range [][2]string{{"ken36", ""}, {"sophie24", " and tick “Keep me signed in”."}} {
		p0, r := signIn(u[0], u[1])
		demos = append(demos, newDemo(p0).typ(r["user"], u[0]).click(r["go"]))
	}
	p := learn(t, demos...)
	for _, more := range []string{"", " and tick “Keep me signed in”."} {
		fresh, f := signIn("ada7", more)
		wantPlan(t, p, fresh.outline(0), nil, "type "+itoa(f["user"])+" ada7", "click "+itoa(f["go"]))
	}
}

// Every quoted phrase of a text that quotes none is an empty list, not an
// error: the loop over it runs no times.
func TestExtractEveryQuoteOfATextWithNone(t *testing.T) {
	p := newPage(site)
	p.text("Sign in")
	p.text("Sign in with the password you were given.")
	e := Extract{Follows: "Sign in", Quote: -1}
	got, err := e.Eval(p.outline(0))
	if err != nil || got != "" {
		t.Fatalf("Eval = %q, %v; want an empty list", got, err)
	}
	if items := SplitList(got, "\n"); len(items) != 0 {
		t.Fatalf("the list has items %q", items)
	}
}

// A menu path in the instruction ("Choose Edit › Insert › Table.") is
// split at its arrows, and its last part is read without the sentence's
// full stop: the leaf may be one word or two on other data. A path is
// read so from one demo too: its arrows say it names a place in a menu.
func TestLearnReadsTheLastPartOfAMenuPath(t *testing.T) {
	menu := func(path, leaf string) (*page, int) {
		p := newPage(site + "?seed=11")
		p.text("Choose Edit › " + path + ".")
		ref := 0
		for _, name := range []string{"Table", "Image", "Full screen", "Word count", "Link"} {
			r := p.add(recording.Node{Tag: "li", Role: "menuitem", Name: name, Text: name, Interactive: true})
			if name == leaf {
				ref = r
			}
		}
		return p, ref
	}
	d1, r1 := menu("Insert › Table", "Table")
	d2, r2 := menu("View › Full screen", "Full screen")
	p := learn(t, newDemo(d1).click(r1), newDemo(d2).click(r2))
	fresh, f := menu("Tools › Word count", "Word count")
	wantPlan(t, p, fresh.outline(0), nil, "click "+itoa(f))
	one := learn(t, newDemo(d2).click(r2))
	wantPlan(t, one, fresh.outline(0), nil, "click "+itoa(f))
}

// Where a rule finds several texts on a fresh page, the run takes the one
// that reads what every demo read (two demos or more), else the only one
// of the form every demo's value had (one word; an e-mail address) — and
// fails when neither singles one out.
func TestFillPrefersWhatEveryDemoRead(t *testing.T) {
	p := newPage(site + "?seed=3")
	p.text("Verify your age")
	p.text("Tip: you can change your answers later.")
	mail := newPage(site + "?seed=4")
	mail.text("Forward it to harbour@partner.example.")
	mail.text("Questions? Write to the help desk.")
	mail.text("Or write to desk@partner.example.")
	verb := &Extract{After: "^", Before: "your"}
	to := &Extract{After: "to", Before: "."}
	for _, c := range []struct {
		page     *page
		rule     *Extract
		demos    int
		examples []string
		want     string
	}{
		{p, verb, 2, []string{"Verify", "Verify"}, "Verify"},
		{p, verb, 2, []string{"Verify", "Check"}, "Verify"}, // the only one-word text
		{p, verb, 1, []string{"Verify"}, "Verify"},
		{p, verb, 2, []string{"Verify now", "Check it"}, ""}, // no form fits both
		{mail, to, 1, []string{"ada@example.org"}, ""},       // two addresses
	} {
		prog := Program{Demos: c.demos, Inputs: []Input{{Name: "v", Extract: c.rule, Examples: c.examples}}}
		env := Env{Inputs: map[string]string{}}
		err := prog.fill(&env, []string{"v"}, []recording.Outline{c.page.outline(0)}, 0)
		if got := env.Inputs["v"]; got != c.want || (c.want == "") != (err != nil) {
			t.Errorf("%d demos reading %q: got %q, %v; want %q", c.demos, c.examples, got, err, c.want)
		}
	}
	// With one address among other words, the address is taken.
	one := newPage(site + "?seed=5")
	one.text("Forward it to harbour@partner.example.")
	one.text("Questions? Write to the help desk.")
	prog := Program{Demos: 1, Inputs: []Input{{Name: "v", Extract: to, Examples: []string{"ada@example.org"}}}}
	env := Env{Inputs: map[string]string{}}
	if err := prog.fill(&env, []string{"v"}, []recording.Outline{one.outline(0)}, 0); err != nil || env.Inputs["v"] != "harbour@partner.example" {
		t.Errorf("an address beside other words: %q, %v", env.Inputs["v"], err)
	}
}

// From one demo of a menu path, each part names its menu: the button, the
// submenu whose name ends in an arrow ("Insert ▸"), and the leaf.
func TestLearnMenuPathFromOneDemo(t *testing.T) {
	menu := func(path string) (*page, map[string]int) {
		p := newPage(site + "?seed=12")
		p.text("Choose " + path + ".")
		refs := map[string]int{}
		for _, name := range []string{"Edit", "Format"} {
			refs[name] = p.add(recording.Node{Tag: "button", Role: "button", Name: name, Text: name, Interactive: true})
		}
		for _, name := range []string{"Insert ▸", "Text ▸"} {
			refs[name] = p.add(recording.Node{Tag: "li", Role: "menuitem", Name: name, Text: name, Interactive: true})
		}
		for _, name := range []string{"Table", "Bold"} {
			refs[name] = p.add(recording.Node{Tag: "li", Role: "menuitem", Name: name, Text: name, Interactive: true})
		}
		return p, refs
	}
	d, r := menu("Edit › Insert › Table")
	p := learn(t, newDemo(d).click(r["Edit"]).click(r["Insert ▸"]).click(r["Table"]))
	fresh, f := menu("Format › Text › Bold")
	wantPlan(t, p, fresh.outline(0), nil, "click "+itoa(f["Format"]), "click "+itoa(f["Text ▸"]), "click "+itoa(f["Bold"]))
}

// A heading is not an instruction: from one demo, the button "Redeem" is
// not read as the first word of the page's title "Redeem a voucher" (on
// another instance a tip, "Keep a copy …", begins alike and the run could
// not choose); the button's name is a constant and the code is read from
// the instruction in capitals.
func TestLearnButtonNotReadFromHeading(t *testing.T) {
	mk := func(code, tip string) (*page, int, int) {
		p := newPage(site)
		p.add(recording.Node{Tag: "h1", Role: "heading", Name: "Redeem a voucher", Text: "Redeem a voucher"})
		p.text("Your voucher: " + code + ". Codes must be entered in capital letters.")
		p.text(tip)
		f := p.field("Voucher code", "")
		return p, f, p.button("Redeem")
	}
	d, f, b := mk("glacier-saffron23", "Tip: you can change your preferences at any time.")
	prog := learn(t, newDemo(d).typ(f, "GLACIER-SAFFRON23").click(b))
	fresh, f2, b2 := mk("meadow-pebble14", "Keep a copy of your receipt.")
	wantPlan(t, prog, fresh.outline(0), nil, "type "+itoa(f2)+" MEADOW-PEBBLE14", "click "+itoa(b2))
	if v := prog.Steps[1].Target.Name; v == nil || v.Const == nil || *v.Const != "Redeem" {
		t.Errorf("the button is %s, want the constant name \"Redeem\"\n%s", prog.Steps[1].DescribeTarget(), prog.Describe())
	}
}
