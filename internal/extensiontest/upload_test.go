package extensiontest

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/recording"
)

// keptRecording is a recording as the extension keeps it: a typed name,
// a typed city made a parameter that keeps its value, a choice from a
// select, a PIN; a page that shows the name; a click that opened a second
// page.
const keptRecording = `{
	title: "t", viewport: {width: 800, height: 600}, events: [],
	params: {city: {label: "City", keepDefault: true}},
	steps: [
		{sid: "s0", step: {type: "setViewport", width: 800, height: 600, deviceScaleFactor: 1, isMobile: false, hasTouch: false, isLandscape: false}, meta: {}},
		{sid: "s1", step: {type: "navigate", url: "http://shop.test/"}, meta: {}},
		{sid: "s2", step: {type: "change", selectors: ["#name"], value: ""}, meta: {value: "Ada Byron", label: "Name"},
			target: {ref: 1, parent: -1, tag: "input", label: "Name", value: "Ada Byron"}},
		{sid: "s3", step: {type: "change", selectors: ["#city"], value: ""}, meta: {value: "Lima", label: "City", param: "city"},
			target: {ref: 2, parent: -1, tag: "input", label: "City", value: "Lima"}},
		{sid: "s4", step: {type: "change", selectors: ["#size"], value: ""}, meta: {value: "xl", select: true},
			target: {ref: 3, parent: -1, tag: "select", value: "xl"}},
		{sid: "s5", step: {type: "change", selectors: ["#pin"], value: ""}, meta: {sensitive: true},
			target: {ref: 4, parent: -1, tag: "input", label: "PIN", sensitive: true, masked: true}},
		{sid: "s6", step: {type: "click", selectors: ["#go"], offsetX: 1, offsetY: 1,
			assertedEvents: [{type: "navigation", url: "http://shop.test/next?who=Ada%20Byron", title: "Next"}]}, meta: {},
			target: {ref: 5, parent: -1, tag: "button", text: "Go", name: "Go"}}
	],
	outlines: [
		{sid: "s1", outline: {url: "http://shop.test/", title: "Shop", nodes: [
			{ref: 0, parent: -1, tag: "p", text: "Welcome back, Ada Byron! Ada Byronesque prose stays."},
			{ref: 1, parent: -1, tag: "input", label: "Name", value: "Ada Byron"},
			{ref: 2, parent: -1, tag: "input", label: "City", value: "Lima"},
			{ref: 3, parent: -1, tag: "select", value: "xl"},
			{ref: 4, parent: -1, tag: "input", label: "PIN", sensitive: true, masked: true},
			{ref: 5, parent: -1, tag: "button", text: "Go", name: "Go"},
			{ref: 6, parent: -1, tag: "input", label: "Prefilled", value: "from the page"}
		]}},
		{sid: "s6", outline: {url: "http://shop.test/next?who=Ada%20Byron", title: "Next", nodes: [
			{ref: 0, parent: -1, tag: "h1", text: "Ada Byron in Lima"}
		]}}
	]
}`

