// The hall TV: the latest call, the recent calls, waiting per service, the
// notices and the clock; every call announced by voice, one at a time.
//
// What is announced: each `ticket:called` event (recalls too), in the order
// the hub numbered them. A snapshot never replays old calls — on a reconnect
// or a seq gap only the calls this screen had not yet seen, and only if they
// are less than MISSED_CALL_MAX_AGE_MS old, are announced (a call made during
// a two-second network blip still deserves its voice; one from ten minutes ago
// does not).

import { HallClient, OfflineMemory, readConfig, registerOfflineCache } from "/static/hallq-client.js";
import {
  dayText, extensionOf, kioskDown, outageNotice, shownNotices,
} from "/static/hallmode.js";
import { VoiceAnnouncer } from "/static/display/voice.js";
import {
  HubClock, fill, fitWidth, flash, make, setBoth,
} from "/static/display/screen.js";

const HISTORY_SIZE = 8;
const MISSED_CALL_MAX_AGE_MS = 30000;
const TICKER_PX_PER_S = 110; // slow enough to read while walking past

const config = readConfig();
const text = config.text;
const zh = config.language !== "en";
const $ = (id) => document.getElementById(id);

const clock = new HubClock(config).start($("clock-time"), $("clock-date"));
const offline = new OfflineMemory(config.cache_key);
const voice = new VoiceAnnouncer({
  // A prepared announcement of the duty leader, or a call.
  urlFor: (call) => (call.phrase ? `${config.phrase_url}?phrase=${encodeURIComponent(call.phrase)}`
    : `${config.voice_url}?number=${encodeURIComponent(call.number)}` +
      `&window=${encodeURIComponent(call.window)}&english=${call.english ? 1 : 0}` +
      `${call.green ? "&green=1" : ""}`),
});
const ANNOUNCEMENT_SHOWN_MS = 30000;
let announcementTimer = null;

// A duty leader's announcement: large over the board for half a minute, spoken when
// it is a prepared phrase (queued with the calls: one voice at a time).
function showAnnouncement(payload) {
  $("announcement-zh").textContent = payload.text_zh;
  $("announcement-en").textContent = payload.text_en || "";
  $("announcement").hidden = false;
  clearTimeout(announcementTimer);
  announcementTimer = setTimeout(() => { $("announcement").hidden = true; }, ANNOUNCEMENT_SHOWN_MS);
  if (payload.phrase) voice.announce({ phrase: payload.phrase, number: `phrase:${payload.phrase}`, recall: true });
}

let heardSeq = null; // the newest seq this screen has drawn: calls up to it were heard
let tickerText = null;
let shownCall = null; // the call under "now calling", as number→window

// The two languages of a sentence key, the screen's own first.
const pair = (key, values = {}) => text[key].map((sentence) => fill(sentence, values));
// A name in the screen's language with the other beneath: [name_zh, name_en] → first, second.
const names = (chinese, english) => (zh ? [chinese, english || chinese] : [english || chinese, chinese]);

function drawHall(hall) {
  if (!hall) return;
  setBoth($("hall-name"), names(hall.name, hall.name_en));
}

function drawMode(state) {
  const mode = state.mode || "normal";
  document.body.dataset.mode = mode;
  document.body.classList.toggle("mode-active", mode !== "normal");
  const banner = $("mode-banner");
  banner.hidden = mode === "normal";
  if (banner.hidden) return;
  let key = text[`mode_${mode}`] ? `mode_${mode}` : "mode_other";
  if (mode === "degraded" && kioskDown(state)) key = "mode_degraded_kiosks";
  const label = pair(key);
  // The banner is a headline: the mode, and in an outage the first clause of
  // its notice (what is down, since when). The whole notice scrolls in the ticker.
  const outage = mode === "outage" && outageNotice(state.notices);
  const notice = outage && noticeText(outage);
  const [colon, secondColon] = zh ? ["：", ": "] : [": ", "："];
  const first = notice && headline(notice[0]);
  const second = notice && headline(notice[1]);
  $("mode-first").textContent = first ? `${label[0]}${colon}${first}` : label[0];
  $("mode-second").textContent = second ? `${label[1]}${secondColon}${second}` : label[1];
  const extension = extensionOf(state);
  $("mode-extension").hidden = !extension;
  if (extension) {
    const english = zh ? [false, true] : [true, false];
    setBoth($("mode-extension"), pair("extension").map((sentence, index) =>
      fill(sentence, { date: dayText(extension.extended, english[index]) })));
  }
}

