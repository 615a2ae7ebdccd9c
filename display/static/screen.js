// What the hall display and the window displays share: the hub's clock, the
// memory of an outage across reloads, the offline cache, and small DOM helpers.


const CLOCK_KEY = "hallq:display:clock-offset";
// A page the service worker served from its cache carries the hub's time of
// the day it was cached. A fresh page's time is at most a load time old.
const STALE_PAGE_MS = 3000;
const CLOCK_RESYNC_MS = 10 * 60 * 1000;

// "Window {n}" + {n: 3} → "Window 3".
export function fill(template, values = {}) {
  return template.replace(/\{(\w+)\}/g, (match, key) => (key in values ? String(values[key]) : match));
}

// Write a [first, second] sentence pair into an element's .first and .second children.
export function setBoth(element, pair, values = {}) {
  element.querySelector(".first").textContent = fill(pair[0], values);
  element.querySelector(".second").textContent = fill(pair[1], values);
}

// A new element with a class and text.
export function make(tag, className, text = "") {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text) element.textContent = text;
  return element;
}

// Replay a CSS animation class from its start (a second call in a row must flash again).
export function flash(element, className = "flash") {
  element.classList.remove(className);
  void element.offsetWidth; // forces a style flush, so re-adding the class restarts the animation
  element.classList.add(className);
}

// Shrink an element's font until its content fits its width (long numbers, English).
export function fitWidth(element, minimumPx = 40) {
  element.style.fontSize = "";
  let size = parseFloat(getComputedStyle(element).fontSize);
  while (element.scrollWidth > element.clientWidth + 1 && size > minimumPx) {
    size -= 6;
    element.style.fontSize = `${size}px`;
  }
}

// The hub's time. A display PC's own clock is often wrong, so the offset
// between the two is measured: from the time written into the page, then from
// /display/clock.json on every connect and every ten minutes. The offset is
// remembered, so that a page reloaded from the offline cache during an outage
// keeps the right time instead of the time it was cached at.
export class HubClock {
  constructor({ hub_now_ms: hubNowMs, timezone, language, clock_url: clockUrl }) {
    this.clockUrl = clockUrl;
    const fromPage = hubNowMs - Date.now();
    const saved = HubClock.saved();
    const cachedPage = saved !== null && Date.now() + saved - hubNowMs > STALE_PAGE_MS;
    this.offset = cachedPage ? saved : fromPage;
    if (!cachedPage) this.save();
    const locale = language === "en" ? "en-GB" : "zh-CN";
    this.timeFormat = new Intl.DateTimeFormat(locale, {
      timeZone: timezone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
    });
    this.dateFormat = new Intl.DateTimeFormat(locale, {
      timeZone: timezone, year: "numeric", month: "long", day: "numeric", weekday: "long",
    });
    this.shortFormat = new Intl.DateTimeFormat(locale, {
      timeZone: timezone, hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    });
  }

  static saved() {
    try {
      const value = JSON.parse(localStorage.getItem(CLOCK_KEY));
      return typeof value === "number" ? value : null;
    } catch {
      return null;
    }
  }

  save() {
    try {
      localStorage.setItem(CLOCK_KEY, JSON.stringify(this.offset));
    } catch {
      // without storage a reload in an outage shows the cached page's time
    }
  }

  now() {
    return Date.now() + this.offset;
  }

  // Hall-local "HH:MM" of a hub instant (milliseconds).
  short(ms) {
    return this.shortFormat.format(new Date(ms));
  }

  async sync() {
    try {
      const sent = Date.now();
      const response = await fetch(this.clockUrl, { cache: "no-store", credentials: "same-origin" });
      if (!response.ok) return;
      const { now_ms: hubMs } = await response.json();
      const received = Date.now();
      // The hub read its clock about halfway through the round trip.
      this.offset = hubMs + (received - sent) / 2 - received;
      this.save();
    } catch {
      // the hub is away; the last offset stays
    }
  }

  // Tick the clock into two elements; the PC's clock only counts the seconds.
  start(timeElement, dateElement) {
    const tick = () => {
      const now = new Date(this.now());
      timeElement.textContent = this.timeFormat.format(now);
      if (dateElement) dateElement.textContent = this.dateFormat.format(now);
    };
    tick();
    setInterval(tick, 250);
    setInterval(() => this.sync(), CLOCK_RESYNC_MS);
    return this;
  }
}

