// The recorder's service worker: it holds the recording of each tab,
// turns what the content scripts report into Recorder steps and
// behavioural events, watches navigations (to record them, and to stop at
// sensitive sites), and answers the popup.
//
// A service worker can be stopped at any time; everything it needs to go
// on is in chrome.storage (the sessions in storage.session, the recordings
// in storage.local) and is read back when it starts again.

import { describeBlock, findBlock, loadRules, sitePattern, unrecordableReason } from "./sites.js";
import {
  CAUSES_NAVIGATION,
  MAX_OUTLINE_NODES,
  MAX_OUTLINES,
  blankQueryNames,
  loadRecording,
  newId,
  saveRecording,
  thinPath,
} from "./recording.js";

const nowAbs = () => performance.timeOrigin + performance.now();

// tabId -> {recId, paused, pendingPath, pathMark, scrubNames, lastNav, urlAtPause}
const sessions = new Map();
// recId -> recording being made
const recs = new Map();
// tabId -> the last reason recording was refused or stopped there
const notices = new Map();

const ready = restore();

async function restore() {
  const s = await chrome.storage.session.get(["sessions", "notices"]);
  for (const [tabId, v] of Object.entries(s.sessions || {})) {
    const rec = await loadRecording(v.recId);
    if (rec && rec.state !== "stopped") {
      recs.set(rec.id, rec);
      sessions.set(Number(tabId), { ...v, pendingPath: [], pathMark: 0 });
    }
  }
  for (const [tabId, reason] of Object.entries(s.notices || {})) {
    notices.set(Number(tabId), reason);
  }
  await syncContent().catch(() => {});
}

function persistSessions() {
  const out = {};
  for (const [tabId, s] of sessions) {
    out[tabId] = { recId: s.recId, paused: s.paused, lastNav: s.lastNav || null, urlAtPause: s.urlAtPause || "" };
  }
  return chrome.storage.session.set({ sessions: out, notices: Object.fromEntries(notices) });
}

const saveTimers = new Map();

function scheduleSave(rec) {
  clearTimeout(saveTimers.get(rec.id));
  saveTimers.set(
    rec.id,
    setTimeout(() => {
      saveTimers.delete(rec.id);
      saveRecording(rec);
    }, 250),
  );
}

async function saveNow(rec) {
  clearTimeout(saveTimers.get(rec.id));
  saveTimers.delete(rec.id);
  await saveRecording(rec);
}

let rulesCache = null;

async function rules() {
  if (!rulesCache) {
    rulesCache = await loadRules();
  }
  return rulesCache;
}

chrome.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && (changes.sensitiveSites || changes.blockedSites)) {
    rulesCache = null;
  }
});

// blockReason says why url may not be recorded, or "".
async function blockReason(url) {
  const why = unrecordableReason(url);
  if (why) {
    return why;
  }
  const block = findBlock(url, await rules());
  return block ? describeBlock(url, block) : "";
}

// --- badge -------------------------------------------------------------------

function badge(tabId, state) {
  const look = {
    recording: ["REC", "#c62828", "Allmende recorder: recording this tab"],
    paused: ["II", "#8a5a00", "Allmende recorder: paused"],
    refused: ["!", "#5d4037", "Allmende recorder: not recording (see why in the popup)"],
    idle: ["", "#000000", "Allmende recorder"],
  }[state];
  chrome.action.setBadgeText({ tabId, text: look[0] }).catch(() => {});
  chrome.action.setBadgeBackgroundColor({ tabId, color: look[1] }).catch(() => {});
  chrome.action.setTitle({ tabId, title: look[2] }).catch(() => {});
}

function badgeFor(tabId) {
  const s = sessions.get(tabId);
  if (s) {
    badge(tabId, s.paused ? "paused" : "recording");
  } else {
    badge(tabId, notices.has(tabId) ? "refused" : "idle");
  }
}

// --- site permissions ----------------------------------------------------------
//
// The recorder holds no site by default (optional_host_permissions): the
// popup asks for the site of the tab when the member starts recording
// there, and the options page forgets sites. Chrome injects the content
// script only into sites granted, and only while something is recorded.

