// What a page shows, in words the page keeps: its outline (visible text
// blocks and interactive elements in document order, each with its role,
// accessible name, label, text, stable attributes, place among similar
// siblings, nearest heading and landmark, frame and shadow root) and, for
// one element, its description. The recorder's content script uses it to
// describe each step's target and the page at the start and after each
// change; Go (internal/replay, through package extension, which embeds
// this file) evaluates the same script in an isolated world to read a live
// page the way the recordings describe it. The format is
// internal/recording's Outline and Node, documented in
// docs/recording.schema.json.
//
// Privacy is decided here, once for both users: a sensitive field (a
// password, card data, a one-time code — the rules the recorder has always
// used for typed values) is described by its kind and label only; its value
// is never read. Other fields' values are returned only when the caller asks
// for them (values: "keep"); the recorder keeps them in the extension's own
// storage, and the review page masks them unless the member made the field
// a parameter.
//
// The script is a classic script that defines globalThis.__allmendeOutline
// once and evaluates to it, so it can be listed as a content script and
// evaluated again and again from Go.
(() => {
  "use strict";
  if (globalThis.__allmendeOutline) {
    return globalThis.__allmendeOutline;
  }

  // Limits: recording.MaxNodes, recording.MaxNodeText, recording.MaxAttributes.
  const MAX_NODES = 2000;
  const MAX_TEXT = 200;
  const MAX_ATTRIBUTES = 16;
  // MAX_SCAN bounds the elements one capture visits, and MAX_CANDIDATES
  // the nodes it considers before keeping the MAX_NODES most useful: a huge
  // page gives a cut outline, not a frozen tab.
  const MAX_SCAN = 60000;
  const MAX_CANDIDATES = 20000;
  // The captures whose elements the node actions can still find.
  const KEEP_CAPTURES = 8;

  // --- sensitive fields --------------------------------------------------
  // The recorder's rules for values that never leave the page.

  const SENSITIVE_AUTOCOMPLETE = /(^|\s)(cc-[a-z-]+|current-password|new-password|one-time-code)(\s|$)/;
  const SENSITIVE_TOKENS = new Set([
    "pass",
    "password",
    "passwort",
    "passwd",
    "pwd",
    "passcode",
    "pin",
    "tan",
    "cvc",
    "cvv",
    "cvv2",
    "csc",
    "iban",
    "otp",
    "totp",
  ]);
  const SENSITIVE_WORDS =
    /passw(or)?d|passwort|card.?(num|no)|cc.?(num|no)|creditcard|kreditkarte|kartennummer|kontonummer|security.?code|one.?time.?(code|pass)/i;
  const wasPassword = new WeakSet();

  // fieldSensitive: the field's kind alone says its value is secret.
  function fieldSensitive(el) {
    if (el.localName === "input" && el.type === "password") {
      wasPassword.add(el);
      return true;
    }
    if (wasPassword.has(el)) {
      return true; // a "show password" toggle turned it into a text field
    }
    const ac = (el.getAttribute("autocomplete") || "").toLowerCase();
    if (SENSITIVE_AUTOCOMPLETE.test(ac)) {
      return true;
    }
    const words = [el.getAttribute("name"), el.id, el.getAttribute("aria-label"), el.getAttribute("placeholder")]
      .filter(Boolean)
      .join(" ");
    if (SENSITIVE_WORDS.test(words)) {
      return true;
    }
    return words
      .replace(/([a-z])([A-Z])/g, "$1 $2")
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .some((w) => SENSITIVE_TOKENS.has(w));
  }

  function luhn(digits) {
    let sum = 0;
    for (let i = 0; i < digits.length; i++) {
      let d = digits.charCodeAt(digits.length - 1 - i) - 48;
      if (i % 2 === 1) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
    }
    return sum % 10 === 0;
  }

  function ibanValid(s) {
    const r = s.slice(4) + s.slice(0, 4);
    let rem = 0;
    for (const ch of r) {
      const v = ch >= "A" ? String(ch.charCodeAt(0) - 55) : ch;
      for (const d of v) {
        rem = (rem * 10 + (d.charCodeAt(0) - 48)) % 97;
      }
    }
    return rem === 1;
  }

  // valueSensitive: the value looks like a payment card number or an IBAN.
  function valueSensitive(v) {
    if (!v) {
      return false;
    }
    const digits = v.replace(/[\s-]/g, "");
    if (/^\d{13,19}$/.test(digits) && luhn(digits)) {
      return true;
    }
    const s = v.replace(/\s/g, "").toUpperCase();
    return /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s) && ibanValid(s);
  }

  // --- text ----------------------------------------------------------------

  const norm = (s) => String(s || "").replace(/\s+/g, " ").trim();

  // cut shortens text to MAX_TEXT characters (code points, as Go counts
  // runes), never splitting a surrogate pair.
  function cut(s) {
    s = norm(s);
    if (s.length <= MAX_TEXT) {
      return s;
    }
    const chars = Array.from(s);
    return chars.length <= MAX_TEXT ? s : chars.slice(0, MAX_TEXT).join("");
  }

  // Raw text gathered for an element is kept a little longer than the
  // limit, so that collapsing whitespace afterwards still leaves enough.
  const RAW = MAX_TEXT * 4;
  const join = (a, b) => (a.length >= RAW ? a : (a + b).slice(0, RAW));

  const SKIP = new Set([
    "script",
    "style",
    "noscript",
    "template",
    "head",
    "title",
    "meta",
    "link",
    "desc",
    "datalist",
  ]);

  // --- roles and names -----------------------------------------------------

  const TEXT_TYPES = new Set([
    "text",
    "email",
    "search",
    "tel",
    "url",
    "password",
    "number",
    "date",
    "datetime-local",
    "month",
    "week",
    "time",
    "color",
    "range",
  ]);

  function isFormControl(el) {
    const tag = el.localName;
    if (tag === "select" || tag === "textarea") {
      return true;
    }
    return tag === "input" && !["button", "submit", "reset", "image", "hidden"].includes(el.type);
  }

  // hasValue: a field whose value a person types or picks.
  function hasValue(el) {
    const tag = el.localName;
    return tag === "textarea" || tag === "select" || (tag === "input" && TEXT_TYPES.has(el.type));
  }

  function inSection(el) {
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (/^(article|aside|main|nav|section)$/.test(p.localName)) {
        return true;
      }
    }
    return false;
  }

  function tableOf(el) {
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (p.localName === "table") {
        return p;
      }
    }
    return null;
  }

  // roleOf is the ARIA role: the first token of an explicit role, or the
  // element's implicit role as the HTML-AAM mapping gives it.
  function roleOf(el) {
    const explicit = (el.getAttribute("role") || "").trim().split(/\s+/)[0];
    if (explicit) {
      return explicit;
    }
    const tag = el.localName;
    switch (tag) {
      case "a":
      case "area":
        return el.hasAttribute("href") ? "link" : "";
      case "button":
      case "summary":
        return "button";
      case "input": {
        const t = el.type;
        if (t === "button" || t === "submit" || t === "reset" || t === "image") {
          return "button";
        }
        if (t === "checkbox" || t === "radio") {
          return t;
        }
        if (t === "range") {
          return "slider";
        }
        if (t === "number") {
          return "spinbutton";
        }
        if (t === "search") {
          return el.hasAttribute("list") ? "combobox" : "searchbox";
        }
        if (t === "text" || t === "email" || t === "tel" || t === "url" || t === "password") {
          return el.hasAttribute("list") ? "combobox" : "textbox";
        }
        return "";
      }
      case "select":
        return el.multiple || el.size > 1 ? "listbox" : "combobox";
      case "textarea":
        return "textbox";
      case "img":
        return el.getAttribute("alt") === "" ? "" : "img";
      case "h1":
      case "h2":
      case "h3":
      case "h4":
      case "h5":
      case "h6":
        return "heading";
      case "option":
        return "option";
      case "table":
        return "table";
      case "tr":
        return "row";
      case "td": {
        const t = tableOf(el);
        return t && t.getAttribute("role") === "grid" ? "gridcell" : "cell";
      }
      case "th": {
        const scope = el.getAttribute("scope");
        if (scope === "row" || scope === "rowgroup") {
          return "rowheader";
        }
        if (scope === "col" || scope === "colgroup") {
          return "columnheader";
        }
        const row = el.parentElement;
        if (row && row.parentElement && row.parentElement.localName === "thead") {
          return "columnheader";
        }
        if (row && Array.from(row.children).every((c) => c.localName === "th")) {
          return "columnheader";
        }
        return "rowheader";
      }
      case "ul":
      case "ol":
      case "menu":
        return "list";
      case "li":
        return "listitem";
      case "nav":
        return "navigation";
      case "main":
        return "main";
      case "aside":
        return "complementary";
      case "header":
        return inSection(el) ? "" : "banner";
      case "footer":
        return inSection(el) ? "" : "contentinfo";
      case "form":
        return "form";
      case "section":
        return el.hasAttribute("aria-label") || el.hasAttribute("aria-labelledby") ? "region" : "";
      case "search":
        return "search";
      case "dialog":
        return "dialog";
      case "fieldset":
      case "details":
        return "group";
      case "hr":
        return "separator";
      case "progress":
        return "progressbar";
      case "meter":
        return "meter";
      case "output":
        return "status";
      case "article":
        return "article";
      case "figure":
        return "figure";
      case "dt":
        return "term";
      case "dd":
        return "definition";
    }
    return "";
  }

  const NAME_FROM_CONTENT = new Set([
    "button",
    "link",
    "heading",
    "tab",
    "menuitem",
    "menuitemcheckbox",
    "menuitemradio",
    "option",
    "treeitem",
    "switch",
    "cell",
    "gridcell",
    "columnheader",
    "rowheader",
    "tooltip",
    "checkbox",
    "radio",
    "row",
  ]);

  const INLINE_TAGS = new Set(["a", "abbr", "b", "bdi", "bdo", "code", "em", "i", "kbd", "mark", "q", "s", "small", "span", "strong", "sub", "sup", "time", "u"]);

  // plainText is an element's text, visible or not, for the names a label
  // or aria-labelledby gives (the accessible-name algorithm reads hidden
  // labels too). Fields inside contribute nothing: their values are not
  // names.
  function plainText(el) {
    let s = "";
    const visit = (n) => {
      for (let c = n.firstChild; c && s.length < RAW; c = c.nextSibling) {
        if (c.nodeType === 3) {
          s += c.data;
        } else if (c.nodeType === 1 && !SKIP.has(c.localName) && !isFormControl(c)) {
          if (c.localName === "br") {
            s += " ";
          }
          const inline = INLINE_TAGS.has(c.localName);
          s += inline ? "" : " ";
          visit(c);
          s += inline ? "" : " ";
        }
      }
    };
    visit(el);
    return norm(s);
  }

  // labelOf is the text of a field's labels: <label for>, a wrapping
  // label, or the elements aria-labelledby names.
  function labelOf(el) {
    const root = el.getRootNode();
    const lb = el.getAttribute("aria-labelledby");
    if (lb) {
      const t = norm(
        lb
          .split(/\s+/)
          .map((id) => (root.getElementById ? root.getElementById(id) : null))
          .filter(Boolean)
          .map(plainText)
          .join(" "),
      );
      if (t) {
        return t;
      }
    }
    if (isFormControl(el) && el.labels && el.labels.length) {
      return norm(Array.from(el.labels).map(plainText).join(" "));
    }
    return "";
  }

  // nameOf follows the accessible-name computation closely enough for a
  // learner: aria-labelledby, aria-label, labels, alt and value, the
  // content for roles named by it, title and placeholder last. text is
  // the element's visible text when the caller has it.
  function nameOf(el, role, text) {
    const label = labelOf(el);
    if (label && el.hasAttribute("aria-labelledby")) {
      return cut(label);
    }
    const al = norm(el.getAttribute("aria-label"));
    if (al) {
      return cut(al);
    }
    if (label) {
      return cut(label);
    }
    const tag = el.localName;
    if (tag === "input") {
      if (el.type === "image") {
        return cut(el.getAttribute("alt") || el.getAttribute("value") || "Submit");
      }
      if (el.type === "submit" || el.type === "reset" || el.type === "button") {
        return cut(el.getAttribute("value") || (el.type === "submit" ? "Submit" : el.type === "reset" ? "Reset" : ""));
      }
    }
    if (tag === "img" || tag === "area") {
      return cut(el.getAttribute("alt") || el.getAttribute("title"));
    }
    if (NAME_FROM_CONTENT.has(role)) {
      const t = text !== undefined ? text : visibleText(el);
      if (t) {
        return cut(t);
      }
    }
    if (role === "dialog" || role === "alertdialog") {
      const h = el.querySelector("h1, h2, h3, h4, h5, h6, [role=heading]");
      if (h) {
        return cut(plainText(h));
      }
    }
    if (tag === "fieldset") {
      const legend = el.querySelector(":scope > legend");
      if (legend) {
        return cut(plainText(legend));
      }
    }
    if (tag === "table") {
      const cap = el.querySelector(":scope > caption");
      if (cap) {
        return cut(plainText(cap));
      }
    }
    return cut(el.getAttribute("title") || (isFormControl(el) ? el.getAttribute("placeholder") : ""));
  }

  // --- what a person can act on --------------------------------------------

  const INTERACTIVE_ROLES = new Set([
    "button",
    "link",
    "checkbox",
    "radio",
    "switch",
    "tab",
    "menuitem",
    "menuitemcheckbox",
    "menuitemradio",
    "option",
    "treeitem",
    "combobox",
    "textbox",
    "searchbox",
    "slider",
    "spinbutton",
  ]);

  function interactive(el, role, cs, parentPointer) {
    const tag = el.localName;
    if (tag === "a" || tag === "area") {
      return el.hasAttribute("href") || el.hasAttribute("onclick");
    }
    if (tag === "button" || tag === "select" || tag === "textarea" || tag === "summary") {
      return true;
    }
    if (tag === "input") {
      return el.type !== "hidden";
    }
    if (tag === "label") {
      return !!el.control;
    }
    if (tag === "option") {
      return false; // chosen through its list, not clicked
    }
    if (el.isContentEditable && !(el.parentElement && el.parentElement.isContentEditable)) {
      return true;
    }
    if (INTERACTIVE_ROLES.has(role)) {
      return true;
    }
    if (el.hasAttribute("onclick")) {
      return true;
    }
    if (el.hasAttribute("tabindex") && el.tabIndex >= 0) {
      return true;
    }
    // A pointer cursor is how a page tells a person "click me" when it
    // listens for clicks on a plain element.
    return !!cs && cs.cursor === "pointer" && !parentPointer;
  }

  // --- attributes ----------------------------------------------------------

  const TEST_ATTRS = ["data-testid", "data-test", "data-qa", "data-cy", "data-test-id", "data-qa-id", "data-testing"];
  const ATTRS = [
    "id",
    "name",
    "type",
    "placeholder",
    "title",
    "alt",
    "for",
    "href",
    "value",
    "autocomplete",
    "open",
    "aria-label",
    "aria-expanded",
    "aria-selected",
    "aria-checked",
    "aria-pressed",
    "aria-current",
    "aria-haspopup",
    "aria-level",
    "aria-invalid",
    "aria-required",
  ];
  const VALUE_ATTR_TAGS = /^(button|option|li|data|param|meter|progress)$/;

  function stableId(id) {
    return (
      !!id &&
      id.length <= 64 &&
      /^[A-Za-z][\w-]*$/.test(id) &&
      !/\d{4,}/.test(id) &&
      !/^(ember|react|mui|radix|headlessui|ng-|yui_|ext-gen|gwt-|__)/i.test(id)
    );
  }

  // attributesOf keeps what a page writes to name its elements, not what
  // it generates or styles with, and never a field's value: the value
  // attribute is kept only for buttons, options and check boxes, whose
  // value is the page's own.
  function attributesOf(el, sensitive) {
    const out = {};
    let n = 0;
    const put = (k, v) => {
      if (n < MAX_ATTRIBUTES && v !== null && v !== undefined) {
        out[k] = cut(v);
        n++;
      }
    };
    if (sensitive) {
      put("type", el.getAttribute("type"));
      return out;
    }
    for (const a of TEST_ATTRS) {
      put(a, el.getAttribute(a));
    }
    const tag = el.localName;
    for (const a of ATTRS) {
      if (!el.hasAttribute(a)) {
        continue;
      }
      if (a === "id" && !stableId(el.id)) {
        continue;
      }
      if (a === "value") {
        const keep =
          VALUE_ATTR_TAGS.test(tag) ||
          (tag === "input" && ["checkbox", "radio", "button", "submit", "reset", "image"].includes(el.type));
        if (!keep) {
          continue;
        }
      }
      put(a, el.getAttribute(a));
    }
    return out;
  }

  // --- one node ------------------------------------------------------------

  // fields is what an element says about itself: everything but its text,
  // place, heading, landmark, frame and references. values is "keep" to
  // read field values, anything else to leave them out (masked).
  function fields(el, role, opts) {
    const tag = el.localName;
    const node = { tag };
    if (role) {
      node.role = role;
    }
    const sensitive = isFormControl(el) && fieldSensitive(el);
    const label = labelOf(el);
    if (label) {
      node.label = cut(label);
    }
    node.attributes = attributesOf(el, sensitive);
    if (sensitive) {
      // Kind and label only: no value, not even whether there is one.
      node.sensitive = true;
      node.masked = true;
      return node;
    }
    if (tag === "input" && (el.type === "checkbox" || el.type === "radio")) {
      node.checked = !!el.checked;
    } else if (role === "checkbox" || role === "radio" || role === "switch" || role === "menuitemcheckbox") {
      const ac = el.getAttribute("aria-checked");
      if (ac === "true" || ac === "false") {
        node.checked = ac === "true";
      }
    }
    if (el.disabled === true || el.getAttribute("aria-disabled") === "true") {
      node.disabled = true;
    }
    let value = null;
    if (tag === "select") {
      value = el.value;
      if (valueSensitive(value)) {
        node.sensitive = true;
        node.masked = true;
        return node;
      }
      // A choice from the page's own list is not something typed: it is
      // shown as it is, as in the recorded change step.
      if (value) {
        node.value = cut(value);
      }
      return node;
    }
    if (hasValue(el)) {
      value = el.value;
    } else if (el.isContentEditable && !(el.parentElement && el.parentElement.isContentEditable)) {
      value = plainText(el);
    }
    if (value !== null && value !== "") {
      if (valueSensitive(value)) {
        node.sensitive = true;
        node.masked = true;
      } else if (opts.values === "keep") {
        node.value = cut(value);
      } else {
        node.masked = true;
      }
    }
    return node;
  }

  // --- visibility ------------------------------------------------------------

  // shown tells whether an element and what it holds can be seen: "none"
  // (not rendered, or clipped to nothing: skip it and everything in it),
  // "faded" (opacity 0: its text is not seen, but a transparent input on
  // top of a styled box is still what a click reaches), or "" (shown).
  function shown(el, cs) {
    if (cs.display === "contents") {
      return "";
    }
    if (cs.display === "none" || (el.checkVisibility && !el.checkVisibility())) {
      return "none";
    }
    if (cs.contentVisibility === "hidden") {
      return "none";
    }
    const clips = /hidden|clip/.test(cs.overflowX + cs.overflowY);
    if (clips) {
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) {
        return "none";
      }
    }
    if (cs.opacity === "0") {
      return "faded";
    }
    return "";
  }

  // tiny: a box no one can see, as screen-reader-only text has.
  function tiny(el) {
    const r = el.getBoundingClientRect();
    return r.width <= 1 && r.height <= 1;
  }

  const INLINE = /^(inline|contents)$/;

  // visibleText is an element's visible text, on its own (describe uses
  // it; capture gathers text while it walks).
  function visibleText(el) {
    const walk = (n) => {
      let s = "";
      const own = n.nodeType === 1 ? n.ownerDocument.defaultView.getComputedStyle(n) : null;
      const seen = !own || own.visibility === "visible";
      const from = n.shadowRoot || n;
      for (let c = from.firstChild; c && s.length < RAW; c = c.nextSibling) {
        if (c.nodeType === 3) {
          if (seen) {
            s = join(s, c.data);
          }
          continue;
        }
        if (c.nodeType !== 1 || SKIP.has(c.localName) || c.localName === "textarea" || c.localName === "input") {
          continue;
        }
        const cs = c.ownerDocument.defaultView.getComputedStyle(c);
        if (shown(c, cs) !== "") {
          continue;
        }
        if (c.localName === "select") {
          s = join(s, " " + selectedText(c) + " ");
          continue;
        }
        const inner = c.localName === "slot" ? slotText(c, walk) : walk(c);
        s = join(s, INLINE.test(cs.display) ? inner : " " + inner + " ");
      }
      return s;
    };
    return cut(walk(el));
  }

  function slotText(slot, walk) {
    const assigned = slot.assignedNodes({ flatten: true });
    if (!assigned.length) {
      return walk(slot);
    }
    let s = "";
    for (const n of assigned) {
      s = join(s, n.nodeType === 3 ? n.data : n.nodeType === 1 ? " " + walk(n) + " " : "");
    }
    return s;
  }

  function selectedText(select) {
    if (fieldSensitive(select)) {
      return "";
    }
    const o = select.selectedOptions && select.selectedOptions[0];
    return o ? o.text : "";
  }

  // --- frames ----------------------------------------------------------------

  // frameIndex is the index of a frame's window among its parent's
  // frames, as a Recorder step's "frame" counts.
  function frameIndex(frameEl) {
    const parent = frameEl.ownerDocument.defaultView;
    const w = frameEl.contentWindow;
    for (let i = 0; i < parent.frames.length; i++) {
      if (parent.frames[i] === w) {
        return i;
      }
    }
    return -1;
  }

  function framePathOf(win) {
    const path = [];
    try {
      let w = win;
      while (w !== w.top) {
        const fe = w.frameElement;
        if (!fe) {
          return null;
        }
        path.unshift(frameIndex(fe));
        w = w.parent;
      }
    } catch {
      return null;
    }
    return path;
  }

  function frameDocument(frameEl) {
    try {
      return frameEl.contentDocument || null;
    } catch {
      return null; // another origin
    }
  }

  // --- landmarks and containers ---------------------------------------------

  const LANDMARKS = new Set([
    "banner",
    "navigation",
    "main",
    "complementary",
    "contentinfo",
    "form",
    "region",
    "search",
    "dialog",
    "alertdialog",
  ]);

  function landmarkText(el, role) {
    const name = role === "form" || role === "region" || LANDMARKS.has(role) ? nameOf(el, role, "") : "";
    return name ? `${role} ${name}` : role;
  }

  function isLandmark(el, role) {
    if (!LANDMARKS.has(role)) {
      return false;
    }
    if (role === "dialog" && el.localName === "dialog" && !el.open) {
      return false;
    }
    // An unnamed form is not a landmark.
    return role !== "form" || !!(el.getAttribute("aria-label") || el.getAttribute("aria-labelledby"));
  }

  const LIST_ROLES = new Set([
    "list",
    "listbox",
    "menu",
    "menubar",
    "tree",
    "tablist",
    "radiogroup",
    "grid",
    "treegrid",
    "table",
  ]);
  const ITEM_ROLES = new Set([
    "listitem",
    "option",
    "menuitem",
    "menuitemcheckbox",
    "menuitemradio",
    "treeitem",
    "tab",
    "row",
  ]);
  const CELL_ROLES = new Set(["cell", "gridcell", "columnheader", "rowheader"]);

  function isContainer(el, role) {
    if (LIST_ROLES.has(role) || el.localName === "select") {
      return true;
    }
    // A group inside a tree is the list of a branch.
    return role === "group" && !!el.closest("[role=tree]");
  }

  // signature of an element for "similar siblings": tag and classes.
  const signature = (el) => el.localName + "." + (el.getAttribute("class") || "").trim().split(/\s+/).sort().join(".");

  const ACTIONABLE =
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [role=link], [role=checkbox], [role=radio], [role=switch], [role=tab], [role=menuitem], [role=option], [role=treeitem], [onclick], [tabindex]:not([tabindex="-1"])';

  // repeatedItems returns the children of el that form an implicit list:
  // two or more siblings of the same tag and classes, each holding
  // something a person can act on (result cards, mail rows built of divs).
  function repeatedItems(el) {
    if (/^(tbody|thead|tfoot|tr|table|select|datalist|optgroup)$/.test(el.localName)) {
      return null; // rows and cells have their places already
    }
    const kids = el.children;
    if (!kids || kids.length < 2 || kids.length > 2000) {
      return null;
    }
    const groups = new Map();
    for (const k of kids) {
      if (SKIP.has(k.localName)) {
        continue;
      }
      const sig = signature(k);
      let g = groups.get(sig);
      if (!g) {
        g = [];
        groups.set(sig, g);
      }
      g.push(k);
    }
    let best = null;
    for (const g of groups.values()) {
      if (g.length >= 2 && (!best || g.length > best.length)) {
        best = g;
      }
    }
    if (!best) {
      return null;
    }
    let acting = 0;
    for (const k of best) {
      if (k.matches(ACTIONABLE) || k.querySelector(ACTIONABLE)) {
        acting++;
        if (acting >= 2) {
          return new Set(best);
        }
      }
    }
    return null;
  }

  // --- tables ---------------------------------------------------------------

  // tableModel says, for a table (native or ARIA), which rows are body
  // rows (and their index), each cell's column, and the header cells.
  function tableModel(table) {
    const native = table.localName === "table" && !table.getAttribute("role");
    let rows;
    const cellsOf = native
      ? (r) => Array.from(r.cells || [])
      : (r) =>
          Array.from(r.querySelectorAll("[role=cell],[role=gridcell],[role=columnheader],[role=rowheader],td,th")).filter(
            (c) => c.closest("[role=row],tr") === r,
          );
    if (native) {
      rows = Array.from(table.rows || []);
    } else {
      rows = Array.from(table.querySelectorAll("[role=row],tr")).filter(
        (r) => r.closest("[role=table],[role=grid],[role=treegrid],table") === table,
      );
    }
    const header = [];
    const headerRows = new Set();
    const rowIndex = new Map();
    const column = new Map();
    let body = 0;
    for (const r of rows) {
      const cells = cellsOf(r);
      const inHead = native && r.parentElement && r.parentElement.localName === "thead";
      const allHeads =
        cells.length > 0 && cells.every((c) => c.localName === "th" || c.getAttribute("role") === "columnheader");
      const isHeader = inHead || (allHeads && body === 0);
      let col = 0;
      for (const c of cells) {
        column.set(c, col);
        if (isHeader) {
          header.push({ col, el: c });
        }
        col += Math.max(1, Math.min(1000, Number(c.colSpan) || Number(c.getAttribute("aria-colspan")) || 1));
      }
      if (isHeader) {
        headerRows.add(r);
      } else {
        rowIndex.set(r, body++);
      }
    }
    return { rows: rowIndex, count: body, column, header, headerRows, cellsOf };
  }

  // --- capture ----------------------------------------------------------------

  const captures = new Map(); // capture id -> elements by ref
  let captureSeq = 0;

  function newCaptureId() {
    const a = new Uint8Array(6);
    crypto.getRandomValues(a);
    captureSeq++;
    return captureSeq.toString(36) + "-" + Array.from(a, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // capture reads the outline of the document, the same-origin frames in
  // it and the open shadow roots, in document order. opts.values: "keep"
  // returns field values (never a sensitive field's). It returns
  // {id, outline, frames}: id names the capture for element(); frames
  // lists the paths of frames it could not read (another origin).
  function capture(opts = {}) {
    opts = { values: opts.values || "mask", register: opts.register !== false, watch: !!opts.watch };
    if (opts.watch) {
      watchChanges();
    }
    const stamp = changes;
    let unwatched = false; // a frame or shadow root was read: changes there are not watched
    const doc = document;
    const cands = []; // {el, node, prio, parent, container, kind, cell, table}
    const byEl = new Map();
    const unreadFrames = [];
    let scanned = 0;
    let lastHeading = "";
    const tables = new Map(); // table element -> {ref, model}
    let truncated = false;

    // st: {parent, container, landmark, frame, shadow, faded, covered,
    //      pointer, cell, table, items}
    function emit(el, node, prio, st, extra = {}) {
      if (cands.length >= MAX_CANDIDATES) {
        truncated = true;
        return -1;
      }
      node.parent = st.parent;
      if (st.frame.length) {
        node.frame = st.frame.slice();
      }
      if (st.shadow) {
        node.shadow = true;
      }
      if (lastHeading) {
        node.heading = lastHeading;
      }
      if (st.landmark) {
        node.landmark = st.landmark;
      }
      const c = {
        el,
        node,
        prio,
        container: st.container,
        cell: st.cell,
        table: st.table,
        kind: node.tag + "|" + (node.role || "") + "|" + (el.localName === "input" ? el.type : ""),
        ...extra,
      };
      cands.push(c);
      byEl.set(el, cands.length - 1);
      return cands.length - 1;
    }

    function walkChildren(from, st, seen) {
      let s = "";
      for (let c = from.firstChild; c; c = c.nextSibling) {
        if (c.nodeType === 3) {
          if (seen && !st.faded) {
            s = join(s, c.data);
          }
        } else if (c.nodeType === 1) {
          s = join(s, visit(c, st));
        }
        if (scanned > MAX_SCAN) {
          truncated = true;
          break;
        }
      }
      return s;
    }

    function walkSlot(slot, st, seen) {
      const assigned = slot.assignedNodes({ flatten: true });
      if (!assigned.length) {
        return walkChildren(slot, st, seen);
      }
      let s = "";
      for (const n of assigned) {
        if (n.nodeType === 3) {
          if (!st.faded) {
            s = join(s, n.data);
          }
        } else if (n.nodeType === 1) {
          // Slotted light-DOM elements belong to the host's tree, not the
          // shadow root.
          s = join(s, visit(n, { ...st, shadow: st.lightShadow }));
        }
      }
      return s;
    }

    // visit walks one element and returns the text it adds to its
    // parent's.
    function visit(el, st) {
      scanned++;
      const tag = el.localName;
      if (SKIP.has(tag)) {
        return "";
      }
      const win = el.ownerDocument.defaultView;
      const cs = win.getComputedStyle(el);
      const vis = shown(el, cs);
      if (vis === "none") {
        return "";
      }
      const faded = st.faded || vis === "faded";
      const seen = cs.visibility === "visible";
      const role = roleOf(el);
      const pointer = cs.cursor === "pointer";
      const acts = seen && interactive(el, role, cs, st.pointer);
      // In a faded box only form controls count: a transparent input is
      // still what a click on the styled box reaches.
      const act = acts && (!faded || isFormControl(el));

      let kind = ""; // why el is a node
      if (act) {
        kind = "act";
      } else if (!seen || faded) {
        kind = "";
      } else if (role === "heading") {
        kind = "heading";
      } else if (role === "dialog" || role === "alertdialog") {
        kind = tag === "dialog" && !el.open ? "" : "dialog";
      } else if (isContainer(el, role)) {
        kind = "container";
      } else if (ITEM_ROLES.has(role) || (st.items && st.items.has(el))) {
        kind = "item";
      } else if (CELL_ROLES.has(role) && st.table >= 0) {
        kind = "cell";
      } else if (tag === "img" && role === "img" && el.getAttribute("alt")) {
        kind = "img";
      }

      const next = { ...st, pointer: pointer, items: null };
      if (faded) {
        next.faded = true;
      }
      let ref = -1;
      let node = null;
      if (kind) {
        node = fields(el, role, opts);
        if (act) {
          node.interactive = true;
        }
        const prio = kind === "act" || kind === "heading" || kind === "dialog" || kind === "container" ? 0 : 1;
        ref = emit(el, node, prio, st);
        if (ref >= 0) {
          next.parent = ref;
          if (kind === "container" || kind === "dialog") {
            next.container = kind === "container" ? ref : st.container;
          }
          if (kind !== "container" && kind !== "dialog") {
            next.covered = true;
          }
        }
      }
      if (isLandmark(el, role)) {
        next.landmark = landmarkText(el, role);
      }
      if (kind === "container" && ref >= 0 && (role === "table" || role === "grid" || role === "treegrid")) {
        tables.set(el, { ref, model: tableModel(el) });
        next.table = ref;
        next.tableEl = el;
      }
      if (kind === "cell" && ref >= 0) {
        next.cell = el;
      }
      if (!kind) {
        // An implicit list: the repeated, actionable children of a plain
        // element. Its own node stands for the list.
        const items = seen && !faded ? repeatedItems(el) : null;
        if (items) {
          const cnode = fields(el, role, opts);
          const cref = emit(el, cnode, 0, st);
          if (cref >= 0) {
            next.parent = cref;
            next.container = cref;
            next.items = items;
            ref = cref;
            node = cnode;
            kind = "container";
          }
        }
      } else if (kind === "container" || kind === "dialog") {
        const items = repeatedItems(el);
        if (items && !LIST_ROLES.has(role) && tag !== "select") {
          next.items = items;
        }
      }

      // A block of text: the highest element with text of its own that no
      // node above already covers; the text blocks inside it are part of
      // it.
      const block = !kind && seen && !faded && !st.covered && hasOwnText(el);
      if (block) {
        next.covered = true;
      }
      const start = cands.length;

      // Children.
      let text = "";
      if (tag === "select") {
        // The options are the list's items; the text a person sees is the
        // chosen one.
        if (ref >= 0 && !node.sensitive) {
          for (const o of el.options || []) {
            const onode = { tag: "option", role: "option", attributes: attributesOf(o, false) };
            const t = cut(o.text || o.label);
            if (t) {
              onode.text = t;
              onode.name = t;
            }
            if (o.selected) {
              onode.checked = true;
            }
            if (o.disabled) {
              onode.disabled = true;
            }
            emit(o, onode, 1, { ...next, parent: ref, container: ref });
          }
        }
        text = selectedText(el);
      } else if (tag === "textarea" || tag === "input") {
        text = "";
      } else if (tag === "iframe" || tag === "frame") {
        const fdoc = frameDocument(el);
        const idx = frameIndex(el);
        unwatched = true;
        if (fdoc && fdoc.documentElement && idx >= 0) {
          const fst = { ...next, frame: st.frame.concat(idx), shadow: false, lightShadow: false, pointer: false, cell: null };
          visit(fdoc.body || fdoc.documentElement, fst);
        } else if (idx >= 0) {
          unreadFrames.push(st.frame.concat(idx));
        }
        text = "";
      } else if (el.shadowRoot) {
        unwatched = true;
        text = walkChildren(el.shadowRoot, { ...next, shadow: true, lightShadow: st.shadow }, seen);
      } else if (tag === "slot") {
        text = walkSlot(el, next, seen);
      } else {
        text = walkChildren(el, next, seen);
      }
      if (tag === "br") {
        text = " ";
      }
      if (faded) {
        text = "";
      }

      if (ref >= 0) {
        const t = cut(text);
        if (t && !(node.sensitive || (hasValue(el) && tag !== "select"))) {
          node.text = t;
        }
        if (!node.sensitive) {
          const name = nameOf(el, role, t);
          if (name) {
            node.name = name;
          }
        } else {
          const name = nameOf(el, role, "");
          if (name) {
            node.name = name;
          }
        }
        if (kind === "container" || kind === "dialog") {
          // A list's or table's text is its items': kept there.
          delete node.text;
        }
        if (role === "heading") {
          lastHeading = node.text || node.name || "";
        }
      } else if (block) {
        const t = cut(text);
        if (t && !tiny(el)) {
          const tnode = { tag, attributes: attributesOf(el, false), text: t };
          if (role) {
            tnode.role = role;
          }
          emitBefore(el, tnode, st, start);
        }
      }
      return INLINE.test(cs.display) ? text : " " + text + " ";
    }

    // A text block is known only once its children were walked, but it
    // comes before them in document order: it is put in front of the nodes
    // its children added (from start on), which become its children.
    function emitBefore(el, tnode, st, start) {
      const ref = emit(el, tnode, 2, st);
      if (ref < 0 || ref === start) {
        return;
      }
      const moved = cands.pop();
      cands.splice(start, 0, moved);
      const shift = (i) => (i >= start ? i + 1 : i);
      for (let i = start + 1; i < cands.length; i++) {
        const c = cands[i];
        byEl.set(c.el, i);
        c.node.parent = c.node.parent === st.parent ? start : shift(c.node.parent);
        c.container = shift(c.container);
        c.table = shift(c.table);
      }
      for (const t of tables.values()) {
        t.ref = shift(t.ref);
      }
    }

    const body = doc.body || doc.documentElement;
    if (body) {
      visit(body, {
        parent: -1,
        container: -1,
        landmark: "",
        frame: [],
        shadow: false,
        lightShadow: false,
        faded: false,
        covered: false,
        pointer: false,
        cell: null,
        table: -1,
        items: null,
      });
    }

    // Keep the most useful nodes when there are too many: what a person
    // acts on, headings and lists first, then items and cells, then text.
    let keep = cands.map((_, i) => i);
    if (cands.length > MAX_NODES) {
      truncated = true;
      keep = keep
        .slice()
        .sort((a, b) => cands[a].prio - cands[b].prio || a - b)
        .slice(0, MAX_NODES)
        .sort((a, b) => a - b);
    }
    const newRef = new Map(keep.map((old, i) => [old, i]));
    const up = (old, field) => {
      // The nearest kept node among old and its ancestors.
      let cur = old;
      while (cur >= 0 && !newRef.has(cur)) {
        cur = field === "parent" ? cands[cur].node.parent : -1;
      }
      return cur >= 0 ? newRef.get(cur) : -1;
    };

    // Places: index among the container's nodes of the same kind (all of
    // them, kept or not: the place is the page's), rows and columns inside
    // tables.
    const groups = new Map(); // container + kind -> [index]
    cands.forEach((c, i) => {
      if (c.container < 0) {
        return;
      }
      const key = c.container + "\u0000" + c.kind;
      let g = groups.get(key);
      if (!g) {
        g = [];
        groups.set(key, g);
      }
      g.push(i);
    });
    const placeOf = new Map();
    for (const g of groups.values()) {
      g.forEach((i, idx) => placeOf.set(i, { index: idx, of: g.length }));
    }
    const textOfCell = (cellEl) => {
      const i = byEl.get(cellEl);
      return i === undefined ? "" : cands[i].node.text || cands[i].node.name || "";
    };

    const nodes = [];
    const elements = [];
    for (const i of keep) {
      const c = cands[i];
      const n = c.node;
      const out = { ...n, ref: nodes.length, parent: up(n.parent, "parent") };
      const p = placeOf.get(i);
      if (p) {
        const place = { container: newRef.has(c.container) ? newRef.get(c.container) : -1, index: p.index, of: p.of, row: -1, column: -1 };
        const t = c.table >= 0 ? tableFor(c.table) : null;
        if (t) {
          const row = c.el.closest ? rowOf(c.el, t.el) : null;
          if (row && t.model.rows.has(row)) {
            place.row = t.model.rows.get(row);
            const cellEl = c.cell || (CELL_ROLES.has(n.role) ? c.el : null);
            if (cellEl && t.model.column.has(cellEl)) {
              place.column = t.model.column.get(cellEl);
              const h = t.model.header.find((x) => x.col === place.column);
              const ht = h ? textOfCell(h.el) || cut(plainText(h.el)) : "";
              if (ht) {
                place.column_header = ht;
              }
            }
            const key = rowKey(row, t.model, textOfCell);
            if (key) {
              place.row_key = key;
            }
            if (n.role === "row") {
              place.index = place.row;
              place.of = t.model.count;
            }
          }
        }
        out.place = place;
      }
      if (out.attributes && Object.keys(out.attributes).length === 0) {
        delete out.attributes;
      }
      nodes.push(out);
      elements.push(c.el);
    }

    function tableFor(oldRef) {
      for (const [el, t] of tables) {
        if (t.ref === oldRef) {
          return { el, model: t.model };
        }
      }
      return null;
    }

    const outline = { url: location.href, title: cut(document.title), nodes };
    if (truncated) {
      outline.truncated = true;
    }
    const id = newCaptureId();
    if (opts.register) {
      captures.set(id, elements);
      while (captures.size > KEEP_CAPTURES) {
        const old = captures.keys().next().value;
        captures.delete(old);
        stamps.delete(old);
      }
      if (opts.watch && !unwatched && !truncated) {
        stamps.set(id, stamp);
      }
    }
    return { id, outline, frames: unreadFrames, elements };
  }

  function rowOf(el, table) {
    for (let p = el; p && p !== table; p = p.parentElement || (p.parentNode && p.parentNode.host) || null) {
      if (p.nodeType === 1 && (p.localName === "tr" || p.getAttribute("role") === "row")) {
        return p;
      }
    }
    return null;
  }

  // rowKey names a row: its row header, else its first cell with text.
  function rowKey(row, model, textOfCell) {
    const cells = model.cellsOf(row);
    const th = cells.find((c) => c.localName === "th" || c.getAttribute("role") === "rowheader");
    if (th) {
      const t = textOfCell(th) || cut(plainText(th));
      if (t) {
        return t;
      }
    }
    for (const c of cells) {
      const t = textOfCell(c) || cut(plainText(c));
      if (t) {
        return t;
      }
    }
    return "";
  }

  function hasOwnText(el) {
    for (let c = el.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3 && /\S/.test(c.data)) {
        return true;
      }
    }
    return false;
  }

  // --- one element ------------------------------------------------------------

  // describe returns the node for one element as the last capture that
  // holds it describes it, or on its own (ref and parent -1, place without
  // a container) when none does. opts as for capture.
  function describe(el, opts = {}) {
    opts = { values: opts.values || "mask" };
    const win = el.ownerDocument.defaultView;
    const cs = win.getComputedStyle(el);
    const role = roleOf(el);
    const node = fields(el, role, opts);
    node.ref = -1;
    node.parent = -1;
    if (interactive(el, role, cs, false)) {
      node.interactive = true;
    }
    if (!node.sensitive && !(hasValue(el) && el.localName !== "select")) {
      const t = el.localName === "select" ? cut(selectedText(el)) : visibleText(el);
      if (t) {
        node.text = t;
      }
    }
    const name = nameOf(el, role, node.text || "");
    if (name) {
      node.name = name;
    }
    const frame = framePathOf(win);
    if (frame && frame.length) {
      node.frame = frame;
    }
    const root = el.getRootNode();
    if (root.nodeType === 11 && root.host) {
      node.shadow = true;
    }
    // Landmark: the nearest enclosing one, across shadow hosts and frames.
    for (let p = el.parentElement || (root.host ? root.host : null); p; ) {
      const r = roleOf(p);
      if (isLandmark(p, r)) {
        node.landmark = landmarkText(p, r);
        break;
      }
      const pr = p.getRootNode();
      p = p.parentElement || (pr.nodeType === 11 && pr.host ? pr.host : null);
    }
    const h = headingBefore(el);
    if (h) {
      node.heading = h;
    }
    const place = standalonePlace(el, role);
    if (place) {
      node.place = place;
    }
    if (node.attributes && Object.keys(node.attributes).length === 0) {
      delete node.attributes;
    }
    return node;
  }

  function headingBefore(el) {
    const doc = el.ownerDocument;
    let best = null;
    for (const h of doc.querySelectorAll("h1, h2, h3, h4, h5, h6, [role=heading]")) {
      if (h === el || h.contains(el)) {
        continue;
      }
      if (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) {
        best = h;
      }
    }
    return best ? cut(visibleText(best)) : "";
  }

  function standalonePlace(el, role) {
    let container = null;
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (isContainer(p, roleOf(p)) || repeatedItems(p)) {
        container = p;
        break;
      }
    }
    if (!container) {
      return null;
    }
    const same = Array.from(container.querySelectorAll(el.localName)).filter(
      (x) => roleOf(x) === role && (el.localName !== "input" || x.type === el.type),
    );
    const place = { container: -1, index: Math.max(0, same.indexOf(el)), of: same.length, row: -1, column: -1 };
    const table = el.closest("table, [role=table], [role=grid], [role=treegrid]");
    if (table) {
      const model = tableModel(table);
      const row = rowOf(el, table);
      if (row && model.rows.has(row)) {
        place.row = model.rows.get(row);
        const cell = el.closest("td, th, [role=cell], [role=gridcell], [role=columnheader], [role=rowheader]");
        if (cell && model.column.has(cell)) {
          place.column = model.column.get(cell);
          const h = model.header.find((x) => x.col === place.column);
          if (h) {
            place.column_header = cut(plainText(h.el));
          }
        }
        const key = rowKey(row, model, () => "");
        if (key) {
          place.row_key = key;
        }
      }
    }
    return place;
  }

  // --- changes ------------------------------------------------------------
  // An executor looks at a page again and again; a capture taken with
  // {watch: true} can be reused while nothing has changed since: no
  // mutation of the document, and no event that changes what an outline
  // shows without one (typing, scrolling, a transition, a pointer over a
  // :hover rule, a load). Changes inside frames and shadow roots are not
  // watched, so a capture that read one is never called unchanged.

  let changes = 0;
  let watching = false;
  const stamps = new Map(); // capture id -> changes when it was taken

  const CHANGE_EVENTS = [
    "input", "change", "scroll", "resize", "load", "error", "toggle",
    "transitionstart", "transitionend", "transitioncancel", "animationstart", "animationend",
    "focusin", "focusout", "pointerover", "pointerout", "pointerdown", "pointerup", "keydown", "keyup",
    "click", "hashchange", "popstate",
  ];

  function watchChanges() {
    if (watching) {
      return;
    }
    watching = true;
    const bump = () => {
      changes++;
    };
    new MutationObserver(bump).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
    for (const t of CHANGE_EVENTS) {
      window.addEventListener(t, bump, { capture: true, passive: true });
    }
  }

  // unchanged reports whether the page is as the capture id saw it.
  function unchanged(id) {
    return captures.has(id) && stamps.has(id) && stamps.get(id) === changes;
  }

  // element returns the element a node of a registered capture stands
  // for, or a sentence saying why there is none.
  function element(id, ref) {
    const els = captures.get(id);
    if (!els) {
      return "the page has changed since the outline was captured (it navigated, or the capture is too old); capture it again";
    }
    const el = els[ref];
    if (!el) {
      return `the outline has no node ${ref}`;
    }
    if (!el.isConnected) {
      return `node ${ref} (${el.localName}) is no longer on the page`;
    }
    return el;
  }

  const api = {
    capture,
    describe,
    element,
    unchanged,
    fieldSensitive,
    valueSensitive,
    visibleText,
    roleOf,
    nameOf,
    limits: { MAX_NODES, MAX_TEXT, MAX_ATTRIBUTES },
  };
  Object.freeze(api);
  // Not writable: a page script that shares the world (never the case for
  // the content script's or Go's isolated worlds) could not swap it.
  Object.defineProperty(globalThis, "__allmendeOutline", { value: api, writable: false, configurable: false });
  return api;
})();
