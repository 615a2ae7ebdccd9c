// "Hall now": the mode, the day, every service's queue, the windows, the devices' health.

import { windowOwnName } from "/static/hallq-client.js";
import { serviceActions, windowActions } from "./control.js";
import { $, element, fill, language, localName } from "./util.js";

const PRINTER_FAILURES = new Set(["paper_out", "cover_open", "offline", "not_responding", "not_acknowledging"]);

// Same rule as core.domain.continuity.device_failed: near-end paper still prints.
export function deviceFailed(device) {
  if (device.kind === "printer") return PRINTER_FAILURES.has(device.status);
  return device.status === "offline";
}

// The device list: the live status from the snapshot, the heartbeat times from the API,
// and the open incidents that name each device.
export function devices(ctx) {
  const live = new Map(((ctx.store.snapshot && ctx.store.snapshot.devices) || []).map((d) => [d.id, d]));
  const detailed = new Map((ctx.store.devices || []).map((d) => [d.id, d]));
  const named = new Map();
  for (const incident of ctx.store.incidents || []) {
    if (!incident.open) continue;
    for (const id of incident.devices || []) named.set(id, incident);
  }
  const ids = [...new Set([...detailed.keys(), ...live.keys()])];
  return ids.map((id) => {
    const device = { ...(detailed.get(id) || {}), ...(live.get(id) || {}) };
    device.incident = named.get(id) || null;
    device.health = deviceFailed(device) || device.incident ? "failed"
      : device.status === "paper_near_end" ? "warn"
        : device.status === "unknown" || !device.status ? "unknown" : "ok";
    return device;
  });
}

const HEALTH_ORDER = { failed: 0, warn: 1, unknown: 2, ok: 3 };
const KIND_ORDER = ["kiosk", "printer", "guide", "display", "window_display"];

// Kiosks first, then printers, the guide desk, displays, window displays.
export function byKind(a, b) {
  return (KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind)) || String(a.id).localeCompare(String(b.id));
}

export function dayStatus(day, now) {
  if (!day) return "unknown";
  if (day.status === "closed") return "closed";
  const moment = now.getTime();
  if (moment < new Date(day.opens_at).getTime()) return "before_opening";
  if (moment < new Date(day.cutoff_at).getTime()) return "open";
  if (moment < new Date(day.closes_at).getTime()) return "after_cutoff";
  return "after_closing";
}

export function totalWaiting(snapshot) {
  return ((snapshot && snapshot.services) || []).reduce((sum, service) => sum + service.waiting, 0);
}

function drawMode(ctx) {
  const mode = (ctx.store.snapshot && ctx.store.snapshot.mode) || "unknown";
  $("mode").dataset.mode = mode;
  $("mode-text").textContent = ctx.text.modes[mode] || "…";
}

function drawDay(ctx) {
  const snapshot = ctx.store.snapshot;
  const day = snapshot && snapshot.day;
  const status = dayStatus(day, ctx.time.now());
  const node = $("day");
  node.dataset.status = status;
  if (!day) {
    node.textContent = "";
    return;
  }
  const words = ctx.text.day;
  const values = {
    opens: ctx.time.time(day.opens_at),
    cutoff: ctx.time.time(day.cutoff_at),
    closes: ctx.time.time(day.closes_at),
    count: totalWaiting(snapshot),
  };
  const key = status === "after_cutoff" && values.count === 0 ? "after_cutoff_empty" : status;
  node.textContent = fill(words[key] || "", values);
}

function routeCell(ctx, service) {
  // Served at the windows as usual — unless no open window serves it now.
  let route = service.route || "normal";
  if (route === "normal" && service.estimated_wait_min === null) route = "unserved";
  return element("td", { className: `route route--${route}`, text: ctx.text.routes[route] || route });
}

function drawServices(ctx) {
  const rows = ((ctx.store.snapshot && ctx.store.snapshot.services) || []).map((service) => {
    const minutes = (value) => fill(ctx.text.minutes, { minutes: value });
    const load = service.relief
      ? element("strong", { className: "relief", text: ctx.text.relief })
      : null;
    return element(
      "tr",
      { className: service.relief ? "is-relief" : "", attrs: { "data-service": service.code } },
      element("th", { attrs: { scope: "row" } },
        element("span", { className: "prefix", text: service.prefix || "" }),
        element("span", { text: localName(service) }),
        service.emergency ? element("span", { className: "tag", text: ctx.text.emergencyService }) : null),
      element("td", { className: "num waiting", text: String(service.waiting) }),
      element("td", { className: "num", text: service.waiting ? minutes(service.longest_wait_min) : "—" }),
      element("td", {
        className: "num",
        text: service.waiting && service.estimated_wait_min !== null ? minutes(service.estimated_wait_min) : "—",
      }),
      routeCell(ctx, service),
      element("td", { className: "load" }, load, serviceActions(ctx, service)),
    );
  });
  $("services").replaceChildren(...rows);
}

