// The window terminal (窗口叫号): /counter/<window>.
//
// Staff press the same keys hundreds of times a day, so every action has a
// function key (shown on its button), a key that is not valid now says why
// instead of doing nothing, and a double press never does a thing twice:
// one command at a time, a second press of the same key within PRESS_GUARD_MS
// is ignored, and every command carries an Idempotency-Key (kept for a retry
// when the answer was lost, so the retry cannot act twice either).
//
// The window detail (GET /api/v1/windows/<n>) is the truth about the window and
// its ticket; it is read again after every command and whenever an event says
// this window changed. The hall's queue comes from the /counter namespace.
// rules.js says what is valid, draw.js draws, transfer.js is the F6 dialog;
// registers.js is the emergency register panel (outage), backfill.js the
// worklist of records to backfill after it.

import {
  HallClient, OfflineMemory, command, newKey, readConfig, registerOfflineCache,
} from "/static/hallq-client.js";
import {
  $, MessageLine, Sender, fill, language, localName, normaliseNumber, showLink,
} from "/static/counter/staff.js";
import { Appeals } from "/static/counter/appeals.js";
import { Worklist } from "/static/counter/backfill.js";
import { CallLog } from "/static/counter/calllog.js";
import { CounterScreen } from "/static/counter/draw.js";
import { DetailCache, noteCallsByHand } from "/static/counter/offline.js";
import { Reconciler } from "/static/counter/reconcile.js";
import { RegisterPanel } from "/static/counter/registers.js";
import { commandOf, nextStep } from "/static/counter/rules.js";
import { TransferDialog } from "/static/counter/transfer.js";

const config = readConfig();
const T = config.text;
const API = `/api/v1/windows/${config.window}`;
const detailCache = new DetailCache(config.hall, config.window);
const PRESS_GUARD_MS = 500;
const READ_PATIENCE_MS = 5000;
// Leaving the ticket with an unsaved register entry would lose what was typed.
const LEAVES_TICKET = ["finish", "transfer", "no-show"];
// What this computer's call log keeps of each action (calllog.js): a day's story of the window.
const LOGGED = {
  "call-next": "call", call: "call", recall: "recall", finish: "finish", "no-show": "no_show", transfer: "transfer",
};

// F1–F9 are the counter's: their browser meanings (F1 help, F3 find, F5 reload,
// F6 address bar, F7 caret browsing) are suppressed on this page only.
const KEYS = {
  F1: "call-next", F2: "recall", F3: "no-show", F4: "start", F5: "finish",
  F6: "transfer", F7: "pause", F8: "call", F9: "open",
};

const view = {
  hall: null, // the hall's state (snapshot + events), from HallClient
  detail: null, // the window detail: state, staff, ticket with the taxpayer's details
  cachedDetail: detailCache.read(), // the last detail seen, without personal data (offline view)
  busy: null, // the command in flight
  offline: false,
  retry: null, // {action, text, key} of a command whose answer never came
  lastPress: { action: null, at: 0 }, // the last key or button taken
};

const messages = new MessageLine($("message"));
const calls = new CallLog(config.hall, config.window);
const offlineMemory = new OfflineMemory(config.cacheKey);
const screen = new CounterScreen(config, calls);
const sender = new Sender({ T, messages, command, newKey });
const registers = new RegisterPanel({
  config, sender, messages, lang: language(), onSaved: () => worklist.load(), onFormsLoaded: () => drawPaperwork(),
});
const worklist = new Worklist({
  config, sender, messages, lang: language(), forms: () => registers.forms, onChange: () => drawPaperwork(),
});
const appeals = new Appeals({ T, sender, messages });
const transfer = new TransferDialog({ T, onTransfer: (body) => act("transfer", body), onClose: () => focusNext() });
const closeDialog = $("close-dialog");
const reconciler = new Reconciler({
  T, calls, window: config.window, send: (path, body) => sender.send(path, body), onSettled: () => {
    loadDetail();
    render();
  },
});

function render() {
  screen.draw(view);
  reconciler.draw(!view.offline && Boolean(view.hall));
  drawPaperwork();
  if (focusLost()) focusNext();
}

// The register panel (outage) and the backfill worklist (after it).
function drawPaperwork() {
  registers.draw(view, worklist.records);
  worklist.draw(view);
}

// ---- the window's state --------------------------------------------------------------

let detailGeneration = 0;
let reading = Promise.resolve();

// Read the window detail again; the newest read wins.
function loadDetail() {
  reading = readDetail(++detailGeneration);
  return reading;
}

// Resolves once the newest read (including any started meanwhile) has been drawn.
async function detailSettled() {
  let current;
  do {
    current = reading;
    await current;
  } while (current !== reading);
}

