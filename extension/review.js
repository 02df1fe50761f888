// The review page: the member sees exactly what will be sent, deletes
// steps, turns fields into parameters, names the recording, and uploads or
// discards it. The JSON shown and the request body are the same string,
// made by the same function.

import {
  PARAM_NAME,
  buildUpload,
  clearParameter,
  deleteStep,
  describeNode,
  describeStep,
  eventCounts,
  outlineBefore,
  loadRecording,
  removeOutline,
  removeOutlines,
  removeRecording,
  saveRecording,
  setParameter,
  uploadText,
  useRedactor,
} from "./recording.js";
import { loadPrivacy } from "./privacy.js";

const $ = (id) => document.getElementById(id);
const id = new URLSearchParams(location.search).get("id");
let rec = null;
let editing = -1;
let stepErrors = new Map();
let settings = { server: "", token: "" };
let done = false;

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") {
      e.className = v;
    } else if (k === "on") {
      for (const [ev, fn] of Object.entries(v)) {
        e.addEventListener(ev, fn);
      }
    } else if (k in e && typeof v !== "string") {
      e[k] = v;
    } else {
      e.setAttribute(k, v);
    }
  }
  e.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return e;
}

let saveTimer = 0;

function save() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => saveRecording(rec), 150);
}

function slug(text) {
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

function selectorKinds(step) {
  return (step.selectors || []).map((s) => {
    const first = Array.isArray(s) ? s[0] : s;
    const m = /^(aria|text|xpath|pierce)\//.exec(first);
    return m ? m[1] : "css";
  });
}

function renderSteps(upload) {
  const ol = $("steps");
  ol.textContent = "";
  const targets = new Map((upload.allmende.targets || []).map((t) => [t.step, t]));
  upload.steps.forEach((step, i) => {
    const kept = rec.steps[i];
    const meta = kept.meta || {};
    const what = el("div", { class: "what" }, describeStep(step, meta));
    if (step.type === "change") {
      if (meta.param) {
        what.append(
          el("span", { class: "tag param" }, `parameter: ${(rec.params[meta.param] || {}).label || meta.param}`),
        );
      } else if (meta.sensitive) {
        what.append(el("span", { class: "tag sensitive" }, "sensitive"));
      } else if (!meta.select) {
        what.append(el("span", { class: "tag masked" }, "masked"));
      }
    }
    const kinds = selectorKinds(step);
    if (kinds.length) {
      what.append(el("div", { class: "sub" }, `Found by ${kinds.join(", ")}${meta.label ? ` · “${meta.label}”` : ""}`));
    }
    const target = targets.get(i);
    if (target) {
      what.append(el("div", { class: "target" }, `On ${describeNode(target)}`));
    }
    if (stepErrors.has(i)) {
      what.append(el("div", { class: "step-error" }, stepErrors.get(i)));
    }
    const tools = el("div", { class: "tools" });
    if (step.type === "change" && !done) {
      if (meta.param) {
        tools.append(
          el("button", { class: "link param-btn", type: "button", on: { click: () => edit(i) } }, "Edit parameter"),
          el(
            "button",
            {
              class: "link unparam-btn",
              type: "button",
              on: {
                click: () => {
                  clearParameter(rec, i);
                  save();
                  render();
                },
              },
            },
            "Mask again",
          ),
        );
      } else {
        tools.append(
          el(
            "button",
            { class: "link param-btn", type: "button", on: { click: () => edit(i) } },
            "Make this a parameter",
          ),
        );
      }
    }
    if (i >= 2 && !done) {
      tools.append(
        el(
          "button",
          {
            class: "link danger delete",
            type: "button",
            "aria-label": `Delete step ${i + 1}: ${describeStep(step, meta)}`,
            on: { click: () => remove(i) },
          },
          "Delete",
        ),
      );
    }
    const li = el(
      "li",
      { "data-index": String(i), "data-type": step.type, class: stepErrors.has(i) ? "error" : "" },
      el("span", { class: "n" }, String(i + 1)),
      what,
      tools,
    );
    if (editing === i) {
      li.append(paramEditor(i));
    }
    ol.append(li);
  });
  $("step-count").textContent = `(${upload.steps.length})`;
}

function paramEditor(i) {
  const kept = rec.steps[i];
  const meta = kept.meta;
  const current = meta.param ? rec.params[meta.param] || {} : {};
  const name = el("input", {
    id: "param-name",
    type: "text",
    value: meta.param || slug(meta.label),
    autocomplete: "off",
  });
  const label = el("input", {
    id: "param-label",
    type: "text",
    value: current.label || meta.label || "",
    autocomplete: "off",
  });
  const canKeep = !meta.sensitive && typeof meta.value === "string" && meta.value !== "";
  const keep = el("input", {
    id: "param-default",
    type: "checkbox",
    checked: !!current.keepDefault && canKeep,
    disabled: !canKeep,
  });
  const err = el("p", { class: "step-error full", role: "alert", hidden: true });
  const keepText = canKeep
    ? `Keep what I typed (“${meta.value}”) as the default value. It will then be uploaded.`
    : "There is no value to keep: this field was never recorded.";
  const form = el(
    "form",
    {
      class: "param-editor",
      on: {
        submit: (e) => {
          e.preventDefault();
          try {
            setParameter(rec, i, { name: name.value.trim(), label: label.value, keepDefault: keep.checked });
          } catch (x) {
            err.textContent = x.message;
            err.hidden = false;
            name.focus();
            return;
          }
          editing = -1;
          save();
          render();
          document.querySelector(`#steps li[data-index="${i}"] .param-btn`)?.focus();
        },
      },
    },
    el("div", {}, el("label", { for: "param-name" }, "Name (used as {{name}})"), name),
    el("div", {}, el("label", { for: "param-label" }, "Label (what people are asked)"), label),
    el("label", { class: "check full", for: "param-default" }, keep, el("span", {}, keepText)),
    err,
    el(
      "div",
      { class: "buttons" },
      el("button", { id: "param-save", class: "primary", type: "submit" }, "Save parameter"),
      el(
        "button",
        {
          id: "param-cancel",
          type: "button",
          on: {
            click: () => {
              editing = -1;
              render();
            },
          },
        },
        "Cancel",
      ),
    ),
  );
  queueMicrotask(() => name.focus());
  return form;
}

function edit(i) {
  editing = i;
  render();
}

function remove(i) {
  deleteStep(rec, i);
  if (editing === i) {
    editing = -1;
  }
  stepErrors = new Map();
  save();
  render();
  const next = document.querySelector(`#steps li[data-index="${Math.min(i, rec.steps.length - 1)}"] button`);
  if (next) {
    next.focus();
  }
}

// Outlines show this many nodes each; the JSON below holds them all.
const SHOWN_NODES = 300;

function renderOutlines(upload) {
  const ol = $("outlines");
  ol.textContent = "";
  $("outlines-left-out")?.remove();
  const list = upload.allmende.outlines || [];
  $("outline-count").textContent = `(${list.length})`;
  $("remove-outlines").hidden = !list.length || done;
  ol.hidden = !list.length;
  if (!list.length) {
    $("outlines-hint").textContent = "No page outlines: nothing but the steps above is sent about the pages.";
    return;
  }
  const left =
    (rec.outlinesSkipped || 0) + (rec.outlines || []).filter((o) => outlineBefore(rec, o.sid) >= 0).length - list.length;
  if (left > 0) {
    ol.before(
      el(
        "p",
        { class: "notice", id: "outlines-left-out" },
        `${left} later ${left === 1 ? "page's outline is" : "pages' outlines are"} left out: the recording would be larger than the cooperative accepts.`,
      ),
    );
  }
  for (const o of list) {
    const acts = o.nodes.filter((n) => n.interactive).length;
    const masked = o.nodes.filter((n) => n.masked).length;
    const when = o.before === 0 ? "At the start" : `Before step ${o.before + 1}`;
    const nodes = el("ul", { class: "nodes" });
    for (const n of o.nodes.slice(0, SHOWN_NODES)) {
      nodes.append(el("li", { class: n.interactive ? "act" : "" }, describeNode(n)));
    }
    if (o.nodes.length > SHOWN_NODES) {
      nodes.append(el("li", {}, `… and ${o.nodes.length - SHOWN_NODES} more (in the JSON below)`));
    }
    const summary =
      `${o.nodes.length} items, ${acts} you can act on` +
      (masked ? `, ${masked} ${masked === 1 ? "value" : "values"} masked` : "") +
      (o.truncated ? " (a long page: cut)" : "");
    const head = el(
      "div",
      { class: "head" },
      el("div", { class: "where" }, `${when}: ${o.title || o.url}`, el("small", {}, `${o.url} · ${summary}`)),
      done
        ? null
        : el(
            "button",
            {
              class: "link danger remove-outline",
              type: "button",
              "aria-label": `Remove the outline ${when.toLowerCase()}`,
              on: {
                click: () => {
                  removeOutline(rec, o.before);
                  save();
                  render();
                },
              },
            },
            "Remove",
          ),
    );
    ol.append(
      el(
        "li",
        { "data-before": String(o.before) },
        head,
        el("details", {}, el("summary", {}, "Show what it holds"), nodes),
      ),
    );
  }
}

function renderParams(upload) {
  const p = $("params");
  const list = upload.allmende.parameters;
  if (!list.length) {
    p.className = "muted";
    p.textContent = "None. Whoever runs this automation fills in nothing; masked fields are left empty.";
    return;
  }
  p.className = "";
  p.textContent = "";
  const ul = el("ul", { id: "param-list" });
  for (const x of list) {
    ul.append(
      el(
        "li",
        {},
        el("code", {}, `{{${x.name}}}`),
        ` — ${x.label}`,
        x.default !== undefined ? ` (default “${x.default}”)` : " (no default)",
      ),
    );
  }
  p.append(ul);
}

function renderEvidence(upload) {
  const c = eventCounts(upload);
  const rows = [
    ["Clicks", c.click || 0],
    ["Double clicks", c.dblclick || 0],
    ["Key presses (kinds only)", c.keydown || 0],
    ["Fields filled", c.input || 0],
    ["Scroll events", c.scroll || 0],
    ["Pauses over an element", c.hover || 0],
    ["Page loads", c.navigate || 0],
    ["Pointer samples", c.pointerSamples],
  ];
  const dl = $("evidence");
  dl.textContent = "";
  for (const [k, v] of rows) {
    dl.append(el("div", {}, el("dt", {}, k), el("dd", {}, String(v))));
  }
}

function render() {
  const upload = buildUpload(rec);
  renderSteps(upload);
  renderOutlines(upload);
  renderParams(upload);
  renderEvidence(upload);
  const text = uploadText(rec);
  $("json").textContent = text;
  $("json-size").textContent = `${new Blob([text]).size.toLocaleString("en")} bytes`;
  renderBar();
}

function serverHost() {
  try {
    return new URL(settings.server).host;
  } catch {
    return "";
  }
}

function renderBar() {
  const configured = !!settings.server && !!settings.token;
  $("upload").disabled = done || !configured;
  $("config-hint").hidden = configured || done;
  $("server-name").textContent = serverHost() || "your cooperative";
  $("discard").disabled = done;
}

function showResult(kind, title, lines = []) {
  const r = $("result");
  r.className = "notice " + kind;
  r.textContent = "";
  r.append(el("strong", {}, title));
  if (lines.length) {
    const ul = el("ul", {});
    for (const l of lines) {
      ul.append(el("li", {}, l));
    }
    r.append(ul);
  }
  r.hidden = false;
  r.setAttribute("role", kind === "error" ? "alert" : "status");
}

const STATUS_TEXT = {
  verified: "Verified: it counts as your work.",
  review: "A steward will look at it before it counts.",
  rejected: "The cooperative did not accept it as human work.",
};

async function upload() {
  if (done) {
    return;
  }
  const body = uploadText(rec);
  $("json").textContent = body;
  const url = settings.server.replace(/\/+$/, "") + "/api/v1/recordings";
  $("upload").disabled = true;
  showResult("", "Uploading…");
  let res;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { Authorization: `Bearer ${settings.token}`, "Content-Type": "application/json" },
      body,
      credentials: "omit",
      cache: "no-store",
    });
  } catch (e) {
    showResult("error", `Could not reach ${serverHost() || settings.server}.`, [
      `${e.message || e}. Check the server address in the options and your connection.`,
      "Your recording is kept here; upload it again when the server can be reached.",
    ]);
    renderBar();
    return;
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (res.ok) {
    done = true;
    await removeRecording(rec.id);
    const status = (data && data.status) || "";
    const lines = [];
    if (STATUS_TEXT[status]) {
      lines.push(STATUS_TEXT[status]);
    }
    for (const r of (data && data.reasons) || []) {
      lines.push(r);
    }
    showResult(
      status === "rejected" ? "error" : "ok",
      `Uploaded${data && data.id ? ` as ${data.id}` : ""}${status ? ` — status: ${status}` : ""}.`,
      lines,
    );
    stepErrors = new Map();
    render();
    return;
  }
  const err = (data && data.error) || {};
  const lines = [];
  stepErrors = new Map();
  for (const [field, msg] of Object.entries(err.fields || {})) {
    lines.push(`${field}: ${msg}`);
    const m = /^steps?[[.](\d+)/.exec(field);
    if (m) {
      stepErrors.set(Number(m[1]), `${field}: ${msg}`);
    }
  }
  if (res.status === 401) {
    lines.push("Check the token in the options: create a new one on your cooperative's Keys page if needed.");
  }
  lines.push("Your recording is kept here.");
  showResult("error", err.message || `The server answered ${res.status} ${res.statusText}.`, lines);
  render();
}

async function loadSettings() {
  const got = await chrome.storage.local.get(["server", "token"]);
  settings = { server: got.server || "", token: got.token || "" };
}

async function init() {
  // What is kept is redacted here, by the same module as the contribute
  // page's; without it nothing may be shown as "what will be sent" or sent.
  try {
    const privacy = await loadPrivacy();
    useRedactor((text) => privacy.redact(text));
  } catch (err) {
    $("missing").textContent = `The recording cannot be reviewed or sent: ${err.message}. Personal data in what you keep is replaced on this computer before anything is sent, and that needs it.`;
    $("missing").hidden = false;
    $("lead").hidden = true;
    document.body.dataset.ready = "1";
    return;
  }
  await loadSettings();
  rec = id ? await loadRecording(id) : null;
  if (!rec) {
    $("missing").textContent = "This recording is not here any more: it was uploaded or discarded.";
    $("missing").hidden = false;
    $("lead").hidden = true;
    document.body.dataset.ready = "1";
    return;
  }
  if (rec.state !== "stopped") {
    $("missing").textContent = "This recording is still running. Stop it from the recorder's popup, then review it.";
    $("missing").hidden = false;
    document.body.dataset.ready = "1";
    return;
  }
  rec.params = rec.params || {};
  if (rec.stopReason) {
    $("stop-reason").textContent = rec.stopReason;
    $("stop-reason").hidden = false;
  }
  $("title").value = rec.title || "";
  $("title").addEventListener("input", () => {
    rec.title = $("title").value;
    save();
    const text = uploadText(rec);
    $("json").textContent = text;
    $("json-size").textContent = `${new Blob([text]).size.toLocaleString("en")} bytes`;
  });
  $("upload").addEventListener("click", upload);
  $("remove-outlines").addEventListener("click", () => {
    removeOutlines(rec);
    save();
    render();
  });
  $("open-options").addEventListener("click", () => chrome.runtime.openOptionsPage());
  $("discard").addEventListener("click", () => {
    $("discard").hidden = true;
    $("discard-confirm").hidden = false;
    $("discard-no").focus();
  });
  $("discard-no").addEventListener("click", () => {
    $("discard").hidden = false;
    $("discard-confirm").hidden = true;
    $("discard").focus();
  });
  $("discard-yes").addEventListener("click", async () => {
    await removeRecording(rec.id);
    done = true;
    $("discard-confirm").hidden = true;
    $("discard").hidden = false;
    showResult("ok", "Discarded. Nothing was sent, and the recording is gone from this browser.");
    render();
  });
  chrome.storage.onChanged.addListener(async (changes, area) => {
    if (area === "local" && (changes.server || changes.token)) {
      await loadSettings();
      renderBar();
    }
  });
  $("main").hidden = false;
  render();
  document.body.dataset.ready = "1";
}

init();