// urlOf is a tab's address. The tabs API tells it only for sites the
// recorder may read; the navigation API, which stops recordings at
// sensitive sites, tells it for any, so that the popup can name the site
// it would ask for.
async function urlOf(tab) {
  if (tab.url || tab.pendingUrl) {
    return tab.url || tab.pendingUrl;
  }
  try {
    const f = await chrome.webNavigation.getFrame({ tabId: tab.id, frameId: 0 });
    return (f && f.url) || "";
  } catch {
    return "";
  }
}

async function siteAllowed(url) {
  const pattern = sitePattern(url);
  if (!pattern) {
    return false;
  }
  try {
    return await chrome.permissions.contains({ origins: [pattern] });
  } catch {
    return false;
  }
}

function notAllowedReason(url) {
  let host = url;
  try {
    host = new URL(url).hostname;
  } catch {
    // keep the raw text
  }
  return `The recorder may not read ${host}: allow it when you start recording there from the recorder's button.`;
}

const CONTENT_SCRIPT = "allmende-recorder";
let contentSync = Promise.resolve();

// syncContent registers the content script while a tab is recorded and
// removes it when none is: no page runs it otherwise. Its matches are
// every site, but Chrome injects it only where a site was granted.
function syncContent(starting = 0) {
  contentSync = contentSync.catch(() => {}).then(async () => {
    const want = sessions.size + starting > 0;
    const have = (await chrome.scripting.getRegisteredContentScripts({ ids: [CONTENT_SCRIPT] })).length > 0;
    if (want && !have) {
      await chrome.scripting.registerContentScripts([
        {
          id: CONTENT_SCRIPT,
          matches: ["<all_urls>"],
          js: ["outline.js", "content.js"],
          allFrames: true,
          matchOriginAsFallback: true,
          runAt: "document_start",
          persistAcrossSessions: false,
        },
      ]);
    } else if (!want && have) {
      await chrome.scripting.unregisterContentScripts({ ids: [CONTENT_SCRIPT] });
    }
  });
  return contentSync;
}

// --- content scripts ---------------------------------------------------------

async function ensureContent(tabId) {
  try {
    const r = await chrome.tabs.sendMessage(tabId, { type: "ping" }, { frameId: 0 });
    if (r && r.ok) {
      return;
    }
  } catch {
    // not there: the page was open before the extension was installed
  }
  await chrome.scripting.executeScript({
    target: { tabId, allFrames: true },
    files: ["outline.js", "content.js"],
    injectImmediately: true,
  });
}

async function frames(tabId) {
  try {
    return (await chrome.webNavigation.getAllFrames({ tabId })) || [];
  } catch {
    return [];
  }
}

function withTimeout(p, ms) {
  return Promise.race([p, new Promise((resolve) => setTimeout(() => resolve(null), ms))]);
}

// broadcast tells every frame of the tab whether to record; a frame
// showing a sensitive site stays silent even inside a recorded page.
async function broadcast(tabId) {
  const s = sessions.get(tabId);
  for (const f of await frames(tabId)) {
    const on = !!s && !s.paused && !(await frameBlocked(f.url));
    chrome.tabs.sendMessage(tabId, { type: "state", active: on }, { frameId: f.frameId }).catch(() => {});
  }
}

async function frameBlocked(url) {
  if (!/^https?:/.test(url || "")) {
    return false; // about:blank, srcdoc: part of their parent
  }
  return !!findBlock(url, await rules());
}

// flushTab collects what the frames still hold (a field being typed into,
// pointer samples) before the state changes.
async function flushTab(tabId) {
  const s = sessions.get(tabId);
  const rec = s && recs.get(s.recId);
  if (!rec) {
    return;
  }
  const replies = await Promise.all(
    (await frames(tabId)).map(async (f) =>
      withTimeout(
        chrome.tabs
          .sendMessage(
            tabId,
            { type: "flush", outline: f.frameId === 0 && !(await frameBlocked(f.url)) },
            { frameId: f.frameId },
          )
          .catch(() => null),
        1000,
      ),
    ),
  );
  for (const r of replies) {
    for (const item of (r && r.items) || []) {
      processItem(s, rec, item);
    }
  }
}

