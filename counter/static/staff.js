// Helpers both staff screens (window terminal, guide desk) share.
//
// The real-time part (seq, resync, offline detection, snapshot cache) is
// HallClient in /static/hallq-client.js; this module only holds what the staff
// pages add on top: text placeholders, the message line, the link indicator,
// the offline memory that survives a reload, and warming the offline cache.

import { shownNotices } from "/static/hallmode.js";
import { readConfig, windowOwnName } from "/static/hallq-client.js";

export const $ = (id) => document.getElementById(id);

// "{number} called." + {number: "C001"} → "C001 called." (see counter/texts.py).
export function fill(text, values = {}) {
  return String(text).replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

export function language() {
  return document.documentElement.lang.startsWith("en") ? "en" : "zh";
}

// A service's or hall's name in the page's language.
export function localName(service, lang = language()) {
  if (!service) return "";
  return lang === "en" && service.name_en ? service.name_en : service.name;
}

// "Window 8 · Emergency window": the number in the page's words, plus the window's
// own name when it has one. `T` gives the words: "Window {window}", and the
// emergency window's English name.
export function windowLabel(window, T) {
  const plain = fill(T.window, { window: window.n });
  const special = windowOwnName(window, { english: language() === "en", emergencyWord: T.emergencyWindow });
  return special ? `${plain} · ${special}` : plain;
}

// HH:MM on the hall's clock (the page config's `timezone`), whatever zone the PC is set to.
const HALL_TIME_ZONE = readConfig().timezone;

export function clock(iso) {
  if (!iso) return "";
  const when = new Date(iso);
  return when.toLocaleTimeString(language() === "en" ? "en-GB" : "zh-CN", {
    timeZone: HALL_TIME_ZONE, hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
}

export function minutesSince(iso, now = Date.now()) {
  return Math.max(0, Math.floor((now - new Date(iso).getTime()) / 60000));
}

// What staff type ("c51", " C051 ") → "C051", or null when it is not a ticket number.
export function normaliseNumber(text) {
  const match = /^\s*([A-Za-z])\s*0*(\d{1,4})\s*$/.exec(text || "");
  if (!match) return null;
  const digits = match[2].padStart(3, "0");
  return `${match[1].toUpperCase()}${digits}`;
}

export function element(tag, { className = "", text = null, attrs = {} } = {}, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== null) node.textContent = text;
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) if (child) node.append(child);
  return node;
}

// The message line under the top bar. Errors stay until the next success or
// until dismissed; staff must never miss why something did not happen.
export class MessageLine {
  constructor(node) {
    this.node = node;
  }

  show(text, kind = "info") {
    this.node.textContent = text;
    this.node.dataset.kind = kind;
    this.node.hidden = false;
  }

  info(text) {
    this.show(text, "info");
  }

  warn(text) {
    this.show(text, "warn");
  }

  error(text) {
    this.show(text, "error");
  }

  clear() {
    this.node.hidden = true;
    this.node.textContent = "";
  }
}

// The "hub connected / unreachable" indicator in the top bar.
export function showLink(state) {
  const link = $("link");
  const text = $("link-text");
  link.dataset.state = state;
  if (state in text.dataset) text.textContent = text.dataset[state];
}

// A notice in the page's language (the hub always has the Chinese text).
export function noticeText(notice, lang = language()) {
  return lang === "en" && notice.text_en ? notice.text_en : notice.text_zh;
}

// The hall's mode in the top bar — always, "normal" included, so staff never wonder —
// and the notices on every screen (an outage's says what is down and where to send people).
// `offline`: the hub is unreachable, so the hall's mode is not known (the last one
// seen may be long over): the badge says so rather than "正常".
export function showHallStatus(hall, T, offline = false) {
  const mode = hall?.mode || "normal";
  const badge = $("hall-mode");
  badge.hidden = !hall;
  badge.dataset.mode = offline ? "unknown" : mode;
  $("hall-mode-text").textContent = offline ? T.modes.unknown : T.modes[mode] || mode;
  document.body.dataset.mode = mode;
  // One message for the hall's mode, written for this screen (what to do here),
  // then the notices taxpayers read too; a failed device's details are the console's.
  const texts = [T.guidance?.[mode], ...shownNotices(hall?.notices).map((notice) => noticeText(notice))]
    .filter(Boolean);
  $("hall-notices").replaceChildren(...texts.map((text) => element("p", { className: "hall-notice", text })));
  $("hall-notices").dataset.mode = mode;
}

// POST a command the way both staff screens do: one Idempotency-Key per request,
// kept when the answer was lost so pressing again cannot act twice; a lost session
// goes to the login form and back. Resolves to the answer, or null when there was none.
export class Sender {
  constructor({ T, messages, command, newKey }) {
    Object.assign(this, { T, messages, command, newKey });
    this.retry = null;
    this.busy = false;
  }

  async send(path, body, { quiet = false } = {}) {
    const text = `${path} ${JSON.stringify(body)}`;
    const key = this.retry && this.retry.text === text ? this.retry.key : this.newKey();
    this.busy = true;
    try {
      const answer = await this.command(path, body, { key });
      if (answer.status === 0) throw new Error("no answer");
      this.retry = null;
      if (answer.status === 401) {
        location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
        return null;
      }
      if (!answer.ok && !quiet) this.messages.error(refusal(answer, this.T));
      return answer;
    } catch {
      this.retry = { text, key };
      this.messages.error(this.T.noAnswer);
      return null;
    } finally {
      this.busy = false;
    }
  }

  // A read; null when the hub did not answer or refused.
  async read(path) {
    try {
      const answer = await this.command(path, null, { method: "GET" });
      if (answer.status === 401) location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
      return answer;
    } catch {
      return { ok: false, status: 0, data: null };
    }
  }
}

// The hub's own sentence for a refusal, else the status.
export function refusal(answer, T) {
  return answer.data?.message || fill(T.refused, { status: answer.status });
}
