// The small screen above a window: its current number and state, huge.
//
// States: calling (a number was called, the taxpayer is on the way), serving
// (service started), free, paused, closed. The hub's snapshot says which
// number a window holds but not whether service has started, so the display
// remembers the `ticket:changed` → serving of its own window's number (until
// the snapshot carries the current ticket's state).

import { HallClient, OfflineMemory, readConfig, registerOfflineCache } from "/static/hallq-client.js";
import { HubClock, fill, fitWidth, flash } from "/static/display/screen.js";

const config = readConfig();
const text = config.text;
const $ = (id) => document.getElementById(id);
const STATES = ["calling", "serving", "free", "paused", "closed"];

const clock = new HubClock(config);
const offline = new OfflineMemory(config.cache_key);
const servingKey = `hallq:${config.cache_key}:serving`;

function servingNumber() {
  try {
    return localStorage.getItem(servingKey);
  } catch {
    return null;
  }
}

function rememberServing(number) {
  try {
    if (number) localStorage.setItem(servingKey, number);
    else localStorage.removeItem(servingKey);
  } catch {
    // a reload then shows "calling" for a ticket already being served
  }
}

// What this window shows: {state, number}.
function view(state) {
  const window_ = (state.windows || []).find((entry) => entry.n === config.window);
  if (!window_) return { state: "closed", number: null };
  if (window_.current) {
    return { state: servingNumber() === window_.current ? "serving" : "calling", number: window_.current };
  }
  if (window_.state === "paused") return { state: "paused", number: null };
  if (window_.state === "closed") return { state: "closed", number: null };
  return { state: "free", number: null };
}

function draw(state) {
  if (!state) return;
  const { state: shown, number } = view(state);
  for (const name of STATES) document.body.classList.toggle(`state-${name}`, name === shown);
  const label = text[`state_${shown}`];
  $("state-first").textContent = label[0];
  $("state-second").textContent = label[1];
  $("number").hidden = !number;
  $("big").hidden = Boolean(number);
  // Without a number the big text is the state: the bar does not say it a second time.
  document.body.classList.toggle("idle", !number);
  // A green-channel number (绿色通道) is marked here too: the calls say which are.
  const green = Boolean(number) && (state.recent_calls || []).some((call) => call.number === number && call.green);
  document.body.classList.toggle("green", green);
  $("green").hidden = !green;
  if (number) {
    $("number").textContent = number;
    fitWidth($("number"));
  } else {
    $("big-first").textContent = label[0];
    $("big-second").textContent = label[1];
  }
}

function showOffline(since) {
  offline.remember(new Date(since));
  document.body.classList.add("offline");
  $("manual").hidden = false;
  $("state").hidden = true;
}

function showOnline() {
  offline.forget();
  document.body.classList.remove("offline");
  $("manual").hidden = true;
  $("state").hidden = false;
}

// The clerk at the window, when the hall shows it: asked again when the window opens or
// closes (another clerk may take it) and after each rating of its services.
let windowState = null;

async function drawClerk() {
  try {
    const response = await fetch(config.clerk_url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const { shown, clerk, month } = await response.json();
    $("clerk").hidden = !shown || !clerk;
    if (!shown || !clerk) return;
    $("clerk-name").textContent = clerk.name;
    $("clerk-number").textContent = clerk.number ? fill(text.staff_number[0], { number: clerk.number }) : "";
    const average = month && month.average;
    $("clerk-stars").textContent = average === null || average === undefined
      ? ""
      : `${text.this_month[0]} ${"★".repeat(Math.round(average))}${"☆".repeat(5 - Math.round(average))} ${average.toFixed(1)}`;
  } catch {
    // the hub is away: the last clerk shown stays
  }
}

function ownState(state) {
  const own = (state.windows || []).find((entry) => entry.n === config.window);
  return own ? own.state : null;
}

function onState(snapshot, { fromCache }) {
  if (!fromCache) {
    showOnline();
    windowState = ownState(snapshot);
    drawClerk();
  }
  draw(snapshot);
}

function onEvent(name, payload, state) {
  if (name === "queue:changed") {
    const now = ownState(state);
    if (now !== windowState && (now === "closed" || windowState === "closed")) drawClerk();
    windowState = now;
  }
  if (name === "rating:recorded" && payload.window === config.window) drawClerk();
  if (name === "ticket:called" && payload.window === config.window) {
    rememberServing(null);
    draw(state);
    flash(document.body, "flash");
    return;
  }
  draw(state);
}

const client = new HallClient({
  namespace: config.namespace,
  cacheKey: config.cache_key,
  offlineAfterMs: config.offline_after_ms,
  checkEveryMs: config.check_every_ms,
  onState,
  onEvent,
  onOffline: () => showOffline(clock.now()),
  onOnline: showOnline,
});

const display = { client, clock, cached: false };
window.hallqDisplay = display;
if (offline.since()) showOffline(offline.since().getTime());
client.start();
client.socket.on("connect", () => clock.sync());
// Straight from the socket, not through the client's seq order: when an event
// arrives after a gap the client drops it and redraws from a snapshot, and the
// snapshot does not say whether service has started.
client.socket.on("ticket:changed", (payload) => {
  if (payload.window !== config.window) return;
  rememberServing(payload.state === "serving" ? payload.number : null);
  draw(client.state);
});
registerOfflineCache(config.precache).then((cached) => { display.cached = cached; });