// --- recording ---------------------------------------------------------------

function defaultTitle(pageTitle, url) {
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    // keep the raw text
  }
  const date = new Date().toISOString().slice(0, 10);
  return `${pageTitle || host} (${date})`;
}

async function start(tabId) {
  await ready;
  if (sessions.has(tabId)) {
    return { ok: true };
  }
  let tab;
  try {
    tab = await chrome.tabs.get(tabId);
  } catch {
    return { ok: false, reason: "That tab is gone." };
  }
  const url = await urlOf(tab);
  const reason = await blockReason(url);
  if (reason) {
    notices.set(tabId, reason);
    await persistSessions();
    badge(tabId, "refused");
    return { ok: false, reason };
  }
  if (!(await siteAllowed(url))) {
    return { ok: false, reason: notAllowedReason(url), site: sitePattern(url) };
  }
  notices.delete(tabId);
  try {
    await syncContent(1); // this tab, about to be recorded
    await ensureContent(tabId);
  } catch (e) {
    await syncContent().catch(() => {});
    return { ok: false, reason: `The recorder cannot run on this page: ${e.message}` };
  }
  let vp = await withTimeout(
    chrome.tabs.sendMessage(tabId, { type: "viewport" }, { frameId: 0 }).catch(() => null),
    2000,
  );
  if (!vp) {
    vp = { width: tab.width || 1280, height: tab.height || 720, deviceScaleFactor: 1, title: tab.title || "" };
  }
  const startAbs = nowAbs();
  const navSid = newId();
  const rec = {
    id: "rec-" + newId(),
    tabId,
    createdAt: Date.now(),
    startAbs,
    state: "recording",
    stopReason: "",
    title: defaultTitle(vp.title, url),
    viewport: { width: vp.width, height: vp.height },
    steps: [
      {
        sid: newId(),
        at: startAbs,
        step: {
          type: "setViewport",
          width: vp.width,
          height: vp.height,
          deviceScaleFactor: vp.deviceScaleFactor || 1,
          isMobile: false,
          hasTouch: false,
          isLandscape: false,
        },
        meta: {},
      },
      {
        sid: navSid,
        at: startAbs,
        step: { type: "navigate", url, assertedEvents: [{ type: "navigation", url, title: vp.title || "" }] },
        meta: {},
      },
    ],
    events: [{ kind: "navigate", t: 0, sid: navSid }],
    params: {},
  };
  recs.set(rec.id, rec);
  sessions.set(tabId, { recId: rec.id, paused: false, pendingPath: [], pathMark: 0, lastNav: { url, sid: navSid } });
  await saveNow(rec);
  await persistSessions();
  badge(tabId, "recording");
  await broadcast(tabId);
  return { ok: true, recId: rec.id };
}

async function pause(tabId) {
  await ready;
  const s = sessions.get(tabId);
  if (!s || s.paused) {
    return { ok: !!s };
  }
  await flushTab(tabId);
  const rec = recs.get(s.recId);
  s.paused = true;
  s.pendingPath = [];
  try {
    s.urlAtPause = (await chrome.tabs.get(tabId)).url || "";
  } catch {
    s.urlAtPause = "";
  }
  rec.state = "paused";
  await saveNow(rec);
  await persistSessions();
  badge(tabId, "paused");
  await broadcast(tabId);
  return { ok: true };
}

async function resume(tabId) {
  await ready;
  const s = sessions.get(tabId);
  if (!s || !s.paused) {
    return { ok: !!s };
  }
  const rec = recs.get(s.recId);
  const tab = await chrome.tabs.get(tabId);
  const reason = await blockReason(tab.url || "");
  if (reason) {
    return { ok: false, reason };
  }
  // Replay must start where the member resumed: if they went elsewhere
  // while paused, open that page (how they got there was not recorded).
  if (tab.url && tab.url !== s.urlAtPause) {
    const sid = newId();
    rec.steps.push({
      sid,
      at: nowAbs(),
      step: {
        type: "navigate",
        url: tab.url,
        assertedEvents: [{ type: "navigation", url: tab.url, title: tab.title || "" }],
      },
      meta: {},
    });
    s.lastNav = { url: tab.url, sid };
  }
  s.paused = false;
  s.pathMark = nowAbs();
  rec.state = "recording";
  await saveNow(rec);
  await persistSessions();
  badge(tabId, "recording");
  await broadcast(tabId);
  return { ok: true };
}