async function readDetail(generation) {
  try {
    const answer = await command(API, null, { method: "GET" });
    if (generation !== detailGeneration) return; // a newer read is under way
    if (answer.ok) {
      view.detail = answer.data;
      view.cachedDetail = detailCache.save(answer.data);
      document.body.dataset.ready = "true"; // keys work from now on (tests wait for it)
    } else if (!loggedOut(answer)) {
      messages.error(answer.data?.message || fill(T.refused, { status: answer.status }));
    }
  } catch {
    // The hub is not answering; the link indicator and the offline view say so.
  }
  render();
}

let detailTimer = null;
// Our window in a queue summary, as the detail we hold does not show it (paused or
// closed elsewhere, its ticket changed).
function windowMoved(windows) {
  const ours = (windows || []).find((entry) => entry.n === config.window);
  const detail = view.detail;
  if (!ours || !detail) return false;
  return ours.state !== detail.state || (ours.current || null) !== (detail.ticket?.number || null);
}

function reloadDetailSoon() {
  // Several events arrive for one command (window, ticket, queue): read once.
  clearTimeout(detailTimer);
  detailTimer = setTimeout(loadDetail, 40);
}

// ---- commands ------------------------------------------------------------------------------

function dialogOpen() {
  return transfer.open || closeDialog.open;
}

// A press of a key or a button. Ignored when the same key was the last one pressed,
// a moment ago (a double press) — F1, F4, F6, Enter, F1 in quick succession is not
// one; refused with a word while a command is in flight; otherwise it acts, or
// says why it can't.
function press(action) {
  const now = Date.now();
  if (view.lastPress.action === action && now - view.lastPress.at < PRESS_GUARD_MS) return;
  if (view.busy) {
    // Another key while the hub has not answered yet: not done, and said so.
    messages.warn(T.stillBusy);
    return;
  }
  view.lastPress = { action, at: now };
  markPressed(action);
  const reason = screen.blocker(action, view);
  if (reason) {
    messages.warn(reason);
    return;
  }
  if (LEAVES_TICKET.includes(action) && registers.unsaved()) {
    messages.warn(fill(T.unsaved, { number: view.detail.ticket.number }));
    return;
  }
  const name = commandOf(action, view.detail.state);
  if (action === "transfer") transfer.show(view.detail.ticket, view.hall, config.window);
  else if (action === "call") focusCallField();
  else if (name === "close") showDialog(closeDialog);
  else act(name);
}

function markPressed(action) {
  // The button lights up for the guard time: the press registered, and a
  // second press now would be ignored (tests wait for the light to go out).
  for (const button of document.querySelectorAll(`[data-action="${action}"]`)) {
    button.classList.add("pressed");
    setTimeout(() => button.classList.remove("pressed"), PRESS_GUARD_MS);
  }
}

async function act(name, body = null) {
  const text = JSON.stringify(body);
  const retry = view.retry;
  const key = retry && retry.name === name && retry.text === text ? retry.key : newKey();
  view.busy = name;
  document.body.dataset.busy = name; // tests wait for it to go
  render();
  let answer = await command(`${API}/${name}`, body, { key });
  if (answer.status === 0) {
    // No answer: the hub may or may not have done it. The same key on the next
    // press makes the hub answer again instead of acting twice.
    answer = null;
    view.retry = { name, text, key };
    messages.error(T.noAnswer);
  } else {
    view.retry = null;
  }
  // The command is done when the screen shows what the hub now holds: until
  // then a key would be judged on the old state (F1 right after F5 would be
  // refused as "finish C001 first"), so keys wait — and so does the message.
  loadDetail();
  // A hub that stops answering mid-read must not leave the keys dead: the
  // offline view takes over after offline_after_s anyway.
  await Promise.race([detailSettled(), new Promise((resolve) => setTimeout(resolve, READ_PATIENCE_MS))]);
  view.busy = null;
  delete document.body.dataset.busy;
  if (answer) report(name, answer, body);
  render();
  return answer;
}

// The session is gone (logged out elsewhere, token revoked): log in again, then back here.
function loggedOut(answer) {
  if (answer.status !== 401) return false;
  location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
  return true;
}

function report(name, answer, body) {
  if (loggedOut(answer)) return;
  if (!answer.ok) {
    messages.error(answer.data?.message || fill(T.refused, { status: answer.status }));
    return;
  }
  if (answer.status === 204) {
    messages.info(T.nobodyWaiting);
    return;
  }
  const number = answer.data?.ticket?.number || answer.data?.number || view.detail?.ticket?.number || "";
  if (LOGGED[name]) calls.add(number, LOGGED[name]);
  messages.info(fill(T.done[name], { number, target: transferTarget(body) }));
}

function transferTarget(body) {
  if (!body) return "";
  if (body.to_window) return fill(T.window, { window: body.to_window });
  const service = (view.hall?.services || []).find((item) => item.code === body.to_service);
  return service ? localName(service) : body.to_service || "";
}

// ---- call a specific number (F8) and close (F9) --------------------------------------------

