// The recording as the extension keeps it, and the JSON it uploads.
//
// The extension keeps more than it sends: the values a member typed (so the
// review page can offer "keep what I typed as the default") and an internal
// id on every step and event (so that deleting a step also deletes the
// behavioural evidence that belongs to it). buildUpload turns that into the
// one document the server receives: a Chrome DevTools Recorder recording
// (the @puppeteer/replay schema) with an "allmende" object beside its steps.
// Everything the review page shows is computed by buildUpload, so the member
// sees exactly what is sent.

export const RECORDER = "allmende-extension/0.1";
export const MAX_PATH_POINTS = 64;
export const PARAM_NAME = /^[a-z][a-z0-9_]{0,39}$/;
// MAX_OUTLINES is recording.MaxOutlines.
export const MAX_OUTLINES = 200;
// MAX_OUTLINE_NODES bounds the nodes of all outlines of one recording, so
// that a long session stays within the size the cooperative accepts
// (recording.MaxBytes, 10 MB) and the browser's storage: about 200 bytes a
// node leaves room for the steps and the evidence. Later outlines are left
// out, and the review page says so.
export const MAX_OUTLINE_NODES = 25000;

// Steps whose navigation a page load can be the result of, newest first.
export const CAUSES_NAVIGATION = new Set(["click", "doubleClick", "keyDown", "keyUp", "change"]);

// redactor replaces personal data in the texts an upload keeps: the
// privacy module (privacy.js), which the page that builds the upload sets
// with useRedactor. Without one, texts are left as they are (the unit
// tests of the masking rules run so).
let redactor = null;

export function useRedactor(fn) {
  redactor = fn;
}

function redact(v) {
  return redactor && typeof v === "string" && v !== "" ? redactor(v) : v;
}

export function newId() {
  const a = new Uint8Array(8);
  crypto.getRandomValues(a);
  return Array.from(a, (b) => b.toString(16).padStart(2, "0")).join("");
}

// thinPath keeps at most max samples of a pointer path, evenly spread over
// the samples (not over time), the first and the last always kept.
export function thinPath(points, max = MAX_PATH_POINTS) {
  if (points.length <= max) {
    return points;
  }
  const out = [];
  for (let i = 0; i < max; i++) {
    out.push(points[Math.round((i * (points.length - 1)) / (max - 1))]);
  }
  return out;
}

const round1 = (v) => Math.round(v * 10) / 10;

// Chrome's storage hands objects back with their keys sorted; the upload
// lists a step's keys in the order Chrome's Recorder writes them.
const STEP_KEYS = [
  "type",
  "target",
  "frame",
  "selectors",
  "offsetY",
  "offsetX",
  "button",
  "duration",
  "deviceType",
  "key",
  "value",
  "url",
  "x",
  "y",
  "width",
  "height",
  "deviceScaleFactor",
  "isMobile",
  "hasTouch",
  "isLandscape",
  "assertedEvents",
  "timeout",
];

function ordered(obj, keys) {
  const out = {};
  for (const k of keys) {
    if (obj[k] !== undefined) {
      out[k] = obj[k];
    }
  }
  for (const k of Object.keys(obj).sort()) {
    if (!(k in out) && obj[k] !== undefined) {
      out[k] = obj[k];
    }
  }
  return out;
}

// scrubList returns what typed values must not appear in URLs and titles,
// with what replaces them: the parameter's placeholder, or nothing.
function scrubList(rec) {
  const list = [];
  for (const s of rec.steps) {
    const m = s.meta || {};
    if (s.step.type !== "change" || m.sensitive || !m.value) {
      continue;
    }
    if (m.select && !m.param) {
      continue; // a choice from the page's own list, shown as it is
    }
    list.push({ value: m.value, repl: m.param ? `{{${m.param}}}` : "" });
  }
  return list.sort((a, b) => b.value.length - a.value.length);
}

function scrubValue(v, list) {
  for (const { value, repl } of list) {
    if (v === value) {
      return repl;
    }
    if (value.length >= 3 && v.includes(value)) {
      v = v.split(value).join(repl);
    }
  }
  return v;
}