// "Window 8" in the page's words, and the window's own name (应急专窗) when it has one.
function windowName(ctx, window) {
  const special = windowOwnName(window, { english: language() === "en", emergencyWord: ctx.text.routes.emergency });
  return element("span", { className: "window__name" },
    fill(ctx.text.window, { window: window.n }),
    special ? element("span", { className: "window__special", text: special }) : null);
}

function servingNames(ctx, window) {
  const services = (ctx.store.snapshot && ctx.store.snapshot.services) || [];
  return window.services.map((code) => localName(services.find((service) => service.code === code)) || code).join("、");
}

function drawWindows(ctx) {
  const windows = (ctx.store.snapshot && ctx.store.snapshot.windows) || [];
  const open = windows.filter((window) => window.state === "open").length;
  $("windows-summary").textContent = windows.length ? fill(ctx.text.windowsOpen, { open, total: windows.length }) : "";
  $("windows").replaceChildren(...windows.map((window) => element(
    "li",
    { className: "window", attrs: { "data-state": window.state, "data-window": window.n } },
    windowName(ctx, window),
    element("span", { className: "window__state", text: ctx.text.windowStates[window.state] || window.state }),
    element("span", { className: "window__current", attrs: { "data-state": window.current_state || "" } },
      window.current || "—"),
    window.current
      ? element("span", { className: "window__current-state", text: ctx.text.ticketStates[window.current_state] || "" })
      : null,
    window.dedicated ? element("span", { className: "window__dedicated", text: fill(ctx.text.dedicatedTo, { services: servingNames(ctx, window) }) }) : null,
    windowActions(ctx, window),
  )));
}

function heard(ctx, device) {
  if (!device.last_seen_at) return device.health === "unknown" ? "" : ctx.text.neverHeard;
  const minutes = ctx.time.minutesSince(device.last_seen_at);
  if (minutes < 1) return ctx.text.heardJustNow;
  if (minutes < 60) return fill(ctx.text.heardMinutesAgo, { minutes });
  return fill(ctx.text.heardAt, { time: ctx.time.moment(device.last_seen_at) });
}

function drawDevices(ctx) {
  const list = devices(ctx).sort((a, b) => (HEALTH_ORDER[a.health] - HEALTH_ORDER[b.health]) || byKind(a, b));
  const failed = list.filter((device) => device.health === "failed").length;
  // A device that never connected is not "working": say how many, beside the failed ones.
  const never = list.filter((device) => device.health === "unknown").length;
  const parts = [
    failed ? fill(ctx.text.devicesFailed, { count: failed }) : "",
    never ? fill(ctx.text.devicesNeverConnected, { count: never }) : "",
  ].filter(Boolean);
  $("devices-summary").textContent = parts.length ? parts.join(" · ") : list.length ? ctx.text.devicesAllWell : "";
  $("devices-summary").dataset.bad = failed ? "true" : never ? "unknown" : "false";
  $("devices").replaceChildren(...list.map((device) => {
    // A device a leader reported out of order is out of order, whatever it last said itself.
    const reported = device.incident && !deviceFailed(device);
    const status = reported ? ctx.text.reportedOut
      : ctx.text.deviceStates[device.status] || device.status || ctx.text.deviceStates.unknown;
    return element(
      "li",
      { className: "device", attrs: { "data-health": device.health, "data-device": device.id } },
      element("span", { className: "device__name", text: localName(device) || device.id }),
      element("span", { className: "device__kind", text: ctx.text.deviceKinds[device.kind] || device.kind }),
      element("span", { className: "device__status", text: status }),
      device.incident
        ? element("a", {
          className: "device__incident",
          text: fill(ctx.text.inIncident, { number: device.incident.number }),
          attrs: { href: `#incidents/${device.incident.id}` },
        })
        : element("span", { className: "device__heard", text: heard(ctx, device) }),
    );
  }));
}

export function draw(ctx) {
  drawMode(ctx);
  drawDay(ctx);
  drawServices(ctx);
  drawWindows(ctx);
  drawDevices(ctx);
}

// Time passes without events: the day's status and "last heard" follow the clock.
export function tick(ctx) {
  drawDay(ctx);
  drawDevices(ctx);
}
