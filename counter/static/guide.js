// The guide desk (导税台): /counter/guide.
//
// Issues tickets for taxpayers who can't use the kiosk, shows the queue and the
// windows, and puts a returning no-show back in the queue (过号重排). A double
// press issues one ticket: one request at a time, a second press of the same
// button within PRESS_GUARD_MS is ignored, and a request whose answer was lost
// is retried with the same Idempotency-Key.

import {
  HallClient, OfflineMemory, command, newKey, readConfig, registerOfflineCache,
} from "/static/hallq-client.js";
import {
  $, MessageLine, clock, element, fill, normaliseNumber, localName, showLink, showMode, windowLabel,
} from "/static/counter/staff.js";

const config = readConfig();
const T = config.text;
const PRESS_GUARD_MS = 800;

const view = { hall: null, mode: null, busy: false, offline: false, retry: null, pressedAt: {} };
const messages = new MessageLine($("message"));
const offlineMemory = new OfflineMemory(config.cacheKey);

// A command with the retry rule: the same request after a lost answer reuses its key.
async function send(path, body) {
  const text = `${path} ${JSON.stringify(body)}`;
  const key = view.retry && view.retry.text === text ? view.retry.key : newKey();
  view.busy = true;
  try {
    const answer = await command(path, body, { key });
    view.retry = null;
    if (answer.status === 401) {
      // The session is gone (logged out elsewhere, token revoked): log in again, then back here.
      location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
      return null;
    }
    if (!answer.ok) messages.error(answer.data?.message || fill(T.refused, { status: answer.status }));
    return answer;
  } catch {
    view.retry = { text, key };
    messages.error(T.noAnswer);
    return null;
  } finally {
    view.busy = false;
  }
}

function guarded(name) {
  const now = Date.now();
  if (view.busy || view.offline || now - (view.pressedAt[name] || 0) < PRESS_GUARD_MS) return false;
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
  // In paper mode the desk hands out paper tickets: issuing should not print by default.
  $("issue-print").checked = view.hall?.mode !== "paper";
}

function showResult(ticket) {
  const service = (view.hall?.services || []).find((item) => item.code === ticket.service);
  $("result").hidden = false;
  $("result-number").textContent = ticket.number;
  $("result-service").textContent = service ? localName(service) : ticket.service;
  $("result-ahead").textContent = ticket.ahead ? fill(T.ahead, { count: ticket.ahead }) : T.aheadNone;
  $("result-estimate").textContent = ticket.ahead ? fill(T.estimate, { minutes: ticket.estimated_wait_min }) : "";
  $("result-green").hidden = !ticket.green;
  showPrintState(ticket.print_state);
}

function showPrintState(state) {
  const print = $("result-print");
  print.dataset.state = state;
  print.textContent = T.printStates[state] || state;
}

// print:status {number, state}: the desk printer printed the ticket shown, or failed to.
function printStatus(payload) {
  if (payload && payload.number === $("result-number").textContent && !$("result").hidden) {
    showPrintState(payload.state);
  }
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
        text: service.waiting
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
      element("span", { className: "windows__name", text: windowLabel(window, T.window) }),
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
  if (view.hall.mode !== view.mode) {
    // Entering or leaving paper mode changes whether the desk prints by default.
    view.mode = view.hall.mode;
    $("issue-print").checked = view.mode !== "paper";
  }
  $("hall-name").textContent = localName(view.hall.hall);
  showMode(view.hall.mode, T.modes);
  renderServices();
  renderWindows();
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
    }
    render();
  },
  onEvent: (name, payload) => {
    if (name === "print:status") printStatus(payload);
    render();
  },
  onOffline: () => goOffline(),
  onOnline: () => showLink("online"),
});

// A reload during an outage: straight back to the offline view.
if (offlineMemory.since()) goOffline();
client.start();
// HallClient does not pass print:status on (yet); listen to it directly.
client.socket.on("print:status", printStatus);
client.socket.on("disconnect", () => {
  if (!view.offline) showLink("connecting");
});
registerOfflineCache().catch(() => {});
