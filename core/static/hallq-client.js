// HallQ's real-time client, shared by every screen.
//
// It keeps a screen in step with the hub (SPEC §6):
// - applies events in `seq` order; a gap that is still open after `GAP_WAIT_MS`
//   means something was missed, so it asks for a full `state:snapshot` instead
//   of guessing (events of two hub processes cross the message queue apart, and
//   the missing one is usually a moment behind);
// - resyncs on *every* (re)connect — the hub sends a snapshot on connect; events
//   that overtake it wait for it, and those it does not reflect follow it;
// - ignores an answer to its own request older than what it already applied
//   (the hub built it before the events that came meanwhile);
// - every `checkEveryMs` compares its seq with the hub's (`state:check`),
//   because an emit can be lost without any disconnect (a message-queue outage);
// - after `offlineAfterMs` without the hub it calls `onOffline`, and on return
//   `onOnline`; the last snapshot is cached in localStorage, so a page reloaded
//   during an outage can draw the last state it knew.
//
// Usage:
//   const client = new HallClient({namespace: "/display", cacheKey: "display:display-1",
//     onState: (state) => draw(state), onEvent: (name, payload, state) => animate(name, payload),
//     onOffline: () => showOffline(), onOnline: () => hideOffline()});
// A page whose credentials the hub refuses (a revoked device) reloads itself by
// default (`onRefused`), and the hub then shows it its "not enrolled" screen.
//   client.start();

/* global io */

// Every event that carries the hall's seq (core/protocol.py); a test keeps the two lists equal.
export const HALL_EVENTS = [
  "ticket:issued",
  "ticket:called",
  "ticket:changed",
  "queue:changed",
  "print:status",
  "device:status",
  "hall:mode",
  "incident:changed",
  "notice:posted",
  "notice:removed",
  "worklist:changed",
  "hall:configured",
  "hall:announcement",
  "rating:offered",
  "rating:recorded",
  "rating:work_order",
];

const HEARTBEAT_MS = 10000;
// Events kept while a connect's snapshot or a gap's missing event is awaited; past
// that, a snapshot catches up.
const MAX_HELD = 200;
// The hub sends a connect's snapshot within a few seconds; without it, ask.
const SNAPSHOT_WAIT_MS = 6000;
// How long an event after a gap waits for the ones before it.
const GAP_WAIT_MS = 1000;

// Why the hub refuses a connection that retrying cannot cure (core/hub/realtime.py).
const REFUSED = ["auth.required", "auth.forbidden", "ticket.token_unknown"];
const RELOAD_KEY = "hallq:refused-reload";
const RELOAD_EVERY_MS = 60000;

// A refused page loads itself again: the hub then serves what a browser without
// access sees (a kiosk's or display's "not enrolled" screen, a counter's login
// form). Its offline copy goes first, so it cannot come back during an outage.
// At most once a minute: a page the hub still serves while refusing its socket
// must not reload in a loop (its client asks again a minute later).
export async function reloadRefused() {
  try {
    if (Date.now() - Number(sessionStorage.getItem(RELOAD_KEY) || 0) < RELOAD_EVERY_MS) return;
    sessionStorage.setItem(RELOAD_KEY, String(Date.now()));
  } catch {
    // without storage, no loop guard: reload all the same
  }
  await forgetCached(location.pathname + location.search);
  location.reload();
}

export function readConfig(id = "hallq-config") {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : {};
}

// A window's own name beside its number (8号窗口 · 应急专窗), or "": the hall loader
// names the others "<n>号窗口". The hall file names the emergency window in Chinese;
// an English page shows `emergencyWord` instead.
export function windowOwnName(window, { english = false, emergencyWord = "" } = {}) {
  const name = window.name && window.name !== `${window.n}号窗口` ? window.name : "";
  return name && window.emergency && english ? emergencyWord : name;
}

