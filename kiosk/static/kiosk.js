// The ticket kiosk (SPEC §5): big service buttons with live waiting counts,
// an optional phone / taxpayer ID on an on-screen keypad, the green channel,
// the ticket on screen with its QR code and print outcome, and the offline
// view when the hub cannot be reached.
//
// Three screens: "start" (services), "details" (the keypad, which is also the
// confirm step) and "ticket". One visit — from the start screen to the
// ticket — sends one Idempotency-Key, whatever the taps and retries, so a
// double or triple tap makes one ticket.

import {
  HallClient, OfflineMemory, command, forgetCached, newKey, readConfig, registerOfflineCache,
} from "/static/hallq-client.js";
import { aheadText, clockText, fill, noticeTexts } from "./common.js";
import { Keypad } from "./keypad.js";

const config = readConfig();
const texts = config.texts;
const english = config.lang === "en";
const noticeText = noticeTexts(english);
const $ = (id) => document.getElementById(id);

// After a screen changes, its buttons ignore touches for a moment: the second
// tap of a double tap would otherwise press whatever is now under the finger.
const TAP_SHIELD_MS = 600;
// A hub that does not answer a tap in this time counts as a failed request;
// retrying with the same key is safe.
const REQUEST_TIMEOUT_MS = 8000;
// How long the start screen keeps saying why no ticket was issued; the next
// tap asks the hub again anyway.
const NOT_ISSUING_HOLD_MS = 5 * 60 * 1000;

// Events after which the start screen is drawn again from the client's state.
const REDRAWS = new Set(["queue:changed", "hall:mode", "notice:posted", "notice:removed"]);

const visit = { key: newKey(), green: false, details: false, service: null, busy: false, ticket: null };
let screen = "start";
let idleDeadline = 0;
let notIssuing = null; // {message, until}
let offlineShown = false;
// The print outcome of the latest tickets: a fast printer reports before the
// kiosk has the hub's answer to the tap.
const printStates = new Map();
const offlineMemory = new OfflineMemory(config.cacheKey);
const keypad = new Keypad($("screen-details"));

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
  if (screen === "ticket") {
    $("ticket-countdown").textContent = fill(texts.back_in, { seconds: Math.max(0, Math.ceil(left / 1000)) });
  }
  if (left > 0 || visit.busy) return;
  if (english && !client.offline) {
    // The next taxpayer probably reads Chinese; the language switch is one page load.
    location.assign(config.homeUrl);
  } else if (screen === "start" && !visit.green && !visit.details) {
    // Nothing to undo: redrawing would only swallow a tap (the tap shield).
    hideNotice();
    drawNotIssuing();
    armIdle();
  } else {
    startOver();
  }
}

function startOver() {
  Object.assign(visit, { key: newKey(), green: false, details: false, service: null, ticket: null });
  keypad.reset();
  hideNotice();
  drawOptions();
  show("start");
  drawNotIssuing();
  if (offlineMemory.since()) setOffline(true);
}

// --- drawing the hall ------------------------------------------------------------

function names(service) {
  const zh = service.name;
  const en = service.name_en || service.name;
  return english ? [en, zh] : [zh, en];
}

function serviceButton(code) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "k-svc";
  button.dataset.service = code;
  button.innerHTML = `<span class="k-svc-prefix"></span>
    <span class="k-svc-names"><span class="k-svc-name"></span><span class="k-svc-name-other"></span></span>
    <span class="k-svc-wait"><span class="k-svc-waiting"></span><span class="k-svc-estimate"></span></span>`;
  return button;
}

function drawServices(services) {
  const box = $("services");
  const wanted = new Set(services.map((service) => service.code));
  for (const button of [...box.children]) {
    if (!wanted.has(button.dataset.service)) button.remove();
  }
  for (const service of services) {
    const button = box.querySelector(`[data-service="${CSS.escape(service.code)}"]`) || serviceButton(service.code);
    const [primary, other] = names(service);
    button.querySelector(".k-svc-prefix").textContent = service.prefix;
    button.querySelector(".k-svc-name").textContent = primary;
    button.querySelector(".k-svc-name-other").textContent = other === primary ? "" : other;
    button.querySelector(".k-svc-waiting").textContent = fill(texts.waiting, { count: service.waiting });
    button.querySelector(".k-svc-estimate").textContent = service.waiting > 0
      ? fill(texts.wait_minutes, { minutes: service.estimated_wait_min })
      : texts.wait_none;
    button.disabled = visit.busy;
    box.append(button); // appending an existing button moves it: the hub's order wins
  }
  box.dataset.count = String(services.length);
}

function drawHall(state) {
  if (!state) return;
  if (state.hall) {
    const [primary, other] = english ? [state.hall.name_en, state.hall.name] : [state.hall.name, state.hall.name_en];
    $("hall-name").textContent = primary || other || "";
    $("hall-name-other").textContent = primary ? other || "" : "";
  }
  drawServices(state.services || []);
  drawNotices(state.notices || []);
  const banner = $("mode-banner");
  const mode = state.mode || "normal";
  banner.hidden = mode === "normal";
  banner.textContent = fill(texts.mode, { mode: texts.modes[mode] || mode });
}

// The hall's notices (an outage, a filing-deadline extension), in the screen's language.
function drawNotices(notices) {
  const box = $("notices");
  box.replaceChildren(...notices.map(noticeText).filter(Boolean).map((text) => {
    const line = document.createElement("p");
    line.textContent = text;
    return line;
  }));
  box.hidden = box.childElementCount === 0;
}

