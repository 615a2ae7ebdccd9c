// The ticket status page on a taxpayer's phone (SPEC §5): number, state,
// people ahead, estimated wait, the window when called, the hall's notices.
//
// It listens to /public and re-reads its own ticket (GET /api/v1/tickets/<token>)
// when an event may have moved it; other taxpayers' events are only a cue to
// re-read, never shown. Only events that can change the people ahead or the
// estimate count: a ticket of the same service issued (a green one goes ahead;
// /public does not say which, SPEC §10), called or changed, a window opened,
// paused or closed. Another service's queue changes nothing here — in a busy
// hall that spares the hub most of the re-reads. Re-reads after other
// people's events wait a random 0–1.5 s, so a hall's phones do not all ask at
// the same instant.
//
// Once a window has finished the ticket (or served it before a transfer), the page asks
// for a rating of that service (好差评, GET/POST /api/v1/tickets/<token>/rating): one per
// window's part, on the national five-level scale, with a reason for 不满意 and below.

import { HallClient, OfflineMemory, readConfig, registerOfflineCache } from "/static/hallq-client.js";
import { shownNotices } from "/static/hallmode.js";
import { aheadText, clockText, estimateText, fill, noticeTexts } from "./common.js";

const config = readConfig();
const texts = config.texts;
const english = config.lang === "en";
const $ = (id) => document.getElementById(id);

const cacheKey = `hallq:ticket:${config.token}`;
const offlineMemory = new OfflineMemory(`ticket:${config.token}`);

let ticket = newest(config.ticket, cached());
let refreshTimer = null;
let notices = ticket.notices || [];

function cached() {
  try {
    return JSON.parse(localStorage.getItem(cacheKey));
  } catch {
    return null;
  }
}

// The page may come from the offline cache, older than what this phone last saw.
function newest(...candidates) {
  return candidates.filter(Boolean).reduce((best, next) => ((next.seq ?? -1) > (best.seq ?? -1) ? next : best));
}

const noticeText = noticeTexts(english);

function draw(previous = null) {
  const classes = document.body.classList;
  for (const name of [...classes]) if (name.startsWith("state-")) classes.remove(name);
  classes.add(`state-${ticket.state}`);
  // An emergency-window ticket names the business it came for: 应急受理 · 纳税申报.
  const requested = (english && ticket.requested_service_name_en) || ticket.requested_service_name;
  const service = (english && ticket.service_name_en) || ticket.service_name;
  $("service").textContent = requested ? `${service} · ${requested}` : service;
  $("number").textContent = ticket.number;
  drawRoute();
  $("state").textContent = texts.states[ticket.state] || ticket.state;
  const atWindow = (ticket.state === "called" || ticket.state === "serving") && ticket.window;
  $("call").hidden = !atWindow;
  $("window").textContent = atWindow ? fill(texts.window, { window: ticket.window }) : "";
  $("queue").hidden = ticket.state !== "waiting";
  $("ahead").textContent = aheadText(texts, ticket.ahead);
  $("estimate").textContent = estimateText(texts, ticket.estimated_wait_min);
  $("estimate").dataset.unserved = String(ticket.estimated_wait_min === null);
  drawMode();
  drawNotices();
  if (ticket.state === "called" && (!previous || previous.state !== "called")) alertCalled();
}

// Where an outage sent this ticket: to the emergency window (same number, same
// place), or — the terminals can do it — to the self-service area.
function drawRoute() {
  const route = ticket.route || "normal";
  const business = (english && ticket.requested_service_name_en) || ticket.requested_service_name || "";
  const sentence = { emergency: fill(texts.route_emergency, { business }), self_service: texts.route_self_service };
  $("route").hidden = !sentence[route];
  $("route").dataset.route = route || "normal";
  $("route").textContent = sentence[route] || "";
}

// The hall's mode, in a sentence that says what it means for someone already holding a ticket.
function drawMode() {
  const sentence = texts.modes[ticket.mode || "normal"];
  $("mode").hidden = !sentence;
  $("mode").dataset.mode = ticket.mode || "normal";
  $("mode").textContent = sentence || "";
}