export class HallClient {
  constructor({
    namespace,
    auth = {},
    cacheKey = null,
    offlineAfterMs = 5000,
    checkEveryMs = 30000,
    heartbeat = true,
    onState = () => {},
    onEvent = () => {},
    onOffline = () => {},
    onOnline = () => {},
    onRefused = reloadRefused,
  }) {
    Object.assign(this, { namespace, auth, cacheKey, offlineAfterMs, checkEveryMs, heartbeat });
    Object.assign(this, { onState, onEvent, onOffline, onOnline, onRefused });
    this.seq = -1;
    this.state = null;
    this.offline = false;
    this.resyncs = 0; // how many snapshots were applied (tests read it)
    this.awaitingSnapshot = true; // until the hub's snapshot of this connection came
    // seq → hall event that cannot be applied yet: it came before the connection's
    // snapshot, or after a gap (until the gap closes or `GAP_WAIT_MS` passes)
    this.held = new Map();
    this.gapTimer = null;
    this.snapshotTimer = null;
    this.offlineTimer = null;
    this.checkTimer = null;
    this.socket = null;
  }

  // The cached state from the last session, or null.
  cached() {
    if (!this.cacheKey) return null;
    try {
      return JSON.parse(localStorage.getItem(`hallq:${this.cacheKey}`));
    } catch {
      return null;
    }
  }

  start() {
    const cached = this.cached();
    if (cached) this.applySnapshot(cached, { fromCache: true });
    // Until the first connect succeeds the hub counts as unreachable.
    this.armOfflineTimer();
    // The page's HallQ version goes with every connect: the console shows a device
    // still running a page cached before an upgrade.
    const version = document.querySelector('meta[name="hallq-version"]')?.content;
    this.socket = io(this.namespace, {
      auth: version ? { ...this.auth, version } : this.auth,
      transports: ["websocket", "polling"],
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
      timeout: 4000,
    });
    this.socket.on("connect", () => this.connected());
    this.socket.on("disconnect", (reason) => {
      this.armOfflineTimer();
      // The hub ended this connection on purpose (its access was taken back, SPEC §10):
      // Socket.IO would not come back by itself; ask once more and the hub decides.
      if (reason === "io server disconnect") this.socket.connect();
    });
    this.socket.on("connect_error", (error) => {
      this.armOfflineTimer();
      if (REFUSED.includes(error && error.message)) {
        this.refused();
        return;
      }
      // Socket.IO retries a lost connection by itself, but not one the hub refused
      // (still starting, database busy): a screen must never stay offline while
      // the hub is up, so ask again a little later — the hub decides again.
      if (!this.socket.active) setTimeout(() => this.socket.connect(), 2000);
    });
    this.socket.on("state:snapshot", (snapshot) => this.applySnapshot(snapshot));
    for (const name of HALL_EVENTS) {
      this.socket.on(name, (payload) => this.receive(name, payload));
    }
    this.checkTimer = setInterval(() => this.check(), this.checkEveryMs);
    // Devices tell the hub they are alive; a silent one is flagged failed (SPEC §7).
    // Phones (the status page) don't: they are not devices of the hall.
    if (this.heartbeat) {
      this.heartbeatTimer = setInterval(() => {
        if (this.socket.connected) this.socket.emit("device:heartbeat", {});
      }, HEARTBEAT_MS);
    }
    window.hallqClient = this;
    return this;
  }

  // The hub refused this page's credentials (revoked, logged out): retrying cannot
  // help. Stop, and let the page show what a browser without access gets.
  refused() {
    this.socket.disconnect();
    // If the page stays (it already reloaded a moment ago), it asks again later.
    setTimeout(() => this.socket.connect(), RELOAD_EVERY_MS);
    this.onRefused();
  }

  connected() {
    this.awaitingSnapshot = true;
    this.held.clear();
    this.stopGapWait();
    clearTimeout(this.snapshotTimer);
    this.snapshotTimer = setTimeout(() => {
      if (this.awaitingSnapshot) this.resync();
    }, SNAPSHOT_WAIT_MS);
    clearTimeout(this.offlineTimer);
    this.offlineTimer = null;
    this.reportLost();
    if (this.offline) {
      this.offline = false;
      this.onOnline();
    }
  }

  armOfflineTimer() {
    if (this.offlineTimer || this.offline) return;
    this.offlineTimer = setTimeout(() => {
      this.offlineTimer = null;
      if (this.socket && this.socket.connected) return;
      this.offline = true;
      this.noteLost();
      this.onOffline(this.state);
    }, this.offlineAfterMs);
  }

  // Since when this screen has shown its offline view, kept across reloads until
  // the hub is told (the hub's own outage incident lists what each screen saw).
  get lostKey() {
    return `hallq:${this.cacheKey}:hub-lost`;
  }

