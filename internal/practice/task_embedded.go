package practice

import (
	"context"
	"fmt"
	"math/rand/v2"
)

// Embedded: a form inside a shadow root, a form inside a frame.

func init() {
	register(Kind{Name: "shadow-form", Covers: "a form inside a web component's open shadow root", generate: genShadowForm})
	register(Kind{Name: "iframe-form", Covers: "a form inside a same-origin frame", generate: genIframeForm})
}

func genShadowForm(r *rand.Rand) Instance {
	email := one(r, words) + fmt.Sprint(r.IntN(100)) + "@example.com"
	lists := []string{"Weekly news", "Events", "Job offers", "Research digest"}
	list := one(r, lists)
	script := `customElements.define("signup-card", class extends HTMLElement {
  connectedCallback() {
    const root = this.attachShadow({mode: "open"});
    root.innerHTML = '<style>label{display:block;margin:6px 0 2px} button{margin-top:8px}</style><form><label for="em">Email address</label><input id="em" type="text" autocomplete="off"><label for="ls">Newsletter</label><select id="ls"><option value="">Choose…</option>' +
      DATA.map(l => "<option>" + l + "</option>").join("") + '</select><br><button type="submit">Subscribe</button><p id="ok"></p></form>';
    root.querySelector("form").addEventListener("submit", e => { e.preventDefault(); practice.save({email: root.querySelector("#em").value, list: root.querySelector("#ls").value}); root.querySelector("#ok").textContent = "Subscribed."; });
  }
});`
	in := func(sel string) Loc {
		return Loc(fmt.Sprintf(`document.querySelector("signup-card").shadowRoot.querySelector(%s)`, js(sel)))
	}
	return Instance{
		Pages: map[string]Page{"": {Title: "Newsletters", Instruction: fmt.Sprintf("Subscribe <b>%s</b> to the %s newsletter.", esc(email), q(list)),
			Body: `<signup-card></signup-card>`, Script: script, Data: shuffled(r, lists)}},
		Expect: map[string]any{"email": email, "list": list},
		Solve: func(ctx context.Context, h *Hand) error {
			if err := h.Type(in("#em"), email); err != nil {
				return err
			}
			if err := h.Choose(in("#ls"), list); err != nil {
				return err
			}
			return h.Click(in("button"))
		},
	}
}

func genIframeForm(r *rand.Rand) Instance {
	amount := fmt.Sprint(5 * (1 + r.IntN(20)))
	name := one(r, firstNames) + " " + one(r, lastNames)
	frame := `<form>` + textField("amount", "Amount (€)") + textField("dedication", "In the name of") + `<br><button type="submit">Donate</button><p id="status" class="done"></p></form>`
	height := 330 + r.IntN(60)
	in := func(sel string) Loc {
		return Loc(fmt.Sprintf(`(f => f && f.contentDocument && f.contentDocument.querySelector(%s))(document.querySelector("iframe"))`, js(sel)))
	}
	return Instance{
		Pages: map[string]Page{
			"":      {Title: "Support the library", Instruction: fmt.Sprintf("Donate <b>%s €</b> in the name of <b>%s</b>.", amount, esc(name)), Body: fmt.Sprintf(`<iframe src="frame" title="Donation" style="width:100%%;height:%dpx;border:1px solid #ccd"></iframe>`, height)},
			"frame": {Title: "Donation", Body: frame, Script: submitScript, Bare: true},
		},
		Expect: map[string]any{"amount": amount, "dedication": name},
		Solve: func(ctx context.Context, h *Hand) error {
			if err := h.Type(in("#amount"), amount); err != nil {
				return err
			}
			if err := h.Type(in("#dedication"), name); err != nil {
				return err
			}
			return h.Click(in("button"))
		},
	}
}