// stop ends the recording of a tab and keeps it for review. With a reason
// (a sensitive site, the tab closed) the frames are not asked for what
// they hold: the page is already going.
async function stop(tabId, reason = "") {
  await ready;
  const s = sessions.get(tabId);
  if (!s) {
    return { ok: false, reason: "This tab is not being recorded." };
  }
  if (!reason && !s.paused) {
    await flushTab(tabId);
  }
  // The reason first: a status asked for while the rest is done must not
  // show the tab idle without it.
  if (reason) {
    notices.set(tabId, reason);
  }
  sessions.delete(tabId);
  await syncContent().catch(() => {});
  const rec = recs.get(s.recId);
  recs.delete(s.recId);
  await persistSessions();
  if (rec) {
    rec.state = "stopped";
    rec.stopReason = reason;
    rec.stoppedAt = Date.now();
    await saveNow(rec);
  }
  badgeFor(tabId);
  await broadcast(tabId);
  return { ok: true, recId: s.recId };
}

// takePath hands a click or hover the pointer samples since the previous
// one, in recording time, thinned.
function takePath(s, rec, atAbs) {
  const pts = [];
  const rest = [];
  for (const p of s.pendingPath) {
    if (p[0] <= atAbs) {
      if (p[0] >= s.pathMark) {
        pts.push([p[0] - rec.startAbs, p[1], p[2]]);
      }
    } else {
      rest.push(p);
    }
  }
  s.pendingPath = rest;
  s.pathMark = atAbs;
  return thinPath(pts);
}

function toEvent(s, rec, e, sid) {
  const out = { kind: e.kind, t: e.at - rec.startAbs };
  for (const k of ["x", "y", "key", "target", "box", "scroll_y"]) {
    if (e[k] !== undefined) {
      out[k] = e[k];
    }
  }
  if ((e.kind === "click" || e.kind === "dblclick" || e.kind === "hover") && !e.keyboard) {
    const path = takePath(s, rec, e.at);
    if (path.length) {
      out.path = path;
    }
  }
  if (sid) {
    out.sid = sid;
  }
  return out;
}

function stepMeta(item) {
  const meta = { label: item.label || "" };
  if (item.change) {
    if (item.change.sensitive) {
      meta.sensitive = true;
    } else {
      meta.value = item.change.value;
    }
    if (item.change.select) {
      meta.select = true;
    }
  }
  return meta;
}

// withTarget keeps the description of the element a step acted on (see
// outline.js); buildUpload masks its value by the rules for typed values.
function withTarget(kept, item) {
  if (item.target && typeof item.target === "object") {
    kept.target = withoutBlockedLinks(item.target);
  }
  return kept;
}

// withoutBlockedLinks drops a link's address when it leads to a sensitive
// or blocked site: a recording never names one. Without the rules at hand
// (they are being reloaded) every address goes.
function withoutBlockedLinks(node) {
  const href = node.attributes && node.attributes.href;
  if (href) {
    let abs = href;
    try {
      abs = new URL(href, "http://invalid.invalid/").href;
    } catch {
      // keep the raw text
    }
    if (!rulesCache || findBlock(abs, rulesCache)) {
      delete node.attributes.href;
    }
  }
  return node;
}

// keepOutline keeps a page's outline for the step the page is in this state
// for: the last navigation. A later outline of the same state (the page
// sent the browser on, or the recorder resumed) replaces it as long as no
// step happened since.
function keepOutline(s, rec, outline) {
  if (!s.lastNav || !outline || !Array.isArray(outline.nodes)) {
    return;
  }
  outline.nodes.forEach(withoutBlockedLinks);
  rec.outlines = rec.outlines || [];
  const sid = s.lastNav.sid;
  const i = rec.outlines.findIndex((o) => o.sid === sid);
  const last = rec.steps[rec.steps.length - 1];
  if (i >= 0 && !(last && last.sid === sid)) {
    return;
  }
  // What one upload can carry is all the extension keeps: more would only
  // fill the browser's storage, which the steps need too.
  const others = rec.outlines.reduce((n, o, j) => (j === i ? n : n + o.outline.nodes.length), 0);
  if (others + outline.nodes.length > MAX_OUTLINE_NODES || (i < 0 && rec.outlines.length >= MAX_OUTLINES)) {
    rec.outlinesSkipped = (rec.outlinesSkipped || 0) + (i < 0 ? 1 : 0);
    return;
  }
  if (i >= 0) {
    rec.outlines[i].outline = outline;
  } else {
    rec.outlines.push({ sid, outline });
  }
}

