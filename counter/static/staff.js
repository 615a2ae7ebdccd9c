// Helpers both staff screens (window terminal, guide desk) share.
//
// The real-time part (seq, resync, offline detection, snapshot cache) is
// HallClient in /static/hallq-client.js; this module only holds what the staff
// pages add on top: text placeholders, the message line, the link indicator,
// the offline memory that survives a reload, and warming the offline cache.

export const $ = (id) => document.getElementById(id);

// "{number} called." + {number: "C001"} → "C001 called." (see counter/texts.py).
export function fill(text, values = {}) {
  return String(text).replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

export function language() {
  return document.documentElement.lang.startsWith("en") ? "en" : "zh";
}

// A service's or hall's name in the page's language.
export function localName(service, lang = language()) {
  if (!service) return "";
  return lang === "en" && service.name_en ? service.name_en : service.name;
}

// "Window 8 · 应急专窗": the number in the page's words, plus the window's own
// name when it has one (the hall loader names the others "<n>号窗口").
export function windowLabel(window, template) {
  const plain = fill(template, { window: window.n });
  const special = window.name && window.name !== `${window.n}号窗口` ? window.name : "";
  return special ? `${plain} · ${special}` : plain;
}

export function clock(iso) {
  if (!iso) return "";
  const when = new Date(iso);
  return when.toLocaleTimeString(language() === "en" ? "en-GB" : "zh-CN", { hour: "2-digit", minute: "2-digit" });
}

export function minutesSince(iso, now = Date.now()) {
  return Math.max(0, Math.floor((now - new Date(iso).getTime()) / 60000));
}

// What staff type ("c51", " C051 ") → "C051", or null when it is not a ticket number.
export function normaliseNumber(text) {
  const match = /^\s*([A-Za-z])\s*0*(\d{1,4})\s*$/.exec(text || "");
  if (!match) return null;
  const digits = match[2].padStart(3, "0");
  return `${match[1].toUpperCase()}${digits}`;
}

export function element(tag, { className = "", text = null, attrs = {} } = {}, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== null) node.textContent = text;
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) if (child) node.append(child);
  return node;
}

// The message line under the top bar. Errors stay until the next success or
// until dismissed; staff must never miss why something did not happen.
export class MessageLine {
  constructor(node) {
    this.node = node;
  }

  show(text, kind = "info") {
    this.node.textContent = text;
    this.node.dataset.kind = kind;
    this.node.hidden = false;
  }

  info(text) {
    this.show(text, "info");
  }

  warn(text) {
    this.show(text, "warn");
  }

  error(text) {
    this.show(text, "error");
  }

  clear() {
    this.node.hidden = true;
    this.node.textContent = "";
  }
}

// The "hub connected / unreachable" indicator in the top bar.
export function showLink(state) {
  const link = $("link");
  const text = $("link-text");
  link.dataset.state = state;
  if (state in text.dataset) text.textContent = text.dataset[state];
}

export function showMode(mode, modes) {
  const badge = $("hall-mode");
  badge.hidden = !mode || mode === "normal";
  badge.textContent = modes[mode] || mode || "";
  badge.dataset.mode = mode || "normal";
}

// Remembers across reloads that the hub was unreachable, and since when, so a
// page reloaded during an outage shows its offline view at once instead of
// drawing a stale "normal" screen for the first seconds.
export class OfflineMemory {
  constructor(key) {
    this.key = `hallq:offline:${key}`;
  }

  since() {
    try {
      return localStorage.getItem(this.key);
    } catch {
      return null;
    }
  }

  remember() {
    if (this.since()) return;
    try {
      localStorage.setItem(this.key, new Date().toISOString());
    } catch {
      // Storage off or full: the page still shows the offline view after the timeout.
    }
  }

  forget() {
    try {
      localStorage.removeItem(this.key);
    } catch {
      // Nothing to forget.
    }
  }
}

// The service worker (/sw.js) keeps a copy of every page and file it fetches,
// but only once it controls the page — and the first visit's page was fetched
// before that. So once it controls this page, fetch the page and its files
// again through it: a reload during an outage then finds them in its cache.
export function warmOfflineCache() {
  if (!("serviceWorker" in navigator)) return;
  const urls = () => [
    location.pathname + location.search,
    ...Array.from(document.querySelectorAll("script[src]"), (script) => script.src),
    ...Array.from(document.querySelectorAll('link[rel="stylesheet"]'), (link) => link.href),
    ...performance.getEntriesByType("resource")
      .map((entry) => entry.name)
      .filter((url) => url.startsWith(location.origin) && /\.(js|css)(\?|$)/.test(url)),
  ];
  const warm = () => {
    const unique = [...new Set(urls())];
    Promise.all(unique.map((url) => fetch(url, { credentials: "same-origin" }).catch(() => null)))
      .then(() => { document.documentElement.dataset.offlineReady = "true"; });
  };
  if (navigator.serviceWorker.controller) warm();
  else navigator.serviceWorker.addEventListener("controllerchange", warm, { once: true });
}

// Socket.IO retries by itself after a lost connection, but not after the hub
// refused one (a connect_error from the server: the hub still starting, its
// database busy). A counter must never stay offline while the hub is up, so
// try again a little later; the hub decides again who may connect.
export function keepReconnecting(client, delayMs = 2000) {
  client.socket.on("connect_error", () => {
    if (!client.socket.active) setTimeout(() => client.socket.connect(), delayMs);
  });
}
