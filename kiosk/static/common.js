// Small helpers the kiosk and the status page share.

// "前面还有 {count} 人" + {count: 3} → "前面还有 3 人". The sentences come
// translated in the page's JSON config (kiosk/texts.py).
export function fill(template, values = {}) {
  return template.replace(/\{(\w+)\}/g, (match, name) => (name in values ? String(values[name]) : match));
}

// "前面还有 3 人" / "3 people ahead of you", with English's singular and "nobody".
export function aheadText(texts, count) {
  if (count <= 0) return texts.ahead_none;
  return count === 1 ? texts.ahead_one : fill(texts.ahead, { count });
}

// A hall notice ({id, text_zh, text_en, incident}, core/protocol.py) in the screen's language.
export function noticeTexts(english) {
  return (notice) => (english && notice.text_en) || notice.text_zh || "";
}

// A screen that went offline stays offline across a reload during the outage:
// the flag is cleared only when the hub answers again.
export class OfflineMemory {
  constructor(key) {
    this.key = `hallq:offline:${key}`;
  }

  get remembered() {
    try {
      return localStorage.getItem(this.key) !== null;
    } catch {
      return false;
    }
  }

  set(offline) {
    try {
      // Keep the first moment of the outage: it is "offline since".
      if (offline && !this.remembered) localStorage.setItem(this.key, new Date().toISOString());
      else localStorage.removeItem(this.key);
    } catch {
      // Without storage a reload during an outage shows the offline view a few seconds later.
    }
  }

  since() {
    try {
      const value = localStorage.getItem(this.key);
      return value ? new Date(value) : null;
    } catch {
      return null;
    }
  }
}

// The service worker caches what it fetches once it controls the page, but the
// page that registered it was fetched before that. Fetch the page and its
// scripts and styles again through the worker, so that the very first
// outage after enrolment finds them cached.
export async function warmOfflineCache() {
  if (!("serviceWorker" in navigator)) return;
  if (navigator.serviceWorker.controller) {
    // This page already came through the worker: it and its files are cached.
    document.documentElement.dataset.offlineReady = "true";
    return;
  }
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }));
  }
  const urls = new Set([location.href]);
  for (const entry of performance.getEntriesByType("resource")) {
    const url = new URL(entry.name);
    if (url.origin === location.origin && /\.(js|css)$/.test(url.pathname)) urls.add(url.href);
  }
  await Promise.all([...urls].map((url) => fetch(url, { credentials: "same-origin" }).catch(() => null)));
  document.documentElement.dataset.offlineReady = "true";
}

// Drop one URL from every cache of the service worker: a ticket's QR code must
// not pile up in the kiosk's offline cache (the worker keeps every GET it sees).
export async function forgetCached(url) {
  if (!("caches" in window)) return;
  const absolute = new URL(url, location.href).href;
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    await cache.delete(absolute);
  }
}

// HH:MM in the hall's clock as the browser knows it.
export function clockText(date = new Date()) {
  return date.toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit", hour12: false });
}
