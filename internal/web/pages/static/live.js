// Keeps a page that shows work in progress — a run, a training — up to
// date without reloading it under the reader, as <meta http-equiv=refresh>
// did (WCAG 2.2.1: a page must not refresh itself on a timer). While the
// page holds an element marked data-live, it fetches itself every two
// seconds and puts the new <main> in place when it changed; the page's
// aria-live region tells a screen reader what did. Once the fetched page
// has no data-live any more, it stops.
(function () {
  "use strict";
  const main = document.querySelector("main");
  if (!main) return;
  async function poll() {
    if (!main.querySelector("[data-live]")) return;
    try {
      const r = await fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (r.ok) {
        const next = new DOMParser().parseFromString(await r.text(), "text/html").querySelector("main");
        if (next && next.innerHTML !== main.innerHTML) main.innerHTML = next.innerHTML;
      }
    } catch (e) {
      // Offline for a moment: the next poll tries again.
    }
    setTimeout(poll, 2000);
  }
  setTimeout(poll, 2000);
})();