function processItem(s, rec, item) {
  switch (item.kind) {
    case "moves": {
      for (const p of item.points) {
        s.pendingPath.push(p);
      }
      s.pendingPath.sort((a, b) => a[0] - b[0]);
      if (s.pendingPath.length > 4096) {
        s.pendingPath = s.pendingPath.filter((_, i) => i % 2 === 1);
      }
      return;
    }
    case "action": {
      rec.events.push(toEvent(s, rec, item.event, item.sid));
      for (const k of item.keys || []) {
        rec.events.push(toEvent(s, rec, k, item.sid));
      }
      if (item.step) {
        rec.steps.push(withTarget({ sid: item.sid, at: item.event.at, step: item.step, meta: stepMeta(item) }, item));
      }
      return;
    }
    case "dblclick": {
      const ev = toEvent(s, rec, item.event, item.sid);
      const i = item.replaces ? rec.steps.findIndex((st) => st.sid === item.replaces) : -1;
      const step = withTarget({ sid: item.sid, at: item.event.at, step: item.step, meta: stepMeta(item) }, item);
      if (i >= 0) {
        // The double click is reported once: it takes the place of the
        // first click, and inherits the movement that led to it.
        const first = rec.events.find((e) => e.sid === item.replaces && e.kind === "click");
        if (first && first.path && !ev.path) {
          ev.path = first.path;
        }
        rec.events = rec.events.filter((e) => e.sid !== item.replaces);
        rec.steps.splice(i, 1, step);
      } else {
        rec.steps.push(step);
      }
      rec.events.push(ev);
      return;
    }
    case "keys": {
      item.steps.forEach((st, j) => {
        const last = j === item.steps.length - 1;
        const kept = { sid: last ? item.sid : newId(), at: item.event ? item.event.at : nowAbs(), step: st, meta: {} };
        // The key itself (not the modifiers before it) acts on the focus.
        rec.steps.push(last && st.type === "keyDown" ? withTarget(kept, item) : kept);
      });
      if (item.event) {
        rec.events.push(toEvent(s, rec, item.event, item.sid));
      }
      return;
    }
    case "event":
      rec.events.push(toEvent(s, rec, item.event));
      return;
    case "events":
      for (const e of item.events) {
        rec.events.push(toEvent(s, rec, e));
      }
      return;
    case "scroll": {
      const last = rec.steps[rec.steps.length - 1];
      const same =
        last &&
        last.step.type === "scroll" &&
        JSON.stringify(last.step.selectors || null) === JSON.stringify(item.step.selectors || null) &&
        JSON.stringify(last.step.frame || null) === JSON.stringify(item.step.frame || null);
      if (same) {
        last.step.x = item.step.x;
        last.step.y = item.step.y;
      } else {
        rec.steps.push({ sid: item.sid, at: nowAbs(), step: item.step, meta: {} });
      }
      return;
    }
    case "submit":
      s.scrubNames = { names: item.names, at: nowAbs() };
      return;
    case "outline":
      keepOutline(s, rec, item.outline);
      return;
  }
}

const MANUAL_TRANSITIONS = new Set([
  "typed",
  "auto_bookmark",
  "generated",
  "reload",
  "keyword",
  "keyword_generated",
  "start_page",
  "auto_toplevel",
]);

function hasNavigation(st) {
  return (st.step.assertedEvents || []).some((e) => e.type === "navigation");
}

