// Runs in Allmende's isolated world of a frame, so that the page's own
// scripts can neither see it nor break it by redefining globals.
//
// args is {parts, mode, opts}:
// parts:  [[prefix, rest], …] — CSS ("" prefix), "pierce/", "xpath/" or
//         "text/" parts of one selector alternative; each part after the
//         first is looked up inside the shadow root (or, for a same-origin
//         iframe, the document; otherwise the element itself) of what the
//         part before it found. Empty when scopes are the elements.
// mode:   "all"   → an array of every element found;
//         "first" → the first element found that is ready for an action
//                   (opts: visible, enabled, scroll: bring the point at
//                   offset [x, y], or the centre, into the viewport), or
//                   a string saying why none is;
//         "count" → {n, ok}: how many were found, and whether all of them
//                   have opts.attributes and opts.properties.
// scopes: elements found by an earlier "aria/" part; the first part is
//         looked up inside each of them. None: in the frame's document.
function (args, ...scopes) {
  const parts = args.parts, mode = args.mode, opts = args.opts || {};
  const descend = (el) => {
    if (el.shadowRoot) return el.shadowRoot;
    if (el.localName === 'iframe' || el.localName === 'frame') {
      try {
        if (el.contentDocument) return el.contentDocument;
      } catch (e) {}
    }
    return el;
  };

  // Every element under root, shadow trees included, in tree order.
  const deepElements = (root) => {
    const out = [];
    const walk = (node) => {
      for (const child of node.children || []) {
        out.push(child);
        if (child.shadowRoot) walk(child.shadowRoot);
        walk(child);
      }
    };
    walk(root);
    return out;
  };

  const pierce = (root, css) => {
    const out = [...root.querySelectorAll(css)];
    for (const el of deepElements(root)) {
      if (el.shadowRoot) out.push(...el.shadowRoot.querySelectorAll(css));
    }
    return [...new Set(out)];
  };

  const xpath = (root, expr) => {
    const doc = root.ownerDocument || root;
    const res = doc.evaluate(expr, root, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
    const out = [];
    for (let i = 0; i < res.snapshotLength; i++) {
      let node = res.snapshotItem(i);
      if (node.nodeType !== Node.ELEMENT_NODE) node = node.parentElement;
      if (node && !out.includes(node)) out.push(node);
    }
    return out;
  };

  // Puppeteer's text selector: the deepest elements whose text (shadow
  // trees included, a field's value in place of its children) contains
  // the text.
  const skipped = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'HEAD', 'NOSCRIPT']);
  const fullText = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return node.nodeValue;
    if (node.nodeType !== Node.ELEMENT_NODE && node.nodeType !== Node.DOCUMENT_FRAGMENT_NODE &&
        node.nodeType !== Node.DOCUMENT_NODE) return '';
    if (node.nodeType === Node.ELEMENT_NODE) {
      if (skipped.has(node.nodeName)) return '';
      if (node.localName === 'textarea' || (node.localName === 'input' && node.type !== 'password')) {
        return node.value;
      }
    }
    const from = node.shadowRoot || node;
    let s = '';
    for (const child of from.childNodes) s += fullText(child);
    return s;
  };
  const textQuery = (root, text) => {
    const out = [];
    const visit = (node) => {
      let deeper = false;
      const from = node.shadowRoot || node;
      for (const child of from.children || []) {
        if (skipped.has(child.nodeName)) continue;
        if (visit(child)) deeper = true;
      }
      if (deeper) return true;
      if (node.nodeType === Node.ELEMENT_NODE && fullText(node).includes(text)) {
        out.push(node);
        return true;
      }
      return false;
    };
    visit(root.body && root.nodeType === Node.DOCUMENT_NODE ? root.body : root);
    return out;
  };

  const queryPart = (root, [prefix, rest]) => {
    switch (prefix) {
      case 'pierce/': return pierce(root, rest);
      case 'xpath/': return xpath(root, rest);
      case 'text/': return textQuery(root, rest);
      default: return [...root.querySelectorAll(rest)];
    }
  };

  let found;
  try {
    if (parts.length === 0) {
      found = scopes.filter((el) => el && el.isConnected);
    } else {
      let roots = scopes.length ? scopes.map(descend) : [document];
      for (let i = 0; i < parts.length; i++) {
        const next = [];
        for (const root of roots) {
          for (const el of queryPart(root, parts[i])) {
            if (!next.includes(el)) next.push(el);
          }
        }
        found = next;
        if (found.length === 0) break;
        roots = found.map(descend);
      }
    }
  } catch (e) {
    if (mode === 'count') return {n: 0, ok: true, error: String(e.message || e)};
    if (mode === 'first') return 'invalid selector: ' + (e.message || e);
    throw e;
  }

  if (mode === 'all') return found;

  if (mode === 'count') {
    const deepMatch = (want, have) => {
      if (want === have) return true;
      if (want === null || have === null || have === undefined || typeof want !== 'object') return false;
      for (const [k, v] of Object.entries(want)) {
        if (!deepMatch(v, have[k])) return false;
      }
      return true;
    };
    let ok = true;
    for (const el of found) {
      for (const [name, value] of Object.entries(opts.attributes || {})) {
        if (el.getAttribute(name) !== value) ok = false;
      }
      if (opts.properties && !deepMatch(opts.properties, el)) ok = false;
    }
    return {n: found.length, ok};
  }

  // mode "first": the first element that is ready for the action.
  if (found.length === 0) return 'no element';
  let why = '';
  for (const el of found) {
    const win = el.ownerDocument.defaultView;
    const style = win.getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    if (opts.visible && (style.visibility === 'hidden' || style.visibility === 'collapse' ||
        rect.width <= 0 || rect.height <= 0)) {
      why = why || 'not visible';
      continue;
    }
    if (opts.enabled && el.matches(':disabled')) {
      why = why || 'disabled';
      continue;
    }
    if (opts.scroll) {
      const [ox, oy] = opts.offset || [rect.width / 2, rect.height / 2];
      const x = rect.left + ox, y = rect.top + oy;
      if (x < 0 || y < 0 || x >= win.innerWidth || y >= win.innerHeight) {
        el.scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'});
      }
    }
    return el;
  }
  return why;
}
