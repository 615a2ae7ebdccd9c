// The rating pad at a window (好差评): when the window finishes a service, the pad asks
// the taxpayer to rate it on the national five-level scale; 不满意 and 非常不满意 ask why
// (and, if they like, a mobile number for the call-back). One tap rates; the hub refuses
// a second rating, another window's service, and a pad gone back to idle.
//
// What to show comes from GET /api/v1/ratings/pad/<n>, fetched at start, on every
// snapshot (a reconnect) and on `rating:offered` for this window; the pad goes back to
// idle when the hub's offer runs out, after a rating, or when the phone rated first.

import { HallClient, OfflineMemory, command, newKey, readConfig, registerOfflineCache } from "/static/hallq-client.js";
import { HubClock, fill } from "/static/display/screen.js";

const config = readConfig();
const text = config.text;
const $ = (id) => document.getElementById(id);
const VIEWS = ["idle", "ask", "why", "thanks"];
const THANKS_MS = 5000;
const PHONE_DIGITS = 11;
// Answers after which the part cannot be rated here any more.
const GONE = new Set(["rating.already", "rating.expired", "rating.pad_idle", "rating.other_window", "rating.unknown"]);

const clock = new HubClock(config);
const offline = new OfflineMemory(config.cache_key);
const pad = {
  part: null, // the service on the pad: {id, number, on_pad_until, …}
  reasons: [], // the hall's 差评 reasons: {code, name, name_en}
  level: null,
  chosen: new Set(),
  phone: "",
  key: null, // the rating's idempotency key: a retried tap rates once
  busy: false,
  timer: null,
};

function show(name) {
  for (const each of VIEWS) $(each).hidden = each !== name;
  document.body.dataset.view = name;
  if (name !== "why" && name !== "ask") $("error").hidden = true;
}

function later(ms, action) {
  clearTimeout(pad.timer);
  pad.timer = setTimeout(action, Math.max(ms, 0));
}

function idle() {
  pad.part = null;
  clearTimeout(pad.timer);
  show("idle");
}

function drawClerk(clerk) {
  $("clerk").hidden = !clerk;
  if (!clerk) return;
  $("clerk-name").textContent = clerk.name;
  $("clerk-number").hidden = !clerk.number;
  $("clerk-number").textContent = clerk.number ? fill(text.staff_number[0], { number: clerk.number }) : "";
  const photo = $("clerk-photo");
  photo.replaceChildren();
  if (clerk.photo) {
    const image = document.createElement("img");
    image.src = clerk.photo;
    image.alt = "";
    photo.append(image);
  } else {
    photo.textContent = [...clerk.name][0] || "";
  }
}

function ask(part) {
  pad.part = part;
  pad.level = null;
  pad.chosen = new Set();
  pad.phone = "";
  pad.key = newKey();
  $("ticket").textContent = fill(text.ticket_number[0], { number: part.number });
  show("ask");
  later(Date.parse(part.on_pad_until) - clock.now(), idle);
}

async function load() {
  const answer = await command(config.pad_url, null, { method: "GET" });
  if (!answer.ok || !answer.data) return;
  pad.reasons = answer.data.reasons;
  drawClerk(answer.data.clerk);
  const part = answer.data.part;
  const asking = document.body.dataset.view === "ask" || document.body.dataset.view === "why";
  if (part && (!pad.part || pad.part.id !== part.id || !asking)) ask(part);
  else if (!part && asking) idle();
  else if (!part && !pad.part && document.body.dataset.view !== "thanks") show("idle");
  document.body.dataset.ready = "true";
}

function drawReasons() {
  const english = config.language === "en";
  $("reasons").replaceChildren(...pad.reasons.map((reason) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "rreason";
    button.dataset.reason = reason.code;
    button.setAttribute("aria-pressed", String(pad.chosen.has(reason.code)));
    const first = document.createElement("span");
    first.textContent = english && reason.name_en ? reason.name_en : reason.name;
    const second = document.createElement("span");
    second.className = "second";
    second.textContent = english ? reason.name : reason.name_en;
    button.append(first, second);
    return button;
  }));
  $("other").hidden = !pad.chosen.has("other");
}

