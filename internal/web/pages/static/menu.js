// The nav's disclosures (layout.html) work without this script; with it an
// open menu or group closes when the pointer goes down elsewhere, and
// Escape closes it and gives the focus back to its summary.
(function () {
  "use strict";
  const open = () => document.querySelectorAll("header.top details[open]");
  document.addEventListener("pointerdown", e => {
    for (const d of open()) if (!d.contains(e.target)) d.open = false;
  });
  document.addEventListener("keydown", e => {
    if (e.key !== "Escape") return;
    const inside = [...open()].filter(d => d.contains(document.activeElement));
    const d = inside.length ? inside[inside.length - 1] : null;
    if (!d) return;
    d.open = false;
    d.querySelector("summary").focus();
    e.preventDefault();
  });
})();