function drawOptions() {
  $("green-toggle").setAttribute("aria-pressed", String(visit.green));
  $("details-toggle").setAttribute("aria-pressed", String(visit.details));
  document.body.classList.toggle("is-green", visit.green);
  let hint = texts.hint_plain;
  if (visit.details) hint = visit.green ? `${texts.green} · ${texts.hint_details}` : texts.hint_details;
  else if (visit.green) hint = texts.hint_green;
  $("start-hint").textContent = hint;
}

function showNotice(text, { title = "", kind = "bad" } = {}) {
  $("notice").dataset.kind = kind;
  $("notice-title").textContent = title;
  $("notice-title").hidden = !title;
  $("notice-text").textContent = text;
  $("notice").hidden = false;
}

function hideNotice() {
  $("notice").hidden = true;
}

function drawNotIssuing() {
  if (notIssuing && notIssuing.until < Date.now()) notIssuing = null;
  if (notIssuing && screen === "start") {
    showNotice(`${notIssuing.message} ${texts.not_issuing_help}`, { title: texts.not_issuing });
  }
}

function setBusy(busy) {
  visit.busy = busy;
  document.body.classList.toggle("is-busy", busy);
  for (const button of document.querySelectorAll(".k-svc, .k-option, #details-confirm, #details-back")) {
    button.disabled = busy;
  }
}

// --- the ticket ----------------------------------------------------------------

function serviceByCode(code) {
  return (client.state?.services || []).find((service) => service.code === code);
}

function chooseService(code) {
  if (visit.busy) return;
  visit.service = code;
  if (!visit.details) {
    issue();
    return;
  }
  const service = serviceByCode(code);
  const title = [service ? `${service.prefix} · ${names(service)[0]}` : code];
  if (visit.green) title.push(texts.green);
  $("details-service").textContent = title.join(" · ");
  show("details");
}

function withTimeout(promise, ms) {
  return Promise.race([promise, new Promise((resolve, reject) => setTimeout(() => reject(new Error("timeout")), ms))]);
}

async function issue() {
  if (visit.busy || !visit.service) return;
  setBusy(true);
  hideNotice();
  const slow = setTimeout(() => showNotice(texts.issuing, { kind: "info" }), 400);
  const body = { service: visit.service, green: visit.green, ...(visit.details ? keypad.filled() : {}) };
  let answer = null;
  try {
    answer = await withTimeout(command(config.ticketsUrl, body, { key: visit.key }), REQUEST_TIMEOUT_MS);
  } catch {
    answer = null; // unreachable, timed out, or not JSON: the same key makes a retry safe
  } finally {
    clearTimeout(slow);
    setBusy(false);
  }
  if (answer && answer.ok) {
    hideNotice();
    notIssuing = null;
    showTicket(answer.data);
  } else if (answer && answer.data) {
    refused(answer.data.error || "", answer.data.message || texts.network_error);
  } else {
    showNotice(texts.network_error);
  }
}

function refused(code, message) {
  const field = code.split(".")[0];
  if (screen === "details" && (field === "phone" || field === "taxpayer_id")) {
    hideNotice();
    keypad.showError(field, message);
  } else if (code === "hall.not_issuing") {
    notIssuing = { message, until: Date.now() + NOT_ISSUING_HOLD_MS };
    startOver();
  } else {
    showNotice(message);
  }
}

function showTicket(ticket) {
  visit.ticket = ticket;
  const service = serviceByCode(ticket.service);
  $("ticket-service").textContent = service ? names(service)[0] : ticket.service;
  $("ticket-green").hidden = !ticket.green;
  $("ticket-number").textContent = ticket.number;
  $("ticket-ahead").textContent = aheadText(texts, ticket.ahead);
  $("ticket-estimate").textContent = ticket.estimated_wait_min > 0
    ? fill(texts.estimate, { minutes: ticket.estimated_wait_min })
    : texts.estimate_none;
  const qr = config.qrUrl.replace("TOKEN", encodeURIComponent(ticket.token));
  $("ticket-qr").onload = () => forgetCached(qr).catch(() => {});
  $("ticket-qr").src = qr;
  show("ticket");
  showPrintState(printStates.get(ticket.number) || ticket.print_state);
}

function printed({ number, state }) {
  printStates.set(number, state);
  if (printStates.size > 20) printStates.delete(printStates.keys().next().value);
  if (visit.ticket && visit.ticket.number === number) showPrintState(state);
}

// What became of the printout: "printed", "failed", or not known yet
// ("none"/"pending"). The API's answer calls it first; `print:status` events
// from the print agent call it again.
export function showPrintState(state) {
  const kind = state === "printed" || state === "failed" ? state : "pending";
  $("screen-ticket").dataset.print = kind;
  $("print-message").textContent = texts.print[kind];
  if (screen === "ticket") armIdle();
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
$("details-toggle").addEventListener("click", () => { visit.details = !visit.details; drawOptions(); });
$("details-confirm").addEventListener("click", () => issue());
$("details-back").addEventListener("click", () => { keypad.hideError(); show("start"); });
$("ticket-done").addEventListener("click", () => startOver());
document.addEventListener("pointerdown", () => armIdle(), { capture: true });

if (offlineMemory.since()) setOffline(true);
drawOptions();
show("start");
client.start();
setInterval(idleTick, 250);
const tickClock = () => { $("clock").textContent = clockText(); };
tickClock();
setInterval(tickClock, 10000);
registerOfflineCache().catch(() => {});
window.hallqKiosk = { showPrintState, visit };