function drawPhone() {
  const digits = pad.phone;
  $("phone").textContent = [digits.slice(0, 3), digits.slice(3, 7), digits.slice(7)].filter(Boolean).join(" ");
}

function fail(message) {
  $("error").textContent = message;
  $("error").hidden = false;
}

async function submit() {
  if (pad.busy || !pad.part) return;
  pad.busy = true;
  document.body.dataset.busy = "true";
  const bad = pad.level <= 2;
  const body = {
    part: pad.part.id,
    level: pad.level,
    reasons: bad ? [...pad.chosen] : [],
    text: bad && pad.chosen.has("other") ? $("other-text").value : "",
    phone: bad && pad.phone ? pad.phone : null,
  };
  const answer = await command(config.rate_url, body, { key: pad.key });
  pad.busy = false;
  delete document.body.dataset.busy;
  if (answer.ok) {
    pad.part = null;
    $("thanks-good").hidden = bad;
    $("thanks-bad").hidden = !bad;
    show("thanks");
    later(THANKS_MS, idle);
    return;
  }
  if (answer.status === 0) {
    fail(text.pad_offline[0]);
    return;
  }
  fail((answer.data && answer.data.message) || text.pad_offline[0]);
  if (answer.data && GONE.has(answer.data.error)) later(THANKS_MS, idle);
}

function choose(level) {
  pad.level = level;
  if (level > 2) {
    submit();
    return;
  }
  $("other-text").value = "";
  drawReasons();
  drawPhone();
  show("why");
}

$("levels").addEventListener("click", (event) => {
  const button = event.target.closest(".rlevel");
  if (button && pad.part) choose(Number(button.dataset.level));
});
$("reasons").addEventListener("click", (event) => {
  const button = event.target.closest(".rreason");
  if (!button) return;
  $("error").hidden = true;
  const code = button.dataset.reason;
  if (pad.chosen.has(code)) pad.chosen.delete(code);
  else pad.chosen.add(code);
  drawReasons();
});
$("keys").addEventListener("click", (event) => {
  const key = event.target.closest(".rkey");
  if (!key) return;
  if (key.dataset.key === "delete") pad.phone = pad.phone.slice(0, -1);
  else if (pad.phone.length < PHONE_DIGITS) pad.phone += key.dataset.key;
  drawPhone();
});
$("back").addEventListener("click", () => {
  pad.level = null;
  show("ask");
});
$("submit").addEventListener("click", submit);

// The clerk shown while idle is the one at the window: asked again when it opens or closes.
let windowState = null;

function onEvent(name, payload, state) {
  if (name === "queue:changed") {
    const own = (state.windows || []).find((each) => each.n === config.window);
    const now = own ? own.state : null;
    if (windowState !== null && now !== windowState && (now === "closed" || windowState === "closed")) load();
    windowState = now;
    return;
  }
  if (payload.window !== config.window) return;
  if (name === "rating:offered") load();
  // Rated on the phone first: nothing is left to rate here.
  if (name === "rating:recorded" && pad.part && payload.number === pad.part.number && !pad.busy) idle();
}

function showOffline(since) {
  offline.remember(new Date(since));
  $("offline").hidden = false;
}

function showOnline() {
  offline.forget();
  $("offline").hidden = true;
}

const client = new HallClient({
  namespace: config.namespace,
  cacheKey: config.cache_key,
  offlineAfterMs: config.offline_after_ms,
  checkEveryMs: config.check_every_ms,
  onState: (snapshot, { fromCache }) => {
    if (fromCache) return;
    const own = (snapshot.windows || []).find((each) => each.n === config.window);
    windowState = own ? own.state : null;
    showOnline();
    load();
  },
  onEvent,
  onOffline: () => showOffline(clock.now()),
  onOnline: showOnline,
});

window.hallqDisplay = { client, pad };
show("idle");
if (offline.since()) showOffline(offline.since().getTime());
client.start();
client.socket.on("connect", () => clock.sync());
registerOfflineCache(config.precache);
