package practice

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Widgets: tabs, sections that open, dialogs, menus and nested menus, a
// tree of folders.

func init() {
	register(Kind{Name: "tabs", Covers: "tabs: a field on a tab that is not shown at first", generate: genTabs})
	register(Kind{Name: "collapsible", Covers: "collapsible sections: open one, act inside it", generate: genCollapsible})
	register(Kind{Name: "dialog-confirm", Covers: "a confirmation dialog after a row's button", generate: genDialogConfirm})
	register(Kind{Name: "menu", Covers: "a menu button and its items", generate: genMenu})
	register(Kind{Name: "nested-menu", Covers: "a menu with submenus opened by hovering", generate: genNestedMenu})
	register(Kind{Name: "tree", Covers: "a tree of folders to expand, then a file to pick", generate: genTree})
}

func genTabs(r *rand.Rand) Instance {
	tabs := shuffled(r, []string{"Profile", "Billing", "Security", "Team", "Integrations"})[:3+r.IntN(2)]
	target := tabs[1+r.IntN(len(tabs)-1)]
	field := map[string]string{"Profile": "Display name", "Billing": "VAT number", "Security": "Recovery email", "Team": "Team name", "Integrations": "Webhook URL"}[target]
	value := map[string]func() string{
		"Profile":      func() string { return one(r, firstNames) + " " + one(r, lastNames) },
		"Billing":      func() string { return fmt.Sprintf("EU%09d", r.IntN(1e9)) },
		"Security":     func() string { return one(r, words) + "@example.net" },
		"Team":         func() string { return title(one(r, words)) + " " + title(one(r, words)) },
		"Integrations": func() string { return "https://hooks.example.com/" + one(r, words) },
	}[target]()
	var heads, panes strings.Builder
	heads.WriteString(`<div role="tablist">`)
	for i, t := range tabs {
		fmt.Fprintf(&heads, `<button type="button" class="plain" role="tab" id="tab-%d" aria-controls="pane-%d" aria-selected="%t">%s</button>`, i, i, i == 0, t)
		f := map[string]string{"Profile": "Display name", "Billing": "VAT number", "Security": "Recovery email", "Team": "Team name", "Integrations": "Webhook URL"}[t]
		hidden := ""
		if i != 0 {
			hidden = ` class="hidden"`
		}
		fmt.Fprintf(&panes, `<section role="tabpanel" id="pane-%d" aria-labelledby="tab-%d"%s><h2>%s</h2>%s</section>`, i, i, hidden, t, textField(fmt.Sprintf("f%d", i), f))
	}
	heads.WriteString(`</div>`)
	script := `$$("[role=tab]").forEach(t => t.addEventListener("click", () => {
  $$("[role=tab]").forEach(o => { o.setAttribute("aria-selected", o === t); $("#" + o.getAttribute("aria-controls")).classList.toggle("hidden", o !== t); });
}));
$("form").addEventListener("submit", e => {
  e.preventDefault(); const s = {};
  $$("[role=tabpanel]").forEach(p => { const i = $("input", p); if (i.value) s[$("h2", p).textContent] = i.value; });
  practice.save(s); $("#status").textContent = "Saved.";
});`
	return Instance{
		Pages: map[string]Page{"": {Title: "Settings", Instruction: fmt.Sprintf("On the %s tab set %s to <b>%s</b>, then save.", q(target), q(field), esc(value)),
			Body: `<form>` + heads.String() + panes.String() + `<button type="submit">Save changes</button><p id="status" class="done"></p></form>`, Script: script}},
		Expect: map[string]any{target: value},
		Solve: func(ctx context.Context, h *Hand) error {
			if err := h.Click(Text("[role=tab]", target)); err != nil {
				return err
			}
			if err := h.Type(Label(field), value); err != nil {
				return err
			}
			return h.Click(Text("button", "Save changes"))
		},
	}
}

