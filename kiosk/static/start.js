// The kiosk's start screen drawn from the hall's state (SPEC §5, §7): the
// service buttons with their waiting counts and where an outage sends each
// business, or the paper-ticket screen, or why no ticket is issued now; the
// banner of this kiosk's printer; the hall's notices. What the state means is
// decided in hallview.js; this module only draws.

import { dayText, extensionOf } from "/static/hallmode.js";
import { clockText, fill, noticeTexts } from "./common.js";
import {
  dayStatus, pickable, printerFailed, printerOf, sortNotices, startView,
} from "./hallview.js";

const $ = (id) => document.getElementById(id);

// [name in the screen's language, name in the other].
export function serviceNames(service, english) {
  const zh = service.name;
  const en = service.name_en || service.name;
  return english ? [en, zh] : [zh, en];
}

// What a button says under its name: where an outage sends this business, or
// that the self-service area would be quicker today (load relief).
function routeOf(service) {
  if (service.route === "self_service" || service.route === "emergency") return service.route;
  return service.suggest_self_service ? "relief" : "normal";
}

function serviceButton(code) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "k-svc";
  button.dataset.service = code;
  button.innerHTML = `<span class="k-svc-prefix"></span>
    <span class="k-svc-names"><span class="k-svc-name"></span><span class="k-svc-name-other"></span></span>
    <span class="k-svc-route"></span>
    <span class="k-svc-wait"><span class="k-svc-waiting"></span><span class="k-svc-estimate"></span></span>`;
  return button;
}

function paragraphs(texts, className) {
  return texts.filter(Boolean).map((text) => {
    const line = document.createElement("p");
    line.className = className;
    line.textContent = text;
    return line;
  });
}

// A notice longer than its box rolls up slowly, pausing at both ends, so that
// the buttons keep their room. Nothing moves for people who asked their system
// for less motion: a finger scrolls it instead.
function rollIfLong(box) {
  if (!box.offsetParent) return; // not on screen: measured when it is
  const overflow = box.firstElementChild.scrollHeight - box.clientHeight;
  const rolling = overflow > 4 && !matchMedia("(prefers-reduced-motion: reduce)").matches;
  box.classList.toggle("is-rolling", rolling);
  box.style.setProperty("--overflow", `${Math.max(0, overflow)}px`);
  // About 25 px a second while moving; the keyframes pause 40 % of the time.
  box.style.setProperty("--roll-seconds", `${Math.max(8, overflow / 25 / 0.6)}s`);
}

export class StartScreen {
  constructor({ texts, lang, timezone, kiosk, printer }) {
    Object.assign(this, { texts, timezone, kiosk, printer });
    this.english = lang === "en";
    this.noticeText = noticeTexts(this.english);
    this.asked = new Set(); // notices whose incident a fresh snapshot was asked for
  }

  // Draw everything from `state` at the hub's time `now`. Returns what the
  // kiosk needs to know: {day, start, printerOut, unknownNotices}.
  draw(state, { now, busy }) {
    this.drawHallName(state.hall);
    this.printer = printerOf(state, this.kiosk, this.printer);
    const printerOut = printerFailed(state, this.printer);
    const day = dayStatus(state.day, now);
    const start = startView(state, day);
    $("screen-start").dataset.start = start;
    document.body.dataset.start = start;
    if (start === "day") this.drawDay(state, day);
    this.drawServices(state.services || [], busy);
    const unknownNotices = this.drawNotices(state, start === "paper");
    $("degraded").hidden = !printerOut;
    document.body.classList.toggle("has-banner", printerOut || !$("outage").hidden || !$("notices").hidden);
    return { day, start, printerOut, unknownNotices };
  }

  drawHallName(hall) {
    if (!hall) return;
    const [primary, other] = this.english ? [hall.name_en, hall.name] : [hall.name, hall.name_en];
    $("hall-name").textContent = primary || other || "";
    $("hall-name-other").textContent = primary ? other || "" : "";
  }

