// The recorder's eyes in every frame of a page. It stays silent until the
// service worker says this tab is being recorded, and then reports steps
// (in the Chrome DevTools Recorder's terms) and behavioural events (timing
// and pointer paths only) to the service worker.
//
// What never leaves the page: the value of a password or other sensitive
// field, and any key class typed into one; the key itself, ever (a typed
// character is reported as the class "char"). The values of other fields
// go to the extension's own storage so the member can decide on the review
// page; they are masked in the upload unless the member makes them a
// parameter.
(() => {
  "use strict";
  if (globalThis.__allmendeRecorder) {
    return;
  }
  globalThis.__allmendeRecorder = true;

  const TOP = window === window.top;
  const FRAME = framePath();
  let active = false;

  // --- targets and outlines --------------------------------------------------
  // outline.js (listed before this script) describes elements in words a
  // page keeps. Values are read ("keep") only to go to the extension's own
  // storage, like typed values: the upload masks them unless the member
  // keeps them, and a sensitive field's value is never read at all.

  const OUTLINE = globalThis.__allmendeOutline || null;
  let lastCapture = null; // {id, elements} of this page's outline
  let outlineTimer = 0;
  let outlineSent = false;

  // targetOf describes the element a step acts on; ref is its node in the
  // page's outline when the outline still holds it, else -1.
  function targetOf(el) {
    if (!OUTLINE || !el || el.nodeType !== 1) {
      return null;
    }
    refreshOutline();
    return describeTarget(el);
  }

  // describeTarget is targetOf without outlining the page first.
  function describeTarget(el) {
    if (!OUTLINE || !el || el.nodeType !== 1) {
      return null;
    }
    try {
      const node = OUTLINE.describe(el, { values: "keep" });
      node.parent = -1;
      return placeIn(node, el);
    } catch {
      return null; // a describe that fails must not lose the step
    }
  }

  // placeIn points a target at its node in the page's latest outline.
  function placeIn(node, el) {
    node.ref = lastCapture ? lastCapture.elements.indexOf(el) : -1;
    // In the outline, its place is counted the way the outline counts
    // every node's: the learner compares like with like.
    const captured = node.ref >= 0 ? lastCapture.outline.nodes[node.ref] : null;
    if (captured && captured.place) {
      node.place = { ...captured.place };
    } else if (node.place) {
      node.place.container = -1;
    }
    return node;
  }

  // A page that changed after its outline was taken (content that came
  // late) is outlined again before the first step on it, so that the
  // outline shows what the member saw when acting. The new outline goes
  // out ahead of the step, in the same message.
  let changedSinceOutline = false;
  let actedOnPage = false;
  const watcher = typeof MutationObserver === "function" ? new MutationObserver(() => {
    changedSinceOutline = true;
    watcher.disconnect();
  }) : null;

  function watchChanges() {
    changedSinceOutline = false;
    if (watcher) {
      watcher.disconnect();
      watcher.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
    }
  }

  // A step before the page's outline was taken (the page had not finished
  // loading) takes it at once, for the same reason.
  function refreshOutline() {
    if (!TOP || actedOnPage || !active) {
      return;
    }
    actedOnPage = true;
    if (outlineSent && !changedSinceOutline) {
      return;
    }
    clearTimeout(outlineTimer);
    try {
      const c = OUTLINE.capture({ values: "keep" });
      lastCapture = { id: c.id, elements: c.elements, outline: c.outline };
      outlineSent = true;
      watchChanges();
      post({ kind: "outline", outline: c.outline });
    } catch {
      // keep the outline there is, if any
    }
  }

  // scheduleOutline captures the page's outline once it has loaded and
  // settled, and sends it to the service worker, which keeps it for the
  // step the page is in this state for.
  function scheduleOutline() {
    if (!TOP || !OUTLINE) {
      return;
    }
    clearTimeout(outlineTimer);
    const later = () => {
      clearTimeout(outlineTimer);
      outlineTimer = setTimeout(captureOutline, 150);
    };
    if (document.readyState === "complete") {
      later();
    } else {
      window.addEventListener("load", later, { once: true });
    }
  }

  function captureOutline() {
    if (!active) {
      return;
    }
    let c;
    try {
      c = OUTLINE.capture({ values: "keep" });
    } catch {
      return;
    }
    lastCapture = { id: c.id, elements: c.elements, outline: c.outline };
    outlineSent = true;
    watchChanges();
    send({ type: "outline", url: location.href, outline: c.outline });
  }

  // --- messaging -----------------------------------------------------------

  let outbox = [];
  let outboxQueued = false;

  function post(item) {
    if (!active) {
      return;
    }
    outbox.push(item);
    if (!outboxQueued) {
      outboxQueued = true;
      queueMicrotask(sendOutbox);
    }
  }

  function takeOutbox() {
    flushMoves();
    const items = outbox;
    outbox = [];
    return items;
  }

  function sendOutbox() {
    outboxQueued = false;
    if (!outbox.length) {
      return;
    }
    const items = outbox;
    outbox = [];
    send({ type: "items", top: TOP, url: location.href, items });
  }

  function send(msg) {
    try {
      return chrome.runtime.sendMessage(msg).catch(() => null);
    } catch {
      // The extension was reloaded or removed; this script is orphaned.
      active = false;
      return Promise.resolve(null);
    }
  }

  chrome.runtime.onMessage.addListener((msg, _sender, reply) => {
    switch (msg && msg.type) {
      case "state":
        setActive(!!msg.active);
        reply({ ok: true });
        return false;
      case "flush": {
        // Pausing or stopping: hand over what is pending (a field being
        // typed into, pointer samples) in the reply itself, so it cannot
        // arrive after the state changed.
        flushAllEdits();
        flushScrolls();
        const items = takeOutbox();
        // A page that opened just before the recording stopped has not
        // been outlined yet: do it now, so the recording ends with it.
        if (TOP && msg.outline && OUTLINE && !outlineSent && document.readyState !== "loading") {
          try {
            const c = OUTLINE.capture({ values: "keep" });
            outlineSent = true;
            items.push({ kind: "outline", outline: c.outline });
          } catch {
            // no outline, the steps still count
          }
        }
        reply({ items });
        return false;
      }
      case "viewport":
        reply({
          width: window.innerWidth,
          height: window.innerHeight,
          deviceScaleFactor: window.devicePixelRatio || 1,
          title: document.title,
          url: location.href,
        });
        return false;
      case "ping":
        reply({ ok: true, top: TOP });
        return false;
    }
    return false;
  });

  function setActive(on) {
    if (on === active) {
      return;
    }
    active = on;
    if (!on) {
      for (const p of scrollTimers.values()) {
        clearTimeout(p.timer);
      }
      scrollTimers.clear();
      edits.clear();
      moves = [];
      outbox = [];
      downSteps.clear();
      clearTimeout(hoverTimer);
      watchHovers(false);
    } else {
      moveDist = 0;
      watchHovers(true);
      if (TOP) {
        reportPage();
        scheduleOutline();
      }
    }
  }

  send({ type: "hello", top: TOP, url: location.href }).then((r) => {
    if (r && r.active) {
      setActive(true);
    }
  });

  // --- frames and coordinates ----------------------------------------------

  // framePath is the index of each frame on the way from the top document
  // to this one, as @puppeteer/replay's "frame" property expects.
  function framePath() {
    const path = [];
    try {
      let w = window;
      while (w !== w.top) {
        const p = w.parent;
        let idx = -1;
        for (let i = 0; i < p.frames.length; i++) {
          if (p.frames[i] === w) {
            idx = i;
            break;
          }
        }
        path.unshift(idx);
        w = p;
      }
    } catch {
      return [];
    }
    return path;
  }

  // frameOffset is where this frame's viewport sits in the top viewport;
  // null when an ancestor is cross-origin (positions are then reported in
  // the frame's own viewport).
  function frameOffset() {
    let x = 0;
    let y = 0;
    try {
      let w = window;
      while (w !== w.top) {
        const fe = w.frameElement;
        if (!fe) {
          return null;
        }
        const r = fe.getBoundingClientRect();
        const cs = w.parent.getComputedStyle(fe);
        x += r.left + fe.clientLeft + (parseFloat(cs.paddingLeft) || 0);
        y += r.top + fe.clientTop + (parseFloat(cs.paddingTop) || 0);
        w = w.parent;
      }
    } catch {
      return null;
    }
    return { x, y };
  }

  const at = (e) => performance.timeOrigin + (e && e.timeStamp ? e.timeStamp : performance.now());

  function boxOf(el) {
    const r = el.getBoundingClientRect();
    const o = frameOffset() || { x: 0, y: 0 };
    return [r.left + o.x, r.top + o.y, r.width, r.height];
  }

  // --- elements ------------------------------------------------------------

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

  function isTextField(el) {
    if (!el || el.nodeType !== 1) {
      return false;
    }
    if (el.localName === "textarea") {
      return true;
    }
    return el.localName === "input" && TEXT_TYPES.has(el.type);
  }

  function isMultiline(el) {
    return el.localName === "textarea" || el.isContentEditable;
  }

  function isTextEntry(el) {
    return isTextField(el) || (el && el.isContentEditable);
  }

  const ACTIONABLE =
    'a[href], button, input, select, textarea, label, summary, [role="button"], [role="link"], ' +
    '[role="checkbox"], [role="radio"], [role="switch"], [role="tab"], [role="menuitem"], ' +
    '[role="menuitemcheckbox"], [role="menuitemradio"], [role="option"], [role="treeitem"], ' +
    '[onclick], [tabindex]:not([tabindex="-1"])';

  // actionable climbs from what was hit to the element a person meant: the
  // button around an icon, the link around a word.
  function actionable(el) {
    let cur = el;
    for (let i = 0; cur && i < 6; i++) {
      if (cur.nodeType === 1 && cur.matches(ACTIONABLE)) {
        return cur;
      }
      cur = cur.parentElement || (cur.parentNode && cur.parentNode.host) || null;
    }
    return el;
  }

  function deepTarget(e) {
    const p = e.composedPath && e.composedPath();
    const t = p && p.length ? p[0] : e.target;
    if (t && t.nodeType === 3) {
      return t.parentElement;
    }
    return t && t.nodeType === 1 ? t : null;
  }

  // --- sensitive fields ---------------------------------------------------
  // One set of rules for values that never leave the page, in outline.js,
  // which the manifest loads before this script: the outlines and the
  // steps cannot disagree about what is sensitive.

  const { fieldSensitive, valueSensitive } = OUTLINE;

  // --- selectors -----------------------------------------------------------
  // Alternatives in the order Chrome's Recorder writes them: aria, css,
  // xpath, pierce, text. Each one is only given if it finds exactly this
  // element, since @puppeteer/replay races them and takes the first match.

  const TEST_ATTRS = ["data-testid", "data-test", "data-qa", "data-cy", "data-test-id", "data-qa-id", "data-testing"];

  function stableId(id) {
    return (
      !!id &&
      id.length <= 64 &&
      /^[A-Za-z][\w-]*$/.test(id) &&
      !/\d{4,}/.test(id) &&
      !/^(ember|react|mui|radix|headlessui|ng-|yui_|ext-gen|gwt-|__)/i.test(id)
    );
  }

  const cssString = (v) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\a ");

  function queryIn(root, sel) {
    try {
      return root.querySelectorAll(sel);
    } catch {
      return [];
    }
  }

  function uniqueIn(root, sel, el) {
    const r = queryIn(root, sel);
    return r.length === 1 && r[0] === el;
  }

  // ownSelectors are selectors built from el's stable attributes alone.
  function ownSelectors(el) {
    const out = [];
    const tag = el.localName;
    for (const a of TEST_ATTRS) {
      const v = el.getAttribute(a);
      if (v) {
        out.push(`[${a}="${cssString(v)}"]`);
      }
    }
    if (stableId(el.id)) {
      out.push("#" + CSS.escape(el.id));
    }
    const name = el.getAttribute("name");
    if (name && /^(input|select|textarea|button|form|iframe|fieldset|output)$/.test(tag)) {
      out.push(`${tag}[name="${cssString(name)}"]`);
    }
    const label = el.getAttribute("aria-label");
    if (label && label.length <= 80) {
      out.push(`${tag}[aria-label="${cssString(label)}"]`);
    }
    return out;
  }

  function nthOfType(el) {
    const tag = el.localName;
    const safe = /^[a-z][a-z0-9-]*$/.test(tag) ? tag : "*";
    const parent = el.parentNode;
    if (!parent || !parent.children) {
      return safe;
    }
    const same = Array.from(parent.children).filter((c) => c.localName === tag);
    if (same.length === 1) {
      return safe;
    }
    return `${safe}:nth-of-type(${same.indexOf(el) + 1})`;
  }

  // cssIn is a selector that finds el, and only el, in el's own tree (its
  // document or shadow root).
  function cssIn(el) {
    const root = el.getRootNode();
    for (const s of ownSelectors(el)) {
      if (uniqueIn(root, s, el)) {
        return s;
      }
    }
    const parts = [];
    let cur = el;
    while (cur && cur.nodeType === 1) {
      if (cur !== el) {
        const anchor = ownSelectors(cur).find((s) => uniqueIn(root, s, cur));
        if (anchor) {
          parts.unshift(anchor);
          const sel = parts.join(" > ");
          return uniqueIn(root, sel, el) ? sel : null;
        }
      }
      parts.unshift(nthOfType(cur));
      const sel = parts.join(" > ");
      if (uniqueIn(root, sel, el)) {
        return sel;
      }
      cur = cur.parentElement;
    }
    return null;
  }

  // cssSelector: a string in the light DOM, an array (host, …, element) for
  // an element in open shadow roots, as the Recorder writes it.
  function cssSelector(el) {
    const parts = [];
    let cur = el;
    for (;;) {
      const s = cssIn(cur);
      if (!s) {
        return null;
      }
      parts.unshift(s);
      const root = cur.getRootNode();
      if (root.nodeType === 11 && root.host) {
        cur = root.host;
      } else {
        break;
      }
    }
    return parts.length === 1 ? parts[0] : parts;
  }

  function inShadow(el) {
    const root = el.getRootNode();
    return root.nodeType === 11 && !!root.host;
  }

  // pierceAll finds every element matching sel in the document and in all
  // open shadow roots, as puppeteer's pierce/ handler does.
  function pierceAll(sel) {
    const out = [];
    const visit = (root) => {
      for (const n of queryIn(root, sel)) {
        out.push(n);
      }
      for (const n of queryIn(root, "*")) {
        if (n.shadowRoot) {
          visit(n.shadowRoot);
        }
      }
    };
    visit(document);
    return out;
  }

  function pierceSelector(el) {
    const candidates = ownSelectors(el);
    const own = cssIn(el);
    if (own && !candidates.includes(own)) {
      candidates.push(own);
    }
    for (const s of candidates) {
      const all = pierceAll(s);
      if (all.length === 1 && all[0] === el) {
        return "pierce/" + s;
      }
    }
    return null;
  }

  function xpathSelector(el) {
    if (inShadow(el)) {
      return null; // XPath does not reach into shadow roots
    }
    const segs = [];
    let cur = el;
    let anchored = false;
    while (cur && cur.nodeType === 1) {
      const test = TEST_ATTRS.find((a) => {
        const v = cur.getAttribute(a);
        return v && !v.includes('"') && document.querySelectorAll(`[${a}="${cssString(v)}"]`).length === 1;
      });
      if (test) {
        segs.unshift(`//*[@${test}="${cur.getAttribute(test)}"]`);
        anchored = true;
        break;
      }
      if (stableId(cur.id) && document.querySelectorAll("#" + CSS.escape(cur.id)).length === 1) {
        segs.unshift(`//*[@id="${cur.id}"]`);
        anchored = true;
        break;
      }
      const html = cur.namespaceURI === "http://www.w3.org/1999/xhtml";
      const tag = cur.localName;
      const name = html && /^[a-z][a-z0-9-]*$/.test(tag) ? tag : `*[local-name()="${tag}"]`;
      const parent = cur.parentNode;
      const same = parent ? Array.from(parent.children).filter((c) => c.localName === tag) : [cur];
      segs.unshift(same.length > 1 ? `${name}[${same.indexOf(cur) + 1}]` : name);
      cur = cur.parentElement;
    }
    const path = anchored ? segs.join("/") : "/" + segs.join("/");
    try {
      const r = document.evaluate(path, document, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
      if (r.snapshotLength !== 1 || r.snapshotItem(0) !== el) {
        return null;
      }
    } catch {
      return null;
    }
    return "xpath/" + path;
  }

  // Accessible name and role, close enough to Chrome's for the elements a
  // person acts on; the aria selector is only given when it is unique among
  // them.

  const norm = (s) => (s || "").replace(/\s+/g, " ").trim();

  function textOf(n) {
    if (!n) {
      return "";
    }
    return norm(n.innerText !== undefined ? n.innerText : n.textContent);
  }

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
        return "button";
      case "input": {
        const t = el.type;
        if (t === "button" || t === "submit" || t === "reset" || t === "image") {
          return "button";
        }
        if (t === "checkbox") {
          return "checkbox";
        }
        if (t === "radio") {
          return "radio";
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
    "columnheader",
    "rowheader",
    "tooltip",
    "checkbox",
    "radio",
  ]);

  function isFormControl(el) {
    const tag = el.localName;
    if (tag === "select" || tag === "textarea") {
      return true;
    }
    return tag === "input" && !["button", "submit", "reset", "image", "hidden"].includes(el.type);
  }

  function labelText(label) {
    const clone = label.cloneNode(true);
    for (const c of clone.querySelectorAll("input, select, textarea, button")) {
      c.remove();
    }
    return norm(clone.textContent);
  }

  function accName(el) {
    const root = el.getRootNode();
    const lb = el.getAttribute("aria-labelledby");
    if (lb) {
      const t = norm(
        lb
          .split(/\s+/)
          .map((id) => (root.getElementById ? root.getElementById(id) : null))
          .filter(Boolean)
          .map(textOf)
          .join(" "),
      );
      if (t) {
        return t;
      }
    }
    const al = norm(el.getAttribute("aria-label"));
    if (al) {
      return al;
    }
    const tag = el.localName;
    if (isFormControl(el)) {
      const labels = el.labels ? Array.from(el.labels).map(labelText).filter(Boolean) : [];
      if (labels.length) {
        return norm(labels.join(" "));
      }
      return norm(el.getAttribute("title")) || norm(el.getAttribute("placeholder"));
    }
    if (tag === "input") {
      if (el.type === "image") {
        return norm(el.getAttribute("alt")) || norm(el.value) || "Submit";
      }
      return norm(el.value) || (el.type === "submit" ? "Submit" : el.type === "reset" ? "Reset" : "");
    }
    if (tag === "img" || tag === "area") {
      return norm(el.getAttribute("alt")) || norm(el.getAttribute("title"));
    }
    const role = roleOf(el);
    if (NAME_FROM_CONTENT.has(role)) {
      const t = textOf(el);
      if (t) {
        return t;
      }
    }
    return norm(el.getAttribute("title"));
  }

  const ARIA_CANDIDATES =
    "a[href], button, input, select, textarea, [role], [aria-label], [aria-labelledby], img[alt], " +
    "h1, h2, h3, h4, h5, h6, label, legend, option, summary, th";

  function ariaSelector(el) {
    const name = accName(el);
    const role = roleOf(el);
    if (!name || name.length > 80 || /[[\]"\\]/.test(name)) {
      return null;
    }
    let sameName = 0;
    let sameBoth = 0;
    const visit = (root) => {
      for (const n of queryIn(root, ARIA_CANDIDATES)) {
        if (n === el) {
          continue;
        }
        const nn = n.localName === "label" || n.localName === "legend" ? textOf(n) : accName(n);
        if (nn === name) {
          sameName++;
          if (roleOf(n) === role) {
            sameBoth++;
          }
        }
      }
      for (const n of queryIn(root, "*")) {
        if (n.shadowRoot) {
          visit(n.shadowRoot);
        }
      }
    };
    visit(document);
    // A form control is named by its label, which has the same text: the
    // role keeps the selector from finding the label.
    if (sameName === 0 && !isFormControl(el)) {
      return "aria/" + name;
    }
    if (role && sameBoth === 0) {
      return `aria/${name}[role="${role}"]`;
    }
    return null;
  }

  // textSelector follows puppeteer's text/ handler: the deepest elements
  // whose text contains the selector; given only if that is el alone.
  function fullText(n) {
    const tag = n.localName;
    if (
      tag === "select" ||
      tag === "textarea" ||
      (tag === "input" && !["checkbox", "image", "radio"].includes(n.type))
    ) {
      return n.value || "";
    }
    let s = "";
    for (let c = n.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3) {
        s += c.nodeValue || "";
      } else if (c.nodeType === 1 && c.localName !== "script" && c.localName !== "style") {
        s += fullText(c);
      }
    }
    if (n.shadowRoot) {
      for (let c = n.shadowRoot.firstChild; c; c = c.nextSibling) {
        if (c.nodeType === 3) {
          s += c.nodeValue || "";
        } else if (c.nodeType === 1) {
          s += fullText(c);
        }
      }
    }
    return s;
  }

  function textMatches(root, text, out) {
    let yielded = false;
    for (let c = root.firstChild; c; c = c.nextSibling) {
      if (c.nodeType !== 1 || c.localName === "script" || c.localName === "style" || c.localName === "head") {
        continue;
      }
      const before = out.length;
      textMatches(c.shadowRoot || c, text, out);
      if (out.length > before) {
        yielded = true;
      }
      if (out.length > 1) {
        return;
      }
    }
    if (!yielded && root.nodeType === 1 && fullText(root).includes(text)) {
      out.push(root);
    }
  }

  const TEXT_TARGET = /^(a|button|summary|label|option)$/;
  const TEXT_ROLES = new Set(["button", "link", "tab", "menuitem", "option", "treeitem", "switch"]);

  function textSelector(el) {
    if (!TEXT_TARGET.test(el.localName) && !TEXT_ROLES.has(roleOf(el))) {
      return null;
    }
    const text = fullText(el).trim();
    if (!text || text.length > 64 || /[\n\r]/.test(text)) {
      return null;
    }
    const out = [];
    textMatches(document.body || document.documentElement, text, out);
    return out.length === 1 && out[0] === el ? "text/" + text : null;
  }

  function selectorsFor(el) {
    const out = [];
    const add = (s) => {
      if (s) {
        out.push(Array.isArray(s) ? s : [s]);
      }
    };
    add(ariaSelector(el));
    add(cssSelector(el));
    add(xpathSelector(el));
    add(pierceSelector(el));
    add(textSelector(el));
    if (!out.length) {
      // Nothing unique: the path from the root is still the best guess.
      const parts = [];
      for (let cur = el; cur && cur.nodeType === 1; cur = cur.parentElement) {
        parts.unshift(nthOfType(cur));
      }
      out.push([parts.join(" > ")]);
    }
    return out;
  }

  // The event's "target" is the selector a person can read: the CSS one
  // when there is one.
  function targetText(selectors) {
    for (const s of selectors) {
      if (s.every((p) => !/^(aria|text|xpath|pierce)\//.test(p))) {
        return s.join(" >>> ");
      }
    }
    return selectors[0].join(" >>> ");
  }

  // fieldLabel is how the review page names a field.
  function fieldLabel(el) {
    return accName(el) || el.getAttribute("name") || el.id || el.localName;
  }

  function baseStep(type, el) {
    const selectors = selectorsFor(el);
    const step = { type };
    if (FRAME.length) {
      step.frame = FRAME;
    }
    step.target = "main";
    step.selectors = selectors.map((s) => (s.length === 1 ? s[0] : s));
    return { step, selectors };
  }

  // --- pointer -------------------------------------------------------------

  let moves = [];
  let moveTimer = 0;
  let moveDist = 0;
  let lastMove = null;
  let hoverTimer = 0;

  function flushMoves() {
    clearTimeout(moveTimer);
    moveTimer = 0;
    if (moves.length && active) {
      outbox.push({ kind: "moves", points: moves });
      if (!outboxQueued) {
        outboxQueued = true;
        queueMicrotask(sendOutbox);
      }
    }
    moves = [];
  }

  window.addEventListener(
    "pointermove",
    (e) => {
      if (!active || e.pointerType === "touch") {
        return;
      }
      const o = frameOffset();
      if (!o) {
        return; // positions in a cross-origin frame cannot be placed
      }
      const p = [at(e), e.clientX + o.x, e.clientY + o.y];
      if (lastMove) {
        moveDist += Math.hypot(p[1] - lastMove[1], p[2] - lastMove[2]);
      }
      lastMove = p;
      moves.push(p);
      if (moves.length >= 256) {
        flushMoves();
      } else if (!moveTimer) {
        moveTimer = setTimeout(flushMoves, 250);
      }
      clearTimeout(hoverTimer);
      const target = deepTarget(e);
      hoverTimer = setTimeout(() => reportHover(p, target), 600);
    },
    { capture: true, passive: true },
  );

  // A pause is the pointer coming to rest after a real movement, without a
  // click: evidence of looking around, kept as an event, not as a step (a
  // hover that opened the way to the next click is a step: see below).
  function reportHover(p, target) {
    if (!active || moveDist < 30 || !target || !target.isConnected) {
      return;
    }
    moveDist = 0;
    const el = actionable(target);
    const css = cssSelector(el);
    flushMoves();
    post({
      kind: "event",
      event: {
        kind: "hover",
        at: p[0],
        x: p[1],
        y: p[2],
        target: Array.isArray(css) ? css.join(" >>> ") : css || el.localName,
        box: boxOf(el),
      },
    });
  }

  // --- hovers that open something ------------------------------------------
  // A hover is a step only when the page answered it and the member used
  // the answer: the pointer entered an element, the page then showed
  // something beside or inside it (a submenu, a row's buttons), and the
  // next click landed in what was shown. Replaying the click alone would
  // find its target hidden. A pointer that wanders over a page, however
  // slowly, leaves no step; one that is quick, as a practised member's is,
  // loses none.

  // HOVER_WINDOW is how long after the pointer entered an element a change
  // of the page counts as its answer (menus that open after a delay).
  const HOVER_WINDOW = 1000;
  // HOVER_NEAR is how far up from the hovered element the part of the page
  // that changed may hang: its own submenu, a sibling's, the row's.
  const HOVER_NEAR = 3;
  const HOVER_ATTRIBUTES = ["class", "style", "hidden", "aria-hidden", "aria-expanded", "open"];

  let entered = null; // {el, t, x, y}: where the pointer is
  let lastScroll = 0; // when the page or a part of it last scrolled
  for (const kind of ["scroll", "wheel"]) {
    window.addEventListener(
      kind,
      () => {
        lastScroll = performance.timeOrigin + performance.now();
      },
      { capture: true, passive: true },
    );
  }
  let opened = []; // {el, t, x, y, shown: [elements]}: hovers the page answered since the last click

  window.addEventListener(
    "pointerover",
    (e) => {
      if (!active || e.pointerType === "touch") {
        return;
      }
      const raw = deepTarget(e);
      if (!raw) {
        return;
      }
      const el = actionable(raw);
      if (entered && entered.el === el) {
        return;
      }
      const o = frameOffset() || { x: 0, y: 0 };
      // The element is described now, before the page answers: an opened
      // submenu would otherwise become part of its name, which a run, where
      // the submenu is still closed, never sees.
      const { step, selectors } = baseStep("hover", el);
      entered = { el, t: at(e), x: e.clientX + o.x, y: e.clientY + o.y, step, selectors, label: fieldLabel(el), target: describeTarget(el) };
    },
    { capture: true, passive: true },
  );

  const shownNow = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";

  // nearHover says whether changed, a part of the page that changed, hangs
  // close enough to the hovered element h to be its answer: inside it, or
  // inside one of its few nearest ancestors, but not around h itself (a
  // hovered row or item that only marks itself is no opener).
  function nearHover(h, changed) {
    if (changed === h || changed.contains(h)) {
      return false;
    }
    let a = h;
    for (let i = 0; a && i <= HOVER_NEAR; i++) {
      if (a.contains(changed)) {
        return true;
      }
      a = a.parentElement;
    }
    return false;
  }

  const hoverWatch =
    typeof MutationObserver === "function"
      ? new MutationObserver((records) => {
          const h = entered;
          if (!active || !h || !h.el.isConnected || performance.timeOrigin + performance.now() - h.t > HOVER_WINDOW) {
            return;
          }
          if ((lastClick && lastClick.at >= h.t) || (lastKey && lastKey.at >= h.t)) {
            return; // the click's or the typing's answer, not the hover's
          }
          if (performance.timeOrigin + performance.now() - lastScroll < HOVER_WINDOW) {
            return; // a list that loads more as it is scrolled: the scroll's answer
          }
          const shown = [];
          for (const r of records.slice(0, 64)) {
            const cands = [];
            if (r.type === "attributes") {
              if (r.target.nodeType === 1 && r.target.getAttribute(r.attributeName) !== r.oldValue) {
                cands.push(r.target);
              }
            } else if (r.type === "childList") {
              for (const n of r.addedNodes) {
                if (n.nodeType === 1) {
                  cands.push(n);
                }
              }
            }
            for (const c of cands) {
              if (c.isConnected && !shown.includes(c) && nearHover(h.el, c) && shownNow(c)) {
                shown.push(c);
              }
            }
          }
          if (!shown.length) {
            return;
          }
          let o = opened.find((x) => x.el === h.el && x.t === h.t);
          if (!o) {
            o = { ...h, shown: [] };
            opened.push(o);
            if (opened.length > 16) {
              opened.shift();
            }
          }
          o.shown.push(...shown);
        })
      : null;
  // watchHovers follows the page's changes while recording, and only then:
  // a page nobody records pays nothing for it.
  function watchHovers(on) {
    entered = null;
    opened = [];
    if (!hoverWatch) {
      return;
    }
    hoverWatch.disconnect();
    if (on) {
      hoverWatch.observe(document, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeOldValue: true,
        attributeFilter: HOVER_ATTRIBUTES,
      });
    }
  }

  // hoversBefore reports, as hover steps ahead of a click on el, the hovers
  // that opened the way to it: the latest one whose answer holds el, the
  // one whose answer holds that hovered element, and so on (a nested
  // menu). It forgets the rest.
  function hoversBefore(el) {
    const chain = [];
    let want = el;
    for (let i = opened.length - 1; i >= 0; i--) {
      const o = opened[i];
      if (o.el !== want && o.el.isConnected && o.shown.some((s) => s.isConnected && s.contains(want))) {
        chain.unshift(o);
        want = o.el;
      }
    }
    opened = [];
    if (chain.length) {
      refreshOutline(); // the first step on a page outlines it
    }
    for (const o of chain) {
      if (o.target) {
        placeIn(o.target, o.el);
      }
      post({
        kind: "action",
        sid: newSid(),
        step: o.step,
        event: { kind: "hover", at: o.t, x: o.x, y: o.y, target: targetText(o.selectors), box: boxOf(o.el) },
        label: o.label,
        target: o.target,
      });
    }
  }

  // --- clicks --------------------------------------------------------------

  let lastClick = null; // {sid, at, el}
  let lastKey = null; // {key, at, stepped}

  function newSid() {
    const a = new Uint8Array(8);
    crypto.getRandomValues(a);
    return Array.from(a, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // pressed is where a click or double click landed, while recording: the
  // element a step should name, and when. Scrolls before it are reported
  // first, so the steps stay in order.
  function pressed(e) {
    if (!active) {
      return null;
    }
    const raw = deepTarget(e);
    if (!raw) {
      return null;
    }
    // A click elsewhere ends the typing in a field. Focus moving inside
    // one shadow root sends no focusout out of it, so the field's change
    // would otherwise come after this click, and a replay would press the
    // button before typing.
    for (const f of Array.from(edits.keys())) {
      if (f !== raw && !f.contains(raw)) {
        flushEdit(f);
      }
    }
    flushScrolls();
    return { el: actionable(raw), t: at(e) };
  }

  window.addEventListener(
    "click",
    (e) => {
      const hit = pressed(e);
      if (!hit) {
        return;
      }
      const { el, t } = hit;
      if (e.detail >= 2) {
        return; // the second click of a double click: dblclick reports it
      }
      // A click the browser forwards from a label to its control is the
      // same click, already recorded.
      if (
        lastClick &&
        t - lastClick.at < 150 &&
        lastClick.el.localName === "label" &&
        (lastClick.el.control === el || lastClick.el.contains(el))
      ) {
        return;
      }
      hoversBefore(el);
      const keyboard =
        e.detail === 0 && lastKey && t - lastKey.at < 500 && (lastKey.key === "Enter" || lastKey.key === " ");
      const { step, selectors } = baseStep("click", el);
      const r = el.getBoundingClientRect();
      const sid = newSid();
      const event = { kind: "click", at: t, target: targetText(selectors), box: boxOf(el) };
      if (keyboard) {
        event.x = 0;
        event.y = 0;
        event.keyboard = true;
      } else {
        const o = frameOffset() || { x: 0, y: 0 };
        event.x = e.clientX + o.x;
        event.y = e.clientY + o.y;
      }
      step.offsetX = round1(keyboard ? r.width / 2 : e.clientX - r.left);
      step.offsetY = round1(keyboard ? r.height / 2 : e.clientY - r.top);
      lastClick = { sid, at: t, el };
      moveDist = 0;
      clearTimeout(hoverTimer);
      flushMoves();
      // Enter already replays as its keyDown/keyUp steps; a click step too
      // would press the button twice.
      const stepped = !(keyboard && lastKey.key === "Enter" && lastKey.stepped);
      post({ kind: "action", sid, step: stepped ? step : null, event, label: fieldLabel(el), target: targetOf(el) });
    },
    true,
  );

  window.addEventListener(
    "dblclick",
    (e) => {
      const hit = pressed(e);
      if (!hit) {
        return;
      }
      const { el, t } = hit;
      hoversBefore(el);
      const { step, selectors } = baseStep("doubleClick", el);
      const r = el.getBoundingClientRect();
      step.offsetX = round1(e.clientX - r.left);
      step.offsetY = round1(e.clientY - r.top);
      const o = frameOffset() || { x: 0, y: 0 };
      const replaces = lastClick && lastClick.el === el && t - lastClick.at < 1000 ? lastClick.sid : null;
      const sid = newSid();
      lastClick = { sid, at: t, el };
      flushMoves();
      post({
        kind: "dblclick",
        sid,
        replaces,
        step,
        event: {
          kind: "dblclick",
          at: t,
          x: e.clientX + o.x,
          y: e.clientY + o.y,
          target: targetText(selectors),
          box: boxOf(el),
        },
        label: fieldLabel(el),
        target: targetOf(el),
      });
    },
    true,
  );

  const round1 = (v) => Math.round(v * 10) / 10;

  // --- typing --------------------------------------------------------------
  // While a field is being edited its key events are held here; when the
  // edit ends they go out with the field's change step, or are dropped if
  // the field turned out to be sensitive.

  const edits = new Map(); // element -> {sid, initial, dirty, keys}
  const reported = new WeakMap(); // element -> the value its last change step reported

  function editOf(el) {
    let ed = edits.get(el);
    if (!ed) {
      ed = { sid: newSid(), initial: el.value, dirty: false, keys: [] };
      edits.set(el, ed);
    }
    return ed;
  }

  function flushEdit(el) {
    const ed = edits.get(el);
    if (!ed) {
      return;
    }
    edits.delete(el);
    flushScrolls();
    const value = el.value;
    const sensitive = fieldSensitive(el) || valueSensitive(value);
    const keys = sensitive ? [] : ed.keys.map((k) => ({ ...k, sid: ed.sid }));
    if (ed.dirty && value !== ed.initial) {
      reported.set(el, value);
      const { step, selectors } = baseStep("change", el);
      step.value = "";
      post({
        kind: "action",
        sid: ed.sid,
        step,
        event: {
          kind: "input",
          at: ed.lastAt || performance.timeOrigin + performance.now(),
          target: targetText(selectors),
          box: boxOf(el),
        },
        keys,
        change: sensitive ? { sensitive: true } : { value },
        label: fieldLabel(el),
        target: targetOf(el),
      });
    } else if (keys.length) {
      post({ kind: "events", events: keys.map((k) => ({ ...k, sid: undefined })) });
    }
  }

  function flushAllEdits() {
    for (const el of Array.from(edits.keys())) {
      flushEdit(el);
    }
  }

  window.addEventListener(
    "input",
    (e) => {
      if (!active) {
        return;
      }
      const el = deepTarget(e);
      if (!el) {
        return;
      }
      if (el.localName === "select") {
        flushScrolls();
        const { step, selectors } = baseStep("change", el);
        step.value = "";
        const sensitive = fieldSensitive(el);
        post({
          kind: "action",
          sid: newSid(),
          step,
          event: { kind: "input", at: at(e), target: targetText(selectors), box: boxOf(el) },
          change: sensitive ? { sensitive: true, select: true } : { value: el.value, select: true },
          label: fieldLabel(el),
          target: targetOf(el),
        });
        return;
      }
      if (!isTextField(el)) {
        return;
      }
      let ed = edits.get(el);
      if (!ed) {
        // Pasted or filled in without a key: the value before is unknown.
        ed = { sid: newSid(), initial: null, dirty: false, keys: [] };
        edits.set(el, ed);
      }
      ed.dirty = true;
      ed.lastAt = at(e);
    },
    true,
  );

  window.addEventListener(
    "focusout",
    (e) => {
      const el = deepTarget(e);
      if (el && edits.has(el)) {
        flushEdit(el);
      }
    },
    true,
  );

  window.addEventListener("pagehide", () => {
    if (active) {
      flushAllEdits();
      flushScrolls();
      sendOutbox();
    }
  });

  // --- keys ----------------------------------------------------------------

  const MODIFIERS = ["Control", "Alt", "Meta", "Shift"];
  const MODIFIER_FLAGS = { Control: "ctrlKey", Alt: "altKey", Meta: "metaKey", Shift: "shiftKey" };
  const downSteps = new Set(); // keys whose keyDown step was recorded

  function keyClass(k) {
    switch (k) {
      case "Backspace":
        return "backspace";
      case "Delete":
        return "delete";
      case "Enter":
        return "enter";
      case "Tab":
        return "tab";
      case "Shift":
      case "Control":
      case "Alt":
      case "Meta":
      case "AltGraph":
      case "CapsLock":
      case "Fn":
      case "OS":
        return "modifier";
    }
    if (k.startsWith("Arrow")) {
      return "arrow";
    }
    if ([...k].length === 1 || k === "Process" || k === "Dead" || k === "Unidentified") {
      return "char";
    }
    return null; // Escape, F-keys, Home …: no class the server knows
  }

  function isCombobox(el) {
    return (
      el.getAttribute("role") === "combobox" ||
      el.hasAttribute("aria-autocomplete") ||
      el.hasAttribute("list") ||
      el.hasAttribute("aria-controls")
    );
  }

  // stepKey decides whether a key press becomes keyDown/keyUp steps: keys
  // that move focus, submit, close or choose, and shortcuts — not typing.
  function stepKey(e, el, sensitive) {
    const k = e.key;
    if (MODIFIERS.includes(k)) {
      return false;
    }
    const entry = el && isTextEntry(el);
    if (k === "Enter") {
      return !(el && isMultiline(el));
    }
    if (k === "Tab" || k === "Escape") {
      return true;
    }
    if (sensitive) {
      return false;
    }
    if (k.startsWith("Arrow")) {
      return !entry || isCombobox(el);
    }
    if (e.ctrlKey || e.metaKey || (e.altKey && [...k].length === 1)) {
      return !entry;
    }
    return /^F\d{1,2}$/.test(k);
  }

  function keyStep(type, key) {
    const step = { type, target: "main", key };
    return step;
  }

  window.addEventListener(
    "keydown",
    (e) => {
      if (!active || e.isComposing) {
        return;
      }
      if (e.repeat) {
        return; // the operating system's rhythm, not the person's
      }
      const el = deepTarget(e);
      const field = el && isTextField(el) ? el : null;
      const sensitive = !!field && fieldSensitive(field);
      const cls = keyClass(e.key);
      const t = at(e);
      const wantStep = stepKey(e, el, sensitive);
      lastKey = { key: e.key, at: t, stepped: wantStep };
      if (wantStep) {
        // The change comes before the key that ends the edit.
        if (field) {
          flushEdit(field);
        }
        flushScrolls();
        const sid = newSid();
        const steps = [];
        for (const m of MODIFIERS) {
          if (e[MODIFIER_FLAGS[m]] && !downSteps.has(m)) {
            downSteps.add(m);
            steps.push(keyStep("keyDown", m));
          }
        }
        steps.push(keyStep("keyDown", e.key));
        downSteps.add(e.key);
        const event = cls && !sensitive ? { kind: "keydown", at: t, key: cls } : null;
        // The element that has the focus is what the key acts on.
        const focused = el && el !== document.body && el !== document.documentElement ? el : null;
        post({ kind: "keys", sid, steps, event, target: focused ? targetOf(focused) : null });
        return;
      }
      if (!cls) {
        return;
      }
      const event = { kind: "keydown", at: t, key: cls };
      if (field) {
        if (!sensitive) {
          editOf(field).keys.push(event);
        } else {
          editOf(field); // keep the edit, drop the key
        }
        return;
      }
      post({ kind: "event", event });
    },
    true,
  );

  window.addEventListener(
    "keyup",
    (e) => {
      if (!active || e.isComposing) {
        return;
      }
      const el = deepTarget(e);
      const field = el && isTextField(el) ? el : null;
      const sensitive = !!field && fieldSensitive(field);
      const cls = keyClass(e.key);
      const t = at(e);
      if (downSteps.has(e.key)) {
        downSteps.delete(e.key);
        const event = cls && !sensitive ? { kind: "keyup", at: t, key: cls } : null;
        post({ kind: "keys", sid: newSid(), steps: [keyStep("keyUp", e.key)], event });
        return;
      }
      if (!cls) {
        return;
      }
      const event = { kind: "keyup", at: t, key: cls };
      if (field) {
        if (!sensitive) {
          editOf(field).keys.push(event);
        }
        return;
      }
      post({ kind: "event", event });
    },
    true,
  );

  // --- forms ---------------------------------------------------------------
  // A form sent with GET puts its fields into the next page's address. The
  // names of the sensitive ones, and of those whose value no change step
  // reported, go to the service worker, which blanks their values in the
  // recorded address; the values never leave the page.

  window.addEventListener(
    "submit",
    (e) => {
      if (!active) {
        return;
      }
      const form = e.target;
      if (!form || (form.method || "get").toLowerCase() !== "get") {
        return;
      }
      flushAllEdits();
      const names = [];
      for (const f of Array.from(form.elements || [])) {
        const n = f.getAttribute && f.getAttribute("name");
        if (!n || typeof f.value !== "string") {
          continue;
        }
        // Secret, or typed while the recording was paused (so the member
        // never saw it on the review page): blank in the address.
        const unseen = isTextField(f) && f.value !== "" && f.value !== f.defaultValue && reported.get(f) !== f.value;
        if (fieldSensitive(f) || valueSensitive(f.value) || unseen) {
          names.push(n);
        }
      }
      if (names.length) {
        post({ kind: "submit", names });
      }
    },
    true,
  );

  // --- scrolling -----------------------------------------------------------

  const scrollTimers = new Map(); // scrolled thing -> {timer, report}
  let lastScrollEvent = 0;

  // flushScrolls reports a scroll still settling now: the step that
  // follows must not overtake it.
  function flushScrolls() {
    for (const [key, pending] of Array.from(scrollTimers)) {
      clearTimeout(pending.timer);
      scrollTimers.delete(key);
      pending.report();
    }
  }

  window.addEventListener(
    "scroll",
    (e) => {
      if (!active) {
        return;
      }
      const tgt = e.target;
      const doc = !tgt || tgt === document || tgt === document.documentElement || tgt === document.scrollingElement;
      const t = at(e);
      if (doc && TOP && t - lastScrollEvent >= 16) {
        lastScrollEvent = t;
        post({ kind: "event", event: { kind: "scroll", at: t, scroll_y: window.scrollY } });
      }
      // One scroll step when the scrolling has settled.
      const key = doc ? document : tgt;
      const pending = scrollTimers.get(key);
      if (pending) {
        clearTimeout(pending.timer);
      }
      const report = () => {
        if (!active) {
          return;
        }
        let step;
        if (doc) {
          step = { type: "scroll", target: "main", x: Math.round(window.scrollX), y: Math.round(window.scrollY) };
          if (FRAME.length) {
            step.frame = FRAME;
          }
        } else {
          if (!tgt.isConnected) {
            return;
          }
          step = baseStep("scroll", tgt).step;
          step.x = Math.round(tgt.scrollLeft);
          step.y = Math.round(tgt.scrollTop);
        }
        post({ kind: "scroll", sid: newSid(), step });
      };
      scrollTimers.set(key, {
        report,
        timer: setTimeout(() => {
          scrollTimers.delete(key);
          report();
        }, 400),
      });
    },
    { capture: true, passive: true },
  );

  // --- the page itself -----------------------------------------------------

  function reportPage() {
    if (!TOP || !active) {
      return;
    }
    send({ type: "page", url: location.href, title: document.title });
  }

  if (TOP) {
    document.addEventListener("DOMContentLoaded", reportPage);
    window.addEventListener("load", reportPage);
  }
})();
