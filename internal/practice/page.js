// The suite's page helper: the state a check reads, kept in the tab's
// sessionStorage under KEY as JSON with sorted keys.
window.practice = (() => {
  const stable = v => {
    if (Array.isArray(v)) return "[" + v.map(stable).join(",") + "]";
    if (v !== null && typeof v === "object") {
      return "{" + Object.keys(v).sort().map(k => JSON.stringify(k) + ":" + stable(v[k])).join(",") + "}";
    }
    return JSON.stringify(v);
  };
  if (START) {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(KEY + ":work");
  }
  return {
    save(v) { sessionStorage.setItem(KEY, stable(v)); },
    result() { return sessionStorage.getItem(KEY); },
    // work is state carried between an instance's pages.
    work() { return JSON.parse(sessionStorage.getItem(KEY + ":work") || "{}"); },
    keep(v) { sessionStorage.setItem(KEY + ":work", JSON.stringify(v)); },
  };
})();
const $ = (s, root) => (root || document).querySelector(s);
const $$ = (s, root) => [...(root || document).querySelectorAll(s)];
const el = (tag, attrs, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of kids) e.append(c);
  return e;
};
const fields = form => {
  const out = {};
  for (const f of form.elements) {
    if (!f.name) continue;
    if (f.type === "checkbox") { if (f.checked) (out[f.name] = out[f.name] || []).push(f.value); }
    else if (f.type === "radio") { if (f.checked) out[f.name] = f.value; }
    else out[f.name] = f.value;
  }
  return out;
};
