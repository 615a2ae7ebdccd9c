// The ticket kiosk (SPEC §5, §7): big service buttons with live waiting counts,
// an optional phone / taxpayer ID on an on-screen keypad, the green channel,
// the ticket on screen with its QR code and print outcome — and what the
// hall's state means for a taxpayer standing here: the paper-ticket screen,
// this kiosk's printer being out, an outage's notice and routes, the hours,
// the offline view when the hub cannot be reached. What the state means is
// worked out in hallview.js and drawn on the start screen by start.js.
//
// Five screens: "start" (services), "details" (the second step after a tap: the
// ticket at once with one big button, or a phone number / taxpayer ID typed on
// the keypad first), "checkin" (预约取号: a booking's code, or its phone and the ID's
// last four), "ticket", and "guide" (a business the self-service area does during
// an outage: no ticket). One visit — from the start screen to the
// ticket — sends one Idempotency-Key, whatever the taps and retries, so a
// double or triple tap makes one ticket.

import {
  HallClient, OfflineMemory, command, newKey, readConfig, registerOfflineCache,
} from "/static/hallq-client.js";
import { clockText, fill } from "./common.js";
import { CLOSED_RECHECK_MS, dayStatus } from "./hallview.js";
import { CHECK_IN, Keypad } from "./keypad.js";
import { StartScreen, serviceNames } from "./start.js";
import { drawPrintState, drawTicket } from "./ticket.js";

const config = readConfig();
const texts = config.texts;
const english = config.lang === "en";
const $ = (id) => document.getElementById(id);

// After a screen changes, its buttons ignore touches for a moment: the second
// tap of a double tap would otherwise press whatever is now under the finger.
const TAP_SHIELD_MS = 600;
// A hub that does not answer a tap in this time counts as a failed request;
// retrying with the same key is safe.
const REQUEST_TIMEOUT_MS = 8000;

// Events after which the start screen is drawn again from the client's state.
const REDRAWS = new Set(["queue:changed", "hall:mode", "notice:posted", "notice:removed", "device:status"]);

const visit = { key: newKey(), green: false, service: null, busy: false, ticket: null, phone: "" };
let screen = "start";
let idleDeadline = 0;
let offlineShown = false;
let hubOffsetMs = 0; // the hub's clock minus this PC's, from the last snapshot
let dayCheckAt = 0;
let drawn = { day: null, start: "services", printerOut: false, unknownNotices: false };
// The print outcome of the latest tickets: a fast printer reports before the
// kiosk has the hub's answer to the tap.
const printStates = new Map();
const offlineMemory = new OfflineMemory(config.cacheKey);
const keypad = new Keypad($("screen-details"), { onInput: () => drawConfirm() });
const checkinPad = new Keypad($("screen-checkin"), { fields: CHECK_IN, onInput: () => drawConfirm() });
const startScreen = new StartScreen(config);

// --- screens and inactivity ---------------------------------------------------

function show(name) {
  screen = name;
  document.body.dataset.screen = name;
  for (const section of document.querySelectorAll(".k-screen")) {
    section.hidden = section.dataset.screen !== name;
  }
  const current = document.querySelector(`.k-screen[data-screen="${name}"]`);
  current.inert = true;
  setTimeout(() => { current.inert = false; }, TAP_SHIELD_MS);
  armIdle();
}

function armIdle() {
  let seconds = config.idleSeconds[screen] ?? 60;
  // A taxpayer whose ticket did not print needs time to write the number down.
  if (screen === "ticket" && $("screen-ticket").dataset.print === "failed") seconds *= 2;
  idleDeadline = Date.now() + seconds * 1000;
}

function idleTick() {
  const left = idleDeadline - Date.now();
  const countdown = { ticket: "ticket-countdown", guide: "guide-countdown" }[screen];
  if (countdown) $(countdown).textContent = fill(texts.back_in, { seconds: Math.max(0, Math.ceil(left / 1000)) });
  followDay();
  if (left > 0 || visit.busy) return;
  if (english && !client.offline) {
    // The next taxpayer probably reads Chinese; the language switch is one page load.
    location.assign(config.homeUrl);
  } else if (screen === "start" && !visit.green) {
    // Nothing to undo: redrawing would only swallow a tap (the tap shield).
    hideNotice();
    armIdle();
  } else {
    startOver();
  }
}

function startOver() {
  Object.assign(visit, { key: newKey(), green: false, service: null, ticket: null, phone: "" });
  keypad.reset();
  checkinPad.reset();
  hideNotice();
  drawOptions();
  show("start");
  if (offlineMemory.since()) setOffline(true);
}

// --- the hall's day and the start screen --------------------------------------------

function hubNow() {
  return Date.now() + hubOffsetMs;
}

// The hub's clock, not the PC's: a kiosk PC's clock drifts.
function tickClock() {
  $("clock").textContent = clockText(new Date(hubNow()), config.timezone);
}

