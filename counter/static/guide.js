// The guide desk (导税台): /counter/guide.
//
// Issues tickets for taxpayers who can't use the kiosk (without printing in paper
// mode), shows the queue and the windows, and at the desk's tabs: registers paper
// tickets as they are handed out (paper.js), records questions to answer later
// (followups.js), and puts a returning no-show back in the queue (过号重排).
// A double press issues one ticket: one request at a time, a second press of the
// same button within PRESS_GUARD_MS is ignored, and a request whose answer was
// lost is retried with the same Idempotency-Key (Sender in staff.js).

import {
  HallClient, OfflineMemory, command, newKey, readConfig, registerOfflineCache,
} from "/static/hallq-client.js";
import {
  $, MessageLine, Sender, clock, element, fill, normaliseNumber, localName, showHallStatus, showLink, windowLabel,
} from "/static/counter/staff.js";
import { paperTickets } from "/static/hallmode.js";
import { FollowUps } from "/static/counter/followups.js";
import { PaperDesk } from "/static/counter/paper.js";

const config = readConfig();
const T = config.text;
const PRESS_GUARD_MS = 800;
const printStates = new Map(); // the last print:status of recent tickets, by number

const view = { hall: null, mode: null, paper: false, offline: false, pressedAt: {}, tab: null };
const messages = new MessageLine($("message"));
const offlineMemory = new OfflineMemory(config.cacheKey);
const sender = new Sender({ T, messages, command, newKey });
const send = (path, body) => sender.send(path, body);
const paper = new PaperDesk({ T, sender, messages, hall: () => view.hall });
const followUps = new FollowUps({ T, sender, messages, staff: Boolean(config.user) });

function guarded(name) {
  const now = Date.now();
  if (sender.busy || view.offline || now - (view.pressedAt[name] || 0) < PRESS_GUARD_MS) return false;
  view.pressedAt[name] = now;
  return true;
}

// ---- issue a ticket ----------------------------------------------------------------

function issueBody(service) {
  const body = { service, green: $("issue-green").checked, print: $("issue-print").checked };
  const phone = $("issue-phone").value.replace(/\s+/g, "");
  const taxpayer = $("issue-taxpayer").value.replace(/\s+/g, "").toUpperCase();
  if (phone) body.phone = phone;
  if (taxpayer) body.taxpayer_id = taxpayer;
  return body;
}

function markInvalid(code) {
  const fields = { phone: $("issue-phone"), taxpayer_id: $("issue-taxpayer") };
  for (const [name, field] of Object.entries(fields)) {
    const wrong = Boolean(code) && code.startsWith(`${name}.`);
    field.setAttribute("aria-invalid", String(wrong));
    if (wrong) field.focus();
  }
}

async function issue(service, button) {
  if (!guarded(`issue:${service}`)) return;
  button.classList.add("pressed");
  messages.info(T.issuing);
  const answer = await send("/api/v1/tickets", issueBody(service));
  button.classList.remove("pressed");
  if (!answer) return;
  markInvalid(answer.ok ? null : answer.data?.error);
  if (!answer.ok) return;
  showResult(answer.data);
  messages.info(fill(T.issued, { number: answer.data.number }));
  // The next taxpayer starts from an empty form.
  resetForm();
}

function resetForm() {
  $("issue-form").reset();
  // While paper tickets are in use the desk hands them out: issuing does not print by default.
  $("issue-print").checked = !paperTickets(view.hall);
}

// Paper tickets: no ticket printer works, so the desk issues without printing and says so.
function showPaperNote() {
  const paperMode = paperTickets(view.hall);
  $("issue-paper-note").hidden = !paperMode;
  $("issue-paper-note").textContent = paperMode ? T.modeNote : "";
  $("issue-hint").hidden = paperMode;
}