function encodePart(v) {
  return encodeURIComponent(v).replace(/%7B%7B([a-z0-9_]+)%7D%7D/g, "{{$1}}");
}

function decodePart(v) {
  try {
    return decodeURIComponent(v.replace(/\+/g, " "));
  } catch {
    return v;
  }
}

// scrubUrl removes typed values from a URL's path, query and fragment: a
// search form that puts what was typed into the address would otherwise
// carry it past the mask.
export function scrubUrl(url, list) {
  if (!url || !list.length) {
    return url;
  }
  let u;
  try {
    u = new URL(url);
  } catch {
    return scrubValue(url, list);
  }
  let changed = false;
  const path = u.pathname
    .split("/")
    .map((seg) => {
      const d = decodePart(seg);
      const n = scrubValue(d, list);
      if (n === d) {
        return seg;
      }
      changed = true;
      return encodePart(n);
    })
    .join("/");
  let search = u.search;
  if (search.length > 1) {
    const parts = search
      .slice(1)
      .split("&")
      .map((kv) => {
        const eq = kv.indexOf("=");
        if (eq < 0) {
          return kv;
        }
        const d = decodePart(kv.slice(eq + 1));
        const n = scrubValue(d, list);
        if (n === d) {
          return kv;
        }
        changed = true;
        return kv.slice(0, eq + 1) + encodePart(n);
      });
    search = "?" + parts.join("&");
  }
  let hash = u.hash;
  if (hash.length > 1) {
    const d = decodePart(hash.slice(1));
    const n = scrubValue(d, list);
    if (n !== d) {
      changed = true;
      hash = "#" + encodePart(n);
    }
  }
  return changed ? u.origin + path + search + hash : url;
}

// blankQueryNames empties the values of the named query parameters: the
// fields of a submitted form whose values never left the page.
export function blankQueryNames(url, names) {
  if (!names || !names.length) {
    return url;
  }
  let u;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  if (u.search.length < 2) {
    return url;
  }
  const set = new Set(names);
  const parts = u.search
    .slice(1)
    .split("&")
    .map((kv) => {
      const eq = kv.indexOf("=");
      const key = decodePart(eq < 0 ? kv : kv.slice(0, eq));
      return set.has(key) && eq >= 0 ? kv.slice(0, eq + 1) : kv;
    });
  return u.origin + u.pathname + "?" + parts.join("&") + u.hash;
}

function scrubTitle(title, list) {
  if (!title) {
    return title;
  }
  return scrubValue(title, list);
}

// keptValues are the typed values whose parameter keeps them as its
// default: they are uploaded anyway, so an outline may show them too.
function keptValues(rec) {
  const kept = new Set();
  for (const s of rec.steps) {
    const m = s.meta || {};
    const p = m.param && (rec.params || {})[m.param];
    if (s.step.type === "change" && p && p.keepDefault && !m.sensitive && typeof m.value === "string") {
      kept.add(m.value);
    }
  }
  return kept;
}

// maskedList is scrubList without the values that are uploaded anyway:
// what must not appear in an outline's or a target's text.
function maskedList(rec) {
  if (rec.keepValues) {
    return [];
  }
  const kept = keptValues(rec);
  return scrubList(rec).filter((x) => !kept.has(x.value));
}

const NODE_TEXTS = ["name", "label", "text", "heading", "landmark"];

