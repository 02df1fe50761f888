package practice

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
)

// A small mail inbox: open, reply, forward, delete, star. One page and
// one generator for the four kinds; each asks for another end state.

func init() {
	register(Kind{Name: "mail-reply", Covers: "inbox: open a sender's mail and reply with given text", generate: func(r *rand.Rand) Instance { return genMail(r, "reply") }})
	register(Kind{Name: "mail-forward", Covers: "inbox: forward a mail by subject to an address", generate: func(r *rand.Rand) Instance { return genMail(r, "forward") }})
	register(Kind{Name: "mail-delete", Covers: "inbox: delete every mail from a sender (a loop)", generate: func(r *rand.Rand) Instance { return genMail(r, "delete") }})
	register(Kind{Name: "mail-star", Covers: "inbox: star every mail whose subject starts with a given word (a loop)", generate: func(r *rand.Rand) Instance { return genMail(r, "star") }})
}

type mail struct {
	ID      string `json:"id"`
	From    string `json:"from"`
	Addr    string `json:"addr"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
	Star    bool   `json:"star"`
}

const mailBody = `<div style="display:flex;gap:16px;flex-wrap:wrap">
<table style="flex:1 1 320px"><thead><tr><th></th><th>From</th><th>Subject</th></tr></thead><tbody id="list"></tbody></table>
<section id="read" class="box hidden" style="flex:1 1 260px" aria-label="Message"><h2 id="rs"></h2><p>From: <span id="rf"></span> &lt;<span id="ra"></span>&gt;</p><p id="rb"></p>
<button type="button" id="reply">Reply</button><button type="button" id="fwd">Forward</button><button type="button" class="plain" id="del">Delete</button></section>
<form id="compose" class="box hidden" style="flex:1 1 260px" aria-label="New message"><label for="to">To</label><input type="text" id="to" autocomplete="off">
<label for="subject">Subject</label><input type="text" id="subject" autocomplete="off"><label for="text">Message</label><textarea id="text" rows="4"></textarea><br><button type="submit">Send</button></form>
</div><p id="status" class="done"></p>`

const mailScript = `const box = DATA.map(m => Object.assign({}, m)), sent = []; let open = null;
const save = () => practice.save({starred: box.filter(m => m.star).map(m => m.subject), inbox: box.map(m => m.subject), sent});
function draw() {
  $("#list").replaceChildren(...box.map(m => el("tr", {},
    el("td", {}, el("button", {type: "button", class: "plain", "aria-label": (m.star ? "Unstar " : "Star ") + m.subject, "aria-pressed": m.star, onclick: () => { m.star = !m.star; draw(); save(); }}, m.star ? "★" : "☆")),
    el("td", {}, m.from), el("td", {}, el("a", {href: "#", onclick: e => { e.preventDefault(); read(m); }}, m.subject)))));
}
function read(m) { open = m; $("#rs").textContent = m.subject; $("#rf").textContent = m.from; $("#ra").textContent = m.addr; $("#rb").textContent = m.body; $("#read").classList.remove("hidden"); $("#compose").classList.add("hidden"); }
function compose(to, subject, text) { $("#to").value = to; $("#subject").value = subject; $("#text").value = text; $("#compose").classList.remove("hidden"); $("#read").classList.add("hidden"); }
$("#reply").addEventListener("click", () => compose(open.addr, "Re: " + open.subject, ""));
$("#fwd").addEventListener("click", () => compose("", "Fwd: " + open.subject, "\n---\n" + open.body));
$("#del").addEventListener("click", () => { box.splice(box.indexOf(open), 1); $("#read").classList.add("hidden"); draw(); save(); $("#status").textContent = "Deleted."; });
$("#compose").addEventListener("submit", e => { e.preventDefault(); sent.push({to: $("#to").value, subject: $("#subject").value, text: $("#text").value.split("\n---\n")[0]}); $("#compose").classList.add("hidden"); save(); $("#status").textContent = "Sent."; });
draw();`

func genMail(r *rand.Rand, mode string) Instance {
	senders := people(r, 5)
	addr := func(n string) string {
		return strings.ToLower(strings.Fields(strings.NewReplacer("'", "", "ë", "e", "é", "e", "ñ", "n", "ä", "a", "ú", "u").Replace(n))[0]) + "@mail.example"
	}
	n := 7 + r.IntN(4)
	var box []mail
	used := map[string]bool{}
	for i := range n {
		s := one(r, senders)
		subj := ""
		for subj == "" || used[subj] {
			subj = one(r, topics) + " " + one(r, []string{"next week", "update", "question", "draft", "reminder", "follow-up", "for " + one(r, months)})
		}
		used[subj] = true
		box = append(box, mail{ID: fmt.Sprint(i), From: s, Addr: addr(s), Subject: subj, Body: "Hello, a note about " + strings.ToLower(subj) + ". " + one(r, notes), Star: r.IntN(4) == 0})
	}
	subjects := func(keep func(m mail) bool) []string {
		var out []string
		for _, m := range box {
			if keep(m) {
				out = append(out, m.Subject)
			}
		}
		if out == nil {
			out = []string{}
		}
		return out
	}
	all := func(mail) bool { return true }
	starred := func(m mail) bool { return m.Star }
	target := one(r, box)
	expect := map[string]any{"starred": subjects(starred), "inbox": subjects(all), "sent": []any{}}
	var ins string
	var solve func(ctx context.Context, h *Hand) error
	switch mode {
	case "reply":
		text := one(r, []string{"Thanks, that works for me.", "I will be there.", "Can we move it to Friday?", "Agreed — let's go ahead.", "Merci, c'est parfait !"})
		if r.IntN(5) == 0 {
			text = one(r, emojiNotes)
		}
		// The mail to answer is the first from its sender.
		for _, m := range box {
			if m.From == target.From {
				target = m
				break
			}
		}
		ins = fmt.Sprintf("Open the first mail from %s and reply: <b>%s</b>", q(target.From), esc(text))
		expect["sent"] = []map[string]string{{"to": target.Addr, "subject": "Re: " + target.Subject, "text": text}}
		solve = func(ctx context.Context, h *Hand) error {
			if err := h.Click(TextInRow(target.From, "a", target.Subject)); err != nil {
				return err
			}
			if err := h.Click(Text("button", "Reply")); err != nil {
				return err
			}
			if err := h.Type(Label("Message"), text); err != nil {
				return err
			}
			return h.Click(Text("button", "Send"))
		}
	case "forward":
		to := one(r, words) + "@partner.example"
		ins = fmt.Sprintf("Forward the mail %s to <b>%s</b>.", q(target.Subject), esc(to))
		expect["sent"] = []map[string]string{{"to": to, "subject": "Fwd: " + target.Subject, "text": ""}}
		solve = func(ctx context.Context, h *Hand) error {
			if err := h.Click(Text("#list a", target.Subject)); err != nil {
				return err
			}
			if err := h.Click(Text("button", "Forward")); err != nil {
				return err
			}
			if err := h.Type(Label("To"), to); err != nil {
				return err
			}
			return h.Click(Text("button", "Send"))
		}
	case "delete":
		who := target.From
		ins = fmt.Sprintf("Delete every mail from %s.", q(who))
		expect["inbox"] = subjects(func(m mail) bool { return m.From != who })
		expect["starred"] = subjects(func(m mail) bool { return m.Star && m.From != who })
		solve = func(ctx context.Context, h *Hand) error {
			for _, m := range box {
				if m.From != who {
					continue
				}
				if err := h.Click(Text("#list a", m.Subject)); err != nil {
					return err
				}
				if err := h.Click(Text("button", "Delete")); err != nil {
					return err
				}
			}
			return nil
		}
	case "star":
		topic := strings.Fields(target.Subject)[0]
		for i := range box {
			if strings.HasPrefix(box[i].Subject, topic+" ") {
				box[i].Star = false
			}
		}
		ins = fmt.Sprintf("Star every mail whose subject starts with %s.", q(topic))
		expect["starred"] = subjects(func(m mail) bool { return m.Star || strings.HasPrefix(m.Subject, topic+" ") })
		solve = func(ctx context.Context, h *Hand) error {
			for _, m := range box {
				if strings.HasPrefix(m.Subject, topic+" ") {
					if err := h.Click(CSS(fmt.Sprintf(`[aria-label=%s]`, js("Star "+m.Subject)))); err != nil {
						return err
					}
				}
			}
			return nil
		}
	}
	return Instance{
		Pages:  map[string]Page{"": {Title: "Inbox", Instruction: ins, Body: mailBody, Script: mailScript, Data: box}},
		Expect: expect,
		Solve:  solve,
	}
}
