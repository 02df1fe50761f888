package practice

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Text: values copied from the page, some transformed on the way (case,
// another date format, a name split in two).

func init() {
	register(Kind{Name: "copy-field", Covers: "copying a value shown after a label into a field", generate: genCopyField})
	register(Kind{Name: "upper-case", Covers: "a text transform: a code typed in capitals", generate: genUpperCase})
	register(Kind{Name: "date-format", Covers: "a text transform: a date from DD/MM/YYYY to YYYY-MM-DD", generate: genDateFormat})
	register(Kind{Name: "split-name", Covers: "a text transform: a full name split into first and last", generate: genSplitName})
}

func genCopyField(r *rand.Rand) Instance {
	order := fmt.Sprintf("%s-%06d", one(r, []string{"ORD", "INV", "REF"}), r.IntN(1e6))
	rows := [][2]string{{"Order number", order}, {"Placed on", fmt.Sprintf("%d %s", 1+r.IntN(28), one(r, months))}, {"Items", fmt.Sprint(1 + r.IntN(9))}, {"Total", fmt.Sprintf("€%d.%02d", 5+r.IntN(300), r.IntN(100))}}
	rows = shuffled(r, rows)
	var sum strings.Builder
	sum.WriteString(`<dl class="box">`)
	for _, x := range rows {
		fmt.Fprintf(&sum, `<dt>%s:</dt><dd>%s</dd>`, x[0], esc(x[1]))
	}
	sum.WriteString(`</dl>`)
	body := sum.String() + `<form>` + textField("reference", "Reference") + textField("note", "Note (optional)") + `<br><button type="submit">Send return request</button><p id="status" class="done"></p></form>`
	return Instance{
		Pages:  map[string]Page{"": {Title: "Return an item", Instruction: "Copy the order number into the Reference field and send the request.", Body: body, Script: submitScript}},
		Expect: map[string]any{"reference": order, "note": ""},
		Solve: func(ctx context.Context, h *Hand) error {
			if err := h.Type(Label("Reference"), order); err != nil {
				return err
			}
			return h.Click(Text("button", "Send return request"))
		},
	}
}

func genUpperCase(r *rand.Rand) Instance {
	code := one(r, words) + "-" + one(r, words) + fmt.Sprint(10+r.IntN(90))
	body := `<form>` + textField("code", "Voucher code") + `<br><button type="submit">Redeem</button><p id="status" class="done"></p></form>`
	want := strings.ToUpper(code)
	return Instance{
		Pages:  map[string]Page{"": {Title: "Redeem a voucher", Instruction: fmt.Sprintf("Your voucher: <b>%s</b>. Codes must be entered in capital letters.", esc(code)), Body: body, Script: submitScript}},
		Expect: map[string]any{"code": want},
		Solve: func(ctx context.Context, h *Hand) error {
			if err := h.Type(Label("Voucher code"), want); err != nil {
				return err
			}
			return h.Click(Text("button", "Redeem"))
		},
	}
}

func genDateFormat(r *rand.Rand) Instance {
	d := time.Date(1950+r.IntN(55), time.January, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(365))
	name := one(r, firstNames) + " " + one(r, lastNames)
	body := fmt.Sprintf(`<div class="box"><b>ID card</b><br>Name: %s<br>Born: %s<br>Card no.: %d</div><form>`, esc(name), d.Format("02/01/2006"), 1e7+r.IntN(9e7)) +
		`<label for="dob">Date of birth</label><input type="text" id="dob" name="dob" placeholder="YYYY-MM-DD" autocomplete="off"><br><button type="submit">Verify</button><p id="status" class="done"></p></form>`
	want := d.Format("2006-01-02")
	return Instance{
		Pages:  map[string]Page{"": {Title: "Verify your age", Instruction: "Enter the date of birth from the ID card as YYYY-MM-DD.", Body: body, Script: submitScript}},
		Expect: map[string]any{"dob": want},
		Solve: func(ctx context.Context, h *Hand) error {
			if err := h.Type(Label("Date of birth"), want); err != nil {
				return err
			}
			return h.Click(Text("button", "Verify"))
		},
	}
}

func genSplitName(r *rand.Rand) Instance {
	first, last := one(r, firstNames), one(r, lastNames)
	body := fmt.Sprintf(`<p class="box">Customer: <b>%s %s</b> · Member since %d</p><form>`, esc(first), esc(last), 2000+r.IntN(26))
	f1, f2 := textField("first", "First name"), textField("last", "Last name")
	if r.IntN(3) == 0 {
		f1, f2 = f2, f1
	}
	body += f1 + f2 + `<br><button type="submit">Save customer</button><p id="status" class="done"></p></form>`
	return Instance{
		Pages:  map[string]Page{"": {Title: "Customer record", Instruction: "Copy the customer's name into the first and last name fields.", Body: body, Script: submitScript}},
		Expect: map[string]any{"first": first, "last": last},
		Solve: func(ctx context.Context, h *Hand) error {
			if err := h.Type(Label("First name"), first); err != nil {
				return err
			}
			if err := h.Type(Label("Last name"), last); err != nil {
				return err
			}
			return h.Click(Text("button", "Save customer"))
		},
	}
}
