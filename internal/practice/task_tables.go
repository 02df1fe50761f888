package practice

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Tables: find the row, act in it; read a cell; act on every row that
// matches.

func init() {
	register(Kind{Name: "table-row-action", Covers: "a table: the button in the row of a named person", generate: genTableRowAction})
	register(Kind{Name: "table-lookup", Covers: "a table: the cell in a person's row and a column, typed into a field", generate: genTableLookup})
	register(Kind{Name: "table-select-matching", Covers: "a table: tick every row whose status matches (a loop with a condition)", generate: genTableSelectMatching})
	register(Kind{Name: "search-pages", Covers: "search results over several pages", generate: genSearchPages})
}

// people returns n people with distinct full names.
func people(r *rand.Rand, n int) []string {
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		p := one(r, firstNames) + " " + one(r, lastNames)
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

func genTableRowAction(r *rand.Rand) Instance {
	names := people(r, 5+r.IntN(4))
	target := one(r, names)
	act := one(r, []string{"Approve", "Reject"})
	depts := []string{"Sales", "Research", "Support", "Finance", "Design"}
	var body strings.Builder
	body.WriteString(`<table><thead><tr><th>Name</th><th>Department</th><th>Amount</th><th>Status</th><th>Actions</th></tr></thead><tbody>`)
	for _, n := range names {
		fmt.Fprintf(&body, `<tr><td>%s</td><td>%s</td><td>€%d</td><td class="st">Pending</td><td><button type="button" class="plain" data-act="approved">Approve</button><button type="button" class="plain" data-act="rejected">Reject</button></td></tr>`,
			esc(n), one(r, depts), 20+r.IntN(900))
	}
	body.WriteString(`</tbody></table>`)
	script := `$$("[data-act]").forEach(b => b.addEventListener("click", () => {
  const tr = b.closest("tr"); $(".st", tr).textContent = b.dataset.act;
  const s = {}; $$("tbody tr").forEach(t => { const v = $(".st", t).textContent; if (v !== "Pending") s[t.cells[0].textContent] = v; });
  practice.save(s);
}));`
	return Instance{
		Pages:  map[string]Page{"": {Title: "Expense claims", Instruction: fmt.Sprintf("%s the expense claim of %s.", act, q(target)), Body: body.String(), Script: script}},
		Expect: map[string]any{target: map[string]string{"Approve": "approved", "Reject": "rejected"}[act]},
		Solve: func(ctx context.Context, h *Hand) error {
			return h.Click(TextInRow(target, "button", act))
		},
	}
}

func genTableLookup(r *rand.Rand) Instance {
	names := people(r, 6+r.IntN(5))
	target := one(r, names)
	emails := map[string]string{}
	var body strings.Builder
	body.WriteString(`<h2>Staff</h2><table><thead><tr><th>Name</th><th>Room</th><th>Email</th></tr></thead><tbody>`)
	for _, n := range names {
		e := strings.ToLower(strings.NewReplacer(" ", ".", "'", "", "ë", "e", "é", "e", "ñ", "n", "ä", "a", "ú", "u").Replace(n)) + "@staff.example"
		emails[n] = e
		fmt.Fprintf(&body, `<tr><td>%s</td><td>%s%d</td><td>%s</td></tr>`, esc(n), one(r, []string{"A", "B", "C"}), 100+r.IntN(300), esc(e))
	}
	body.WriteString(`</tbody></table><form>` + textField("to", "Invite (email)") + `<br><button type="submit">Send invitation</button><p id="status" class="done"></p></form>`)
	return Instance{
		Pages:  map[string]Page{"": {Title: "Invite a colleague", Instruction: fmt.Sprintf("Look up the email of %s in the staff table and send them an invitation.", q(target)), Body: body.String(), Script: submitScript}},
		Expect: map[string]any{"to": emails[target]},
		Solve: func(ctx context.Context, h *Hand) error {
			if err := h.Type(Label("Invite (email)"), emails[target]); err != nil {
				return err
			}
			return h.Click(Text("button", "Send invitation"))
		},
	}
}

func genTableSelectMatching(r *rand.Rand) Instance {
	statuses := []string{"Shipped", "Pending", "Cancelled", "Delivered"}
	want := one(r, statuses)
	n := 7 + r.IntN(5)
	type order struct{ id, status string }
	var orders []order
	hits := 0
	for i := range n {
		st := one(r, statuses)
		if i == n-1 && hits == 0 {
			st = want
		}
		if st == want {
			hits++
		}
		orders = append(orders, order{fmt.Sprintf("#%d", 4000+r.IntN(6000)), st})
	}
	var body strings.Builder
	body.WriteString(`<table><thead><tr><th></th><th>Order</th><th>Customer</th><th>Status</th></tr></thead><tbody>`)
	var ids []string
	for i, o := range orders {
		fmt.Fprintf(&body, `<tr><td><input type="checkbox" id="o%d" aria-label="Select %s" value="%s"></td><td>%s</td><td>%s</td><td>%s</td></tr>`, i, o.id, o.id, o.id, esc(one(r, lastNames)), o.status)
		if o.status == want {
			ids = append(ids, o.id)
		}
	}
	body.WriteString(`</tbody></table><button type="button" id="arch">Archive selected</button><p id="status" class="done"></p>`)
	script := `$("#arch").addEventListener("click", () => { practice.save({archived: $$("tbody input:checked").map(c => c.value)}); $("#status").textContent = "Archived."; });`
	return Instance{
		Pages:  map[string]Page{"": {Title: "Orders", Instruction: fmt.Sprintf("Archive every order whose status is %s.", q(want)), Body: body.String(), Script: script}},
		Expect: map[string]any{"archived": ids},
		Solve: func(ctx context.Context, h *Hand) error {
			for _, id := range ids {
				if err := h.Click(InRow(id, "input[type=checkbox]")); err != nil {
					return err
				}
			}
			return h.Click(Text("button", "Archive selected"))
		},
	}
}

func genSearchPages(r *rand.Rand) Instance {
	topic := one(r, words)
	kinds := []string{"guide", "history", "forum thread", "photos", "recipe", "map", "review", "news", "shop", "course", "podcast", "glossary", "FAQ", "video"}
	n := 9 + r.IntN(6)
	titles := make([]string, n)
	for i, k := range pick(r, kinds, n) {
		titles[i] = title(topic) + " " + k
	}
	target := titles[2+r.IntN(n-2)]
	per := 3 + r.IntN(2)
	body := `<form id="sf" role="search"><label for="q">Search</label><input type="text" id="q" name="q" autocomplete="off"><button type="submit">Search</button></form>
<p id="busy" class="note hidden">Searching…</p><ol id="results"></ol><button type="button" class="plain hidden" id="next">Next page</button><p id="status" class="done"></p>`
	script := fmt.Sprintf(`let page = 0, hits = [];
function show() {
  $("#results").replaceChildren(...hits.slice(page * %d, page * %d + %d).map(t => el("li", {}, el("a", {href: "#", onclick: e => { e.preventDefault(); practice.save({opened: t}); $("#status").textContent = "Opened " + t; }}, t))));
  $("#next").classList.toggle("hidden", (page + 1) * %d >= hits.length);
}
$("#sf").addEventListener("submit", e => {
  e.preventDefault(); const t = $("#q").value.trim().toLowerCase(); $("#busy").classList.remove("hidden"); $("#results").replaceChildren();
  setTimeout(() => { $("#busy").classList.add("hidden"); hits = DATA.filter(x => x.toLowerCase().includes(t) && t); page = 0; show(); }, %d);
});
$("#next").addEventListener("click", () => { page++; show(); });`, per, per, per, per, 200+r.IntN(500))
	return Instance{
		Pages:  map[string]Page{"": {Title: "Library search", Instruction: fmt.Sprintf("Search for %s and open the result %s.", q(topic), q(target)), Body: body, Script: script, Data: titles}},
		Expect: map[string]any{"opened": target},
		Solve: func(ctx context.Context, h *Hand) error {
			if err := h.Type(Label("Search"), topic); err != nil {
				return err
			}
			if err := h.Click(Text("button", "Search")); err != nil {
				return err
			}
			idx := 0
			for i, t := range titles {
				if t == target {
					idx = i
				}
			}
			for range idx / per {
				if err := h.Click(Text("button", "Next page")); err != nil {
					return err
				}
			}
			return h.Click(Text("#results a", target))
		},
	}
}
