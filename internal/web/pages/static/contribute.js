// The contribute form's preview: it sends the form to the API as a dry run
// and shows what would be stored — the redacted text, what was redacted,
// the fingerprint, duplicates — before the Contribute button is enabled.
// Any change to the form disables it again, so what is stored is always
// what was previewed.
(function () {
  "use strict";
  const form = document.getElementById("contribute-form");
  if (!form) return;
  const slug = form.dataset.slug, kind = form.dataset.kind;
  const submit = document.getElementById("submit-button");
  const out = document.getElementById("preview");

  form.addEventListener("input", reset);
  form.addEventListener("change", reset);
  document.getElementById("preview-button").addEventListener("click", preview);

  function reset() {
    submit.disabled = true;
    out.replaceChildren();
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const c of children) e.append(c);
    return e;
  }

  async function request() {
    const url = "/api/v1/datanets/" + encodeURIComponent(slug) + "/contributions?dry_run=true";
    const file = form.querySelector("#records");
    if (file && file.files.length) {
      return fetch(url, { method: "POST", headers: { "Content-Type": "application/x-ndjson" }, body: file.files[0] });
    }
    if (kind === "image") {
      const fd = new FormData();
      const img = form.querySelector("#image");
      if (img.files.length) fd.append("image", img.files[0]);
      const meta = { labels: [...form.querySelectorAll("input[name=labels]:checked")].map(c => c.value) };
      const fields = fieldValues();
      if (Object.keys(fields).length) meta.fields = fields;
      fd.append("meta", JSON.stringify(meta));
      return fetch(url, { method: "POST", body: fd });
    }
    const rec = {};
    for (const name of ["text", "question", "answer"]) {
      const f = form.querySelector("#" + name);
      if (f) rec[name] = f.value;
    }
    const fields = fieldValues();
    if (Object.keys(fields).length) rec.fields = fields;
    return fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(rec) });
  }

  function fieldValues() {
    const fields = {};
    for (const f of form.querySelectorAll("input[name^=field_]")) {
      if (f.value.trim()) fields[f.name.slice(6)] = f.value.trim();
    }
    return fields;
  }

  async function preview() {
    reset();
    out.append(el("p", { class: "hint" }, "Checking…"));
    let resp, body;
    try {
      resp = await request();
      body = await resp.json();
    } catch (e) {
      out.replaceChildren(el("p", { class: "error", role: "alert" }, "The preview failed: " + e));
      return;
    }
    out.replaceChildren();
    if (!resp.ok) {
      const err = body.error || {};
      const p = el("div", { class: "error", role: "alert" }, err.message || "The preview failed.");
      const fields = err.fields || {};
      if (Object.keys(fields).length) {
        const ul = el("ul");
        for (const [k, v] of Object.entries(fields)) ul.append(el("li", {}, k + ": " + v));
        p.append(ul);
      }
      out.append(p);
      return;
    }
    let accepted = 0, problems = 0;
    for (const o of body.outcomes) {
      if (o.status === "accepted") accepted++; else problems++;
      out.append(renderOutcome(o));
    }
    const partial = form.querySelector("#partial");
    const summary = accepted + " of " + body.outcomes.length + " would be accepted.";
    out.prepend(el("p", { class: problems ? "error" : "notice", id: "preview-summary" }, summary +
      (problems && accepted ? " Tick “Store the good records” to store them anyway." : "")));
    submit.disabled = accepted === 0 || (problems > 0 && !(partial && partial.checked));
    if (partial) partial.addEventListener("change", () => { submit.disabled = accepted === 0 || !partial.checked; }, { once: true });
  }

  function renderOutcome(o) {
    const box = el("div", { class: "outcome " + o.status });
    const head = el("p", {}, el("strong", {}, statusText(o)));
    if (o.line) head.append(" (line " + o.line + ")");
    box.append(head);
    if (o.error) box.append(el("p", { class: "field-error" }, (o.error.field ? o.error.field + ": " : "") + o.error.message));
    if (o.record) {
      for (const part of ["text", "question", "answer"]) {
        if (o.record[part]) box.append(el("p", {}, part + ":"), highlight(o.record[part]));
      }
      if (o.record.labels && o.record.labels.length) box.append(el("p", {}, "labels: " + o.record.labels.join(", ")));
    }
    if (o.redactions && o.redactions.length) {
      const counts = {};
      for (const r of o.redactions) counts[r.type] = (counts[r.type] || 0) + 1;
      box.append(el("p", { class: "redactions" }, "Redacted: " + Object.entries(counts).map(([t, n]) => t + " ×" + n).join(", ")));
    } else if (o.status !== "invalid") {
      box.append(el("p", { class: "hint" }, "Nothing personal was found."));
    }
    if (o.dna) box.append(el("p", { class: "hint" }, "Fingerprint: ", el("code", { class: "dna" }, o.dna)));
    return box;
  }

  function statusText(o) {
    if (o.status === "accepted") return "Will be accepted";
    if (o.status === "duplicate") {
      const d = o.duplicate || {};
      if (d.in_batch) return "Duplicate of another record in this upload";
      return (d.exact ? "Exact duplicate" : "Near duplicate (similarity " + d.similarity.toFixed(2) + ")") + " of a record already in this datanet";
    }
    return "Cannot be accepted";
  }

  // highlight shows the stored text with its placeholders marked.
  function highlight(text) {
    const pre = el("pre");
    const re = /<[A-Z_]+>/g;
    let last = 0, m;
    while ((m = re.exec(text)) !== null) {
      pre.append(text.slice(last, m.index), el("mark", { class: "pii" }, m[0]));
      last = m.index + m[0].length;
    }
    pre.append(text.slice(last));
    return pre;
  }
})();