// recordNavigation puts a page load where Chrome's Recorder puts it: on
// the step that caused it (a click, Enter, a change), or as a navigate
// step of its own when the member typed an address, reloaded or went back.
function recordNavigation(s, rec, d) {
  const tAbs = d.timeStamp || nowAbs();
  let url = d.url;
  if (s.scrubNames && tAbs - s.scrubNames.at < 15000) {
    url = blankQueryNames(url, s.scrubNames.names);
    s.scrubNames = null;
  }
  const q = d.transitionQualifiers || [];
  const manual =
    MANUAL_TRANSITIONS.has(d.transitionType) || q.includes("forward_back") || q.includes("from_address_bar");
  let cause = -1;
  if (!manual) {
    for (let i = rec.steps.length - 1; i >= 2; i--) {
      const st = rec.steps[i];
      if (st.step.type === "scroll") {
        continue;
      }
      if (CAUSES_NAVIGATION.has(st.step.type) && tAbs - st.at < 10000 && !hasNavigation(st)) {
        cause = i;
      }
      break;
    }
    if (cause > 2 && rec.steps[cause].step.type === "keyUp") {
      const prev = rec.steps[cause - 1];
      if (prev.step.type === "keyDown" && prev.step.key === rec.steps[cause].step.key && !hasNavigation(prev)) {
        cause--; // the page went on keyDown; replay must wait there
      }
    }
  }
  if (cause < 0 && q.includes("client_redirect") && s.lastNav && tAbs - (s.lastNav.at || 0) < 3000) {
    return; // a page that sent the browser straight on: part of its load
  }
  const nav = { type: "navigation", url, title: "" };
  let sid;
  if (cause >= 0) {
    rec.steps[cause].step.assertedEvents = [nav];
    sid = rec.steps[cause].sid;
    rec.events.push({ kind: "navigate", t: tAbs - rec.startAbs });
  } else {
    sid = newId();
    rec.steps.push({ sid, at: tAbs, step: { type: "navigate", url, assertedEvents: [nav] }, meta: {} });
    rec.events.push({ kind: "navigate", t: tAbs - rec.startAbs, sid });
  }
  s.lastNav = { url: d.url, sid, at: tAbs };
  s.pathMark = tAbs;
  s.pendingPath = [];
}

function setTitle(s, rec, url, title) {
  if (!s.lastNav || s.lastNav.url !== url || !title) {
    return;
  }
  const st = rec.steps.find((x) => x.sid === s.lastNav.sid);
  const nav = st && (st.step.assertedEvents || []).find((e) => e.type === "navigation");
  if (nav && !nav.title) {
    nav.title = title;
    scheduleSave(rec);
  }
}

// --- events from the browser -------------------------------------------------

chrome.webNavigation.onBeforeNavigate.addListener(async (d) => {
  if (d.frameId !== 0) {
    return;
  }
  await ready;
  if (!sessions.has(d.tabId)) {
    return;
  }
  const block = findBlock(d.url, await rules());
  if (block) {
    await stop(d.tabId, "Recording stopped: " + describeBlock(d.url, block));
  }
});

chrome.webNavigation.onCommitted.addListener(async (d) => {
  await ready;
  const s = sessions.get(d.tabId);
  if (!s) {
    if (d.frameId === 0) {
      badgeFor(d.tabId);
    }
    return;
  }
  if (d.frameId !== 0) {
    return; // a frame's own navigation: its content script asks whether to record
  }
  const block = findBlock(d.url, await rules());
  if (block) {
    await stop(d.tabId, "Recording stopped: " + describeBlock(d.url, block));
    return;
  }
  if (/^https?:/.test(d.url) && !(await siteAllowed(d.url))) {
    await stop(d.tabId, "Recording stopped: " + notAllowedReason(d.url));
    return;
  }
  badgeFor(d.tabId);
  if (s.paused) {
    return;
  }
  const rec = recs.get(s.recId);
  recordNavigation(s, rec, d);
  scheduleSave(rec);
  await persistSessions();
});

chrome.tabs.onRemoved.addListener(async (tabId) => {
  await ready;
  if (sessions.has(tabId)) {
    await stop(tabId, "Recording ended: the tab was closed.");
  }
  notices.delete(tabId);
  await persistSessions();
});