// Opening, cut-off and closing pass while nobody touches the kiosk: the clock
// moves the start screen on, and the hub is asked to confirm (a new business
// day, which only the hub knows, starts after closing).
function followDay() {
  const state = client.state;
  if (!state || !state.day) return;
  const status = dayStatus(state.day, hubNow());
  const closed = status === "closed" || status === "after_closing";
  if (status !== drawn.day) {
    drawHall(state);
    client.resync();
    dayCheckAt = Date.now() + CLOSED_RECHECK_MS;
  } else if (closed && Date.now() >= dayCheckAt) {
    client.resync();
    dayCheckAt = Date.now() + CLOSED_RECHECK_MS;
  }
}

function drawHall(state) {
  if (!state) return;
  drawn = startScreen.draw(state, { now: hubNow(), busy: visit.busy });
  // A notice of an incident this snapshot does not know yet: ask for a fresh one.
  if (drawn.unknownNotices) client.resync();
  document.body.classList.toggle("is-printer-out", drawn.printerOut);
  drawOptions();
  // Paper mode or the end of issuing came while someone was typing: the
  // ticket would be refused; the start screen says why.
  if (drawn.start !== "services" && ["details", "checkin"].includes(screen) && !visit.busy) startOver();
}

function drawOptions() {
  const sms = document.body.classList.contains("is-printer-out");
  $("green-toggle").setAttribute("aria-pressed", String(visit.green));
  // A kiosk that cannot print offers to text the number instead.
  $("details-help").textContent = sms ? texts.sms_help : texts.details_help;
  document.body.classList.toggle("is-green", visit.green);
  let hint = sms ? texts.hint_sms : texts.hint_plain;
  if (visit.green) hint = texts.hint_green;
  $("start-hint").textContent = hint;
}

// "Done" is for what was typed; with nothing typed the big button above gets the ticket.
function drawConfirm() {
  $("details-confirm").disabled = visit.busy || Object.keys(keypad.filled()).length === 0;
  const typed = checkinPad.values;
  $("checkin-confirm").disabled = visit.busy || !(typed.code.length === 6 || (typed.phone && typed.id_last4.length === 4));
}

function showNotice(text, { title = "", kind = "bad" } = {}) {
  $("notice").dataset.kind = kind;
  $("notice-title").textContent = title;
  $("notice-title").hidden = !title;
  $("notice-text").textContent = text;
  $("notice-text").hidden = !text;
  $("notice").hidden = false;
}

function hideNotice() {
  $("notice").hidden = true;
}

function setBusy(busy) {
  visit.busy = busy;
  document.body.classList.toggle("is-busy", busy);
  for (const button of document.querySelectorAll(".k-svc, .k-option, #details-skip, #details-back, #checkin-back")) {
    button.disabled = busy;
  }
  drawConfirm();
}

// --- the ticket ----------------------------------------------------------------

function serviceByCode(code) {
  return (client.state?.services || []).find((service) => service.code === code);
}

function chooseService(code) {
  if (visit.busy) return;
  visit.service = code;
  const service = serviceByCode(code);
  if (service && service.route === "self_service") {
    showGuide(service);
    return;
  }
  const title = [service ? `${service.prefix} · ${serviceNames(service, english)[0]}` : code];
  if (visit.green) title.push(texts.green);
  $("details-service").textContent = title.join(" · ");
  show("details");
}

function withTimeout(promise, ms) {
  return Promise.race([promise, new Promise((resolve, reject) => setTimeout(() => reject(new Error("timeout")), ms))]);
}

// One request of the visit (a ticket, a check-in), with the visit's key: the answer, or
// null when the hub was unreachable, timed out or did not answer JSON (a retry is safe).
async function send(url, body) {
  setBusy(true);
  hideNotice();
  const slow = setTimeout(() => showNotice(texts.issuing, { kind: "info" }), 400);
  try {
    return await withTimeout(command(url, body, { key: visit.key }), REQUEST_TIMEOUT_MS);
  } catch {
    return null;
  } finally {
    clearTimeout(slow);
    setBusy(false);
  }
}

// `details`: send what was typed on the keypad (the "done" button), or not (the big one).
async function issue({ details }) {
  if (visit.busy || !visit.service) return;
  const body = { service: visit.service, green: visit.green, ...(details ? keypad.filled() : {}) };
  visit.phone = body.phone || "";
  const answer = await send(config.ticketsUrl, body);
  if (answer && answer.ok) {
    hideNotice();
    showTicket(answer.data);
  } else if (answer && answer.data) {
    refused(answer.data.error || "", answer.data.message || texts.network_error);
  } else {
    showNotice(texts.network_error);
  }
}

