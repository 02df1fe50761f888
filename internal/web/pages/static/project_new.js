// The new-project form: it reads the chosen annotation file in the
// browser to offer its categories as the labels and to preview the first
// items and the task as a worker will see it; and it sends the form with
// fetch, so that when the server refuses it (labels that do not match the
// file, a taken address) the page shows the errors beside their fields and
// the chosen files stay chosen. Without JavaScript the form still posts
// and the server does the same checks.
(function () {
  "use strict";
  let section = document.getElementById("project-new");
  if (!section) return;
  let fileLabels = [], fileKind = "", previewImages = [], previewTexts = [], shapes = {};

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== false && v !== undefined) e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }
  const $ = (id) => document.getElementById(id);
  // Amounts are typed in the cooperative's currency, as the server reads
  // them (points.Currency.Parse): the form says the code and the decimals.
  // toPoints gives NaN for what the server would refuse, so the preview
  // shows no pay rather than a wrong one.
  const moneyForm = $("project-form");
  const currency = moneyForm ? moneyForm.dataset.currency : "EUR", decimals = moneyForm ? Number(moneyForm.dataset.decimals) : 2;
  function toPoints(typed) {
    let t = typed.trim();
    if (t.endsWith(currency)) t = t.slice(0, -currency.length).trim();
    const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(t);
    if (!m || (m[2] || "").length > decimals) return NaN;
    return Number(m[1].replaceAll(",", "") + (m[2] || "").padEnd(decimals, "0"));
  }
  function money(p) {
    const s = String(p).padStart(decimals + 1, "0");
    const whole = s.slice(0, s.length - decimals).replace(/\B(?=(\d{3})+$)/g, ",");
    return (decimals ? whole + "." + s.slice(s.length - decimals) : whole) + " " + currency;
  }

  const readText = (f) => new Promise((ok, fail) => { const r = new FileReader(); r.onload = () => ok(r.result); r.onerror = fail; r.readAsText(f); });
  const readURL = (f) => new Promise((ok, fail) => { const r = new FileReader(); r.onload = () => ok(r.result); r.onerror = fail; r.readAsDataURL(f); });
  const base = (name) => name.split(/[\\/]/).pop();

  // The categories of a COCO file, in file order, and its boxes by image
  // file name; the labels a Label Studio export uses, sorted; a YOLO
  // folder's classes.txt or data.yaml names.
  async function readAnnotations() {
    fileLabels = []; fileKind = ""; shapes = {};
    const coco = $("coco").files[0], ls = $("labelstudio").files[0], yolo = [...$("yolo").files];
    try {
      if (coco) {
        fileKind = "COCO";
        const doc = JSON.parse(await readText(coco));
        const names = {};
        for (const c of doc.categories || []) { names[c.id] = c.name; fileLabels.push(c.name); }
        const images = {};
        for (const im of doc.images || []) images[im.id] = im;
        for (const a of doc.annotations || []) {
          const im = images[a.image_id];
          if (!im || !Array.isArray(a.bbox) || a.bbox.length !== 4) continue;
          (shapes[base(im.file_name)] ||= { w: im.width, h: im.height, boxes: [] }).boxes.push({ label: names[a.category_id], b: a.bbox });
        }
      } else if (ls) {
        fileKind = "Label Studio";
        const tasks = JSON.parse(await readText(ls));
        const used = new Set();
        for (const t of Array.isArray(tasks) ? tasks : [tasks]) {
          for (const a of [...(t.annotations || []), ...(t.predictions || [])]) {
            for (const r of a.result || []) {
              const v = r.value || {};
              for (const l of [...(v.rectanglelabels || []), ...(v.polygonlabels || []), ...(v.choices || [])]) used.add(l);
            }
          }
        }
        fileLabels = [...used].sort();
      } else if (yolo.length) {
        fileKind = "YOLO";
        const names = yolo.find((f) => /^classes\.txt$/i.test(base(f.name)) || /\.ya?ml$/i.test(f.name));
        if (names) {
          const text = await readText(names);
          if (/\.ya?ml$/i.test(names.name)) {
            const m = text.match(/^names:\s*\[(.*)\]/m);
            if (m) fileLabels = m[1].split(",").map((s) => s.trim().replace(/^['"]|['"]$/g, "")).filter(Boolean);
            else {
              const block = text.split(/^names:\s*$/m)[1] || "";
              for (const line of block.split("\n").slice(1)) {
                const item = line.match(/^\s+(?:-|\d+:)\s*(.+)$/);
                if (!item) break;
                fileLabels.push(item[1].trim().replace(/^['"]|['"]$/g, ""));
              }
            }
          } else fileLabels = text.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
        }
      }
    } catch (e) {
      fileLabels = [];
    }
    const labels = $("labels");
    if (fileLabels.length && (!labels.value.trim() || labels.dataset.fromFile === "yes")) {
      labels.value = fileLabels.join(", ");
      labels.dataset.fromFile = "yes";
    }
  }

  // Says which categories the file names, and which of them the labels
  // typed lack.
  function note() {
    const out = $("file-labels");
    if (!fileLabels.length) { out.hidden = true; return; }
    out.textContent = `The ${fileKind} file names ${fileLabels.length} ${fileLabels.length === 1 ? "category" : "categories"}: ${fileLabels.join(", ")}.`;
    const typed = $("labels").value.split(",").map((s) => s.trim()).filter(Boolean);
    const missing = fileLabels.filter((l) => !typed.includes(l));
    if (missing.length) out.textContent += ` Not among the labels: ${missing.join(", ")}.`;
    out.hidden = false;
  }

  async function readItems() {
    previewImages = []; previewTexts = [];
    const images = [...$("images").files].sort((a, b) => a.name.localeCompare(b.name)).slice(0, 3);
    for (const f of images) previewImages.push({ name: base(f.name), url: await readURL(f) });
    const items = $("items").files[0];
    if (items) {
      const lines = (await readText(items.slice(0, 64 * 1024))).split("\n");
      for (const line of lines) {
        if (previewTexts.length === 3) break;
        try { const o = JSON.parse(line); if (o && (o.text || o.a)) previewTexts.push(o); } catch (e) { /* the server names bad lines */ }
      }
    }
  }

  function figure(img) {
    const fig = el("figure", { class: "preview-item" });
    const frame = el("div", { class: "preview-frame" }, el("img", { src: img.url, alt: img.name }));
    const s = shapes[img.name];
    if (s && s.w && s.h) {
      for (const box of s.boxes) {
        const [x, y, w, h] = box.b;
        // Positioned through the CSSOM: the Content-Security-Policy
        // refuses style attributes.
        const mark = el("span", { class: "preview-box", title: box.label || "" });
        Object.assign(mark.style, { left: `${100 * x / s.w}%`, top: `${100 * y / s.h}%`, width: `${100 * w / s.w}%`, height: `${100 * h / s.h}%` });
        frame.append(mark);
      }
    }
    fig.append(frame, el("figcaption", {}, img.name + (s ? ` · ${s.boxes.length} pre-drawn` : "")));
    return fig;
  }

  function render() {
    note();
    const type = $("task_type").value;
    const text = type === "text_classification" || type === "pairwise";
    const out = $("preview-items"), task = $("preview-task");
    out.replaceChildren();
    if (text) for (const t of previewTexts) out.append(t.a ? el("div", { class: "pair" }, el("blockquote", { class: "task-text" }, t.a), el("blockquote", { class: "task-text" }, t.b || "")) : el("blockquote", { class: "task-text" }, t.text));
    else for (const img of previewImages) out.append(figure(img));
    const shown = out.children.length > 0;
    $("preview").hidden = !shown && !$("name").value.trim();
    if (!shown) out.append(el("p", { class: "hint" }, text ? "Choose a JSON Lines file to see its first items." : "Choose the images to see the first ones."));

    const pay = toPoints($("pay_per_task").value), secs = parseInt($("est_seconds").value, 10);
    const labels = $("labels").value.split(",").map((s) => s.trim()).filter(Boolean);
    task.replaceChildren(
      el("h4", {}, $("name").value || "Your project"),
      el("p", { class: "hint" }, "For ", el("strong", {}, $("client").value || "the client"), ": ", $("purpose").value || "the purpose",
        pay > 0 ? ` · pays ${money(pay)} a task` : "", pay > 0 && secs > 0 ? ` · about ${secs} s (estimate) · ${money(Math.floor(pay * 3600 / secs))} an hour` : ""),
      el("details", { class: "instructions", open: true }, el("summary", {}, "Instructions"), el("p", {}, $("instructions").value || "…")));
    const first = text ? previewTexts[0] : previewImages[0];
    switch (type) {
      case "pairwise":
        task.append(el("div", { class: "pair" },
          el("div", {}, el("h5", {}, "Answer A"), el("blockquote", { class: "task-text" }, first ? first.a : "…")),
          el("div", {}, el("h5", {}, "Answer B"), el("blockquote", { class: "task-text" }, first ? first.b : "…"))),
        el("p", {}, "Which is better? A · B, and why (optional)"));
        break;
      case "text_classification":
        task.append(el("blockquote", { class: "task-text" }, first ? first.text : "…"), el("p", {}, "Label: " + (labels.join(" · ") || "…")));
        break;
      default:
        if (first) task.append(figure(first));
        task.append(el("p", {}, (type === "image_classification" ? "Label: " : type === "polygon" ? "Outline each object as: " : "Draw a box around each object as: ") + (labels.join(" · ") || "…")));
    }
  }

  async function changed(ev) {
    const id = ev && ev.target && ev.target.id;
    if (id === "labels") delete $("labels").dataset.fromFile;
    if (!id || ["coco", "labelstudio", "yolo"].includes(id)) await readAnnotations();
    if (!id || ["images", "items"].includes(id)) await readItems();
    render();
  }

  // Sends the form; a refusal comes back as the form page with its errors,
  // whose form replaces this one, with this one's file inputs (and the
  // files chosen in them) moved into it.
  async function submit(ev) {
    ev.preventDefault();
    const form = ev.target, button = $("create-project");
    button.disabled = true;
    try {
      const res = await fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" });
      if (res.ok && res.redirected) { location.assign(res.url); return; }
      const doc = new DOMParser().parseFromString(await res.text(), "text/html");
      const fresh = doc.getElementById("project-new");
      if (!fresh) { document.documentElement.innerHTML = doc.documentElement.innerHTML; return; }
      for (const input of section.querySelectorAll("input[type=file]")) {
        const twin = fresh.querySelector(`input[type=file][name="${input.name}"]`);
        if (twin) twin.replaceWith(input);
      }
      const adopted = document.adoptNode(fresh);
      section.replaceWith(adopted);
      init(adopted);
      const firstError = adopted.querySelector("[data-for]");
      const field = firstError && adopted.querySelector(`[name="${firstError.dataset.for}"]`);
      (field || adopted.querySelector("#form-message") || adopted).focus?.();
      (firstError || adopted).scrollIntoView({ block: "center" });
    } catch (e) {
      // The network failed before an answer came: send the form the
      // ordinary way, which shows whatever the server says.
      form.submit();
    } finally {
      button.disabled = false;
    }
  }

  function init(root) {
    section = root;
    const form = root.querySelector("#project-form");
    form.addEventListener("change", changed);
    form.addEventListener("input", (ev) => { if (ev.target.type !== "file") changed(ev); });
    form.addEventListener("submit", submit);
    changed();
  }
  init(section);
})();
