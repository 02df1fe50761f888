package program

import "testing"

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