// 预约取号: the code, or the phone and the ID's last four, as typed.
async function checkIn() {
  if (visit.busy) return;
  const typed = checkinPad.values;
  const body = typed.code ? { code: typed.code } : { phone: typed.phone, id_last4: typed.id_last4 };
  const answer = await send(config.checkInUrl, body);
  if (answer && answer.ok) {
    hideNotice();
    showTicket(answer.data);
    if (answer.data.booking.late) showNotice(texts.checkin_late, { kind: "info" });
  } else if (answer && answer.data) {
    const code = answer.data.error || "";
    if (code === "hall.not_issuing" || code === "hall.paper_mode") refused(code, answer.data.message);
    else checkinPad.showError(answer.data.field || (typed.code ? "code" : "phone"), answer.data.message || texts.network_error);
  } else {
    showNotice(texts.network_error);
  }
}

function refused(code, message) {
  const field = code.split(".")[0];
  if (screen === "details" && (field === "phone" || field === "taxpayer_id")) {
    hideNotice();
    keypad.showError(field, message);
  } else if (code === "route.self_service" && serviceByCode(visit.service)) {
    client.resync(); // the outage began after this screen was drawn
    showGuide(serviceByCode(visit.service));
  } else if (code === "hall.not_issuing" || code === "hall.paper_mode") {
    // The hub knows better than the last snapshot; the start screen follows it.
    client.resync();
    startOver();
    // The hub's wording of the hours is for staff; the start screen says them plainly.
    showNotice(code === "hall.paper_mode" ? message : "", { title: texts.not_issuing });
  } else {
    showNotice(message);
  }
}

function showTicket(ticket) {
  visit.ticket = ticket;
  const asked = serviceByCode(ticket.requested_service || ticket.service);
  const serviceName = asked ? serviceNames(asked, english)[0] : ticket.service;
  drawTicket(ticket, { serviceName, texts, english, qrUrl: config.qrUrl });
  const booked = ticket.booking && !ticket.booking.late;
  $("ticket-booked").hidden = !booked;
  $("ticket-booked").textContent = booked
    ? fill(texts.checkin_slot, { start: ticket.booking.start.slice(11, 16), end: ticket.booking.end.slice(11, 16) })
    : "";
  show("ticket");
  showPrintState(printStates.get(ticket.number) || ticket.print_state);
}

function printed({ number, state }) {
  printStates.set(number, state);
  if (printStates.size > 20) printStates.delete(printStates.keys().next().value);
  if (visit.ticket && visit.ticket.number === number) showPrintState(state);
}

// The API's answer calls it first; `print:status` events from the print agent again.
export function showPrintState(state) {
  drawPrintState(state, { texts, phone: visit.phone });
  if (screen === "ticket") armIdle();
}

// An outage sends this business to the self-service terminals: say so, issue nothing.
function showGuide(service) {
  $("guide-service").textContent = serviceNames(service, english)[0];
  show("guide");
}

// --- offline ---------------------------------------------------------------------

function setOffline(offline) {
  if (offline) offlineMemory.remember();
  else offlineMemory.forget();
  // A taxpayer reading their new number keeps it on screen; the offline view
  // follows when the ticket screen times out.
  if (offline && screen === "ticket") return;
  if (offline === offlineShown) return;
  offlineShown = offline;
  document.body.classList.toggle("is-offline", offline);
  $("offline").hidden = !offline;
  if (!offline) startOver();
}

// --- wiring ------------------------------------------------------------------------

const client = new HallClient({
  namespace: config.namespace,
  cacheKey: config.cacheKey,
  offlineAfterMs: config.offlineAfterMs,
  checkEveryMs: config.checkEveryMs,
  onState: (state, { fromCache }) => {
    if (!fromCache && state.now) hubOffsetMs = Date.parse(state.now) - Date.now();
    tickClock();
    drawHall(state);
    if (!fromCache) setOffline(false); // a snapshot from the hub: it is back
  },
  onEvent: (name, payload, state) => {
    if (REDRAWS.has(name)) drawHall(state);
    if (name === "print:status") printed(payload);
  },
  onOffline: () => setOffline(true),
  onOnline: () => setOffline(false),
});

$("services").addEventListener("click", (event) => {
  const button = event.target.closest(".k-svc");
  if (button && !button.disabled) chooseService(button.dataset.service);
});
$("green-toggle").addEventListener("click", () => { visit.green = !visit.green; drawOptions(); });
$("details-skip").addEventListener("click", () => issue({ details: false }));
$("details-confirm").addEventListener("click", () => issue({ details: true }));
$("details-back").addEventListener("click", () => { keypad.hideError(); show("start"); });
$("checkin-open").addEventListener("click", () => { if (!visit.busy) show("checkin"); });
$("checkin-confirm").addEventListener("click", () => checkIn());
$("checkin-back").addEventListener("click", () => { checkinPad.reset(); show("start"); });
$("ticket-done").addEventListener("click", () => startOver());
$("guide-done").addEventListener("click", () => startOver());
document.addEventListener("pointerdown", () => armIdle(), { capture: true });

if (offlineMemory.since()) setOffline(true);
drawOptions();
show("start");
client.start();
setInterval(idleTick, 250);
tickClock();
setInterval(tickClock, 10000);
registerOfflineCache().catch(() => {});
window.hallqKiosk = { showPrintState, visit };
