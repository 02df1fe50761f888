// The popup: start, pause, resume and stop recording the tab it was
// opened on. Opened as popup.html?tab=ID it acts on that tab instead of
// the active one (the tests open it that way, in a tab of its own).

import { listRecordings } from "./recording.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const inTab = params.has("tab");
let tabId;
let timer = 0;
// The site of the tab, as a match pattern, when the recorder may not read
// it yet: starting asks for it first.
let siteToAsk = "";

async function currentTabId() {
  if (inTab) {
    return Number(params.get("tab"));
  }
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab ? tab.id : undefined;
}

const send = (msg) => chrome.runtime.sendMessage(msg);

function openPage(path) {
  chrome.tabs.create({ url: chrome.runtime.getURL(path) });
  if (!inTab) {
    window.close();
  }
}

function showReason(text, kind = "") {
  const el = $("reason");
  el.textContent = text;
  el.className = "notice" + (kind ? " " + kind : "");
  el.hidden = !text;
}

function clock(since) {
  const s = Math.max(0, Math.floor((Date.now() - since) / 1000));
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, "0")}`;
}

async function render() {
  const st = await send({ type: "status", tabId });
  clearInterval(timer);
  for (const id of ["start", "pause", "resume", "stop"]) {
    $(id).hidden = true;
  }
  if (!st || !st.ok) {
    $("status-text").textContent = "No tab to record";
    showReason((st && st.reason) || "");
    return;
  }
  let host = st.tab.url;
  try {
    host = new URL(st.tab.url).host || st.tab.url;
  } catch {
    // keep the raw text
  }
  $("site").textContent = st.tab.title ? `${st.tab.title} — ${host}` : host;
  $("site").title = st.tab.url;
  $("dot").className = "dot " + st.state;
  $("timer").textContent = "";
  siteToAsk = st.site && !st.siteAllowed ? st.site : "";
  let focus = null;
  if (st.state === "idle") {
    $("status-text").textContent = "Not recording";
    $("start").hidden = false;
    $("start").disabled = !!st.blockReason;
    // Why the last recording here stopped, or why one cannot start.
    showReason(st.notice || st.blockReason || "");
    $("counts").textContent = st.blockReason
      ? ""
      : (siteToAsk ? `Starting asks your browser to let the recorder read ${host} (you can take it back in the options). ` : "") +
        "Your clicks, page loads and an outline of each page (its text and controls, never a picture) are recorded; what you type stays masked unless you choose otherwise before upload.";
    focus = st.blockReason ? null : $("start");
  } else {
    const recording = st.state === "recording";
    $("status-text").textContent = recording ? "Recording" : "Paused";
    $("pause").hidden = !recording;
    $("resume").hidden = recording;
    $("stop").hidden = false;
    showReason(
      recording ? "" : "Paused: nothing you do in this tab is recorded until you resume.",
      recording ? "" : "ok",
    );
    $("counts").textContent = `${st.steps} steps so far.`;
    $("timer").textContent = clock(st.startedAt);
    timer = setInterval(() => ($("timer").textContent = clock(st.startedAt)), 1000);
    focus = recording ? $("stop") : $("resume");
  }
  await renderDrafts();
  if (focus && !document.activeElement?.matches("button:not([hidden])")) {
    focus.focus();
  }
}

async function renderDrafts() {
  const drafts = await listRecordings();
  const ul = $("drafts");
  ul.textContent = "";
  for (const d of drafts.slice(0, 5)) {
    const li = document.createElement("li");
    const t = document.createElement("span");
    t.className = "t";
    t.textContent = d.title;
    t.title = `${d.title} — ${d.steps} steps`;
    const b = document.createElement("button");
    b.textContent = "Review";
    b.className = "review";
    b.setAttribute("aria-label", `Review ${d.title}`);
    b.addEventListener("click", () => openPage(`review.html?id=${encodeURIComponent(d.id)}`));
    li.append(t, b);
    ul.append(li);
  }
  $("drafts-section").hidden = drafts.length === 0;
}

async function act(type) {
  // The browser asks the member for the site now, while the click is
  // fresh: it grants permissions only on a gesture.
  if (type === "start" && siteToAsk) {
    let granted = false;
    try {
      granted = await chrome.permissions.request({ origins: [siteToAsk] });
    } catch (e) {
      showReason(`The browser did not ask for this site: ${e.message}`, "error");
      return;
    }
    if (!granted) {
      showReason("Not recording: the recorder may not read this site.", "error");
      return;
    }
  }
  for (const id of ["start", "pause", "resume", "stop"]) {
    $(id).disabled = true;
  }
  const r = await send({ type, tabId });
  for (const id of ["start", "pause", "resume", "stop"]) {
    $(id).disabled = false;
  }
  if (!r || !r.ok) {
    await render();
    showReason((r && r.reason) || "That did not work.", "error");
    return;
  }
  if (type === "stop") {
    openPage(`review.html?id=${encodeURIComponent(r.recId)}`);
  }
  if (type === "start" && !inTab) {
    window.close(); // out of the way: the page is what is being recorded
    return;
  }
  await render();
}

$("start").addEventListener("click", () => act("start"));
$("pause").addEventListener("click", () => act("pause"));
$("resume").addEventListener("click", () => act("resume"));
$("stop").addEventListener("click", () => act("stop"));
$("options").addEventListener("click", () => {
  chrome.runtime.openOptionsPage();
  if (!inTab) {
    window.close();
  }
});

tabId = await currentTabId();
await render();
document.body.dataset.ready = "1";