function showResult(ticket) {
  const service = (view.hall?.services || []).find((item) => item.code === ticket.service);
  $("result").hidden = false;
  $("result-number").textContent = ticket.number;
  $("result-service").textContent = service ? localName(service) : ticket.service;
  $("result-ahead").textContent = ticket.ahead ? fill(T.ahead, { count: ticket.ahead }) : T.aheadNone;
  $("result-estimate").textContent = ticket.estimated_wait_min === null ? T.noWindow
    : ticket.ahead ? fill(T.estimate, { minutes: ticket.estimated_wait_min }) : "";
  $("result-green").hidden = !ticket.green;
  // The printer may have answered before the issue's own answer came back.
  showPrintState(printStates.get(ticket.number) || ticket.print_state);
}

function showPrintState(state) {
  const print = $("result-print");
  print.dataset.state = state;
  print.textContent = T.printStates[state] || state;
}

// print:status {number, state}: the desk printer printed a ticket, or failed to.
function printStatus({ number, state }) {
  printStates.set(number, state);
  if (printStates.size > 20) printStates.delete(printStates.keys().next().value);
  if (number === $("result-number").textContent && !$("result").hidden) showPrintState(state);
}

$("issue-form").addEventListener("submit", (event) => event.preventDefault());
$("issue-services").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-service]");
  if (button) issue(button.dataset.service, button);
});

// ---- requeue a returning no-show ----------------------------------------------------

$("requeue-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const field = $("requeue-number");
  if (!field.value.trim()) return;
  const number = normaliseNumber(field.value);
  if (!number) {
    messages.warn(fill(T.notANumber, { text: field.value.trim() }));
    return;
  }
  if (!guarded("requeue")) return;
  const answer = await send(`/api/v1/tickets/${encodeURIComponent(number)}/requeue`, null);
  if (answer && answer.ok) {
    messages.info(fill(T.requeued, { number: answer.data.number, count: answer.data.ahead }));
    field.value = "";
  }
});

// ---- 预约签到: a booked taxpayer's ticket -----------------------------------------------

$("checkin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const field = $("checkin-code");
  const code = field.value.replace(/\s+/g, "");
  if (!code || !guarded("checkin")) return;
  const answer = await send("/api/v1/appointments/check-in", { code, print: $("issue-print").checked });
  if (answer && answer.ok) {
    showResult(answer.data);
    const booking = answer.data.booking;
    messages.info(fill(booking.late ? T.checkedInLate : T.checkedIn, { number: answer.data.number }));
    field.value = "";
  }
});

// ---- the desk's tabs: paper tickets, follow-ups, requeue, check-in ----------------------

const TABS = ["paper", "follow-ups", "requeue", "checkin"];

function showTab(name, { focus = false } = {}) {
  view.tab = name;
  for (const tab of TABS) {
    const button = $(`tab-${tab}`);
    button.setAttribute("aria-selected", String(tab === name));
    button.tabIndex = tab === name ? 0 : -1;
    $(`panel-${tab}`).hidden = tab !== name;
  }
  if (focus) $(`tab-${name}`).focus();
}

for (const tab of TABS) $(`tab-${tab}`).addEventListener("click", () => showTab(tab));
// Arrow keys move between the tabs (the usual tab-list keys).
document.querySelector(".tabs").addEventListener("keydown", (event) => {
  const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
  if (!step) return;
  event.preventDefault();
  const next = TABS[(TABS.indexOf(view.tab) + step + TABS.length) % TABS.length];
  showTab(next, { focus: true });
});

// ---- drawing ------------------------------------------------------------------------------