func genCollapsible(r *rand.Rand) Instance {
	secs := pick(r, []string{"Shipping", "Returns", "Warranty", "Payment", "Privacy", "Gift wrapping", "Accessibility"}, 4+r.IntN(3))
	target := one(r, secs)
	action := one(r, []string{"Accept", "Subscribe", "Request", "Confirm"})
	var body strings.Builder
	for i, s := range secs {
		fmt.Fprintf(&body, `<div class="box"><h2><button type="button" class="plain" aria-expanded="false" aria-controls="c%d">%s</button></h2><div id="c%d" class="hidden"><p>About %s: details for this order.</p><button type="button" class="act" data-sec="%s">%s</button></div></div>`,
			i, esc(s), i, strings.ToLower(esc(s)), esc(s), action)
	}
	script := `$$("[aria-expanded]").forEach(b => b.addEventListener("click", () => {
  const open = b.getAttribute("aria-expanded") !== "true"; b.setAttribute("aria-expanded", open);
  $("#" + b.getAttribute("aria-controls")).classList.toggle("hidden", !open);
}));
$$(".act").forEach(b => b.addEventListener("click", () => { practice.save({section: b.dataset.sec, action: b.textContent}); b.after(el("span", {class: "done"}, " Done.")); }));`
	return Instance{
		Pages:  map[string]Page{"": {Title: "Order options", Instruction: fmt.Sprintf("Open the %s section and press %s in it.", q(target), q(action)), Body: body.String(), Script: script}},
		Expect: map[string]any{"section": target, "action": action},
		Solve: func(ctx context.Context, h *Hand) error {
			if err := h.Click(Text("h2 button", target)); err != nil {
				return err
			}
			return h.Click(Loc(fmt.Sprintf(`(b => b && byText("button", %s, b.closest(".box")))(byText("h2 button", %s))`, js(action), js(target))))
		},
	}
}

func genDialogConfirm(r *rand.Rand) Instance {
	files := pick(r, words, 5+r.IntN(4))
	for i := range files {
		files[i] += one(r, []string{".pdf", ".txt", ".csv", ".png"})
	}
	target := one(r, files)
	var body strings.Builder
	body.WriteString(`<table><thead><tr><th>File</th><th>Size</th><th></th></tr></thead><tbody>`)
	for _, f := range files {
		fmt.Fprintf(&body, `<tr><td>%s</td><td>%d kB</td><td><button type="button" class="plain del">Delete</button></td></tr>`, esc(f), 10+r.IntN(900))
	}
	body.WriteString(`</tbody></table>
<dialog id="confirm" aria-labelledby="dt"><h2 id="dt">Delete file?</h2><p>Delete <b id="which"></b> for good?</p><button type="button" class="plain" id="no">Cancel</button><button type="button" id="yes">Delete file</button></dialog>`)
	script := `let row = null;
$$(".del").forEach(b => b.addEventListener("click", () => { row = b.closest("tr"); $("#which").textContent = row.cells[0].textContent; $("#confirm").showModal(); }));
$("#no").addEventListener("click", () => $("#confirm").close());
$("#yes").addEventListener("click", () => { row.remove(); $("#confirm").close(); practice.save({files: $$("tbody tr").map(t => t.cells[0].textContent)}); });`
	var left []string
	for _, f := range files {
		if f != target {
			left = append(left, f)
		}
	}
	return Instance{
		Pages:  map[string]Page{"": {Title: "Your files", Instruction: "Delete the file " + q(target) + ".", Body: body.String(), Script: script}},
		Expect: map[string]any{"files": left},
		Solve: func(ctx context.Context, h *Hand) error {
			if err := h.Click(TextInRow(target, "button", "Delete")); err != nil {
				return err
			}
			return h.Click(Text("dialog button", "Delete file"))
		},
	}
}