const escapeRegExp = (v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// scrubWords takes typed values out of a page's text where they stand as
// words of their own: "Hello Ada" loses "Ada", but typing "deep" leaves a
// button "Go deeper" as it is.
function scrubWords(v, list) {
  for (const { value, repl } of list) {
    if (v === value) {
      return repl;
    }
    if (value.length >= 3 && v.includes(value)) {
      const re = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(value)}(?![\\p{L}\\p{N}])`, "gu");
      v = v.replace(re, () => repl);
    }
  }
  return v;
}

// maskNode applies the rules for typed values to a described element: its
// value is sent only when keep says so, and what the member typed into a
// masked field is taken out of its texts (a page that echoes it).
function maskNode(node, keep, list) {
  const out = structuredClone(node);
  if (out.value !== undefined && !keep) {
    delete out.value;
    out.masked = true;
  }
  if (out.value !== undefined && out.tag !== "select") {
    out.value = redact(out.value);
  }
  redactTexts(out);
  if (!list.length) {
    return out;
  }
  for (const k of NODE_TEXTS) {
    if (typeof out[k] === "string") {
      out[k] = scrubWords(out[k], list);
      if (!out[k]) {
        delete out[k];
      }
    }
  }
  if (out.attributes) {
    for (const [k, v] of Object.entries(out.attributes)) {
      out.attributes[k] = k === "href" ? scrubUrl(v, list) : scrubWords(v, list);
    }
  }
  if (out.place) {
    for (const k of ["column_header", "row_key"]) {
      if (typeof out.place[k] === "string") {
        out.place[k] = scrubWords(out.place[k], list);
        if (!out.place[k]) {
          delete out.place[k];
        }
      }
    }
  }
  return out;
}

// redactTexts replaces personal data in a node's words (its texts, its
// attributes, its place in a table) by the privacy module's placeholders.
function redactTexts(out) {
  for (const k of NODE_TEXTS) {
    if (typeof out[k] === "string") {
      out[k] = redact(out[k]);
    }
  }
  if (out.attributes) {
    for (const [k, v] of Object.entries(out.attributes)) {
      if (k !== "href" && k !== "src") {
        out.attributes[k] = redact(v);
      }
    }
  }
  if (out.place) {
    for (const k of ["column_header", "row_key"]) {
      if (typeof out.place[k] === "string") {
        out.place[k] = redact(out.place[k]);
      }
    }
  }
}

// nodeKeeps says whether an outline node's value may be sent: a choice
// from a select is the page's own; other values only when the member keeps
// them.
function nodeKeeps(rec, node, kept) {
  if (node.sensitive) {
    return false;
  }
  return !!rec.keepValues || node.tag === "select" || (typeof node.value === "string" && kept.has(node.value));
}

const NODE_KEYS = [
  "ref",
  "parent",
  "tag",
  "role",
  "name",
  "label",
  "text",
  "value",
  "masked",
  "sensitive",
  "attributes",
  "interactive",
  "checked",
  "disabled",
  "frame",
  "shadow",
  "place",
  "heading",
  "landmark",
];

// outlineBefore is the step an outline's page state is for: 0 at the start,
// else the step after the one that navigated.
export function outlineBefore(rec, sid) {
  const i = rec.steps.findIndex((s) => s.sid === sid);
  if (i < 0) {
    return -1;
  }
  return i <= 1 ? 0 : i + 1;
}

// uploadTargets and uploadOutlines are the "targets" and "outlines" of the
// upload, masked.
function uploadTargets(rec, masked) {
  const kept = keptValues(rec);
  const list = maskedList(rec);
  const out = [];
  rec.steps.forEach((s, i) => {
    if (!s.target) {
      return;
    }
    const m = s.meta || {};
    let keep;
    if (s.step.type === "change") {
      keep = !masked.includes(i) && !m.sensitive && (!m.param || !!(rec.params[m.param] || {}).keepDefault || m.select);
    } else {
      keep = nodeKeeps(rec, s.target, kept);
    }
    out.push({ step: i, ...ordered(maskNode(s.target, keep, list), NODE_KEYS) });
  });
  return out;
}

function uploadOutlines(rec) {
  const kept = keptValues(rec);
  const list = maskedList(rec);
  const urls = scrubList(rec);
  const out = [];
  let total = 0;
  for (const o of rec.outlines || []) {
    const before = outlineBefore(rec, o.sid);
    if (before < 0) {
      continue;
    }
    // The address as the step that opened the page recorded it: the
    // values of a sent form's secret fields blanked there, not here.
    const st = rec.steps.find((x) => x.sid === o.sid);
    const nav = st && (st.step.assertedEvents || []).find((e) => e.type === "navigation");
    const url = (st && st.step.type === "navigate" && st.step.url) || (nav && nav.url) || o.outline.url || "";
    const x = { before, url: scrubUrl(url, urls) };
    if (o.outline.title) {
      x.title = redact(scrubTitle(o.outline.title, urls));
    }
    if (o.outline.truncated) {
      x.truncated = true;
    }
    const nodes = o.outline.nodes || [];
    if (total + nodes.length > MAX_OUTLINE_NODES) {
      continue;
    }
    total += nodes.length;
    x.nodes = nodes.map((n) => ordered(maskNode(n, nodeKeeps(rec, n, kept), list), NODE_KEYS));
    out.push(x);
  }
  return out.sort((a, b) => a.before - b.before);
}

// removeOutline and removeOutlines take outlines out of the recording: the
// member's choice on the review page. An outline is named by the step it
// was before, as the upload names it.
export function removeOutline(rec, before) {
  rec.outlines = (rec.outlines || []).filter((o) => outlineBefore(rec, o.sid) !== before);
}

export function removeOutlines(rec) {
  rec.outlines = [];
}

// buildUpload returns the document the server receives.
export function buildUpload(rec) {
  const list = scrubList(rec);
  const steps = [];
  const masked = [];
  const parameters = [];
  const seen = new Set();
  rec.steps.forEach((s, i) => {
    const step = structuredClone(s.step);
    const m = s.meta || {};
    if (step.type === "change") {
      if (m.param) {
        step.value = `{{${m.param}}}`;
        if (!seen.has(m.param)) {
          seen.add(m.param);
          const def = (rec.params || {})[m.param] || {};
          const p = { name: m.param, label: def.label || m.param };
          if (def.keepDefault && !m.sensitive && typeof m.value === "string") {
            p.default = redact(m.value);
          }
          parameters.push(p);
        }
      } else if (m.select && !m.sensitive) {
        step.value = m.value || "";
      } else {
        step.value = "";
        masked.push(i);
      }
    }
    if (step.url) {
      step.url = scrubUrl(step.url, list);
    }
    if (step.assertedEvents) {
      step.assertedEvents = step.assertedEvents.map((e) => {
        const out = ordered(e, ["type", "url", "title"]);
        if (out.url !== undefined) {
          out.url = scrubUrl(out.url, list);
        }
        if (out.title !== undefined) {
          out.title = redact(scrubTitle(out.title, list));
        }
        return out;
      });
    }
    steps.push(ordered(step, STEP_KEYS));
  });
  const events = rec.events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.t - b.e.t || a.i - b.i)
    .map(({ e }) => exportEvent(e));
  const allmende = {
    version: 1,
    recorder: RECORDER,
    viewport: { width: rec.viewport.width, height: rec.viewport.height },
    parameters,
    masked,
    events,
  };
  const targets = uploadTargets(rec, masked);
  if (targets.length) {
    allmende.targets = targets;
  }
  const outlines = uploadOutlines(rec);
  if (outlines.length) {
    allmende.outlines = outlines;
  }
  return { title: rec.title || "Untitled recording", steps, allmende };
}

function exportEvent(e) {
  const out = { kind: e.kind, t: round1(Math.max(0, e.t)) };
  switch (e.kind) {
    case "click":
    case "dblclick":
    case "hover":
      out.x = round1(e.x || 0);
      out.y = round1(e.y || 0);
      if (e.path && e.path.length) {
        out.path = e.path.map(([t, x, y]) => [round1(Math.min(Math.max(0, t), out.t)), round1(x), round1(y)]);
      }
      break;
    case "keydown":
    case "keyup":
      out.key = e.key;
      break;
    case "scroll":
      out.scroll_y = round1(e.scroll_y || 0);
      break;
  }
  if (e.target) {
    out.target = e.target;
  }
  if (e.box) {
    out.box = e.box.map(round1);
  }
  return out;
}

// deleteStep removes step i and the behavioural events that belong to it.
// A step that opened a page gives way to a navigate step to that page, so
// the steps after it still run where they were recorded. The first two
// steps (setViewport and the first navigate) stay.
export function deleteStep(rec, i) {
  if (i < 2 || i >= rec.steps.length) {
    throw new Error("this step cannot be deleted");
  }
  const s = rec.steps[i];
  rec.events = rec.events.filter((e) => e.sid !== s.sid);
  const nav = (s.step.assertedEvents || []).find((e) => e.type === "navigation");
  if (nav && s.step.type !== "navigate" && nav.url) {
    const sid = newId();
    rec.steps.splice(i, 1, {
      sid,
      at: s.at,
      step: { type: "navigate", url: nav.url, assertedEvents: [nav] },
      meta: { label: "" },
    });
    // The page it opened is still the page the next steps run on.
    for (const o of rec.outlines || []) {
      if (o.sid === s.sid) {
        o.sid = sid;
      }
    }
  } else {
    rec.steps.splice(i, 1);
    rec.outlines = (rec.outlines || []).filter((o) => o.sid !== s.sid);
  }
  cleanParams(rec);
}

// setParameter makes the value of change step i the parameter name.
export function setParameter(rec, i, { name, label, keepDefault }) {
  const s = rec.steps[i];
  if (!s || s.step.type !== "change") {
    throw new Error("only a typed or chosen value can be a parameter");
  }
  if (!PARAM_NAME.test(name)) {
    throw new Error(
      "a parameter name starts with a small letter and has only small letters, digits and _ (at most 40)",
    );
  }
  rec.params = rec.params || {};
  s.meta.param = name;
  rec.params[name] = { label: (label || "").trim() || name, keepDefault: !!keepDefault && !s.meta.sensitive };
}

// paramName turns a field's label into a parameter name ("Last name" →
// "last_name").
export function paramName(text) {
  const s = String(text || "")
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^\w\s]/g, "")
    .trim()
    .replace(/\s+/g, "_")
    .replace(/^[^a-z]+/, "")
    .slice(0, 40);
  return s || "value";
}

// keepAllValues makes every typed value (never a sensitive field's) a
// parameter that keeps what was typed as its default, and keeps field
// values in the outlines: what a member chooses on the review page when the
// values are the point of a demonstration. allmende record --keep-values
// does it for scripted demonstrations.
export function keepAllValues(rec) {
  const used = new Set(Object.keys(rec.params || {}));
  rec.steps.forEach((s, i) => {
    const m = s.meta || {};
    if (s.step.type !== "change" || m.sensitive || m.param || m.select || typeof m.value !== "string") {
      return;
    }
    const base = paramName(m.label);
    let name = base;
    for (let n = 2; used.has(name); n++) {
      name = `${base.slice(0, 36)}_${n}`;
    }
    used.add(name);
    setParameter(rec, i, { name, label: m.label || name, keepDefault: true });
  });
  rec.keepValues = true;
}

export function clearParameter(rec, i) {
  const s = rec.steps[i];
  if (s && s.meta) {
    delete s.meta.param;
  }
  cleanParams(rec);
}

function cleanParams(rec) {
  const used = new Set(rec.steps.map((s) => s.meta && s.meta.param).filter(Boolean));
  for (const name of Object.keys(rec.params || {})) {
    if (!used.has(name)) {
      delete rec.params[name];
    }
  }
}

export function selectorText(sel) {
  return Array.isArray(sel) ? sel.join(" >>> ") : String(sel);
}

// cssSelector is the first CSS alternative (no aria/, text/, xpath/ or
// pierce/ prefix), or the first alternative if there is none.
export function cssSelector(step) {
  const all = step.selectors || [];
  for (const s of all) {
    const parts = Array.isArray(s) ? s : [s];
    if (parts.every((p) => !/^(aria|text|xpath|pierce)\//.test(p))) {
      return selectorText(s);
    }
  }
  return all.length ? selectorText(all[0]) : "";
}

// describeStep is the step in words, computed from the uploaded step (so
// it shows what is sent) and the kept meta (so it can say why a value is
// missing).
export function describeStep(step, meta = {}) {
  const first = step.selectors && step.selectors.length ? selectorText(step.selectors[0]) : "";
  let text;
  switch (step.type) {
    case "setViewport":
      text = `set the viewport to ${step.width} × ${step.height}`;
      break;
    case "navigate":
      text = `open ${step.url}`;
      break;
    case "click":
      text = `click ${first}`;
      break;
    case "doubleClick":
      text = `double-click ${first}`;
      break;
    case "hover":
      text = `hover over ${first}`;
      break;
    case "change": {
      const into = cssSelector(step);
      let v;
      if (meta.param) {
        v = `${step.value} (parameter)`;
      } else if (meta.sensitive) {
        v = "••• (sensitive field: never recorded)";
      } else if (meta.select) {
        v = JSON.stringify(step.value);
      } else {
        v = "••• (masked)";
      }
      text = meta.select ? `choose in ${into}: ${v}` : `type into ${into}: ${v}`;
      break;
    }
    case "keyDown":
      text = `key down ${step.key}`;
      break;
    case "keyUp":
      text = `key up ${step.key}`;
      break;
    case "scroll":
      text = step.selectors
        ? `scroll ${first} to ${step.x || 0}, ${step.y || 0}`
        : `scroll the page to ${step.x || 0}, ${step.y || 0}`;
      break;
    default:
      text = step.type;
  }
  if (step.frame && step.frame.length) {
    text += ` (in frame ${step.frame.join(".")})`;
  }
  const nav = (step.assertedEvents || []).find((e) => e.type === "navigation");
  if (nav && step.type !== "navigate") {
    text += ` → opens ${nav.url}`;
  }
  return text;
}

// describeNode is an element of an outline or a step's target in a few
// words, from its uploaded form: what it is, what it says, its value or why
// it is not sent, and where it stands.
export function describeNode(n) {
  let s = n.role || n.tag;
  const words = n.name || n.text || n.label || "";
  if (words) {
    s += ` “${words.length > 80 ? words.slice(0, 79) + "…" : words}”`;
  }
  if (n.sensitive) {
    s += " (sensitive: never read)";
  } else if (n.masked) {
    s += " = ••• (masked)";
  } else if (n.value !== undefined) {
    s += ` = “${n.value}”`;
  }
  if (n.checked !== undefined) {
    s += n.checked ? " (checked)" : " (not checked)";
  }
  const p = n.place;
  if (p && p.row >= 0) {
    s += ` · row ${p.row + 1}${p.row_key ? ` “${p.row_key}”` : ""}`;
    if (p.column >= 0) {
      s += `, column ${p.column + 1}${p.column_header ? ` “${p.column_header}”` : ""}`;
    }
  } else if (p && p.of > 1) {
    s += ` · ${p.index + 1} of ${p.of}`;
  }
  if (n.landmark) {
    s += ` · in ${n.landmark}`;
  }
  if (n.frame && n.frame.length) {
    s += ` · frame ${n.frame.join(".")}`;
  }
  if (n.shadow) {
    s += " · shadow DOM";
  }
  return s;
}

// eventCounts counts the behavioural events by kind, and the pointer
// samples they carry.
export function eventCounts(upload) {
  const counts = { total: 0, pointerSamples: 0 };
  for (const e of upload.allmende.events) {
    counts.total++;
    counts[e.kind] = (counts[e.kind] || 0) + 1;
    counts.pointerSamples += e.path ? e.path.length : 0;
  }
  return counts;
}

// uploadText is the request body, byte for byte what the review page shows.
export function uploadText(rec) {
  return JSON.stringify(buildUpload(rec), null, 2);
}

// Storage of recordings: one key per recording, so that saving one does
// not rewrite the others.
export const recKey = (id) => `rec:${id}`;

export async function loadRecording(id) {
  const key = recKey(id);
  const got = await chrome.storage.local.get(key);
  return got[key] || null;
}

export async function saveRecording(rec) {
  await chrome.storage.local.set({ [recKey(rec.id)]: rec });
}

export async function removeRecording(id) {
  await chrome.storage.local.remove(recKey(id));
}

// listRecordings returns the stopped recordings not yet uploaded, newest
// first, without their steps and events.
export async function listRecordings() {
  const all = await chrome.storage.local.get(null);
  return Object.entries(all)
    .filter(([k, v]) => k.startsWith("rec:") && v && v.state === "stopped")
    .map(([, v]) => ({
      id: v.id,
      title: v.title,
      createdAt: v.createdAt,
      steps: v.steps.length,
      stopReason: v.stopReason || "",
    }))
    .sort((a, b) => b.createdAt - a.createdAt);
}