  noteLost() {
    if (!this.cacheKey || !this.heartbeat) return;
    try {
      if (!localStorage.getItem(this.lostKey)) localStorage.setItem(this.lostKey, new Date().toISOString());
    } catch {
      // without storage the hub's incident just lacks this screen's report
    }
  }

  reportLost() {
    if (!this.cacheKey || !this.heartbeat) return;
    try {
      const since = localStorage.getItem(this.lostKey);
      if (!since) return;
      this.socket.emit("device:heartbeat", { offline_since: since });
      localStorage.removeItem(this.lostKey);
    } catch {
      // nothing to report
    }
  }

  // `requested`: the answer to this client's state:request. The hub's snapshot after a
  // connect is always applied (a hub restored from a backup may be behind the screen).
  applySnapshot(snapshot, { fromCache = false, requested = false } = {}) {
    if (requested && !this.awaitingSnapshot && snapshot.seq < this.seq) return;
    this.state = snapshot;
    this.seq = fromCache ? -1 : snapshot.seq;
    if (fromCache) {
      this.onState(snapshot, { fromCache });
      return;
    }
    this.resyncs += 1;
    this.save();
    this.awaitingSnapshot = false;
    this.onState(snapshot, { fromCache });
    const waiting = [...this.held.values()].sort((a, b) => a[1].seq - b[1].seq);
    this.held.clear();
    this.stopGapWait();
    for (const [name, payload] of waiting) this.receive(name, payload);
  }

  receive(name, payload) {
    if (typeof payload.seq !== "number") {
      this.onEvent(name, payload, this.state);
      return;
    }
    if (this.awaitingSnapshot) {
      if (this.held.size < MAX_HELD) this.held.set(payload.seq, [name, payload]);
      return;
    }
    if (payload.seq <= this.seq) return; // already reflected (a late emit, or in the snapshot)
    if (payload.seq !== this.seq + 1) {
      this.hold(name, payload);
      return;
    }
    this.apply(name, payload);
    // The events that waited for this one follow it.
    for (let next = this.held.get(this.seq + 1); next; next = this.held.get(this.seq + 1)) {
      this.held.delete(this.seq + 1);
      this.apply(...next);
    }
    if (!this.held.size) this.stopGapWait();
  }

  // An event after a gap waits for the missing ones, `GAP_WAIT_MS` at most.
  hold(name, payload) {
    if (this.held.size >= MAX_HELD) {
      this.resync();
      return;
    }
    this.held.set(payload.seq, [name, payload]);
    if (this.gapTimer) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      if (this.held.size) this.resync();
    }, GAP_WAIT_MS);
  }

  stopGapWait() {
    clearTimeout(this.gapTimer);
    this.gapTimer = null;
  }

  apply(name, payload) {
    this.seq = payload.seq;
    if (this.state) {
      this.state.seq = payload.seq;
      if (name === "queue:changed") {
        Object.assign(this.state, { mode: payload.mode, services: payload.services, windows: payload.windows });
      } else if (name === "ticket:called") {
        const calls = this.state.recent_calls || [];
        calls.unshift({ number: payload.number, window: payload.window, service: payload.service,
          recall: payload.recall, green: payload.green, seq: payload.seq, at: new Date().toISOString() });
        this.state.recent_calls = calls.slice(0, 10);
        // The window holds the called number from now on (the queue:changed that follows says so too).
        const held = (this.state.windows || []).find((entry) => entry.n === payload.window);
        if (held) held.current = payload.number;
      } else if (name === "hall:mode") {
        this.state.mode = payload.mode;
      } else if (name === "notice:posted") {
        const notices = (this.state.notices || []).filter((notice) => notice.id !== payload.id);
        notices.push({
          id: payload.id, text_zh: payload.text_zh, text_en: payload.text_en, incident: payload.incident, mode: payload.mode,
        });
        this.state.notices = notices;
      } else if (name === "notice:removed") {
        this.state.notices = (this.state.notices || []).filter((notice) => notice.id !== payload.id);
      } else if (name === "device:status" && payload.device) { // phones get only its seq
        const devices = this.state.devices || (this.state.devices = []);
        const known = devices.find((device) => device.id === payload.device);
        // Keep what the snapshot knew (name, printer); the event brings the health.
        if (known) Object.assign(known, { status: payload.status, failed: payload.failed });
        else devices.push({ id: payload.device, kind: payload.kind, status: payload.status, failed: payload.failed });
      }
      this.save();
    }
    this.onEvent(name, payload, this.state);
    // Incidents (their modes, an outage's deadline extension) and the hall's
    // configuration come with snapshots only; an outage's notice rewritten by the
    // hub means its extension moved.
    if (name === "incident:changed" || name === "hall:configured"
        || (name === "notice:posted" && payload.incident != null)) this.resync();
  }

  resync() {
    if (!this.socket || !this.socket.connected) return;
    this.socket.timeout(5000).emit("state:request", {}, (error, snapshot) => {
      if (!error && snapshot) this.applySnapshot(snapshot, { requested: true });
    });
  }

  check() {
    if (!this.socket || !this.socket.connected) return;
    this.socket.timeout(5000).emit("state:check", {}, (error, answer) => {
      if (!error && answer && answer.seq !== this.seq) this.resync();
    });
  }

  save() {
    if (!this.cacheKey || !this.state) return;
    try {
      localStorage.setItem(`hallq:${this.cacheKey}`, JSON.stringify(this.state));
    } catch {
      // A full or disabled storage only costs the offline cache.
    }
  }
}