function drawNotices() {
  const box = $("notices");
  box.replaceChildren(...shownNotices(notices).map(noticeText).filter(Boolean).map((text) => {
    const paragraph = document.createElement("p");
    paragraph.className = "st-notice";
    paragraph.textContent = text;
    return paragraph;
  }));
  box.hidden = box.childElementCount === 0;
}

// Called: flash the page and, where the phone allows it, vibrate.
function alertCalled() {
  document.body.classList.remove("is-flashing");
  void document.body.offsetWidth; // restart the animation on a recall
  document.body.classList.add("is-flashing");
  if (navigator.vibrate) navigator.vibrate([400, 200, 400, 200, 400]);
}

// ---- 好差评: rating each window's service of this ticket ----

const rating = { part: null, reasons: [], level: null, chosen: new Set(), busy: false };

function showRating(parts, reasons) {
  rating.reasons = reasons;
  const open = parts.filter((part) => part.open).pop(); // the earliest still to rate
  const rated = parts.find((part) => part.level !== null);
  if (open && (!rating.part || rating.part.id !== open.id)) {
    rating.part = open;
    rating.level = null;
    rating.chosen = new Set();
    $("other-text").value = "";
    $("phone").value = "";
    $("rate-error").hidden = true;
  }
  if (!open) rating.part = null;
  $("rate").hidden = !open;
  $("rated").hidden = Boolean(open) || !rated;
  if (open) {
    const service = (english && open.service_name_en) || open.service_name;
    $("rate-part").textContent = `${fill(texts.window, { window: open.window })} · ${service}`;
    drawWhy();
  } else if (rated) {
    $("rated-level").textContent = fill(texts.rated, { level: texts.levels[String(rated.level)] });
  }
}

function drawWhy() {
  for (const button of $("levels").querySelectorAll(".st-level")) {
    button.setAttribute("aria-pressed", String(Number(button.dataset.level) === rating.level));
  }
  $("why").hidden = !(rating.level && rating.level <= 2);
  $("reasons").replaceChildren(...rating.reasons.map((reason) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "st-reason";
    button.dataset.reason = reason.code;
    button.setAttribute("aria-pressed", String(rating.chosen.has(reason.code)));
    button.textContent = (english && reason.name_en) || reason.name;
    return button;
  }));
  $("other").hidden = !rating.chosen.has("other");
}

async function loadRating() {
  try {
    const response = await fetch(config.ratingUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) return;
    const answer = await response.json();
    showRating(answer.parts, answer.reasons);
  } catch {
    // The hub is unreachable: the page says so; the rating waits for the next visit.
  }
}

async function sendRating() {
  if (rating.busy || !rating.part || !rating.level) return;
  rating.busy = true;
  const bad = rating.level <= 2;
  const body = {
    part: rating.part.id,
    level: rating.level,
    reasons: bad ? [...rating.chosen] : [],
    text: bad && rating.chosen.has("other") ? $("other-text").value : "",
    phone: bad && $("phone").value.trim() ? $("phone").value.trim() : null,
  };
  try {
    const response = await fetch(config.ratingUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "Accept-Language": config.lang },
      credentials: "same-origin",
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => null);
    if (!response.ok) {
      $("rate-error").textContent = (answer && answer.message) || texts.rate_failed;
      $("rate-error").hidden = false;
      if (response.status === 409) loadRating();
      return;
    }
    loadRating();
  } catch {
    $("rate-error").textContent = texts.rate_failed;
    $("rate-error").hidden = false;
  } finally {
    rating.busy = false;
  }
}

$("levels").addEventListener("click", (event) => {
  const button = event.target.closest(".st-level");
  if (!button) return;
  rating.level = Number(button.dataset.level);
  $("rate-error").hidden = true;
  drawWhy();
  if (rating.level > 2) sendRating();
});
$("reasons").addEventListener("click", (event) => {
  const button = event.target.closest(".st-reason");
  if (!button) return;
  if (rating.chosen.has(button.dataset.reason)) rating.chosen.delete(button.dataset.reason);
  else rating.chosen.add(button.dataset.reason);
  drawWhy();
});
$("submit").addEventListener("click", sendRating);

