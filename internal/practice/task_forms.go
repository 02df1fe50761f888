package practice

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Forms: fields whose values the instruction gives after their labels.

func init() {
	register(Kind{Name: "contact-form", Covers: "a form of several fields; values after labels in the instruction", generate: genContactForm})
	register(Kind{Name: "sign-in", Covers: "sign-in with the username on the page and the password a run parameter (a password field is never recorded); navigation to a second page", Params: []string{"password"}, generate: genSignIn})
	register(Kind{Name: "shipping-params", Covers: "a form filled from run parameters (recipient, street, city: named as the recorder names a kept field)", Params: []string{"recipient", "street", "city"}, generate: genShippingParams})
}

// submitScript saves the form's fields when it is submitted.
const submitScript = `$("form").addEventListener("submit", e => {
  e.preventDefault();
  practice.save(fields(e.target));
  $("#status").textContent = "Saved.";
});`

func textField(id, label string) string {
	return fmt.Sprintf(`<label for="%s">%s</label><input type="text" id="%s" name="%s" autocomplete="off">`, id, esc(label), id, id)
}

func genContactForm(r *rand.Rand) Instance {
	first, last := one(r, firstNames), one(r, lastNames)
	name := first + " " + last
	if r.IntN(8) == 0 {
		name = one(r, rtlNames)
	}
	email := strings.ToLower(strings.NewReplacer("'", "", "ë", "e", "é", "e", "ñ", "n", "ä", "a", "ú", "u").Replace(first+"."+strings.Fields(last)[0])) + "@example.org"
	phone := fmt.Sprintf("+%d %03d %04d", 30+r.IntN(60), r.IntN(1000), r.IntN(10000))
	msg := "Please call me about " + one(r, topics) + "."
	if r.IntN(4) == 0 {
		msg = one(r, emojiNotes)
	}
	type f struct{ id, label, value string }
	fs := []f{{"name", "Full name", name}, {"email", "Email", email}, {"phone", "Phone", phone}, {"message", "Message", msg}}
	var ins []string
	for _, x := range shuffled(r, fs) {
		ins = append(ins, fmt.Sprintf("%s: <b>%s</b>", esc(x.label), esc(x.value)))
	}
	order := fs
	if r.IntN(2) == 0 { // the page puts phone before email
		order = []f{fs[0], fs[2], fs[1], fs[3]}
	}
	var body strings.Builder
	body.WriteString(`<form>`)
	for _, x := range order {
		body.WriteString(textField(x.id, x.label))
	}
	body.WriteString(`<button type="submit">Send</button><p id="status" class="done"></p></form>`)
	expect := map[string]any{}
	for _, x := range fs {
		expect[x.id] = x.value
	}
	return Instance{
		Pages:  map[string]Page{"": {Title: "Contact us", Instruction: "Fill in the form and send it. " + strings.Join(ins, ", "), Body: body.String(), Script: submitScript}},
		Expect: expect,
		Solve: func(ctx context.Context, h *Hand) error {
			for _, x := range order {
				if err := h.Type(Label(x.label), x.value); err != nil {
					return err
				}
			}
			return h.Click(Text("button", "Send"))
		},
	}
}

func genSignIn(r *rand.Rand) Instance {
	user := strings.ToLower(one(r, firstNames[:16])) + fmt.Sprint(r.IntN(100))
	pass := one(r, words) + "-" + one(r, words) + fmt.Sprint(r.IntN(10))
	remember := r.IntN(2) == 0
	ins := fmt.Sprintf("Sign in with the password you were given. Username: <b>%s</b>", esc(user))
	if remember {
		ins += " and tick “Keep me signed in”."
	}
	body := `<form action="welcome" method="get">` + textField("username", "Username") +
		`<label for="password">Password</label><input type="password" id="password" name="password">
<p><input type="checkbox" id="keep" name="keep" value="yes"><label class="inline" for="keep">Keep me signed in</label></p>
<button type="submit">Sign in</button></form>`
	if r.IntN(2) == 0 {
		body = `<p><a href="#">Forgot your password?</a></p>` + body
	}
	script := `$("form").addEventListener("submit", () => practice.keep(fields($("form"))));`
	welcome := `const w = practice.work(); if (w.username) { practice.save(w); $("#who").textContent = w.username; }`
	expect := map[string]any{"username": user, "password": pass}
	if remember {
		expect["keep"] = []string{"yes"}
	}
	return Instance{
		Pages: map[string]Page{
			"":        {Title: "Sign in", Instruction: ins, Body: body, Script: script},
			"welcome": {Title: "Welcome", Body: `<p>Signed in as <b id="who"></b>.</p>`, Script: welcome},
		},
		Params: map[string]string{"password": pass},
		Expect: expect,
		Solve: func(ctx context.Context, h *Hand) error {
			if err := h.Type(Label("Username"), user); err != nil {
				return err
			}
			if err := h.Type(Label("Password"), pass); err != nil {
				return err
			}
			if remember {
				if err := h.Click(Text("label", "Keep me signed in")); err != nil {
					return err
				}
			}
			return h.Click(Text("button", "Sign in"))
		},
	}
}

func genShippingParams(r *rand.Rand) Instance {
	name := one(r, firstNames) + " " + one(r, lastNames)
	street := fmt.Sprintf("%d %s Street", 1+r.IntN(200), title(one(r, words)))
	city := one(r, cities)
	labels := shuffled(r, []string{"Recipient", "Street", "City"})
	ids := map[string]string{"Recipient": "recipient", "Street": "street", "City": "city"}
	val := map[string]string{"recipient": name, "street": street, "city": city}
	var body strings.Builder
	body.WriteString(`<form>`)
	for _, l := range labels {
		body.WriteString(textField(ids[l], l))
	}
	body.WriteString(`<button type="submit">Save address</button><p id="status" class="done"></p></form>`)
	return Instance{
		Pages:  map[string]Page{"": {Title: "Shipping address", Instruction: "Enter the shipping address you were given.", Body: body.String(), Script: submitScript}},
		Params: val,
		Expect: map[string]any{"recipient": name, "street": street, "city": city},
		Solve: func(ctx context.Context, h *Hand) error {
			for _, l := range labels {
				if err := h.Type(Label(l), val[ids[l]]); err != nil {
					return err
				}
			}
			return h.Click(Text("button", "Save address"))
		},
	}
}