func genMenu(r *rand.Rand) Instance {
	items := pick(r, []string{"Duplicate", "Rename", "Archive", "Export as PDF", "Export as CSV", "Share", "Print", "Move to trash"}, 5+r.IntN(3))
	target := one(r, items)
	doc := title(one(r, words)) + " plan"
	var menu strings.Builder
	for _, it := range items {
		fmt.Fprintf(&menu, `<li role="menuitem" tabindex="-1">%s</li>`, esc(it))
	}
	body := fmt.Sprintf(`<div class="box"><b>%s</b> <button type="button" class="plain" id="mb" aria-haspopup="menu" aria-expanded="false">Actions</button>
<ul role="menu" id="m" class="hidden" style="position:absolute">%s</ul></div><p id="status" class="done"></p>`, esc(doc), menu.String())
	script := `$("#mb").addEventListener("click", () => { const open = $("#m").classList.toggle("hidden") === false; $("#mb").setAttribute("aria-expanded", open); });
$$("[role=menuitem]").forEach(i => i.addEventListener("click", () => { $("#m").classList.add("hidden"); practice.save({action: i.textContent}); $("#status").textContent = i.textContent + ": done."; }));`
	return Instance{
		Pages:  map[string]Page{"": {Title: "Document", Instruction: fmt.Sprintf("Open the Actions menu and choose %s.", q(target)), Body: body, Script: script}},
		Expect: map[string]any{"action": target},
		Solve: func(ctx context.Context, h *Hand) error {
			if err := h.Click(Text("button", "Actions")); err != nil {
				return err
			}
			return h.Click(Text("[role=menuitem]", target))
		},
	}
}

func genNestedMenu(r *rand.Rand) Instance {
	tree := map[string][]string{
		"Format": {"Bold", "Italic", "Underline", "Strikethrough"},
		"Insert": {"Image", "Table", "Link", "Footnote"},
		"Tools":  {"Word count", "Spelling", "Dictionary"},
		"View":   {"Zoom in", "Zoom out", "Full screen"},
	}
	tops := shuffled(r, []string{"Format", "Insert", "Tools", "View"})
	top := one(r, tops)
	leaf := one(r, tree[top])
	var b strings.Builder
	b.WriteString(`<nav><button type="button" class="plain" id="mb" aria-haspopup="menu">Edit</button><ul role="menu" id="m" class="hidden" style="position:absolute">`)
	for _, t := range tops {
		fmt.Fprintf(&b, `<li role="menuitem" aria-haspopup="menu" class="sub" style="position:relative">%s ▸<ul role="menu" class="hidden" style="position:absolute;left:100%%;top:0">`, t)
		for _, l := range shuffled(r, tree[t]) {
			fmt.Fprintf(&b, `<li role="menuitem" class="leaf" data-path="%s › %s">%s</li>`, t, l, l)
		}
		b.WriteString(`</ul></li>`)
	}
	b.WriteString(`</ul></nav><p id="status" class="done"></p>`)
	script := `$("#mb").addEventListener("click", () => $("#m").classList.toggle("hidden"));
$$(".sub").forEach(s => s.addEventListener("mouseenter", () => { $$(".sub > ul").forEach(u => u.classList.add("hidden")); $("ul", s).classList.remove("hidden"); }));
$$(".leaf").forEach(l => l.addEventListener("click", e => { e.stopPropagation(); $("#m").classList.add("hidden"); practice.save({command: l.dataset.path}); $("#status").textContent = l.dataset.path + " applied."; }));`
	return Instance{
		Pages:  map[string]Page{"": {Title: "Editor", Instruction: fmt.Sprintf("Choose Edit › %s › %s.", esc(top), esc(leaf)), Body: b.String(), Script: script}},
		Expect: map[string]any{"command": top + " › " + leaf},
		Solve: func(ctx context.Context, h *Hand) error {
			if err := h.Click(Text("button", "Edit")); err != nil {
				return err
			}
			sub := Loc(fmt.Sprintf(`[...document.querySelectorAll(".sub")].find(s => s.firstChild.textContent.startsWith(%s))`, js(top+" ")))
			if err := h.Hover(sub); err != nil {
				return err
			}
			// Across to the submenu's first item, then along it, as a
			// person does: a slanted path would cross the next item of
			// the menu and open its submenu instead.
			if err := h.Hover(Loc(fmt.Sprintf(`(%s).querySelector(".leaf")`, sub))); err != nil {
				return err
			}
			return h.Click(Text(".leaf", leaf))
		},
	}
}