function apply(fresh) {
  const previous = ticket;
  ticket = fresh;
  notices = fresh.notices || notices;
  try {
    localStorage.setItem(cacheKey, JSON.stringify(fresh));
  } catch {
    // Storage full or disabled: only a reload during an outage loses the latest state.
  }
  $("updated").textContent = fill(texts.updated, { time: clockText(new Date(), config.timezone) });
  draw(previous);
  if (previous.state !== fresh.state) loadRating();
}

async function refresh() {
  refreshTimer = null;
  try {
    const response = await fetch(config.ticketUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (response.ok) apply(await response.json());
  } catch {
    // The hub is unreachable: the socket's offline handling says so.
  }
}

function refreshSoon({ now = false } = {}) {
  if (now) {
    clearTimeout(refreshTimer);
    refresh();
    return;
  }
  if (refreshTimer) return; // one re-read covers a burst of events
  refreshTimer = setTimeout(refresh, Math.random() * config.jitterMs);
}

function onEvent(name, payload, state) {
  if (name === "ticket:called" && payload.number === ticket.number) {
    // Ours: show the window at once, then confirm from the hub.
    apply({ ...ticket, state: "called", window: payload.window, ahead: 0, seq: payload.seq });
    if (payload.recall) alertCalled();
    refreshSoon({ now: true });
  } else if (name === "rating:recorded" && payload.number === ticket.number) {
    loadRating(); // rated on the window's pad
  } else if (payload.number === ticket.number) {
    refreshSoon({ now: true });
  } else if (name === "hall:mode") {
    apply({ ...ticket, mode: payload.mode });
  } else if (ticket.state === "waiting" && mayMoveUs(name, payload)) {
    refreshSoon();
  }
  if (state && Array.isArray(state.notices)) {
    notices = state.notices;
    drawNotices();
  }
}

// The windows' states as last seen: one opening, pausing or closing changes our estimate.
// Unknown until the first queue summary (the public snapshot has no windows), so that
// one counts as a change too.
let windowStates = null;

function mayMoveUs(name, payload) {
  if (name === "queue:changed") {
    const states = (payload.windows || []).map((entry) => `${entry.n}:${entry.state}`).join(",");
    const moved = states !== windowStates;
    windowStates = states;
    return moved;
  }
  if (payload.service !== ticket.service) return false;
  return name === "ticket:issued" || name === "ticket:called" || name === "ticket:changed";
}

function setOffline(offline) {
  if (offline) offlineMemory.remember();
  else offlineMemory.forget();
  document.body.classList.toggle("is-offline", offline);
  $("offline").hidden = !offline;
  const since = offlineMemory.since() || new Date();
  $("offline").textContent = fill(texts.offline_since, { time: clockText(since, config.timezone) });
}

const client = new HallClient({
  heartbeat: false, // a phone is not a device of the hall
  namespace: config.namespace,
  auth: { ticket: config.token },
  offlineAfterMs: config.offlineAfterMs,
  checkEveryMs: config.checkEveryMs,
  // /public sends phones a trimmed snapshot: {seq, mode, notices}.
  onState: (state, { fromCache }) => {
    if (fromCache) return;
    setOffline(false);
    if (Array.isArray(state.notices)) notices = state.notices;
    if (state.mode) ticket = { ...ticket, mode: state.mode };
    drawMode();
    drawNotices();
    refreshSoon(); // a (re)connect: anything may have changed meanwhile
  },
  onEvent,
  // Refused: the ticket is not of today any more (its page shows it expired). No
  // reload: the page itself still has the ticket to show.
  onRefused: () => refresh(),
  onOffline: () => setOffline(true),
  onOnline: () => setOffline(false),
});

if (offlineMemory.since()) setOffline(true);
draw();
loadRating();
$("updated").textContent = fill(texts.updated, { time: clockText(new Date(), config.timezone) });
client.start();
registerOfflineCache();
