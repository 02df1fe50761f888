package practice

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Choices: check boxes a list names, lists, radio buttons, switches,
// an autocomplete that answers late.

func init() {
	register(Kind{Name: "checkbox-list", Covers: "ticking the check boxes a list names (a loop over quoted phrases)", generate: genCheckboxList})
	register(Kind{Name: "dropdown", Covers: "choosing from a list (select)", generate: genDropdown})
	register(Kind{Name: "radio", Covers: "radio buttons in two groups", generate: genRadio})
	register(Kind{Name: "switches", Covers: "switches to turn on and off (ARIA switch)", generate: genSwitches})
	register(Kind{Name: "autocomplete", Covers: "an autocomplete whose suggestions appear late", generate: genAutocomplete})
}

// quotedList is "“a”, “b” and “c”".
func quotedList(items []string) string {
	qs := make([]string, len(items))
	for i, s := range items {
		qs[i] = q(s)
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return strings.Join(qs[:len(qs)-1], ", ") + " and " + qs[len(qs)-1]
}

// inOrder is the items of want in the order of all.
func inOrder(all, want []string) []string {
	var out []string
	for _, a := range all {
		for _, w := range want {
			if a == w {
				out = append(out, a)
			}
		}
	}
	return out
}

func genCheckboxList(r *rand.Rand) Instance {
	items := pick(r, fruits, 6+r.IntN(5))
	want := pick(r, items, 1+r.IntN(3))
	var body strings.Builder
	body.WriteString(`<form><fieldset><legend>Fruit for the market stall</legend>`)
	for i, it := range items {
		fmt.Fprintf(&body, `<div><input type="checkbox" id="f%d" name="fruit" value="%s"><label class="inline" for="f%d">%s</label></div>`, i, esc(it), i, esc(it))
	}
	body.WriteString(`</fieldset><button type="submit">Save</button><p id="status" class="done"></p></form>`)
	return Instance{
		Pages:  map[string]Page{"": {Title: "Order fruit", Instruction: "Tick " + quotedList(want) + ", then save.", Body: body.String(), Script: submitScript}},
		Expect: map[string]any{"fruit": inOrder(items, want)},
		Solve: func(ctx context.Context, h *Hand) error {
			for _, w := range want {
				if err := h.Click(Text("label", w)); err != nil {
					return err
				}
			}
			return h.Click(Text("button", "Save"))
		},
	}
}

func genDropdown(r *rand.Rand) Instance {
	opts := pick(r, countries, 8+r.IntN(8))
	want := one(r, opts)
	var body strings.Builder
	body.WriteString(`<form><label for="country">Country of residence</label><select id="country" name="country"><option value="">Choose…</option>`)
	for _, o := range opts {
		fmt.Fprintf(&body, `<option>%s</option>`, esc(o))
	}
	body.WriteString(`</select><br><button type="submit">Continue</button><p id="status" class="done"></p></form>`)
	return Instance{
		Pages:  map[string]Page{"": {Title: "Where do you live?", Instruction: "Choose " + q(want) + " as your country of residence and continue.", Body: body.String(), Script: submitScript}},
		Expect: map[string]any{"country": want},
		Solve: func(ctx context.Context, h *Hand) error {
			if err := h.Choose(Label("Country of residence"), want); err != nil {
				return err
			}
			return h.Click(Text("button", "Continue"))
		},
	}
}

func genRadio(r *rand.Rand) Instance {
	ship := []string{"Standard", "Express", "Pick-up point", "Overnight"}
	pay := []string{"Card", "Invoice", "Bank transfer"}
	ws, wp := one(r, ship), one(r, pay)
	group := func(name, legend string, opts []string) string {
		var b strings.Builder
		fmt.Fprintf(&b, `<fieldset><legend>%s</legend>`, legend)
		for i, o := range opts {
			fmt.Fprintf(&b, `<div><input type="radio" id="%s%d" name="%s" value="%s"><label class="inline" for="%s%d">%s</label></div>`, name, i, name, esc(o), name, i, esc(o))
		}
		return b.String() + `</fieldset>`
	}
	g1, g2 := group("shipping", "Shipping", shuffled(r, ship)), group("payment", "Payment", shuffled(r, pay))
	if r.IntN(2) == 0 {
		g1, g2 = g2, g1
	}
	return Instance{
		Pages: map[string]Page{"": {Title: "Checkout", Instruction: fmt.Sprintf("Shipping: <b>%s</b>. Payment: <b>%s</b>. Then place the order.", esc(ws), esc(wp)),
			Body: `<form>` + g1 + g2 + `<button type="submit">Place order</button><p id="status" class="done"></p></form>`, Script: submitScript}},
		Expect: map[string]any{"shipping": ws, "payment": wp},
		Solve: func(ctx context.Context, h *Hand) error {
			if err := h.Click(InGroup("Shipping", "label", ws)); err != nil {
				return err
			}
			if err := h.Click(InGroup("Payment", "label", wp)); err != nil {
				return err
			}
			return h.Click(Text("button", "Place order"))
		},
	}
}

func genSwitches(r *rand.Rand) Instance {
	all := []string{"Newsletter", "Order updates", "Reminders", "Security alerts", "Product news", "Weekly digest", "Event invitations"}
	items := pick(r, all, 5+r.IntN(2))
	initial := map[string]bool{}
	for _, it := range items {
		initial[it] = r.IntN(2) == 0
	}
	on := pick(r, items, 2)
	var off string
	for _, it := range items {
		if it != on[0] && it != on[1] && initial[it] {
			off = it
			break
		}
	}
	if off == "" { // make one to turn off
		for _, it := range items {
			if it != on[0] && it != on[1] {
				off, initial[it] = it, true
				break
			}
		}
	}
	var body strings.Builder
	for _, it := range items {
		fmt.Fprintf(&body, `<div class="box"><span>%s</span> <button type="button" class="plain" role="switch" aria-checked="%t" aria-label="%s">%s</button></div>`,
			esc(it), initial[it], esc(it), map[bool]string{true: "On", false: "Off"}[initial[it]])
	}
	body.WriteString(`<button type="button" id="save">Save settings</button><p id="status" class="done"></p>`)
	script := `$$("[role=switch]").forEach(b => b.addEventListener("click", () => {
  const on = b.getAttribute("aria-checked") !== "true";
  b.setAttribute("aria-checked", on); b.textContent = on ? "On" : "Off";
}));
$("#save").addEventListener("click", () => {
  const s = {}; $$("[role=switch]").forEach(b => s[b.getAttribute("aria-label")] = b.getAttribute("aria-checked"));
  practice.save(s); $("#status").textContent = "Saved.";
});`
	expect := map[string]any{}
	for _, it := range items {
		v := initial[it]
		if it == on[0] || it == on[1] {
			v = true
		}
		if it == off {
			v = false
		}
		expect[it] = fmt.Sprint(v)
	}
	return Instance{
		Pages:  map[string]Page{"": {Title: "Notifications", Instruction: fmt.Sprintf("Turn on %s, turn off %s, then save.", quotedList(on), q(off)), Body: body.String(), Script: script}},
		Expect: expect,
		Solve: func(ctx context.Context, h *Hand) error {
			for _, it := range items {
				want := expect[it] == "true"
				if want != initial[it] {
					if err := h.Click(Loc(fmt.Sprintf(`document.querySelector('[role=switch][aria-label=' + CSS.escape(%s) + ']')`, js(it)))); err != nil {
						return err
					}
				}
			}
			return h.Click(Text("button", "Save settings"))
		},
	}
}

func genAutocomplete(r *rand.Rand) Instance {
	want := one(r, cities)
	delay := 150 + r.IntN(600)
	script := fmt.Sprintf(`const box = $("#city"), list = $("#suggest");
let timer;
box.addEventListener("input", () => {
  clearTimeout(timer); list.classList.add("hidden"); list.replaceChildren();
  const t = box.value.trim().toLowerCase();
  if (t.length < 2) return;
  timer = setTimeout(() => {
    for (const c of DATA.filter(c => c.toLowerCase().includes(t)).slice(0, 6)) {
      list.append(el("li", {role: "option", onclick: () => { box.value = c; list.classList.add("hidden"); }}, c));
    }
    list.classList.toggle("hidden", list.children.length === 0);
  }, %d);
});
$("form").addEventListener("submit", e => { e.preventDefault(); practice.save({city: box.value}); $("#status").textContent = "Saved."; });`, delay)
	body := `<form><label for="city">Destination city</label><input type="text" id="city" name="city" autocomplete="off" role="combobox">
<ul id="suggest" role="listbox" class="hidden"></ul><button type="submit">Search trips</button><p id="status" class="done"></p></form>`
	prefix := []rune(want)[:3]
	return Instance{
		Pages:  map[string]Page{"": {Title: "Find a trip", Instruction: "Type the first letters of " + q(want) + ", pick it from the suggestions and search.", Body: body, Script: script, Data: cities}},
		Expect: map[string]any{"city": want},
		Solve: func(ctx context.Context, h *Hand) error {
			if err := h.Type(Label("Destination city"), string(prefix)); err != nil {
				return err
			}
			if err := h.Click(Text("[role=option]", want)); err != nil {
				return err
			}
			return h.Click(Text("button", "Search trips"))
		},
	}
}
