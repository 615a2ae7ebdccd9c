// Helpers both staff screens (window terminal, guide desk) share.
//
// The real-time part (seq, resync, offline detection, snapshot cache) is
// HallClient in /static/hallq-client.js; this module only holds what the staff
// pages add on top: text placeholders, the message line, the link indicator,
// the offline memory that survives a reload, and warming the offline cache.

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

// "Window 8 · 应急专窗": the number in the page's words, plus the window's own
// name when it has one (the hall loader names the others "<n>号窗口").
export function windowLabel(window, template) {
  const plain = fill(template, { window: window.n });
  const special = window.name && window.name !== `${window.n}号窗口` ? window.name : "";
  return special ? `${plain} · ${special}` : plain;
}

export function clock(iso) {
  if (!iso) return "";
  const when = new Date(iso);
  return when.toLocaleTimeString(language() === "en" ? "en-GB" : "zh-CN", { hour: "2-digit", minute: "2-digit" });
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

export function showMode(mode, modes) {
  const badge = $("hall-mode");
  badge.hidden = !mode || mode === "normal";
  badge.textContent = modes[mode] || mode || "";
  badge.dataset.mode = mode || "normal";
}