const COMMAND_TIMEOUT_MS = 10000;

// JSON commands over HTTP with the session cookie, CSRF header and an idempotency key.
// A hub that does not answer within 10 s is reported like a network failure
// (status 0), so a screen never stays busy on a hung request.
export async function command(path, body = null, { key = null, method = "POST" } = {}) {
  const token = document.querySelector('meta[name="csrf-token"]');
  const headers = { "Content-Type": "application/json", "Accept-Language": document.documentElement.lang || "zh" };
  if (token) headers["X-CSRFToken"] = token.content;
  if (key) headers["Idempotency-Key"] = key;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), COMMAND_TIMEOUT_MS);
  try {
    const response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === null ? undefined : JSON.stringify(body),
      signal: abort.signal,
    });
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    return { ok: response.ok, status: response.status, data };
  } catch {
    return { ok: false, status: 0, data: null };
  } finally {
    clearTimeout(timer);
  }
}

export function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

// Remembers across a reload that the hub was unreachable, and since when, so a
// page reloaded during an outage shows its offline view at once.
export class OfflineMemory {
  constructor(cacheKey) {
    this.key = `hallq:${cacheKey}:offline-since`;
  }

  since() {
    try {
      const value = localStorage.getItem(this.key);
      return value ? new Date(value) : null;
    } catch {
      return null;
    }
  }

  remember(at = new Date()) {
    if (this.since()) return; // keep the first moment: it is "offline since"
    try {
      localStorage.setItem(this.key, at.toISOString());
    } catch {
      // Without storage a reload during an outage shows the offline view a few seconds later.
    }
  }

  forget() {
    try {
      localStorage.removeItem(this.key);
    } catch {
      // nothing to forget
    }
  }
}

// Register the service worker that keeps pages loadable while the hub is down,
// and fetch this page, its scripts and styles (and `extra` URLs) through it: on
// a first visit they were loaded before the worker existed, and the worker only
// keeps what passes through it. Resolves true once every copy is stored;
// `<html data-offline-ready>` says so too (tests read it).
export async function registerOfflineCache(extra = []) {
  if (!("serviceWorker" in navigator)) return false;
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) =>
      navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }));
  }
  const urls = [...new Set([
    location.pathname + location.search,
    ...Array.from(document.querySelectorAll("script[src]"), (script) => script.src),
    ...Array.from(document.querySelectorAll('link[rel="stylesheet"]'), (link) => link.href),
    ...performance.getEntriesByType("resource")
      .map((entry) => entry.name)
      .filter((url) => url.startsWith(location.origin) && /\.(js|css)(\?|$)/.test(url)),
    ...extra,
  ])];
  await Promise.all(urls.map((url) => fetch(url, { credentials: "same-origin" }).catch(() => null)));
  // The worker stores a copy after it has answered; wait until every copy is there.
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const stored = await Promise.all(urls.map((url) => caches.match(url)));
    if (stored.every(Boolean)) {
      document.documentElement.dataset.offlineReady = "true";
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

// Drop one URL from the offline cache (a ticket's QR code must not pile up on a kiosk).
export async function forgetCached(url) {
  if (!("caches" in window)) return;
  const absolute = new URL(url, location.href).href;
  for (const name of await caches.keys()) {
    await (await caches.open(name)).delete(absolute);
  }
}
