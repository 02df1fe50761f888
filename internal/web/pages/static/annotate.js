// The annotation canvas: draw, move, resize and delete boxes and polygons
// on an image, with keyboard shortcuts and undo; zoom and pan (buttons,
// keys, Ctrl+wheel or a trackpad pinch, two fingers on a touch screen),
// and boxes drawn and resized from the keyboard alone. An SVG lies over
// the image and its viewBox is the image's natural size, so every
// coordinate here is in natural image pixels, however large the image is
// shown; zoom scales the stage that holds both inside a clipping viewport.
//
// The page renders
//   <div id="annotator" data-mode="bounding_box" data-image="…" data-width="512"
//        data-height="256" data-labels='["a","b"]' data-initial='{"boxes":[],"polygons":[]}'></div>
//   <input type="hidden" name="answer" id="answer">  (inside the same form)
// and the widget keeps #answer at {"boxes":[{label,x,y,w,h}],"polygons":[{label,points}]}.
(function () {
  "use strict";
  const SVGNS = "http://www.w3.org/2000/svg";
  const MIN_DRAG = 3; // screen pixels: a shorter drag is a click, not a box
  const CLOSE = 9; // screen pixels: a click this near the first vertex closes a polygon
  const COLOURS = 8; // label colours c0…c7 in annotate.css
  const HISTORY = 500;
  const MAX_ZOOM = 8;
  const ZOOM_STEP = 1.5;
  const PAN_STEP = 40; // screen pixels an arrow key pans (Shift: 5 times)
  const script = document.currentScript;

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  function start() {
    const root = document.getElementById("annotator");
    if (!root) return;
    ensureStyles();
    const W = Number(root.dataset.width), H = Number(root.dataset.height);
    if (!(W > 0 && H > 0)) {
      root.replaceChildren(el("p", { class: "error", role: "alert" }, "The image size is missing, so the image cannot be annotated."));
      return;
    }
    annotator(root, W, H);
  }

  // ensureStyles loads annotate.css beside this script, unless the page
  // links it already.
  function ensureStyles() {
    if (!script || document.querySelector('link[href$="annotate.css"]')) return;
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = script.src.replace(/annotate\.js(\?.*)?$/, "annotate.css");
    document.head.append(link);
  }

  function annotator(root, W, H) {
    const modes = (root.dataset.mode || "bounding_box").split(/\s+/);
    const tools = [];
    if (modes.includes("bounding_box")) tools.push("box");
    if (modes.includes("polygon")) tools.push("polygon");
    if (!tools.length) tools.push("box");
    let labels = parseJSON(root.dataset.labels, []);
    labels = Array.isArray(labels) ? labels.filter(l => typeof l === "string") : [];
    if (!labels.length) labels.push("");

    const form = root.closest("form");
    const answer = document.getElementById("answer") || hiddenAnswer(form);
    const submit = document.getElementById("submit-task") || (form && form.querySelector("[type=submit]"));

    const state = {
      shapes: [], // {id, kind: "box", label, x, y, w, h, imported} or {id, kind: "polygon", label, points, imported}
      selected: null, // id of the selected shape
      tool: tools[0], // "box", "polygon" or "select"
      label: labels[0],
      draft: null, // vertices of the polygon being drawn
      hover: null, // the pointer while a polygon is drawn
      drag: null, // what the pressed pointer is doing
      notice: "", // a message about the last action
      resizing: false, // arrow keys move the selected box's bottom-right corner
    };
    // The stage's zoom and its offset in the viewport, in screen pixels.
    const view = { z: 1, x: 0, y: 0 };
    const pointers = new Map(); // pointers down on the canvas: id → [clientX, clientY]
    let pinch = null; // two fingers zooming: where they started
    const past = [], future = []; // snapshots of state.shapes
    let nextId = 1;
    loadInitial(parseJSON(root.dataset.initial, {}));

    // The widget's elements, made once; render fills them.
    const toolButtons = {};
    const labelButtons = [];
    const undoButton = button("Undo", { "data-action": "undo", title: "Undo (Ctrl+Z)" });
    const redoButton = button("Redo", { "data-action": "redo", title: "Redo (Ctrl+Shift+Z)" });
    const addButton = button("Add box", { "data-action": "add-box", title: "A new box in the middle of the view (N)" });
    addButton.hidden = !tools.includes("box");
    const zoomOutButton = button("\u2212", { "data-action": "zoom-out", title: "Zoom out (\u2212)", "aria-label": "Zoom out" });
    const zoomInButton = button("+", { "data-action": "zoom-in", title: "Zoom in (+)", "aria-label": "Zoom in" });
    const fitButton = button("Fit", { "data-action": "fit", title: "Show the whole image (0)" });
    const zoomLevel = el("output", { class: "ann-zoom", "aria-label": "Zoom" }, "100%");
    const toolbar = el("div", { class: "ann-toolbar", role: "toolbar", "aria-label": "Annotation tools" },
      toolGroup(), labelGroup(), el("div", { class: "ann-group" }, addButton, undoButton, redoButton),
      el("div", { class: "ann-group", role: "group", "aria-label": "Zoom" }, zoomOutButton, zoomLevel, zoomInButton, fitButton));
    const img = el("img", { src: root.dataset.image || "", alt: "", draggable: "false" });
    img.addEventListener("error", () => { state.notice = "The image could not be loaded."; render(); });
    const svg = document.createElementNS(SVGNS, "svg");
    attrs(svg, { viewBox: "0 0 " + W + " " + H, preserveAspectRatio: "none", role: "img", tabindex: "0", class: "ann-canvas" });
    const shapeLayer = svgEl("g"), draftLayer = svgEl("g"), handleLayer = svgEl("g");
    svg.append(shapeLayer, draftLayer, handleLayer);
    const stage = el("div", { class: "ann-stage" }, img, svg);
    stage.style.aspectRatio = W + " / " + H;
    const viewport = el("div", { class: "ann-viewport" }, stage);
    // Tall images are shown smaller, so that the whole image fits on screen.
    viewport.style.maxWidth = "calc(75vh * " + (W / H).toFixed(4) + ")";
    const status = el("p", { class: "ann-status", role: "status" });
    const list = el("ol", { class: "ann-list", "aria-label": "Shapes" });
    const empty = el("p", { class: "ann-empty hint" });
    root.classList.add("annotator");
    root.replaceChildren(toolbar, viewport, status, el("div", { class: "ann-shapes" }, list, empty), helpLine());

    toolbar.addEventListener("click", onToolbar);
    list.addEventListener("click", onList);
    svg.addEventListener("pointerdown", onDown);
    svg.addEventListener("pointermove", onMove);
    svg.addEventListener("pointerup", onUp);
    svg.addEventListener("pointercancel", e => { pointers.delete(e.pointerId); if (pointers.size < 2) pinch = null; cancelDrag(e); });
    viewport.addEventListener("wheel", onWheel, { passive: false });
    svg.addEventListener("pointerleave", () => { if (state.hover) { state.hover = null; drawShapes(); } });
    svg.addEventListener("dblclick", () => { if (state.draft && state.draft.length >= 3) closeDraft(); });
    document.addEventListener("keydown", onKey);
    if (form) form.addEventListener("submit", onSubmit);
    const nothingBox = document.getElementById("nothing-here");
    if (nothingBox) nothingBox.addEventListener("change", () => { state.notice = ""; render(); });
    // Handles and label tags keep their size on screen when the image is resized.
    new ResizeObserver(applyView).observe(viewport);
    render();

    // --- Building the controls ---

    function toolGroup() {
      const g = el("div", { class: "ann-group", role: "group", "aria-label": "Tool" });
      const names = { select: "Select", box: "Box", polygon: "Polygon" };
      const keys = { select: "V", box: "B", polygon: "P" };
      for (const t of ["select", ...tools]) {
        toolButtons[t] = button(names[t], { "data-tool": t, title: names[t] + " (" + keys[t] + ")" });
        g.append(toolButtons[t]);
      }
      return g;
    }

    function labelGroup() {
      const g = el("div", { class: "ann-group", role: "group", "aria-label": "Label" });
      if (labels.length === 1 && labels[0] === "") g.hidden = true;
      labels.forEach((l, i) => {
        const b = button("", { "data-label": String(i), title: "Label " + l + (i < 9 ? " (" + (i + 1) + ")" : "") });
        b.append(el("span", { class: "ann-swatch " + colourClass(l), "aria-hidden": "true" }));
        if (i < 9) b.append(el("kbd", { "aria-hidden": "true" }, String(i + 1)));
        b.append(l);
        labelButtons.push(b);
        g.append(b);
      });
      return g;
    }

    function helpLine() {
      const parts = [[["V", "Esc"], "select and move"]];
      if (tools.includes("box")) parts.push([["B"], "box: drag"], [["N"], "new box from the keyboard"], [["R"], "resize the box with the arrows"]);
      if (tools.includes("polygon")) parts.push([["P"], "polygon: click points, Enter or the first point closes, Backspace removes the last point"]);
      if (labels.length > 1) parts.push([["1–" + Math.min(labels.length, 9)], "label"]);
      parts.push([["Delete"], "delete"], [["←↑→↓"], "nudge (Shift: 10 px), or pan when nothing is selected"],
        [["+", "−", "0"], "zoom in, out, fit (or Ctrl+wheel, pinch; drag the image to pan)"],
        [["Ctrl+Z"], "undo"], [["Ctrl+Shift+Z", "Ctrl+Y"], "redo"]);
      const p = el("p", { class: "ann-help hint" }, "Keys: ");
      parts.forEach(([ks, what], i) => {
        if (i) p.append(" · ");
        ks.forEach((k, j) => { if (j) p.append("/"); p.append(el("kbd", {}, k)); });
        p.append(" " + what);
      });
      return p;
    }

    // --- State changes ---

    function loadInitial(init) {
      for (const b of Array.isArray(init.boxes) ? init.boxes : []) {
        if (![b.x, b.y, b.w, b.h].every(Number.isFinite)) continue;
        const s = { id: nextId++, kind: "box", label: String(b.label ?? ""), imported: true };
        setEdges(s, b.x, b.y, b.x + b.w, b.y + b.h);
        if (s.w > 0 && s.h > 0) state.shapes.push(s);
      }
      for (const p of Array.isArray(init.polygons) ? init.polygons : []) {
        if (!Array.isArray(p.points) || p.points.length < 3) continue;
        if (!p.points.every(q => Array.isArray(q) && Number.isFinite(q[0]) && Number.isFinite(q[1]))) continue;
        const points = p.points.map(q => [clamp(q[0], 0, W), clamp(q[1], 0, H)]);
        state.shapes.push({ id: nextId++, kind: "polygon", label: String(p.label ?? ""), points, imported: true });
      }
    }

    function snapshot() { return JSON.stringify(state.shapes); }

    function remember(before) {
      past.push(before);
      if (past.length > HISTORY) past.shift();
      future.length = 0;
    }

    // change runs fn, which edits state.shapes, and records the state before
    // it for undo, if anything changed.
    function change(fn) {
      const before = snapshot();
      fn();
      if (snapshot() !== before) remember(before);
      render();
    }

    function restore(snap) {
      state.shapes = JSON.parse(snap);
      if (!find(state.selected)) state.selected = null;
      render();
    }

    function undo() {
      if (state.draft) { removeLastVertex(); return; }
      if (!past.length) return;
      future.push(snapshot());
      restore(past.pop());
    }

    function redo() {
      if (state.draft || !future.length) return;
      past.push(snapshot());
      restore(future.pop());
    }

    function find(id) { return state.shapes.find(s => s.id === id) || null; }

    function select(id) {
      if (id !== state.selected) state.resizing = false;
      state.selected = id;
      render();
    }

    function setTool(t) {
      if (t === state.tool || (t !== "select" && !tools.includes(t))) return;
      state.draft = null;
      state.hover = null;
      state.tool = t;
      render();
    }

    // setLabel chooses the label for new shapes and gives it to the
    // selected shape.
    function setLabel(i) {
      if (i < 0 || i >= labels.length) return;
      state.label = labels[i];
      const s = find(state.selected);
      if (s && s.label !== state.label) {
        change(() => { s.label = state.label; s.imported = false; });
      } else {
        render();
      }
    }

    function remove(id) {
      if (state.selected === id) state.selected = null;
      change(() => { state.shapes = state.shapes.filter(s => s.id !== id); });
    }

    function nudge(dx, dy) {
      const s = find(state.selected);
      if (!s) return;
      change(() => {
        const moved = translate(s, clone(s), dx, dy);
        if (moved) s.imported = false;
      });
    }

    function addBox(a, b) {
      const s = { id: nextId++, kind: "box", label: state.label, imported: false };
      setEdges(s, a[0], a[1], b[0], b[1]);
      change(() => state.shapes.push(s));
      select(s.id);
    }

    // addBoxInView adds a box a quarter of the visible part of the image in
    // size, in its middle: a box drawn without a pointer, which the arrow
    // keys then move and, after R, resize.
    function addBoxInView() {
      if (!tools.includes("box")) return;
      const v = visible();
      const w = (v.r - v.l) / 4, h = (v.b - v.t) / 4;
      const cx = (v.l + v.r) / 2, cy = (v.t + v.b) / 2;
      state.tool = "select";
      state.draft = null;
      addBox([cx - w / 2, cy - h / 2], [cx + w / 2, cy + h / 2]);
      state.notice = "New " + describe(find(state.selected)) + ". Arrow keys move it; R, then the arrow keys, resize it.";
      render();
    }

    // grow moves the selected box's right and bottom edges by (dx, dy),
    // keeping it at least one pixel and inside the image.
    function grow(dx, dy) {
      const s = find(state.selected);
      if (!s || s.kind !== "box") return;
      change(() => {
        const before = s.w + "," + s.h;
        setEdges(s, s.x, s.y, s.x + Math.max(1, s.w + dx), s.y + Math.max(1, s.h + dy));
        if (s.w + "," + s.h !== before) s.imported = false;
      });
      state.notice = "Resizing: " + describe(s) + ".";
      render();
    }

    function addVertex(p) {
      const d = state.draft;
      if (d.length >= 3 && screenDistance(p, d[0]) <= CLOSE) { closeDraft(); return; }
      // A double click must not add the same vertex twice.
      if (d.length && screenDistance(p, d[d.length - 1]) < 1) return;
      d.push(p);
      render();
    }

    function removeLastVertex() {
      state.draft.pop();
      if (!state.draft.length) state.draft = null;
      render();
    }

    function closeDraft() {
      const points = state.draft;
      if (points.length < 3) {
        state.notice = "A polygon needs at least 3 points.";
        render();
        return;
      }
      const s = { id: nextId++, kind: "polygon", label: state.label, points, imported: false };
      state.draft = null;
      state.hover = null;
      change(() => state.shapes.push(s));
      select(s.id);
    }

    // --- Geometry, in natural image pixels ---

    // toImage is the pointer's position on the image.
    function toImage(e) {
      const r = svg.getBoundingClientRect();
      return [clamp((e.clientX - r.left) * W / r.width, 0, W), clamp((e.clientY - r.top) * H / r.height, 0, H)];
    }

    // visible is the part of the image the viewport shows, in image pixels.
    function visible() {
      const vw = viewport.clientWidth || 1, vh = viewport.clientHeight || 1;
      const kx = W / vw, ky = H / vh;
      return { l: -view.x / view.z * kx, t: -view.y / view.z * ky, r: (vw - view.x) / view.z * kx, b: (vh - view.y) / view.z * ky };
    }

    // applyView keeps the zoomed stage covering its viewport and shows it.
    function applyView() {
      const vw = viewport.clientWidth, vh = viewport.clientHeight;
      view.z = clamp(view.z, 1, MAX_ZOOM);
      view.x = clamp(view.x, vw - vw * view.z, 0);
      view.y = clamp(view.y, vh - vh * view.z, 0);
      stage.style.transform = view.z === 1 ? "" : "translate(" + view.x + "px, " + view.y + "px) scale(" + view.z + ")";
      viewport.classList.toggle("ann-zoomed", view.z > 1);
      zoomLevel.textContent = Math.round(view.z * 100) + "%";
      zoomOutButton.disabled = view.z <= 1;
      zoomInButton.disabled = view.z >= MAX_ZOOM;
      fitButton.disabled = view.z <= 1;
      drawShapes();
    }

    // zoomAt zooms to z keeping the point (cx, cy) of the viewport, in
    // screen pixels, where it is; by default the viewport's middle.
    function zoomAt(z, cx, cy) {
      if (cx === undefined) { cx = viewport.clientWidth / 2; cy = viewport.clientHeight / 2; }
      const u = (cx - view.x) / view.z, v = (cy - view.y) / view.z;
      view.z = clamp(z, 1, MAX_ZOOM);
      view.x = cx - u * view.z;
      view.y = cy - v * view.z;
      applyView();
    }

    // panBy moves the view by (dx, dy) screen pixels and reports whether
    // it moved (at an edge it does not).
    function panBy(dx, dy) {
      const x = view.x, y = view.y;
      view.x += dx;
      view.y += dy;
      applyView();
      return view.x !== x || view.y !== y;
    }

    // pixel is the size of one screen pixel in image pixels.
    function pixel() {
      const w = svg.getBoundingClientRect().width;
      return w > 0 ? W / w : 1;
    }

    function screenDistance(a, b) { return Math.hypot(a[0] - b[0], a[1] - b[1]) / pixel(); }

    function setEdges(s, x1, y1, x2, y2) {
      x1 = clamp(x1, 0, W); x2 = clamp(x2, 0, W); y1 = clamp(y1, 0, H); y2 = clamp(y2, 0, H);
      s.x = Math.min(x1, x2); s.y = Math.min(y1, y2);
      s.w = Math.abs(x2 - x1); s.h = Math.abs(y2 - y1);
    }

    function bounds(s) {
      if (s.kind === "box") return { l: s.x, t: s.y, r: s.x + s.w, b: s.y + s.h };
      const xs = s.points.map(p => p[0]), ys = s.points.map(p => p[1]);
      return { l: Math.min(...xs), t: Math.min(...ys), r: Math.max(...xs), b: Math.max(...ys) };
    }

    function area(s) { const b = bounds(s); return (b.r - b.l) * (b.b - b.t); }

    // translate places s at orig moved by (dx, dy), kept inside the image,
    // and reports whether s moved.
    function translate(s, orig, dx, dy) {
      const b = bounds(orig);
      dx = clamp(dx, -b.l, W - b.r);
      dy = clamp(dy, -b.t, H - b.b);
      if (s.kind === "box") { s.x = orig.x + dx; s.y = orig.y + dy; }
      else s.points = orig.points.map(p => [p[0] + dx, p[1] + dy]);
      return dx !== 0 || dy !== 0;
    }

    // resize moves the edges of box s named by handle ("nw", "e", …) to p;
    // dragged past the opposite edge, the box turns over.
    function resize(s, orig, handle, p) {
      let l = orig.x, t = orig.y, r = orig.x + orig.w, b = orig.y + orig.h;
      if (handle.includes("w")) l = p[0];
      if (handle.includes("e")) r = p[0];
      if (handle.includes("n")) t = p[1];
      if (handle.includes("s")) b = p[1];
      setEdges(s, l, t, r, b);
    }

    // --- Pointer ---

    function onDown(e) {
      if (e.pointerType === "touch") {
        // Each finger is followed even off the canvas, for a pinch.
        pointers.set(e.pointerId, [e.clientX, e.clientY]);
        svg.setPointerCapture(e.pointerId);
      }
      if (pointers.size === 2) { startPinch(); return; }
      if (pinch) return;
      if (e.button === 1 && !state.drag && view.z > 1) { startPan(e); e.preventDefault(); return; }
      if (e.button !== 0 || state.drag) return;
      // The browser's default focuses the canvas (it has a tabindex), so
      // that a click on it ends typing in a text field.
      state.notice = "";
      const p = toImage(e);
      if (state.tool === "polygon" && state.draft) { state.addedBy = e.pointerId; addVertex(p); return; }
      const handle = e.target.closest("[data-handle]");
      const hit = e.target.closest("[data-id]");
      const sel = find(state.selected);
      if (handle && sel) {
        const h = handle.dataset.handle;
        state.drag = { kind: h[0] === "v" ? "vertex" : "resize", handle: h, shape: sel, orig: clone(sel), before: snapshot() };
      } else if (state.tool === "select") {
        if (!hit) {
          // Dragging the empty image pans a zoomed view; a click deselects.
          if (view.z > 1) { startPan(e); return; }
          select(null);
          return;
        }
        const s = find(Number(hit.dataset.id));
        state.selected = s.id;
        state.drag = { kind: "move", shape: s, orig: clone(s), from: p, before: snapshot() };
      } else if (state.tool === "box") {
        state.drag = { kind: "draw", from: p, to: p, hit: hit && Number(hit.dataset.id) };
      } else {
        state.selected = null;
        state.draft = [p];
        state.addedBy = e.pointerId;
        render();
        return;
      }
      state.drag.pointer = e.pointerId;
      svg.setPointerCapture(e.pointerId);
      render();
    }

    function onMove(e) {
      if (pointers.has(e.pointerId)) pointers.set(e.pointerId, [e.clientX, e.clientY]);
      if (pinch) { movePinch(); return; }
      const d = state.drag, p = toImage(e);
      if (d && d.pointer !== e.pointerId) return;
      if (!d) {
        if (state.draft) { state.hover = p; drawShapes(); }
        return;
      }
      if (d.kind === "pan") {
        view.x = d.view.x + e.clientX - d.from[0];
        view.y = d.view.y + e.clientY - d.from[1];
        applyView();
        return;
      }
      if (d.kind === "draw") d.to = p;
      else if (d.kind === "move") { if (translate(d.shape, d.orig, p[0] - d.from[0], p[1] - d.from[1])) d.shape.imported = false; }
      else if (d.kind === "resize") { resize(d.shape, d.orig, d.handle, p); d.shape.imported = false; }
      else { d.shape.points[Number(d.handle.slice(1))] = p; d.shape.imported = false; }
      drawShapes();
    }

    function onUp(e) {
      pointers.delete(e.pointerId);
      if (pinch) { if (pointers.size === 0) pinch = null; return; }
      const d = state.drag;
      if (!d || d.pointer !== e.pointerId) return;
      onMove(e);
      state.drag = null;
      if (d.kind === "pan") {
        if (Math.hypot(e.clientX - d.from[0], e.clientY - d.from[1]) < MIN_DRAG && e.button === 0) select(null);
        return;
      }
      if (d.kind === "draw") {
        const w = Math.abs(d.to[0] - d.from[0]) / pixel(), h = Math.abs(d.to[1] - d.from[1]) / pixel();
        if (w >= MIN_DRAG && h >= MIN_DRAG) addBox(d.from, d.to);
        else select(d.hit); // a click selects the shape under it
        return;
      }
      if (d.kind === "resize" && (d.shape.w < 1 || d.shape.h < 1)) Object.assign(d.shape, d.orig);
      if (snapshot() !== d.before) remember(d.before);
      render();
    }

    function cancelDrag(e) {
      const d = state.drag;
      if (!d || (e instanceof PointerEvent && d.pointer !== e.pointerId)) return;
      state.drag = null;
      if (d.before) restore(d.before);
      render();
    }

    function startPan(e) {
      state.drag = { kind: "pan", from: [e.clientX, e.clientY], view: { x: view.x, y: view.y }, pointer: e.pointerId };
      svg.setPointerCapture(e.pointerId);
    }

    // startPinch begins a two-finger zoom; what the first finger began
    // (a drag, a polygon's vertex) is taken back.
    function startPinch() {
      if (state.drag) cancelDrag();
      if (state.draft && pointers.has(state.addedBy)) removeLastVertex();
      const [a, b] = [...pointers.values()];
      const r = viewport.getBoundingClientRect();
      const mid = [(a[0] + b[0]) / 2 - r.left, (a[1] + b[1]) / 2 - r.top];
      pinch = { dist: Math.hypot(a[0] - b[0], a[1] - b[1]) || 1, z: view.z, u: (mid[0] - view.x) / view.z, v: (mid[1] - view.y) / view.z };
    }

    // movePinch zooms by how far the fingers spread and pans with their
    // middle, so the point between them stays between them.
    function movePinch() {
      if (pointers.size < 2) return;
      const [a, b] = [...pointers.values()];
      const r = viewport.getBoundingClientRect();
      const mid = [(a[0] + b[0]) / 2 - r.left, (a[1] + b[1]) / 2 - r.top];
      view.z = clamp(pinch.z * Math.hypot(a[0] - b[0], a[1] - b[1]) / pinch.dist, 1, MAX_ZOOM);
      view.x = mid[0] - pinch.u * view.z;
      view.y = mid[1] - pinch.v * view.z;
      applyView();
    }

    // onWheel zooms at the pointer with Ctrl (a trackpad's pinch comes as
    // Ctrl+wheel too) and pans a zoomed view without it; at the view's
    // edge the page scrolls on.
    function onWheel(e) {
      if (e.ctrlKey) {
        const r = viewport.getBoundingClientRect();
        zoomAt(view.z * Math.exp(-e.deltaY * 0.01), e.clientX - r.left, e.clientY - r.top);
        e.preventDefault();
      } else if (view.z > 1 && panBy(-e.deltaX, -e.deltaY)) {
        e.preventDefault();
      }
    }

    // --- Keyboard ---

    function onKey(e) {
      if (e.defaultPrevented || e.altKey || typing(e.target)) return;
      if (state.drag) {
        if (e.key === "Escape") { cancelDrag(); e.preventDefault(); }
        return;
      }
      if (e.ctrlKey || e.metaKey) {
        const k = e.key.toLowerCase();
        if (k === "z" && !e.shiftKey) undo();
        else if ((k === "z" && e.shiftKey) || k === "y") redo();
        else return;
        e.preventDefault();
        return;
      }
      if (key(e.key, e.shiftKey)) e.preventDefault();
    }

    // key acts on a key pressed without Ctrl, Cmd or Alt and reports
    // whether it was a shortcut.
    function key(k, shift) {
      const sel = find(state.selected);
      const step = shift ? 10 : 1;
      switch (k) {
        case "v": case "V": setTool("select"); return true;
        case "n": case "N": if (!tools.includes("box")) return false; addBoxInView(); return true;
        case "r": case "R":
          if (!sel || sel.kind !== "box") return false;
          state.resizing = !state.resizing;
          state.notice = state.resizing ? "Resizing " + describe(sel) + ": arrow keys move its bottom-right corner (Shift: 10 px); R or Esc ends." : "";
          render();
          return true;
        case "+": case "=": zoomAt(view.z * ZOOM_STEP); return true;
        case "-": case "_": zoomAt(view.z / ZOOM_STEP); return true;
        case "0": zoomAt(1); return true;
        case "b": case "B": if (!tools.includes("box")) return false; setTool("box"); return true;
        case "p": case "P": if (!tools.includes("polygon")) return false; setTool("polygon"); return true;
        case "Escape":
          if (state.resizing) { state.resizing = false; state.notice = ""; render(); }
          else if (state.draft) { state.draft = null; state.hover = null; render(); }
          else if (state.tool !== "select") setTool("select");
          else select(null);
          return true;
        case "Enter":
          if (!state.draft) return false;
          closeDraft();
          return true;
        case "Backspace":
          if (state.draft) { removeLastVertex(); return true; }
          if (!sel) return false;
          remove(sel.id);
          return true;
        case "Delete":
          if (!sel) return false;
          remove(sel.id);
          return true;
        case "ArrowLeft": case "ArrowRight": case "ArrowUp": case "ArrowDown": {
          const dx = k === "ArrowLeft" ? -1 : k === "ArrowRight" ? 1 : 0;
          const dy = k === "ArrowUp" ? -1 : k === "ArrowDown" ? 1 : 0;
          if (!sel) {
            // Without a selection the arrows pan a zoomed view.
            if (view.z <= 1) return false;
            const by = PAN_STEP * (shift ? 5 : 1);
            panBy(-dx * by, -dy * by);
            return true;
          }
          if (state.resizing && sel.kind === "box") grow(dx * step, dy * step);
          else nudge(dx * step, dy * step);
          return true;
        }
      }
      if (/^[1-9]$/.test(k) && Number(k) <= labels.length) { setLabel(Number(k) - 1); return true; }
      return false;
    }

    function typing(t) {
      return t instanceof Element && t.closest("input, textarea, select, [contenteditable]:not([contenteditable=false])");
    }

    // --- Buttons ---

    function onToolbar(e) {
      const b = e.target.closest("button");
      if (!b) return;
      if (b.dataset.tool) setTool(b.dataset.tool);
      else if (b.dataset.label) setLabel(Number(b.dataset.label));
      else if (b.dataset.action === "undo") undo();
      else if (b.dataset.action === "redo") redo();
      else if (b.dataset.action === "add-box") addBoxInView();
      else if (b.dataset.action === "zoom-in") zoomAt(view.z * ZOOM_STEP);
      else if (b.dataset.action === "zoom-out") zoomAt(view.z / ZOOM_STEP);
      else if (b.dataset.action === "fit") zoomAt(1);
    }

    function onList(e) {
      const b = e.target.closest("button");
      if (!b) return;
      const id = Number(b.closest("li").dataset.id);
      if (b.classList.contains("ann-delete")) remove(id);
      else select(id);
    }

    function onSubmit(e) {
      answer.value = answerJSON();
      state.tried = true; // problems are shown once the worker tries to submit
      const why = notReady();
      if (why) {
        e.preventDefault();
        state.notice = why;
        render();
      }
    }

    // --- Output ---

    function notReady() {
      if (state.draft) return "Finish the polygon (Enter) or cancel it (Esc) before submitting.";
      const nothing = document.getElementById("nothing-here");
      if (nothing && nothing.checked) return state.shapes.length ? "You ticked “Nothing to label here” but drew shapes: remove them or untick it." : "";
      if (!state.shapes.length) {
        const what = tools.length > 1 ? "a box or a polygon" : tools[0] === "box" ? "a box" : "a polygon";
        return "Draw at least " + what + " before submitting, or tick “Nothing to label here”.";
      }
      return "";
    }

    function answerJSON() {
      const boxes = [], polygons = [];
      for (const s of state.shapes) {
        if (s.kind === "box") boxes.push({ label: s.label, x: round(s.x), y: round(s.y), w: round(s.w), h: round(s.h) });
        else polygons.push({ label: s.label, points: s.points.map(p => [round(p[0]), round(p[1])]) });
      }
      return JSON.stringify({ boxes, polygons });
    }

    // --- Rendering ---

    function render() {
      drawShapes();
      drawList();
      drawControls();
      answer.value = answerJSON();
      const why = state.tried ? notReady() : "";
      status.textContent = state.notice || why;
      status.classList.toggle("ann-warning", status.textContent !== "");
    }

    function drawControls() {
      for (const [t, b] of Object.entries(toolButtons)) b.setAttribute("aria-pressed", String(state.tool === t));
      labelButtons.forEach((b, i) => b.setAttribute("aria-pressed", String(labels[i] === state.label)));
      undoButton.disabled = !past.length && !state.draft;
      redoButton.disabled = !future.length || !!state.draft;
      stage.dataset.tool = state.tool;
      const boxes = state.shapes.filter(s => s.kind === "box").length;
      const polygons = state.shapes.length - boxes;
      svg.setAttribute("aria-label", "Image to annotate, with " + plural(boxes, "box", "boxes") + " and " + plural(polygons, "polygon", "polygons"));
    }

    function drawShapes() {
      const k = pixel();
      shapeLayer.replaceChildren();
      draftLayer.replaceChildren();
      handleLayer.replaceChildren();
      // Larger shapes first, so that a shape inside another stays clickable.
      const order = [...state.shapes].sort((a, b) => area(b) - area(a));
      for (const s of order) shapeLayer.append(shapeElement(s));
      for (const s of order) shapeLayer.append(tag(s, k));
      const d = state.drag;
      if (d && d.kind === "draw") {
        const r = {};
        setEdges(r, d.from[0], d.from[1], d.to[0], d.to[1]);
        draftLayer.append(svgEl("rect", { x: r.x, y: r.y, width: r.w, height: r.h, class: "ann-preview " + colourClass(state.label) }));
      }
      if (state.draft) drawDraft(k);
      const sel = find(state.selected);
      if (sel) drawHandles(sel, k);
    }

    function shapeElement(s) {
      const cls = "ann-shape " + colourClass(s.label) + (s.id === state.selected ? " ann-selected" : "") + (s.imported ? " ann-imported" : "");
      const e = s.kind === "box"
        ? svgEl("rect", { x: s.x, y: s.y, width: s.w, height: s.h })
        : svgEl("polygon", { points: s.points.map(p => p.join(",")).join(" ") });
      attrs(e, { class: cls, "data-id": s.id });
      const title = svgEl("title");
      title.textContent = describe(s);
      e.append(title);
      return e;
    }

    // tag writes the label above the shape's top left corner (a polygon's
    // top vertex), or just inside it at the top of the image, clear of the
    // handles of a selected shape.
    function tag(s, k) {
      const top = s.kind === "box" ? [s.x, s.y] : s.points.reduce((a, p) => p[1] < a[1] ? p : a);
      const size = 12 * k, gap = (s.id === state.selected ? 7 : 4) * k;
      const y = top[1] - gap > size ? top[1] - gap : top[1] + size + gap;
      const x = top[0] + (s.id === state.selected ? 8 : 2) * k;
      const t = svgEl("text", { x, y, "font-size": size, class: "ann-tag " + colourClass(s.label) });
      t.textContent = (s.label || (s.kind === "box" ? "box" : "polygon")) + (s.imported ? " (imported)" : "");
      return t;
    }

    function drawDraft(k) {
      const pts = state.hover ? [...state.draft, state.hover] : state.draft;
      draftLayer.append(svgEl("polyline", { points: pts.map(p => p.join(",")).join(" "), class: "ann-draft " + colourClass(state.label) }));
      state.draft.forEach((p, i) => {
        const closable = i === 0 && state.draft.length >= 3;
        draftLayer.append(svgEl("circle", { cx: p[0], cy: p[1], r: (closable ? 6 : 3.5) * k, class: "ann-vertex" + (closable ? " ann-first" : "") }));
      });
    }

    function drawHandles(s, k) {
      const r = (matchMedia("(pointer: coarse)").matches ? 10 : 5) * k;
      if (s.kind === "polygon") {
        s.points.forEach((p, i) => handleLayer.append(svgEl("circle", { cx: p[0], cy: p[1], r, class: "ann-handle", "data-handle": "v" + i })));
        return;
      }
      const xs = { w: s.x, "": s.x + s.w / 2, e: s.x + s.w }, ys = { n: s.y, "": s.y + s.h / 2, s: s.y + s.h };
      for (const v of ["n", "", "s"]) {
        for (const h of ["w", "", "e"]) {
          const name = v + h;
          if (!name) continue;
          handleLayer.append(svgEl("rect", { x: xs[h] - r, y: ys[v] - r, width: 2 * r, height: 2 * r, class: "ann-handle ann-" + name, "data-handle": name }));
        }
      }
    }

    function drawList() {
      const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.focus : null;
      list.replaceChildren(...state.shapes.map(listItem));
      empty.textContent = state.shapes.length ? "" : emptyText();
      empty.hidden = state.shapes.length > 0;
      // Keep the keyboard focus on the list when it is drawn anew.
      if (focused) {
        const again = list.querySelector('[data-focus="' + focused + '"]') || list.querySelector("button");
        if (again) again.focus();
        else svg.focus({ preventScroll: true });
      }
    }

    function emptyText() {
      const how = [];
      if (tools.includes("box")) how.push("drag on the image to draw a box");
      if (tools.includes("polygon")) how.push((how.length ? "press P and " : "") + "click points to draw a polygon");
      const s = how.join(", or ");
      return "No shapes yet: " + s + ".";
    }

    function listItem(s) {
      const li = el("li", { "data-id": String(s.id), class: s.id === state.selected ? "ann-selected" : "" });
      const pick = el("button", { type: "button", class: "ann-item", "aria-pressed": String(s.id === state.selected), "data-focus": "item" + s.id },
        el("span", { class: "ann-swatch " + colourClass(s.label), "aria-hidden": "true" }),
        el("span", { class: "ann-name" }, s.label || "(no label)"),
        el("span", { class: "ann-size" }, size(s)));
      if (s.imported) pick.append(el("span", { class: "badge" }, "imported"));
      const del = el("button", { type: "button", class: "ann-delete", "aria-label": "Delete " + describe(s), title: "Delete", "data-focus": "del" + s.id }, "×");
      li.append(pick, del);
      return li;
    }

    function size(s) {
      const b = bounds(s);
      const wh = Math.round(b.r - b.l) + " × " + Math.round(b.b - b.t);
      return s.kind === "box" ? "box " + wh + " at " + Math.round(s.x) + ", " + Math.round(s.y) : "polygon, " + s.points.length + " points, " + wh;
    }

    function describe(s) { return (s.label || "unlabelled") + " " + size(s); }

    function colourClass(label) {
      const i = labels.indexOf(label);
      return i < 0 || label === "" ? "c-none" : "c" + (i % COLOURS);
    }
  }

  // --- Small helpers ---

  function parseJSON(text, fallback) {
    if (!text) return fallback;
    try {
      const v = JSON.parse(text);
      return v === null || typeof v !== typeof fallback ? fallback : v;
    } catch (e) {
      return fallback;
    }
  }

  function hiddenAnswer(form) {
    const input = el("input", { type: "hidden", name: "answer", id: "answer" });
    (form || document.body).append(input);
    return input;
  }

  function clamp(v, lo, hi) { return Math.min(hi, Math.max(lo, v)); }
  function round(v) { return Math.round(v * 100) / 100; }
  function clone(s) { return JSON.parse(JSON.stringify(s)); }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function el(tag, attributes, ...children) {
    const e = document.createElement(tag);
    attrs(e, attributes);
    for (const c of children) e.append(c);
    return e;
  }

  function button(text, attributes) {
    return el("button", Object.assign({ type: "button" }, attributes), text);
  }

  function svgEl(tag, attributes) {
    return attrs(document.createElementNS(SVGNS, tag), attributes);
  }

  function attrs(e, attributes) {
    for (const [k, v] of Object.entries(attributes || {})) e.setAttribute(k, v);
    return e;
  }
})();
