package practice

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Pickers: a calendar with months to page through, a time chosen from
// lists that scroll.

func init() {
	register(Kind{Name: "date-picker", Covers: "a date picker: page to the month, pick the day", generate: genDatePicker})
	register(Kind{Name: "time-picker", Covers: "a time picker: hour from a list that scrolls, then minutes", generate: genTimePicker})
}

func genDatePicker(r *rand.Rand) Instance {
	today := time.Date(2026, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	want := today.AddDate(0, 0, 3+r.IntN(110))
	label := fmt.Sprintf("%d %s %d", want.Day(), months[want.Month()-1], want.Year())
	body := `<form><label for="date">Delivery date</label><input type="text" id="date" name="date" readonly placeholder="YYYY-MM-DD">
<button type="button" class="plain" id="pick">Choose date</button>
<div id="cal" class="box hidden" role="dialog" aria-label="Calendar" style="width:300px">
<div><button type="button" class="plain" id="prev" aria-label="Previous month">‹</button><b id="month"></b><button type="button" class="plain" id="next" aria-label="Next month">›</button></div>
<div id="days" role="grid" style="display:grid;grid-template-columns:repeat(7,36px)"></div></div>
<br><button type="submit">Book delivery</button><p id="status" class="done"></p></form>`
	script := `const MONTHS = ["January","February","March","April","May","June","July","August","September","October","November","December"];
let y = DATA.y, m = DATA.m;
const pad = n => String(n).padStart(2, "0");
function draw() {
  $("#month").textContent = " " + MONTHS[m] + " " + y + " ";
  const days = $("#days"); days.replaceChildren();
  const first = new Date(Date.UTC(y, m, 1)).getUTCDay(), n = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  for (let i = 0; i < (first + 6) % 7; i++) days.append(el("span"));
  for (let d = 1; d <= n; d++) days.append(el("button", {type: "button", class: "plain", "aria-label": d + " " + MONTHS[m] + " " + y, onclick: () => {
    $("#date").value = y + "-" + pad(m + 1) + "-" + pad(d); $("#cal").classList.add("hidden"); }}, String(d)));
}
$("#pick").addEventListener("click", () => { $("#cal").classList.remove("hidden"); draw(); });
$("#prev").addEventListener("click", () => { m--; if (m < 0) { m = 11; y--; } draw(); });
$("#next").addEventListener("click", () => { m++; if (m > 11) { m = 0; y++; } draw(); });
` + submitScript
	steps := (want.Year()-today.Year())*12 + int(want.Month()) - int(today.Month())
	return Instance{
		Pages: map[string]Page{"": {Title: "Delivery", Instruction: "Set the delivery date to <b>" + esc(label) + "</b> and book it.", Body: body, Script: script,
			Data: map[string]int{"y": today.Year(), "m": int(today.Month()) - 1}}},
		Expect: map[string]any{"date": want.Format("2006-01-02")},
		Solve: func(ctx context.Context, h *Hand) error {
			if err := h.Click(Text("button", "Choose date")); err != nil {
				return err
			}
			for range steps {
				if err := h.Click(CSS(`[aria-label="Next month"]`)); err != nil {
					return err
				}
			}
			if err := h.Click(CSS(fmt.Sprintf(`[aria-label=%s]`, js(label)))); err != nil {
				return err
			}
			return h.Click(Text("button", "Book delivery"))
		},
	}
}

func genTimePicker(r *rand.Rand) Instance {
	hour, minute := 6+r.IntN(17), 5*r.IntN(12)
	want := fmt.Sprintf("%02d:%02d", hour, minute)
	var hours, mins strings.Builder
	for h := range 24 {
		fmt.Fprintf(&hours, `<li role="option" data-h="%02d">%02d</li>`, h, h)
	}
	for m := 0; m < 60; m += 5 {
		fmt.Fprintf(&mins, `<li role="option" data-m="%02d">%02d</li>`, m, m)
	}
	what := one(r, []string{"the meeting", "the call", "the pick-up", "the reminder"})
	body := fmt.Sprintf(`<form><label for="time">Time of %s</label><input type="text" id="time" name="time" readonly placeholder="HH:MM">
<button type="button" class="plain" id="pick">Choose time</button>
<div id="tp" class="box hidden" style="display:flex;gap:12px"><div><b>Hour</b><ul role="listbox" aria-label="Hour" class="scroll" style="height:140px;width:80px">%s</ul></div>
<div><b>Minute</b><ul role="listbox" aria-label="Minute" class="scroll" style="height:140px;width:80px">%s</ul></div>
<button type="button" id="set">Set time</button></div>
<br><button type="submit">Save</button><p id="status" class="done"></p></form>`, what, hours.String(), mins.String())
	script := `let hh = null, mm = null;
$("#pick").addEventListener("click", () => $("#tp").classList.remove("hidden"));
$$("[data-h]").forEach(o => o.addEventListener("click", () => { hh = o.dataset.h; $$("[data-h]").forEach(x => x.setAttribute("aria-selected", x === o)); }));
$$("[data-m]").forEach(o => o.addEventListener("click", () => { mm = o.dataset.m; $$("[data-m]").forEach(x => x.setAttribute("aria-selected", x === o)); }));
$("#set").addEventListener("click", () => { if (hh && mm) { $("#time").value = hh + ":" + mm; $("#tp").classList.add("hidden"); } });
` + submitScript
	return Instance{
		Pages:  map[string]Page{"": {Title: "Schedule", Instruction: fmt.Sprintf("Set the time of %s to <b>%s</b> and save.", what, want), Body: body, Script: script}},
		Expect: map[string]any{"time": want},
		Solve: func(ctx context.Context, h *Hand) error {
			if err := h.Click(Text("button", "Choose time")); err != nil {
				return err
			}
			if err := h.Click(CSS(fmt.Sprintf(`[data-h="%02d"]`, hour))); err != nil {
				return err
			}
			if err := h.Click(CSS(fmt.Sprintf(`[data-m="%02d"]`, minute))); err != nil {
				return err
			}
			if err := h.Click(Text("button", "Set time")); err != nil {
				return err
			}
			return h.Click(Text("button", "Save"))
		},
	}
}