// The first clause of a notice (what is down, since when), without its
// 【heading】 or "Notice:" prefix.
function headline(notice) {
  const body = notice.replace(/^\s*(【[^】]*】|Notice:)\s*/, "");
  const end = body.search(/[。；！，]|[.;!,](\s|$)/);
  return end < 0 ? body : body.slice(0, end);
}

function callLine(call) {
  return pair(call.green ? "go_to_window_green" : "go_to_window", { number: call.number, n: call.window });
}

// A green-channel number (绿色通道) carries its mark wherever it is shown; so does a
// booked visit's (预约).
function greenTag() {
  return make("span", "green-tag", pair("green")[0]);
}

function bookedTag() {
  return make("span", "booked-tag", pair("booked")[0]);
}

// The call under "now calling": the newest one, while its window still holds
// that number. Once the window finishes it (or marks a no-show, or transfers
// it), the call moves to the history and the panel says nobody is being called.
function calling(calls, windows) {
  const newest = calls[0];
  if (!newest || !windows) return newest || null;
  const held = windows.find((entry) => entry.n === newest.window);
  return held && held.current === newest.number ? newest : null;
}

const callKey = (call) => (call ? `${call.number}→${call.window}` : null);

function drawLatest(call) {
  $("latest").classList.toggle("idle", !call);
  $("latest-call").hidden = !call;
  $("latest-say").hidden = !call;
  $("latest-idle").hidden = Boolean(call);
  $("latest-recall").hidden = !(call && call.recall);
  if (!call) return;
  $("latest-number").textContent = call.number;
  $("latest-call").classList.toggle("green", Boolean(call.green));
  $("latest-green").hidden = !call.green;
  $("latest-booked").hidden = !call.booked;
  $("latest-window").textContent = pair("window", { n: call.window })[0];
  setBoth($("latest-say"), callLine(call));
  fitWidth($("latest-call"));
}

function drawHistory(calls, latest) {
  // A recall repeats a number already on screen: list each number and window once.
  const seen = new Set([callKey(latest)]);
  const rows = [];
  for (const call of calls) {
    const key = callKey(call);
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push(call);
  }
  $("history").replaceChildren(...rows.slice(0, HISTORY_SIZE).map((call) => {
    const item = make("li", "history-item");
    item.dataset.call = callKey(call);
    item.append(
      make("span", "history-number", call.number),
      make("span", "history-arrow", "→"),
      make("span", "history-window", pair("window", { n: call.window })[0]),
    );
    if (call.green) item.append(greenTag());
    if (call.booked) item.append(bookedTag());
    return item;
  }));
}

function drawServices(services) {
  $("services").replaceChildren(...(services || []).map((service) => {
    const item = make("li", "service");
    const label = make("span", "service-name both");
    const [first, second] = names(service.name, service.name_en);
    label.append(make("span", "first", first), make("span", "second", second));
    const count = make("span", "service-count");
    const unit = pair(service.waiting === 1 ? "person" : "people")[0];
    count.append(make("b", "", String(service.waiting)), make("small", "", unit));
    // No open window serves it: no estimate, and the row says why.
    const unserved = service.estimated_wait_min === null;
    item.classList.toggle("unserved", unserved);
    const wait = make("span", "service-wait", unserved ? pair("no_window")[0]
      : service.waiting > 0 ? pair("about_minutes", { minutes: service.estimated_wait_min })[0] : "");
    item.append(make("span", "service-prefix", service.prefix), label, count, wait);
    return item;
  }));
}

