// Sensitive sites: where the recorder refuses to record.
//
// The shipped list (sensitive-sites.json) is a starting point; a member can
// edit it and add sites of their own on the options page. Both are kept in
// chrome.storage.local: "sensitiveSites" (the edited categories, or absent
// for the shipped ones) and "blockedSites" (the member's own patterns).

// patternMatches reports whether url falls under pattern. A pattern is a
// host ("paypal.com", which also covers its subdomains), possibly with "*"
// standing for one or more characters of a host ("*.bank", "gmx.*",
// "mychart.*"), possibly followed by a path prefix ("web.de/email").
// Scheme, port, query and case do not matter.
export function patternMatches(pattern, url) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    return false;
  }
  const p = normalisePattern(pattern);
  if (!p) {
    return false;
  }
  const slash = p.indexOf("/");
  const hostPattern = slash < 0 ? p : p.slice(0, slash);
  const pathPrefix = slash < 0 ? "" : p.slice(slash);
  const host = u.hostname.toLowerCase().replace(/\.$/, "");
  const body = hostPattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^/]+");
  if (!new RegExp(`^(?:[^/]*\\.)?${body}$`).test(host)) {
    return false;
  }
  if (!pathPrefix) {
    return true;
  }
  const path = u.pathname.toLowerCase();
  const prefix = pathPrefix.replace(/\/+$/, "");
  return path === prefix || path.startsWith(prefix + "/") || path.startsWith(prefix + "?");
}

// normalisePattern turns what a member may paste ("https://www.x.de/login/",
// " X.DE ") into the pattern form; "" if nothing is left.
export function normalisePattern(pattern) {
  let p = String(pattern || "")
    .trim()
    .toLowerCase();
  p = p.replace(/^[a-z][a-z0-9+.-]*:\/\//, "");
  p = p.replace(/[?#].*$/, "");
  p = p.replace(/^([^/]*?):\d+/, "$1"); // a port
  p = p.replace(/\/+$/, "");
  return p;
}

// findBlock returns {category, label, pattern} for the first rule that
// blocks url, or null. rules is what loadRules returns.
export function findBlock(url, rules) {
  for (const pattern of rules.own || []) {
    if (patternMatches(pattern, url)) {
      return { category: "own", label: "Your own blocked sites", pattern };
    }
  }
  for (const c of rules.categories || []) {
    for (const pattern of c.patterns || []) {
      if (patternMatches(pattern, url)) {
        return { category: c.id, label: c.label, pattern };
      }
    }
  }
  return null;
}

// describeBlock is the sentence the member reads.
export function describeBlock(url, block) {
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    // keep the raw text
  }
  if (block.category === "own") {
    return `${host} is on your own list of blocked sites (“${block.pattern}”). Recording is off there. You can change this in the options.`;
  }
  return `${host} is a sensitive site (${block.label.toLowerCase()}, “${block.pattern}”). Recording is off there so that nothing private is captured. You can change the list in the options.`;
}

// recordable reports why url cannot be recorded at all, or "" if it can.
export function unrecordableReason(url) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return "This tab has no web page to record.";
  }
  if (u.protocol === "http:" || u.protocol === "https:") {
    return "";
  }
  return "Only web pages (http and https) can be recorded; browser and extension pages cannot.";
}

let shipped = null;

// shippedRules reads the list that comes with the extension.
export async function shippedRules() {
  if (!shipped) {
    const res = await fetch(chrome.runtime.getURL("sensitive-sites.json"));
    shipped = await res.json();
  }
  return structuredClone(shipped);
}

// loadRules returns the rules in force: the member's edited categories (or
// the shipped ones) and the member's own patterns.
export async function loadRules() {
  const stored = await chrome.storage.local.get(["sensitiveSites", "blockedSites"]);
  const base = stored.sensitiveSites || (await shippedRules());
  return {
    categories: base.categories || [],
    own: stored.blockedSites || [],
  };
}

// sitePattern is the match pattern of url's site (any port, any path), as
// the recorder asks for and keeps a site's permission, or "" for what is
// not a web page.
export function sitePattern(url) {
  try {
    const u = new URL(url);
    if (u.protocol !== "http:" && u.protocol !== "https:") {
      return "";
    }
    return `${u.protocol}//${u.hostname}/*`;
  } catch {
    return "";
  }
}
