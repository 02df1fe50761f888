// The contribute form. Personal data is found and replaced on this machine
// by the privacy module (privacy.js, internal/privacy in WebAssembly): the
// member sees what will be replaced, keeps a finding that is not personal
// (click it) or hides something it missed (select it, "Hide"), and only the
// redacted record is sent, with the findings the member kept, to the API
// with checked=true, which runs the same detector again. Nothing is sent
// until the member asks: "Check" sends the redacted record for a dry run
// (fingerprint, duplicates) and enables Contribute; any change disables it
// again, so what is stored is always what was checked.
(function () {
  "use strict";
  const form = document.getElementById("contribute-form");
  if (!form) return;
  const slug = form.dataset.slug, kind = form.dataset.kind;
  const submit = document.getElementById("submit-button");
  const out = document.getElementById("preview");
  const api = "/api/v1/datanets/" + encodeURIComponent(slug) + "/contributions?checked=true";
  const parts = [...form.querySelectorAll("[data-part]")];
  const fields = [...form.querySelectorAll("[data-field]")];
  const TYPES = ["PERSON", "LOCATION", "STREET_ADDRESS", "EMAIL_ADDRESS", "PHONE_NUMBER", "DATE_TIME", "IBAN_CODE", "CREDIT_CARD", "URL", "IP_ADDRESS", "PASSPORT"];

  let privacy = null;
  let decisions = {}; // part → {keep: [], hide: []}, in UTF-16 offsets of the part's text
  let prepared = null; // what Contribute sends: {record} or {jsonl} or {image}

  window.allmendePrivacyReady.then((p) => {
    privacy = p;
    form.hidden = false;
  }, (err) => {
    const msg = document.getElementById("privacy-failed");
    msg.textContent = "Contributing from this page needs the program that replaces personal data on your device, and it could not run: " +
      err.message + ". Nothing can be sent from here without it.";
    msg.hidden = false;
  });

  form.addEventListener("input", (e) => { if (!out.contains(e.target)) changed(); });
  form.addEventListener("change", (e) => { if (!out.contains(e.target)) changed(); });
  document.getElementById("preview-button").addEventListener("click", () => preview());
  form.addEventListener("submit", send);

  function changed() {
    decisions = {};
    reset();
  }

  function reset() {
    prepared = null;
    submit.disabled = true;
    out.replaceChildren();
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const c of children) e.append(c);
    return e;
  }

  function fail(message, fieldErrors) {
    const p = el("div", { class: "error", role: "alert" }, message);
    const entries = Object.entries(fieldErrors || {});
    if (entries.length) {
      const ul = el("ul");
      for (const [k, v] of entries) ul.append(el("li", {}, k + ": " + v));
      p.append(ul);
    }
    out.append(p);
  }

  function fieldValues() {
    const vals = {};
    for (const f of fields) {
      const v = f.value.trim();
      if (v) vals[f.dataset.field] = privacy.redact(v).text;
    }
    return vals;
  }

  // preview redacts everything on this machine and shows it. A typed
  // record waits for the member to correct it and press "Check"; a file or
  // an image, which the member cannot correct here, is checked at once.
  async function preview() {
    reset();
    if (!privacy) return;
    try {
      const file = form.querySelector("#records-file");
      if (file && file.files.length) {
        prepared = { jsonl: await redactFile(file.files[0]) };
      } else if (kind === "image") {
        prepared = { image: imageForm() };
      } else {
        const rec = { kept: [] };
        for (const part of parts) {
          const name = part.dataset.part;
          const d = decisions[name] || (decisions[name] = { keep: [], hide: [] });
          const p = privacy.preview(part.value, d);
          rec[name] = p.redacted;
          for (const k of p.kept) rec.kept.push(Object.assign(k, { field: name }));
          out.append(editor(name, p));
        }
        const f = fieldValues();
        if (Object.keys(f).length) rec.fields = f;
        prepared = { record: rec };
      }
    } catch (e) {
      fail(e.message);
      prepared = null;
      return;
    }
    if (!prepared.record) return check();
    const button = el("button", { type: "button", id: "check-button" }, "Check with the cooperative");
    button.addEventListener("click", check);
    out.append(el("p", { class: "row", id: "check-row" }, button,
      el("span", { class: "hint" }, "Sends only what is shown under “What will be sent”, to see whether it would be accepted.")));
  }

  function body() {
    if (prepared.record) return { body: JSON.stringify(prepared.record), headers: { "Content-Type": "application/json" } };
    if (prepared.jsonl !== undefined) return { body: prepared.jsonl, headers: { "Content-Type": "application/x-ndjson" } };
    return { body: prepared.image(), headers: {} };
  }

  // check asks the server for a dry run of the redacted record only: the
  // fingerprint, duplicates, and whether its own check passes.
  async function check() {
    const row = document.getElementById("check-row");
    if (row) row.remove();
    for (const old of out.querySelectorAll(".outcome, #preview-summary, .error")) old.remove();
    const checking = el("p", { class: "hint" }, "Checking the redacted record with the cooperative…");
    out.append(checking);
    let resp, ans;
    try {
      const b = body();
      resp = await fetch(api + "&dry_run=true", { method: "POST", headers: b.headers, body: b.body });
      ans = await resp.json();
    } catch (e) {
      checking.remove();
      fail("The check failed: " + e);
      return;
    }
    checking.remove();
    if (!resp.ok) {
      const err = ans.error || {};
      fail(err.message || "The check failed.", err.fields);
      return;
    }
    let accepted = 0, problems = 0;
    for (const o of ans.outcomes) {
      // In a curated datanet a good record goes to the curator's queue.
      if (o.status === "accepted" || o.status === "pending") accepted++; else problems++;
      out.append(renderOutcome(o, !prepared.record));
    }
    const partial = form.querySelector("#partial");
    const curated = ans.outcomes.some(o => o.status === "pending");
    const summary = accepted + " of " + ans.outcomes.length + (curated ? " would go to the curator." : " would be accepted.");
    out.prepend(el("p", { class: problems ? "error" : "notice", id: "preview-summary" }, summary +
      (problems && accepted ? " Tick “Store the good records” to store them anyway." : "")));
    submit.disabled = accepted === 0 || (problems > 0 && !(partial && partial.checked));
    if (partial) partial.addEventListener("change", () => { submit.disabled = accepted === 0 || !partial.checked; }, { once: true });
  }

  // redactFile reads a JSON Lines file here and redacts every text of
  // every record; a line that is not JSON stops it, since it could not be
  // redacted and must not be sent as it is.
  async function redactFile(file) {
    const lines = (await file.text()).split("\n");
    const outLines = [];
    lines.forEach((line, i) => {
      if (!line.trim()) { outLines.push(""); return; }
      let rec;
      try { rec = JSON.parse(line); } catch (e) {
        throw new Error("Line " + (i + 1) + " of the file is not JSON, so it cannot be redacted here; nothing was sent. Fix the file and try again.");
      }
      if (rec && typeof rec === "object" && !Array.isArray(rec)) {
        for (const k of ["text", "question", "answer"]) {
          if (typeof rec[k] === "string") rec[k] = privacy.redact(rec[k].trim()).text;
        }
        if (rec.fields && typeof rec.fields === "object") {
          for (const [k, v] of Object.entries(rec.fields)) if (typeof v === "string") rec.fields[k] = privacy.redact(v).text;
        }
        delete rec.kept;
      }
      outLines.push(JSON.stringify(rec));
    });
    return outLines.join("\n");
  }

  // imageForm builds the multipart body of an image contribution, its
  // fields redacted here.
  function imageForm() {
    const img = form.querySelector("#image");
    const meta = { labels: [...form.querySelectorAll("input[name=labels]:checked")].map(c => c.value) };
    const f = fieldValues();
    if (Object.keys(f).length) meta.fields = f;
    return () => {
      const fd = new FormData();
      if (img.files.length) fd.append("image", img.files[0]);
      fd.append("meta", JSON.stringify(meta));
      return fd;
    };
  }

  // editor shows one part's text with what will be replaced marked: a
  // click on a marked span keeps it (or hides it again); text selected in
  // the text and "Hide" replaces it too.
  function editor(name, p) {
    const d = decisions[name];
    const box = el("div", { class: "redaction", id: "redaction-" + name });
    box.append(el("p", {}, el("strong", {}, name[0].toUpperCase() + name.slice(1)), " — what will be replaced on your device (click a marked part to keep it; select a missed part and press Hide):"));
    const text = el("div", { class: "redaction-text", id: "redaction-text-" + name });
    let last = 0;
    for (const s of p.spans) {
      text.append(p.text.slice(last, s.start));
      const label = s.hidden ? "will be replaced by <" + s.type + ">" : "kept, not replaced (" + s.type + ")";
      const m = el("mark", {
        class: "pii " + (s.hidden ? "hidden" : "kept") + (s.member ? " member" : ""),
        "data-type": s.hidden ? "<" + s.type + ">" : "kept", tabindex: "0", role: "button",
        title: label + (s.hidden ? " — click to keep it" : " — click to replace it"),
        "aria-label": p.text.slice(s.start, s.end) + ", " + label,
      }, p.text.slice(s.start, s.end));
      const toggle = () => {
        if (!s.hidden) {
          d.keep = d.keep.filter(k => !s.parts.some(q => same(k, q)));
        } else if (s.member) {
          d.hide = d.hide.filter(h => h.end <= s.start || h.start >= s.end);
        } else {
          d.keep.push(...s.parts);
        }
        preview();
      };
      m.addEventListener("click", toggle);
      m.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(); } });
      text.append(m);
      last = s.end;
    }
    text.append(p.text.slice(last));
    box.append(text);

    const type = el("select", { id: "hide-type-" + name, "aria-label": "What the selected part is" });
    for (const t of TYPES) type.append(el("option", { value: t }, t));
    const hide = el("button", { type: "button", class: "secondary", id: "hide-" + name }, "Hide the selected part");
    hide.addEventListener("click", () => {
      const r = selected(text);
      if (!r) {
        hint.textContent = "Select a part of the text above first.";
        return;
      }
      d.hide.push({ start: r.start, end: r.end, type: type.value });
      preview();
    });
    const hint = el("span", { class: "hint", role: "status" });
    box.append(el("p", { class: "row" }, type, hide, hint));
    box.append(el("p", {}, "What will be sent:"), highlight(p.redacted));
    return box;
  }

  function same(a, b) { return a.start === b.start && a.end === b.end && a.type === b.type; }

  // selected gives the selection inside container as UTF-16 offsets of
  // its text, the offsets the module takes.
  function selected(container) {
    const sel = window.getSelection();
    if (!sel.rangeCount || sel.isCollapsed) return null;
    const r = sel.getRangeAt(0);
    if (!container.contains(r.startContainer) || !container.contains(r.endContainer)) return null;
    const before = document.createRange();
    before.setStart(container, 0);
    before.setEnd(r.startContainer, r.startOffset);
    let start = before.toString().length, end = start + r.toString().length;
    const all = container.textContent;
    while (start < end && /\s/.test(all[start])) start++;
    while (end > start && /\s/.test(all[end - 1])) end--;
    return start < end ? { start, end } : null;
  }

  async function send(e) {
    e.preventDefault();
    if (!prepared || submit.disabled) return;
    submit.disabled = true;
    const partial = form.querySelector("#partial");
    const url = api + (partial && partial.checked ? "&partial=true" : "");
    const b = body();
    let resp, ans;
    try {
      resp = await fetch(url, { method: "POST", headers: b.headers, body: b.body });
      ans = await resp.json();
    } catch (err) {
      fail("Sending failed: " + err);
      return;
    }
    if (!resp.ok) {
      const err = ans.error || {};
      fail(err.message || "Sending failed.", err.fields);
      return;
    }
    // A curated datanet keeps the records for a curator: say so.
    window.location.assign(ans.pending ? "/contributions?waiting=" + ans.pending : "/contributions?added=" + ans.accepted);
  }

  function renderOutcome(o, showRecord) {
    const box = el("div", { class: "outcome " + o.status });
    const head = el("p", {}, el("strong", {}, statusText(o)));
    if (o.line) head.append(" (line " + o.line + ")");
    box.append(head);
    if (o.error) box.append(el("p", { class: "field-error" }, (o.error.field ? o.error.field + ": " : "") + o.error.message));
    if (o.record && showRecord) {
      for (const part of ["text", "question", "answer"]) {
        if (o.record[part]) box.append(el("p", {}, part + ":"), highlight(o.record[part]));
      }
    }
    if (o.record && o.record.labels && o.record.labels.length) box.append(el("p", {}, "labels: " + o.record.labels.join(", ")));
    if (o.redactions && o.redactions.length) {
      const counts = {};
      for (const r of o.redactions) counts[r.type] = (counts[r.type] || 0) + 1;
      box.append(el("p", { class: "redactions" }, "Replaced on your device: " + Object.entries(counts).map(([t, n]) => t + " ×" + n).join(", ")));
    } else if (o.status !== "invalid") {
      box.append(el("p", { class: "hint" }, "Nothing personal was found."));
    }
    if (o.dna) box.append(el("p", { class: "hint" }, "Fingerprint: ", el("code", { class: "dna" }, o.dna)));
    return box;
  }

  function statusText(o) {
    if (o.status === "accepted") return "Will be accepted";
    if (o.status === "pending") return "Will wait for a curator";
    if (o.status === "duplicate") {
      const d = o.duplicate || {};
      if (d.in_batch) return "Duplicate of another record in this upload";
      return (d.exact ? "Exact duplicate" : "Near duplicate (similarity " + d.similarity.toFixed(2) + ")") + " of a record already in this datanet";
    }
    return "Cannot be accepted";
  }

  // highlight shows the text to be sent with its placeholders marked.
  function highlight(text) {
    const pre = el("pre", { class: "redacted" });
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