// buildUpload applies the rules for typed values to targets and outlines:
// what the member did not keep is masked, and taken out of the page's
// words; what they kept (a parameter's default, a choice) stays; removing
// and deleting keep the outlines consistent with the steps.
func TestUploadMasksTargetsAndOutlines(t *testing.T) {
	t.Parallel()
	ext := Start(t)
	upload := func(extra string) recording.Recording {
		t.Helper()
		js := `import("./recording.js").then(m => { const rec = ` + keptRecording + `; ` + extra + `; return m.uploadText(rec); })`
		body := Eval[string](t, ext, js)
		return recordingOf(t, body)
	}
	find := func(nodes []recording.Node, label string) recording.Node {
		for _, n := range nodes {
			if n.Label == label {
				return n
			}
		}
		t.Fatalf("no node labelled %s", label)
		return recording.Node{}
	}

	r := upload("")
	body, _ := json.Marshal(r)
	if regexp.MustCompile(`Ada( |%20)Byron([^a-z]|$)`).Match(body) {
		t.Errorf("the masked name is in the upload:\n%s", body)
	}
	x := r.Allmende
	if len(x.Targets) != 5 || len(x.Outlines) != 2 {
		t.Fatalf("%d targets, %d outlines", len(x.Targets), len(x.Outlines))
	}
	byStep := map[int]recording.Target{}
	for _, tg := range x.Targets {
		byStep[tg.Step] = tg
	}
	if tg := byStep[2]; !tg.Masked || tg.Value != "" {
		t.Errorf("the typed name's target: %+v", tg)
	}
	if tg := byStep[3]; tg.Masked || tg.Value != "Lima" {
		t.Errorf("the kept city's target: %+v", tg)
	}
	if tg := byStep[4]; tg.Value != "xl" {
		t.Errorf("the select's target: %+v", tg)
	}
	if tg := byStep[5]; !tg.Sensitive || tg.Value != "" {
		t.Errorf("the PIN's target: %+v", tg)
	}
	first, next := x.Outlines[0], x.Outlines[1]
	if first.Before != 0 || next.Before != 7 {
		t.Errorf("outlines before steps %d and %d, want 0 and 7", first.Before, next.Before)
	}
	if got := first.Nodes[0].Text; got != "Welcome back, ! Ada Byronesque prose stays." {
		t.Errorf("the page's text is %q: the typed name must go where it stands alone, and only there", got)
	}
	if n := find(first.Nodes, "Name"); !n.Masked || n.Value != "" {
		t.Errorf("the name field in the outline: %+v", n)
	}
	if n := find(first.Nodes, "City"); n.Value != "Lima" {
		t.Errorf("the kept city in the outline: %+v", n)
	}
	if n := find(first.Nodes, "Prefilled"); !n.Masked {
		t.Errorf("a value the member did not keep is sent: %+v", n)
	}
	if next.URL != "http://shop.test/next?who=" || next.Nodes[0].Text != " in Lima" {
		t.Errorf("the second page: %s, %q", next.URL, next.Nodes[0].Text)
	}

	// allmende record --keep-values: every value kept, the PIN still not.
	kept := upload("m.keepAllValues(rec)")
	if n := find(kept.Allmende.Outlines[0].Nodes, "Prefilled"); n.Value != "from the page" {
		t.Errorf("with every value kept, the prefilled field: %+v", n)
	}
	if p := kept.Parameters(); len(p) != 2 || p[0].Name != "name" || p[0].Default != "Ada Byron" || p[1].Name != "city" {
		t.Errorf("keepAllValues made %+v", p)
	}

	// The member removes the first outline; or deletes the click that
	// opened the second page, which becomes a navigate step that keeps
	// its outline; or deletes every outline.
	if o := upload("m.removeOutline(rec, 0)").Allmende.Outlines; len(o) != 1 || o[0].Before != 7 {
		t.Errorf("after removing the first outline: %+v", o)
	}
	deleted := upload("m.deleteStep(rec, 6)")
	if o := deleted.Allmende.Outlines; len(o) != 2 || o[1].Before != 7 || deleted.Steps[6].Type != recording.StepNavigate {
		t.Errorf("after deleting the click: steps %+v, outlines %+v", deleted.Steps, o)
	}
	if o := upload("m.removeOutlines(rec)").Allmende.Outlines; len(o) != 0 {
		t.Errorf("after removing all outlines: %+v", o)
	}

	// Thirteen more long pages: the last would take the upload past what
	// the cooperative accepts (25,000 nodes), so it is left out.
	long := upload(`for (let k = 0; k < 13; k++) {
			const sid = "n" + k;
			rec.steps.push({sid, step: {type: "navigate", url: "http://shop.test/" + k}, meta: {}});
			rec.outlines.push({sid, outline: {url: "http://shop.test/" + k, nodes:
				Array.from({length: 2000}, (_, i) => ({ref: i, parent: -1, tag: "p", text: "line " + i}))}});
		}`)
	if o := long.Allmende.Outlines; len(o) != 14 || o[13].URL != "http://shop.test/11" {
		t.Errorf("with 13 more outlines of 2,000 nodes the upload keeps %d outlines, want 14", len(o))
	}
}

// The privacy module (the contribute page's WebAssembly build, loaded by
// the extension under its 'wasm-unsafe-eval' policy) redacts what the
// upload keeps: a parameter's default typed with a name and an e-mail
// address, the same value in the target and the outline, and a page's
// words and title. The masking rules still hold around it.
func TestUploadRedactsKeptValuesAndOutlines(t *testing.T) {
	t.Parallel()
	ext := Start(t)
	const typed = "Lima, c/o Frau Anna Schmidt, anna.schmidt@example.org"
	js := `(async () => {
		await import("./wasm_exec.js");
		const m = await import("./recording.js");
		const p = await import("./privacy.js");
		const privacy = await p.loadPrivacy();
		m.useRedactor((text) => privacy.redact(text));
		const rec = ` + keptRecording + `;
		rec.steps[3].meta.value = ` + "`" + typed + "`" + `;
		rec.steps[3].target.value = ` + "`" + typed + "`" + `;
		rec.outlines[0].outline.nodes[2].value = ` + "`" + typed + "`" + `;
		rec.outlines[1].outline.title = "Mailbox of grace.hopper@example.com";
		rec.outlines[1].outline.nodes.push({ref: 1, parent: -1, tag: "p", text: "Contact: Tel. +49 30 1234567"});
		return m.uploadText(rec);
	})()`
	body := Eval[string](t, ext, js)
	for _, raw := range []string{"Anna Schmidt", "anna.schmidt@example.org", "grace.hopper", "1234567"} {
		if strings.Contains(body, raw) {
			t.Errorf("the upload carries %q:\n%s", raw, body)
		}
	}
	r := recordingOf(t, body)
	want := "<LOCATION>, c/o <TITLE> <PERSON>, <EMAIL_ADDRESS>"
	if p := r.Parameters(); len(p) != 1 || p[0].Default != want {
		t.Errorf("the kept default is %+v, want %q", p, want)
	}
	for _, tg := range r.Allmende.Targets {
		if tg.Step == 3 && tg.Value != want {
			t.Errorf("the kept value's target is %q, want %q", tg.Value, want)
		}
	}
	next := r.Allmende.Outlines[1]
	if next.Title != "Mailbox of <EMAIL_ADDRESS>" || next.Nodes[1].Text != "Contact: Tel. <PHONE_NUMBER>" {
		t.Errorf("the second page's title %q and words %q are not redacted", next.Title, next.Nodes[1].Text)
	}
	// The heading held the typed name, which is masked; the detector
	// finds the name and the city in the page's words by itself too.
	if next.Nodes[0].Text != "<PERSON> in <LOCATION>" {
		t.Errorf("the heading's words are %q, want the name and the city replaced", next.Nodes[0].Text)
	}
}