func genTree(r *rand.Rand) Instance {
	// Three levels: year › project › file.
	years := pick(r, []string{"2021", "2022", "2023", "2024", "2025"}, 3)
	type folder struct {
		name  string
		files []string
	}
	layout := map[string][]folder{}
	for _, y := range years {
		for _, p := range pick(r, words, 2+r.IntN(2)) {
			layout[y] = append(layout[y], folder{title(p), pick(r, []string{"notes.txt", "budget.csv", "photo.jpg", "summary.pdf", "draft.docx", "plan.md"}, 3)})
		}
	}
	y := one(r, years)
	f := one(r, layout[y])
	file := one(r, f.files)
	var b strings.Builder
	b.WriteString(`<ul role="tree" aria-label="Files">`)
	for _, yy := range years {
		fmt.Fprintf(&b, `<li role="treeitem" aria-expanded="false"><span class="tw">📁 %s</span><ul role="group" class="hidden">`, yy)
		for _, ff := range layout[yy] {
			fmt.Fprintf(&b, `<li role="treeitem" aria-expanded="false"><span class="tw">📁 %s</span><ul role="group" class="hidden">`, ff.name)
			for _, x := range ff.files {
				fmt.Fprintf(&b, `<li role="treeitem" class="file" data-path="%s/%s/%s"><span>%s</span></li>`, yy, ff.name, x, x)
			}
			b.WriteString(`</ul></li>`)
		}
		b.WriteString(`</ul></li>`)
	}
	b.WriteString(`</ul><button type="button" id="open">Open selected</button><p id="status" class="done"></p>`)
	script := `let sel = null;
$$(".tw").forEach(t => t.addEventListener("click", () => { const li = t.parentElement, open = li.getAttribute("aria-expanded") !== "true"; li.setAttribute("aria-expanded", open); $(":scope > ul", li).classList.toggle("hidden", !open); }));
$$(".file").forEach(f => f.addEventListener("click", () => { $$(".file").forEach(o => o.setAttribute("aria-selected", o === f)); sel = f.dataset.path; }));
$("#open").addEventListener("click", () => { if (sel) { practice.save({file: sel}); $("#status").textContent = "Opened " + sel; } });`
	fold := func(name string, within Loc) Loc {
		return Loc(fmt.Sprintf(`(p => p && [...p.querySelectorAll(":scope > li > .tw")].find(t => norm(t.textContent) === %s))(%s)`, js("📁 "+name), within))
	}
	return Instance{
		Pages: map[string]Page{"": {Title: "Files", Instruction: fmt.Sprintf("Open the file %s in the folder %s.", q(file), q(y+"/"+f.name)),
			Body: b.String(), Script: script}},
		Expect: map[string]any{"file": y + "/" + f.name + "/" + file},
		Solve: func(ctx context.Context, h *Hand) error {
			top := fold(y, `document.querySelector("[role=tree]")`)
			if err := h.Click(top); err != nil {
				return err
			}
			mid := fold(f.name, Loc(fmt.Sprintf(`(%s).parentElement.querySelector(":scope > ul")`, top)))
			if err := h.Click(mid); err != nil {
				return err
			}
			if err := h.Click(Loc(fmt.Sprintf(`(%s).parentElement.querySelector('[data-path=' + CSS.escape(%s) + ']')`, mid, js(y+"/"+f.name+"/"+file)))); err != nil {
				return err
			}
			return h.Click(Text("button", "Open selected"))
		},
	}
}
