// The alert strip under the top bar, on every tab: what needs the duty leader now.
// Open incidents first (red), then load relief and failed devices (amber), then
// the paperwork left, overdue work orders of bad ratings and a calendar the hub does
// not know.

import { relieve, suggestedWindow } from "./control.js";
import { devices } from "./hall.js";
import { $, element, fill, localName } from "./util.js";

function alert(kind, words, { href = null, action = null, attrs = {} } = {}) {
  const body = element("span", { className: "alert__text", text: words });
  const link = href ? element("a", { className: "alert__action", text: action, attrs: { href } }) : null;
  return element("div", { className: `alert alert--${kind}`, attrs: { role: "status", ...attrs } }, body, link);
}

function incidentAlert(ctx, incident, names) {
  const words = ctx.text;
  const parts = [
    incident.number,
    words.kinds[incident.kind] || incident.kind,
    incident.mode && incident.mode !== "normal" ? words.modes[incident.mode] : null,
    (incident.systems || []).length ? (incident.systems || []).map((s) => words.systems[s] || s).join("、") : null,
    (incident.devices || []).length ? incident.devices.map((id) => names.get(id) || id).join("、") : null,
    fill(words.since, { time: ctx.time.moment(incident.started_at) }),
    incident.expected_recovery ? fill(words.expectedRecovery, { when: incident.expected_recovery }) : null,
  ].filter(Boolean);
  const kind = incident.mode === "outage" || incident.mode === "paper" ? "bad" : "warn";
  return alert(kind, parts.join(" · "), {
    href: `#incidents/${incident.id}`,
    action: words.handle,
    attrs: { "data-incident": incident.id },
  });
}

export function draw(ctx) {
  const { store, text } = ctx;
  const items = [];
  const open = (store.incidents || []).filter((incident) => incident.open);
  // Before the staff list is read, the snapshot's public summary of open incidents will do.
  const shown = open.length ? open : ((store.snapshot && store.snapshot.incidents) || []);
  const severity = { outage: 0, paper: 1, degraded: 2, normal: 3 };
  const ordered = [...shown].sort((a, b) => (severity[a.mode] ?? 3) - (severity[b.mode] ?? 3)
    || String(b.started_at).localeCompare(String(a.started_at)));
  const names = new Map(devices(ctx).map((device) => [device.id, device.name || device.id]));
  for (const incident of ordered) items.push(incidentAlert(ctx, incident, names));

  // An outage sends people to the emergency window: it had better be open.
  const services = (store.snapshot && store.snapshot.services) || [];
  const windows = (store.snapshot && store.snapshot.windows) || [];
  const emergencyCodes = new Set(services.filter((service) => service.emergency).map((service) => service.code));
  const emergencyWindows = windows.filter((window) => (window.services || []).some((code) => emergencyCodes.has(code)));
  if (services.some((service) => service.route === "emergency") && emergencyWindows.length
      && !emergencyWindows.some((window) => window.state === "open")) {
    items.push(alert("bad", fill(text.emergencyClosed, {
      windows: emergencyWindows.map((window) => fill(text.window, { window: window.n })).join("、"),
    }), { href: "#hall", action: text.seeQueues, attrs: { "data-emergency-closed": "true" } }));
  }

  for (const service of services) {
    if (!service.relief) continue;
    const item = alert("relief", fill(text.reliefAlert, {
      service: localName(service),
      count: service.waiting,
      minutes: service.longest_wait_min,
    }), { href: "#hall", action: text.seeQueues, attrs: { "data-relief": service.code } });
    // The suggestion as one tap: the window that can best be spared becomes its dedicated window.
    const window = suggestedWindow(ctx, service.code);
    if (window) {
      const relieveButton = element("button", {
        className: "alert__button",
        text: fill(text.dedicateSuggested, { window: window.n }),
        attrs: { type: "button", "data-relieve": service.code },
      });
      relieveButton.addEventListener("click", () => relieve(ctx, relieveButton, service.code));
      item.append(relieveButton);
    }
    items.push(item);
  }

  const failed = devices(ctx).filter((device) => device.health === "failed" && !device.incident);
  if (failed.length) {
    items.push(alert("warn", fill(text.devicesDown, {
      names: failed.map((device) => device.name || device.id).join("、"),
    }), { href: "#hall", action: text.seeDevices }));
  }

  const worklist = store.worklist;
  const paperwork = [
    worklist && worklist.to_backfill ? fill(text.toBackfill, { count: worklist.to_backfill }) : null,
    worklist && worklist.follow_ups_open ? fill(text.followUpsOpen, { count: worklist.follow_ups_open }) : null,
  ].filter(Boolean);
  if (paperwork.length) {
    items.push(alert("info", paperwork.join(" · "), { href: "#paperwork", action: text.seeWorklist }));
  }

  // 差评 work orders past their last day (整改逾期): the bureau counts them.
  const ratings = store.ratings;
  if (ratings && ratings.orders_overdue) {
    items.push(alert("bad", fill(text.ordersOverdue, { count: ratings.orders_overdue }), {
      href: "/console/ratings#orders", action: text.seeOrders, attrs: { "data-orders-overdue": ratings.orders_overdue },
    }));
  }

  const day = store.snapshot && store.snapshot.day;
  if (day && day.calendar_known === false) items.push(alert("warn", text.calendarUnknown));

  $("alerts").replaceChildren(...items);
  $("alerts").hidden = items.length === 0;

  const openCount = shown.length;
  $("count-incidents").hidden = openCount === 0;
  $("count-incidents").textContent = String(openCount);
  const noticeCount = ((store.snapshot && store.snapshot.notices) || []).length;
  $("count-notices").hidden = noticeCount === 0;
  $("count-notices").textContent = String(noticeCount);
  const left = worklist ? worklist.to_backfill + worklist.follow_ups_open : 0;
  $("count-paperwork").hidden = left === 0;
  $("count-paperwork").textContent = String(left);
}