function focusCallField() {
  const field = $("call-number");
  field.focus();
  field.select();
}

$("call-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const field = $("call-number");
  if (view.busy || !field.value.trim()) return; // an Enter too many after a call
  const reason = screen.blocker("call", view);
  if (reason) {
    messages.warn(reason);
    return;
  }
  const number = normaliseNumber(field.value);
  if (!number) {
    messages.warn(fill(T.notANumber, { text: field.value.trim() }));
    return;
  }
  const answer = await act("call", { number });
  if (answer && answer.ok) {
    field.value = "";
    field.blur();
    render();
  }
});

$("call-number").addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    event.preventDefault();
    event.target.value = "";
    event.target.blur();
    focusNext();
  }
});

function showDialog(dialog) {
  dialog.showModal();
  dialog.querySelector("[autofocus]")?.focus();
}

$("close-form").addEventListener("submit", (event) => {
  event.preventDefault();
  closeDialog.close();
  act("close");
});
$("close-cancel").addEventListener("click", () => closeDialog.close());
// Escape closes a modal dialog natively; put the focus back where work goes on.
closeDialog.addEventListener("close", () => focusNext());

// ---- keys, buttons, focus --------------------------------------------------------------------

document.addEventListener("keydown", (event) => {
  const action = KEYS[event.key];
  if (!action) return;
  event.preventDefault();
  if (event.repeat || dialogOpen()) return; // a held key is one press
  if (view.offline) {
    if (action === "call") $("manual-number").focus();
    return;
  }
  press(action);
});

for (const button of document.querySelectorAll("button[data-action]")) {
  button.addEventListener("click", () => press(button.dataset.action));
}

// Focus what staff usually do next, so Enter or Space does it.
function focusNext() {
  if (dialogOpen() || view.offline) return;
  const step = nextStep(view.detail, config.user);
  if (!step) return;
  // At the emergency window the work on a routed ticket is its register entry:
  // typing goes straight into it (F4/F5 work from anywhere).
  if ((step === "start" || step === "finish") && view.detail.ticket.requested_service && registers.focus()) return;
  const target = step === "open" ? $("open-big") : document.querySelector(`.actions [data-action="${step}"]`);
  if (target && !target.disabled && !target.hidden) target.focus();
}

function focusLost() {
  const active = document.activeElement;
  return !active || active === document.body || active.disabled || active.hidden || active.offsetParent === null;
}

// ---- offline --------------------------------------------------------------------------------

function goOffline() {
  if (view.offline) return;
  view.offline = true;
  offlineMemory.remember();
  document.body.classList.add("is-offline");
  $("offline").hidden = false;
  showLink("offline");
  screen.offline(offlineMemory.since(), view.cachedDetail?.ticket);
  for (const dialog of document.querySelectorAll("dialog[open]")) dialog.close();
  render();
  $("manual-number").focus();
}

function goOnline() {
  if (!view.offline) return;
  view.offline = false;
  offlineMemory.forget();
  document.body.classList.remove("is-offline");
  $("offline").hidden = true;
  messages.info(T.reconnected);
}

noteCallsByHand({ T, calls, onNoted: () => screen.callList(view) });

// ---- start ------------------------------------------------------------------------------------

const client = new HallClient({
  namespace: config.namespace,
  cacheKey: config.cacheKey,
  offlineAfterMs: config.offlineAfterMs,
  checkEveryMs: config.checkEveryMs,
  onState: (state, { fromCache }) => {
    view.hall = state;
    if (!fromCache) {
      // A live snapshot: the hub is there (also after a reload during an outage,
      // when HallClient never saw it go).
      showLink("online");
      goOnline();
      loadDetail();
      worklist.load();
      appeals.load();
    }
    render();
  },
  onEvent: (name, payload) => {
    const ours = payload && payload.window === config.window;
    if (ours && ["ticket:called", "ticket:changed"].includes(name)) reloadDetailSoon();
    if (name === "queue:changed" && windowMoved(payload.windows)) reloadDetailSoon();
    if (name === "worklist:changed") worklist.loadSoon();
    if (name === "rating:work_order") appeals.load();
    // (An incident that starts or ends changes what can be backfilled: the shared
    // client asks for the fresh snapshot that brings it, and onState redraws.)
    screen.waiting(view);
    screen.bar(view);
    if (["hall:mode", "incident:changed", "notice:posted", "notice:removed"].includes(name)) drawPaperwork();
  },
  onOffline: () => goOffline(),
  onOnline: () => showLink("online"),
});

// A reload during an outage: straight back to the offline view.
if (offlineMemory.since()) goOffline();
client.start();
client.socket.on("disconnect", () => {
  if (!view.offline) showLink("connecting");
});
setInterval(() => {
  if (view.detail?.ticket) screen.ticket(view);
  screen.waiting(view);
}, 20000);
registerOfflineCache().catch(() => {});
render();
