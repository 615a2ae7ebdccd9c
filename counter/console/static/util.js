// Small helpers of the console's modules: elements, words, times in the hall's
// timezone, and the JSON calls to the hub (through hallq-client's `command`).

import { command, newKey } from "/static/hallq-client.js";

export const $ = (id) => document.getElementById(id);

export function element(tag, { className = "", text = null, attrs = {} } = {}, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== null && text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

// "{count} waiting" + {count: 3} → "3 waiting" (see counter/console/texts.py).
export function fill(text, values = {}) {
  return String(text ?? "").replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

export function language() {
  return document.documentElement.lang.startsWith("en") ? "en" : "zh";
}

// A service's (or hall's) name in the page's language.
export function localName(item) {
  if (!item) return "";
  return language() === "en" && item.name_en ? item.name_en : item.name;
}

// "staff:leader" → "leader"; the console shows people, not principals.
export function person(actor) {
  if (!actor) return "";
  const [, name] = String(actor).split(":", 2);
  return name || actor;
}

// A mobile number with its middle hidden: the console needs to know one is there, not to read it.
export function maskPhone(phone) {
  const text = String(phone || "");
  return text.length >= 7 ? `${text.slice(0, 3)}****${text.slice(-4)}` : text;
}

// ---- time, always in the hall's timezone and by the hub's clock ----

export class HallTime {
  constructor(zone) {
    this.zone = zone;
    this.offsetMs = 0; // hub clock − this computer's clock
    const locale = language() === "en" ? "en-GB" : "zh-CN";
    const options = { timeZone: zone, hour12: false };
    this.timeFormat = new Intl.DateTimeFormat(locale, { ...options, hour: "2-digit", minute: "2-digit" });
    this.secondsFormat = new Intl.DateTimeFormat(locale, { ...options, hour: "2-digit", minute: "2-digit", second: "2-digit" });
    this.dayParts = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" });
  }

  syncWith(hubNowIso) {
    if (hubNowIso) this.offsetMs = new Date(hubNowIso).getTime() - Date.now();
  }

  now() {
    return new Date(Date.now() + this.offsetMs);
  }

  // "2026-11-23": the hall-local date of a moment.
  day(moment = this.now()) {
    return this.dayParts.format(new Date(moment));
  }

  time(iso, { seconds = false } = {}) {
    if (!iso) return "";
    return (seconds ? this.secondsFormat : this.timeFormat).format(new Date(iso));
  }

  // Today's moments as "10:02"; earlier ones with their date ("11月20日 10:02" / "20 Nov 10:02").
  moment(iso) {
    if (!iso) return "";
    const day = this.day(new Date(iso));
    if (day === this.day()) return this.time(iso);
    const [, month, date] = day.split("-").map(Number);
    const label = language() === "en"
      ? `${date} ${["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][month - 1]}`
      : `${month}月${date}日`;
    return `${label} ${this.time(iso)}`;
  }

  // "2026年12月15日" / "15 December 2026" for a plain date ("2026-12-15").
  longDate(isoDate) {
    if (!isoDate) return "";
    const [year, month, day] = String(isoDate).slice(0, 10).split("-").map(Number);
    if (language() !== "en") return `${year}年${month}月${day}日`;
    const months = ["January", "February", "March", "April", "May", "June", "July", "August",
      "September", "October", "November", "December"];
    return `${day} ${months[month - 1]} ${year}`;
  }

  // Minutes from `startIso` to `endIso`, or to now while it lasts.
  minutesBetween(startIso, endIso = null) {
    const end = endIso ? new Date(endIso).getTime() : this.now().getTime();
    return Math.max(0, Math.floor((end - new Date(startIso).getTime()) / 60000));
  }

  minutesSince(iso) {
    return Math.max(0, Math.floor((this.now().getTime() - new Date(iso).getTime()) / 60000));
  }
}

// "2 h 05 min" / "2小时5分钟".
export function duration(minutes, text) {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return fill(text.durationMinutes, { minutes: rest });
  return fill(text.durationHours, { hours, minutes: rest });
}

// ---- talking to the hub ----

// A read: the parsed body, or null when the hub did not answer; throws SessionGone on 401.
export class SessionGone extends Error {}

export async function read(path) {
  const answer = await ask(path);
  return answer.ok ? answer.data : null;
}

// A read whose refusal the page shows (the hub's own words): the whole answer.
export async function ask(path) {
  const answer = await command(path, null, { method: "GET" });
  if (answer.status === 401) throw new SessionGone();
  return answer;
}

// A change. One Idempotency-Key per intent: a retry after a lost answer reuses it,
// so the hub answers again instead of acting twice; a definite answer ends the intent.
export async function change(path, body, { method = "POST", intent = null } = {}) {
  const holder = intent || {};
  if (!holder.key) holder.key = newKey();
  const answer = await command(path, body, { method, key: holder.key });
  if (answer.status === 401) throw new SessionGone();
  if (answer.status !== 0) holder.key = null;
  return answer;
}

// Collect a form's fields; trims text, reads checkboxes as booleans.
export function formValues(form) {
  const values = {};
  for (const field of form.elements) {
    if (!field.name || field.disabled) continue;
    if (field.type === "checkbox") {
      if (field.dataset.list) {
        values[field.name] = values[field.name] || [];
        if (field.checked) values[field.name].push(field.value);
      } else {
        values[field.name] = field.checked;
      }
    } else if (field.type === "radio") {
      if (field.checked) values[field.name] = field.value;
    } else {
      values[field.name] = field.value.trim();
    }
  }
  return values;
}

export function debounce(action, ms = 300) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => action(...args), ms);
  };
}