function noticeText(notice) {
  if (typeof notice === "string") return [notice, ""];
  const chinese = notice.text_zh ?? notice.text ?? "";
  const english = notice.text_en ?? "";
  return zh ? [chinese, english] : [english || chinese, english ? chinese : ""];
}

function drawTicker(state) {
  let lines;
  if (document.body.classList.contains("offline")) {
    lines = [pair("offline")];
  } else {
    lines = shownNotices(state.notices).map(noticeText).filter((entry) => entry[0]);
    if (lines.length === 0) lines = [pair("default_notice")];
  }
  const content = lines.map((entry) => entry.filter(Boolean).join("  ")).join("     ◆     ");
  if (content === tickerText) return; // restarting the scroll on every event would jerk it
  tickerText = content;
  const track = $("ticker");
  track.textContent = content;
  const width = track.parentElement.clientWidth;
  track.style.animationDuration = `${Math.max(12, track.scrollWidth / TICKER_PX_PER_S)}s`;
  // The first pass starts with the text already a third of the way in, not
  // behind the right edge: a notice must be readable the moment it is posted.
  track.style.animationDelay = `${-width / 3 / TICKER_PX_PER_S}s`;
  flash(track, "scrolling");
}

function draw(state) {
  if (!state) return;
  drawHall(state.hall);
  drawMode(state);
  const calls = state.recent_calls || [];
  const latest = calling(calls, state.windows);
  drawLatest(latest);
  drawHistory(calls, latest);
  // The call that just left the panel fades into the history.
  if (shownCall && shownCall !== callKey(latest)) {
    const moved = [...$("history").children].find((item) => item.dataset.call === shownCall);
    if (moved) flash(moved, "arrived");
  }
  shownCall = callKey(latest);
  drawServices(state.services);
  drawTicker(state);
}

function announce(call) {
  voice.announce({
    number: call.number, window: call.window, recall: Boolean(call.recall),
    english: Boolean(config.english_voice), green: Boolean(call.green),
  });
  flash($("latest"));
}

// Calls in a fresh snapshot that this screen never saw as events (a gap, a
// short disconnect), oldest first; never the ones it has already drawn.
function missedCalls(snapshot) {
  if (heardSeq === null) return [];
  const now = clock.now();
  return (snapshot.recent_calls || [])
    .filter((call) => typeof call.seq === "number" && call.seq > heardSeq)
    .filter((call) => now - Date.parse(call.at) < MISSED_CALL_MAX_AGE_MS)
    .sort((a, b) => a.seq - b.seq);
}

function showOffline(since) {
  offline.remember(new Date(since));
  document.body.classList.add("offline");
  $("offline-banner").hidden = false;
  $("stale-note").hidden = false;
  if (client.state) draw(client.state);
  else drawTicker({});
}

function showOnline() {
  offline.forget();
  document.body.classList.remove("offline");
  $("offline-banner").hidden = true;
  $("stale-note").hidden = true;
}

function onState(snapshot, { fromCache }) {
  if (fromCache) {
    heardSeq = heardSeq ?? (typeof snapshot.seq === "number" ? snapshot.seq : null);
    draw(snapshot);
    return;
  }
  showOnline();
  const missed = missedCalls(snapshot);
  heardSeq = snapshot.seq;
  draw(snapshot);
  missed.forEach(announce);
}

// The client has already applied the event to `state` (calls, queue, mode, notices).
function onEvent(name, payload, state) {
  if (typeof payload.seq === "number") heardSeq = payload.seq;
  draw(state);
  if (name === "ticket:called") {
    $("announcement").hidden = true; // a call is what the hall watches for: never under it
    announce(payload);
  }
  if (name === "hall:announcement") showAnnouncement(payload);
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

const display = { client, voice, clock, cached: false };
window.hallqDisplay = display;
if (offline.since()) showOffline(offline.since().getTime());
client.start();
client.socket.on("connect", () => clock.sync());
registerOfflineCache(config.precache).then((cached) => { display.cached = cached; });