  // Why no ticket is issued now, and when: the hours on the hall's clock.
  drawDay(state, status) {
    const words = this.texts.day[status];
    if (!words || !state.day) return;
    const at = (iso) => clockText(new Date(iso), this.timezone);
    const hours = { opens: at(state.day.opens_at), cutoff: at(state.day.cutoff_at), closes: at(state.day.closes_at) };
    const lines = words.lines.map((line) => fill(line, hours));
    if (status === "after_cutoff") {
      // Extended service (延时服务): the windows serve who is still waiting.
      const waiting = (state.services || []).reduce((sum, service) => sum + service.waiting, 0);
      if (waiting === 1) lines.push(this.texts.day.still_waiting_one);
      else if (waiting > 1) lines.push(fill(this.texts.day.still_waiting, { count: waiting }));
    }
    $("day-title").textContent = words.title;
    $("day-lines").replaceChildren(...paragraphs(lines, "k-closed-line"));
  }

  drawServices(all, busy) {
    const { texts } = this;
    const box = $("services");
    const services = pickable(all);
    // An emergency ticket queues for the emergency window: its wait is that queue's.
    const emergency = all.find((service) => service.emergency);
    const wanted = new Set(services.map((service) => service.code));
    for (const button of [...box.children]) {
      if (!wanted.has(button.dataset.service)) button.remove();
    }
    for (const service of services) {
      const button = box.querySelector(`[data-service="${CSS.escape(service.code)}"]`) || serviceButton(service.code);
      const [primary, other] = serviceNames(service, this.english);
      const route = routeOf(service);
      const queue = route === "emergency" && emergency ? emergency : service;
      button.dataset.route = route;
      button.querySelector(".k-svc-prefix").textContent = service.prefix;
      button.querySelector(".k-svc-name").textContent = primary;
      button.querySelector(".k-svc-name-other").textContent = other === primary ? "" : other;
      button.querySelector(".k-svc-route").textContent = texts.route[route] || "";
      button.querySelector(".k-svc-waiting").textContent = fill(texts.waiting, { count: queue.waiting });
      // No open window serves it: say so, rather than "no wait" to the first in line.
      const unserved = queue.estimated_wait_min === null;
      button.dataset.unserved = String(unserved);
      button.querySelector(".k-svc-estimate").textContent = unserved ? texts.wait_no_window
        : queue.waiting > 0 ? fill(texts.wait_minutes, { minutes: queue.estimated_wait_min }) : texts.wait_none;
      button.disabled = busy;
      box.append(button); // appending an existing button moves it: the hub's order wins
    }
    box.dataset.count = String(services.length);
  }

  // The hall's notices in the screen's language: an outage's prominently, with
  // the filing-deadline extension above it; the duty leader's own below.
  // True when a notice waits for a snapshot that knows its incident.
  drawNotices(state, paperShown) {
    const { texts } = this;
    const sorted = sortNotices(state, { paperShown });
    const unknown = sorted.unknown.filter((id) => !this.asked.has(id));
    unknown.forEach((id) => this.asked.add(id));
    const extension = extensionOf(state);
    $("extension").hidden = !extension;
    if (extension) {
      $("extension-date").textContent = fill(texts.extension, { date: dayText(extension.extended, this.english) });
      $("extension-note").textContent = extension.provisional ? texts.extension_provisional : "";
    }
    $("outage-text").replaceChildren(...paragraphs(sorted.outage.map(this.noticeText), "k-outage-text"));
    $("outage").hidden = sorted.outage.length === 0 && !extension;
    $("notices-text").replaceChildren(...paragraphs(sorted.other.map(this.noticeText), "k-notice-text"));
    $("notices").hidden = $("notices-text").childElementCount === 0;
    document.body.classList.toggle("is-outage", !$("outage").hidden);
    requestAnimationFrame(() => ["outage-notices", "notices-roll"].forEach((id) => rollIfLong($(id))));
    return unknown.length > 0;
  }
}