chrome.commands.onCommand.addListener(async (command, tab) => {
  await ready;
  const tabId = tab && tab.id;
  if (tabId === undefined) {
    return;
  }
  if (command === "toggle-recording") {
    if (sessions.has(tabId)) {
      const r = await stop(tabId);
      if (r.ok) {
        chrome.tabs.create({ url: chrome.runtime.getURL(`review.html?id=${encodeURIComponent(r.recId)}`) });
      }
    } else {
      const r = await start(tabId);
      if (!r.ok) {
        // The reason is in the popup; open it if the browser lets us.
        chrome.action.openPopup().catch(() => {});
      }
    }
  } else if (command === "pause-recording") {
    const s = sessions.get(tabId);
    if (s) {
      await (s.paused ? resume(tabId) : pause(tabId));
    }
  }
});

// --- messages ----------------------------------------------------------------

function fromExtensionPage(sender) {
  return sender.id === chrome.runtime.id && (sender.url || "").startsWith(chrome.runtime.getURL(""));
}

async function status(tabId) {
  await ready;
  let tab = null;
  try {
    tab = await chrome.tabs.get(tabId);
  } catch {
    return { ok: false, reason: "That tab is gone." };
  }
  const s = sessions.get(tabId);
  const rec = s && recs.get(s.recId);
  const url = await urlOf(tab);
  return {
    ok: true,
    tab: { id: tab.id, url, title: tab.title || "" },
    state: s ? (s.paused ? "paused" : "recording") : "idle",
    recId: s ? s.recId : "",
    startedAt: rec ? rec.createdAt : 0,
    steps: rec ? rec.steps.length : 0,
    events: rec ? rec.events.length : 0,
    outlines: rec ? (rec.outlines || []).length : 0,
    active: !!s && !s.paused && !!s.topActive,
    blockReason: s ? "" : await blockReason(url),
    site: sitePattern(url),
    siteAllowed: await siteAllowed(url),
    notice: notices.get(tabId) || "",
  };
}

async function handle(msg, sender) {
  await ready;
  const tabId = sender.tab ? sender.tab.id : undefined;
  switch (msg.type) {
    case "hello": {
      const s = tabId !== undefined ? sessions.get(tabId) : null;
      return { active: !!s && !s.paused && !(await frameBlocked(msg.url)) };
    }
    case "items": {
      const s = tabId !== undefined ? sessions.get(tabId) : null;
      if (!s || s.paused || (await frameBlocked(sender.url || msg.url))) {
        return { ok: false };
      }
      const rec = recs.get(s.recId);
      for (const item of msg.items || []) {
        processItem(s, rec, item);
      }
      scheduleSave(rec);
      return { ok: true };
    }
    case "outline": {
      const s = tabId !== undefined ? sessions.get(tabId) : null;
      if (!s || s.paused || sender.frameId !== 0 || (await frameBlocked(sender.url || msg.url))) {
        return { ok: false };
      }
      const rec = recs.get(s.recId);
      keepOutline(s, rec, msg.outline);
      scheduleSave(rec);
      return { ok: true };
    }
    case "page": {
      const s = tabId !== undefined ? sessions.get(tabId) : null;
      if (s && !s.paused && sender.frameId === 0) {
        s.topActive = true; // the page's content script records
        setTitle(s, recs.get(s.recId), msg.url, msg.title);
      }
      return { ok: true };
    }
  }
  if (!fromExtensionPage(sender)) {
    return { ok: false, reason: "not allowed" };
  }
  switch (msg.type) {
    case "status":
      return status(msg.tabId);
    case "start":
      return start(msg.tabId);
    case "pause":
      return pause(msg.tabId);
    case "resume":
      return resume(msg.tabId);
    case "stop":
      return stop(msg.tabId);
    case "dismissNotice":
      notices.delete(msg.tabId);
      await persistSessions();
      badgeFor(msg.tabId);
      return { ok: true };
  }
  return { ok: false, reason: "unknown message" };
}

chrome.runtime.onMessage.addListener((msg, sender, reply) => {
  handle(msg || {}, sender).then(reply, (e) => reply({ ok: false, reason: String((e && e.message) || e) }));
  return true;
});