function renderServices() {
  const services = view.hall?.services || [];
  const container = $("issue-services");
  const buttons = services.map((service) =>
    element(
      "button",
      { className: "service-button", attrs: { type: "button", "data-service": service.code } },
      element("span", { className: "service-button__prefix", text: service.prefix }),
      element("span", { className: "service-button__name", text: localName(service) }),
      element("span", {
        className: "service-button__queue",
        text: service.estimated_wait_min === null
          ? `${fill(T.waitingCount, { count: service.waiting })} · ${T.noWindow}`
          : service.waiting
            ? `${fill(T.waitingCount, { count: service.waiting })} · ${fill(T.estimate, { minutes: service.estimated_wait_min })}`
            : T.noWait,
      }),
    ),
  );
  // Keep the focused button focused across redraws (the queue changes often).
  const focused = document.activeElement?.dataset?.service;
  container.replaceChildren(...buttons);
  if (focused) container.querySelector(`[data-service="${CSS.escape(focused)}"]`)?.focus();
}

function renderWindows() {
  $("windows").replaceChildren(...windowItems());
  // The offline view shows the last state the hub sent (HallClient's cache after a reload).
  $("offline-windows").replaceChildren(...windowItems());
}

function windowItems() {
  return (view.hall?.windows || []).map((window) =>
    element(
      "li",
      { className: "windows__item", attrs: { "data-state": window.state, "data-window": String(window.n) } },
      element("span", { className: "windows__name", text: windowLabel(window, T) }),
      element("span", {
        className: "windows__current",
        text: window.state === "closed" ? T.windowStates.closed : window.current || T.windowFree,
      }),
      window.state === "paused" ? element("span", { className: "windows__state", text: T.windowStates.paused }) : null,
    ),
  );
}

function render() {
  if (!view.hall) return;
  document.body.dataset.ready = "true"; // the service buttons are there (tests wait for it)
  const paperInUse = paperTickets(view.hall);
  if (view.hall.mode !== view.mode || paperInUse !== view.paper) {
    // Paper tickets starting or ending change whether the desk prints by default,
    // and while they are in use registering them is the desk's main job.
    view.mode = view.hall.mode;
    view.paper = paperInUse;
    $("issue-print").checked = !paperInUse;
    if (paperInUse) showTab("paper");
    followUps.defaultReason(view.mode);
  }
  $("hall-name").textContent = localName(view.hall.hall);
  showHallStatus(view.hall, T, view.offline);
  showPaperNote();
  renderServices();
  renderWindows();
  paper.drawServices();
}

// ---- offline ------------------------------------------------------------------------------

function goOffline() {
  if (view.offline) return;
  view.offline = true;
  offlineMemory.remember();
  document.body.classList.add("is-offline");
  $("offline").hidden = false;
  $("offline-since").textContent = fill(T.since, { time: clock(offlineMemory.since()) });
  showLink("offline");
  if (view.hall) showHallStatus(view.hall, T, true);
}

function goOnline() {
  if (!view.offline) return;
  view.offline = false;
  offlineMemory.forget();
  document.body.classList.remove("is-offline");
  $("offline").hidden = true;
  messages.info(T.reconnected);
}

const client = new HallClient({
  namespace: config.namespace,
  cacheKey: config.cacheKey,
  offlineAfterMs: config.offlineAfterMs,
  checkEveryMs: config.checkEveryMs,
  onState: (state, { fromCache }) => {
    view.hall = state;
    if (!fromCache) {
      showLink("online");
      goOnline();
      paper.load();
      followUps.load();
    }
    render();
  },
  onEvent: (name, payload) => {
    if (name === "print:status") printStatus(payload);
    if (name === "worklist:changed") followUps.changed(payload);
    if (name === "ticket:issued" && payload.channel === "paper") paper.load(); // registered elsewhere
    else if (["ticket:called", "ticket:changed"].includes(name)) paper.loadSoon();
    render();
  },
  onOffline: () => goOffline(),
  onOnline: () => showLink("online"),
});

// A reload during an outage: straight back to the offline view.
if (offlineMemory.since()) goOffline();
showTab("requeue");
client.start();
client.socket.on("disconnect", () => {
  if (!view.offline) showLink("connecting");
});
registerOfflineCache().catch(() => {});
