package practice

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Flows: a booking over several pages, a list that loads as it is
// scrolled, a button that appears late, a banner that appears in some
// instances only, a count reached by pressing a button.

func init() {
	register(Kind{Name: "booking", Covers: "a booking over four pages (search, pick a train, passenger, confirm)", generate: genBooking})
	register(Kind{Name: "scroll-list", Covers: "a list that must be scrolled and loads more as it is", generate: genScrollList})
	register(Kind{Name: "late-button", Covers: "a button that appears late, beside a distractor", generate: genLateButton})
	register(Kind{Name: "cookie-banner", Covers: "an optional step: a banner that covers the page in some instances", generate: genCookieBanner})
	register(Kind{Name: "stepper", Covers: "a count reached by pressing + or − (a repeated step)", generate: genStepper})
}

func genBooking(r *rand.Rand) Instance {
	from := one(r, cities)
	to := one(r, cities)
	for to == from {
		to = one(r, cities)
	}
	day := time.Date(2026, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	var trains []string
	seen := map[string]bool{}
	for len(trains) < 5 {
		t := fmt.Sprintf("%02d:%02d", 6+r.IntN(15), 5*r.IntN(12))
		if !seen[t] {
			seen[t] = true
			trains = append(trains, t)
		}
	}
	want := one(r, trains)
	first, last := one(r, firstNames), one(r, lastNames)
	opts := func(id, label string) string {
		var b strings.Builder
		fmt.Fprintf(&b, `<label for="%s">%s</label><select id="%s" name="%s"><option value="">Choose…</option>`, id, label, id, id)
		for _, c := range cities {
			fmt.Fprintf(&b, "<option>%s</option>", esc(c))
		}
		return b.String() + "</select>"
	}
	search := `<form action="trains" method="get">` + opts("from", "From") + opts("to", "To") +
		`<label for="day">Date</label><input type="text" id="day" name="day" placeholder="YYYY-MM-DD" autocomplete="off"><br><button type="submit">Find trains</button></form>`
	trainsScript := `const p = new URLSearchParams(location.search); practice.keep({from: p.get("from"), to: p.get("to"), day: p.get("day")});
$("#route").textContent = p.get("from") + " → " + p.get("to") + ", " + p.get("day");
$("tbody").replaceChildren(...DATA.map(t => el("tr", {}, el("td", {}, t), el("td", {}, Math.round(20 + t.charCodeAt(1) * 3 + t.charCodeAt(4)) + " €"), el("td", {}, el("button", {type: "button", class: "plain", onclick: () => { const w = practice.work(); w.time = t; practice.keep(w); location.href = "passenger"; }}, "Select")))));`
	passengerScript := `$("form").addEventListener("submit", e => { e.preventDefault(); const w = practice.work(); Object.assign(w, fields(e.target)); practice.keep(w); location.href = "confirm"; });`
	confirmScript := `const w = practice.work(); $("#sum").textContent = w.first + " " + w.last + ": " + w.from + " → " + w.to + ", " + w.day + " at " + w.time;
$("#ok").addEventListener("click", () => { practice.save(w); $("#status").textContent = "Booked."; });`
	return Instance{
		Pages: map[string]Page{
			"":          {Title: "Train tickets", Instruction: fmt.Sprintf("Book the <b>%s</b> train from <b>%s</b> to <b>%s</b> on <b>%s</b> for <b>%s %s</b>.", want, esc(from), esc(to), day, esc(first), esc(last)), Body: search},
			"trains":    {Title: "Trains", Body: `<p id="route"></p><table><thead><tr><th>Departs</th><th>Price</th><th></th></tr></thead><tbody></tbody></table>`, Script: trainsScript, Data: trains},
			"passenger": {Title: "Passenger", Body: `<form>` + textField("first", "First name") + textField("last", "Last name") + `<br><button type="submit">Continue</button></form>`, Script: passengerScript},
			"confirm":   {Title: "Confirm", Body: `<p id="sum" class="box"></p><button type="button" id="ok">Confirm booking</button><p id="status" class="done"></p>`, Script: confirmScript},
		},
		Expect: map[string]any{"from": from, "to": to, "day": day, "time": want, "first": first, "last": last},
		Solve: func(ctx context.Context, h *Hand) error {
			if err := h.Choose(Label("From"), from); err != nil {
				return err
			}
			if err := h.Choose(Label("To"), to); err != nil {
				return err
			}
			if err := h.Type(Label("Date"), day); err != nil {
				return err
			}
			if err := h.Click(Text("button", "Find trains")); err != nil {
				return err
			}
			if err := h.Click(TextInRow(want, "button", "Select")); err != nil {
				return err
			}
			if err := h.Type(Label("First name"), first); err != nil {
				return err
			}
			if err := h.Type(Label("Last name"), last); err != nil {
				return err
			}
			if err := h.Click(Text("button", "Continue")); err != nil {
				return err
			}
			return h.Click(Text("button", "Confirm booking"))
		},
	}
}

func genScrollList(r *rand.Rand) Instance {
	adjs := []string{"Blue", "Tiny", "Bright", "Silent", "Rapid", "Golden", "Woolly", "Sturdy", "Velvet", "Copper"}
	nouns := []string{"teapot", "lamp", "notebook", "umbrella", "kettle", "scarf", "backpack", "mug", "clock", "vase", "stool", "basket"}
	seen := map[string]bool{}
	var items []string
	for len(items) < 60 {
		it := one(r, adjs) + " " + one(r, nouns)
		if !seen[it] {
			seen[it] = true
			items = append(items, it)
		}
	}
	idx := 20 + r.IntN(38)
	target := items[idx]
	script := fmt.Sprintf(`let shown = 0; const list = $("#cat");
function more() {
  for (const it of DATA.slice(shown, shown + 12)) list.append(el("li", {class: "box"}, el("span", {}, it + " "), el("button", {type: "button", class: "plain", "aria-label": "Add " + it, onclick: () => { practice.save({added: it}); $("#status").textContent = it + " added."; }}, "Add to basket")));
  shown += 12;
}
more();
let loading = false;
list.addEventListener("scroll", () => {
  if (loading || shown >= DATA.length || list.scrollTop + list.clientHeight < list.scrollHeight - 30) return;
  loading = true; list.append(el("li", {class: "note", id: "loading"}, "Loading…"));
  setTimeout(() => { $("#loading").remove(); more(); loading = false; }, %d);
});`, 150+r.IntN(400))
	return Instance{
		Pages: map[string]Page{"": {Title: "Catalogue", Instruction: "Add the " + q(target) + " to your basket.",
			Body: `<p id="status" class="done"></p><ul id="cat" class="scroll" style="list-style:none;padding:4px;height:300px"></ul>`, Script: script, Data: items}},
		Expect: map[string]any{"added": target},
		Solve: func(ctx context.Context, h *Hand) error {
			add := CSS(fmt.Sprintf(`[aria-label=%s]`, js("Add "+target)))
			if err := h.ScrollUntil(CSS("#cat"), add); err != nil {
				return err
			}
			return h.Click(add)
		},
	}
}

func genLateButton(r *rand.Rand) Instance {
	name := title(one(r, words)) + " report " + fmt.Sprint(2020+r.IntN(6))
	delay := 500 + r.IntN(2000)
	script := fmt.Sprintf(`setTimeout(() => { $("#busy").remove(); $("#ready").append(el("button", {type: "button", onclick: () => { practice.save({downloaded: DATA}); $("#status").textContent = "Downloading."; }}, "Download " + DATA)); }, %d);
$("#old").addEventListener("click", () => practice.save({downloaded: "last year"}));`, delay)
	return Instance{
		Pages: map[string]Page{"": {Title: "Reports", Instruction: "Wait until the " + q(name) + " is ready, then download it.",
			Body: `<p><button type="button" class="plain" id="old">Download last year's report</button></p><div id="ready"><p id="busy" class="note">Preparing your report…</p></div><p id="status" class="done"></p>`, Script: script, Data: name}},
		Expect: map[string]any{"downloaded": name},
		Solve: func(ctx context.Context, h *Hand) error {
			return h.Click(Text("button", "Download "+name))
		},
	}
}

func genCookieBanner(r *rand.Rand) Instance {
	plans := []string{"Starter", "Team", "Pro", "Enterprise"}
	want := one(r, plans)
	banner := r.IntN(2) == 0
	var body strings.Builder
	body.WriteString(`<div style="display:flex;gap:10px;flex-wrap:wrap">`)
	for _, p := range plans {
		fmt.Fprintf(&body, `<div class="box" style="flex:1 1 120px"><h2>%s</h2><p>%d € a month</p><button type="button" class="choose" data-plan="%s" aria-label="Choose %s">Choose</button></div>`, p, 5+r.IntN(90), p, p)
	}
	body.WriteString(`</div><p id="status" class="done"></p>
<div id="cookies" class="hidden" role="dialog" aria-label="Cookies" style="position:fixed;inset:0;background:#0008;display:flex;align-items:center;justify-content:center"><div class="box" style="background:#fff;max-width:360px"><p>We use cookies to remember your choices.</p><button type="button" id="acc">Accept all</button><button type="button" class="plain" id="rej">Reject all</button></div></div>`)
	script := fmt.Sprintf(`if (%t) setTimeout(() => $("#cookies").classList.remove("hidden"), %d);
$("#acc").addEventListener("click", () => $("#cookies").classList.add("hidden"));
$("#rej").addEventListener("click", () => $("#cookies").classList.add("hidden"));
$$(".choose").forEach(b => b.addEventListener("click", () => { practice.save({plan: b.dataset.plan}); $("#status").textContent = b.dataset.plan + " chosen."; }));`, banner, 100+r.IntN(300))
	return Instance{
		Pages:  map[string]Page{"": {Title: "Plans", Instruction: "Choose the " + q(want) + " plan. If you are asked about cookies, reject them.", Body: body.String(), Script: script}},
		Expect: map[string]any{"plan": want},
		Solve: func(ctx context.Context, h *Hand) error {
			if banner {
				if err := h.Click(Text("button", "Reject all")); err != nil {
					return err
				}
			}
			return h.Click(CSS(fmt.Sprintf(`[aria-label=%s]`, js("Choose "+want))))
		},
	}
}

func genStepper(r *rand.Rand) Instance {
	start := 1 + r.IntN(3)
	want := 1 + r.IntN(8)
	for want == start {
		want = 1 + r.IntN(8)
	}
	what := one(r, []string{"guests", "tickets", "rooms", "bikes"})
	body := fmt.Sprintf(`<div class="box"><span id="lbl">Number of %s</span>: <button type="button" class="plain" aria-label="Fewer">−</button><output id="n" aria-labelledby="lbl">%d</output><button type="button" class="plain" aria-label="More">+</button></div>
<button type="button" id="save">Update booking</button><p id="status" class="done"></p>`, what, start)
	script := `const n = $("#n");
$("[aria-label=Fewer]").addEventListener("click", () => { n.textContent = Math.max(0, +n.textContent - 1); });
$("[aria-label=More]").addEventListener("click", () => { n.textContent = Math.min(9, +n.textContent + 1); });
$("#save").addEventListener("click", () => { practice.save({count: n.textContent}); $("#status").textContent = "Updated."; });`
	return Instance{
		Pages:  map[string]Page{"": {Title: "Your booking", Instruction: fmt.Sprintf("Change the number of %s to <b>%d</b>.", what, want), Body: body, Script: script}},
		Expect: map[string]any{"count": fmt.Sprint(want)},
		Solve: func(ctx context.Context, h *Hand) error {
			b, n := "More", want-start
			if n < 0 {
				b, n = "Fewer", -n
			}
			for range n {
				if err := h.Click(CSS(fmt.Sprintf(`[aria-label=%s]`, b))); err != nil {
					return err
				}
			}
			return h.Click(Text("button", "Update booking"))
		},
	}
}
