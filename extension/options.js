// Options: the server and token for uploads, and the sites where recording
// is refused. The token is stored in chrome.storage.local and shown again
// only as "saved"; it is never logged.

import { loadRules, normalisePattern, shippedRules, sitePattern } from "./sites.js";

const $ = (id) => document.getElementById(id);

function linesOf(text) {
  return [...new Set(text.split(/\n/).map(normalisePattern).filter(Boolean))];
}

function setStatus(id, text, error = false) {
  $(id).textContent = text;
  $(id).style.color = error ? "var(--danger)" : "";
}

function updateKeysLink(server) {
  try {
    const u = new URL(server);
    $("keys-link").href = u.href.replace(/\/+$/, "") + "/keys";
  } catch {
    $("keys-link").removeAttribute("href");
  }
}

async function loadServer() {
  const got = await chrome.storage.local.get(["server", "token"]);
  $("server").value = got.server || "";
  $("token").value = "";
  $("token").placeholder = got.token ? "saved — type a new one to replace it" : "paste your token";
  updateKeysLink(got.server || "");
}

$("server").addEventListener("input", () => updateKeysLink($("server").value));

$("server-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const raw = $("server").value.trim();
  let u;
  try {
    u = new URL(raw);
  } catch {
    setStatus("server-status", "That is not a web address.", true);
    return;
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") {
    setStatus("server-status", "The address must start with https://.", true);
    return;
  }
  // Uploads go to the server from the review page: the recorder needs
  // the server's site, which the browser grants on this click.
  let granted = false;
  try {
    granted = await chrome.permissions.request({ origins: [sitePattern(u.href)] });
  } catch {
    granted = false;
  }
  if (!granted) {
    setStatus("server-status", "Not saved: the recorder needs your permission to send recordings to this server.", true);
    return;
  }
  const server = u.origin + u.pathname.replace(/\/+$/, "");
  const update = { server };
  const token = $("token").value.trim();
  if (token) {
    update.token = token;
  }
  await chrome.storage.local.set(update);
  const local = /^(localhost|127\.0\.0\.1|\[::1\])$/.test(u.hostname);
  setStatus(
    "server-status",
    u.protocol === "http:" && !local
      ? "Saved. Warning: without https your token and recordings travel unencrypted."
      : "Saved.",
    u.protocol === "http:" && !local,
  );
  await loadServer();
});

$("forget-token").addEventListener("click", async () => {
  await chrome.storage.local.remove("token");
  setStatus("server-status", "The token is forgotten.");
  await loadServer();
});

async function loadSites() {
  const rules = await loadRules();
  $("own").value = rules.own.join("\n");
  const cats = $("cats");
  cats.textContent = "";
  for (const c of rules.categories) {
    const div = document.createElement("div");
    div.className = "field";
    const label = document.createElement("label");
    label.htmlFor = `cat-${c.id}`;
    label.textContent = c.label;
    const ta = document.createElement("textarea");
    ta.id = `cat-${c.id}`;
    ta.dataset.id = c.id;
    ta.dataset.label = c.label;
    ta.value = c.patterns.join("\n");
    ta.rows = 8;
    div.append(label, ta);
    cats.append(div);
  }
}

$("sites-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const categories = [...document.querySelectorAll("#cats textarea")].map((ta) => ({
    id: ta.dataset.id,
    label: ta.dataset.label,
    patterns: linesOf(ta.value),
  }));
  await chrome.storage.local.set({ blockedSites: linesOf($("own").value), sensitiveSites: { version: 1, categories } });
  setStatus("sites-status", "Saved. The recorder uses the new list from now on.");
  await loadSites();
});

$("reset-sites").addEventListener("click", async () => {
  await chrome.storage.local.remove("sensitiveSites");
  await shippedRules();
  setStatus("sites-status", "The shipped list is back (your own sites are kept).");
  await loadSites();
});

// The sites the recorder may read: granted one by one when recording
// starts there, forgotten here.
async function loadGranted() {
  const { origins = [] } = await chrome.permissions.getAll();
  const ul = $("granted");
  ul.textContent = "";
  for (const origin of origins) {
    const li = document.createElement("li");
    const name = document.createElement("code");
    name.textContent = origin;
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = "Forget";
    b.setAttribute("aria-label", `Forget ${origin}`);
    b.addEventListener("click", async () => {
      const removed = await chrome.permissions.remove({ origins: [origin] }).catch(() => false);
      setStatus("granted-status", removed ? `The recorder may no longer read ${origin}.` : `${origin} cannot be forgotten here.`, !removed);
      await loadGranted();
    });
    li.append(name, " ", b);
    ul.append(li);
  }
  $("granted-none").hidden = origins.length > 0;
}

chrome.permissions.onAdded.addListener(loadGranted);
chrome.permissions.onRemoved.addListener(loadGranted);

await loadServer();
await loadSites();
await loadGranted();
document.body.dataset.ready = "1";
