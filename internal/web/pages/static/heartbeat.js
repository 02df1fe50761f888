// Tells the server, every 15 seconds while the page is visible, that the
// member is still here: task time is measured on the server from these
// signs of life (gaps are capped), and time on the task list is counted as
// unpaid time. Nothing else is recorded: no keystrokes, no screen.
(function () {
  "use strict";
  const url = document.currentScript.dataset.url;
  function beat() {
    if (document.visibilityState === "visible") fetch(url, { method: "POST" }).catch(() => {});
  }
  beat();
  setInterval(beat, 15000);
  document.addEventListener("visibilitychange", beat);
})();
