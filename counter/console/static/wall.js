// The leader's live wall (/console/wall, 1920×1080, the office TV): each service's queue
// and longest wait, each window with its clerk and the number it holds, today's totals
// against the same weekday last week, and what needs the leader — load relief, failed
// devices, open incidents, overdue work orders of bad ratings.
//
// Queues and windows come live from the /console namespace (a call shows at once); the
// totals, who holds each window and the overdue work orders are read over the HTTP API,
// again a moment after the hall changes (at most every few seconds).

import { readConfig } from "/static/hallq-client.js";
import { todayChart } from "./charts.js";
import { followHall } from "./page.js";
import { $, HallTime, element, fill, localName, read } from "./util.js";

const config = readConfig();
const text = config.text;
const time = new HallTime(config.timezone);
const FIGURES = ["tickets", "done", "wait_mean", "service_mean", "no_show"];
const READ_AGAIN_MS = 3000;

let client = null;
let today = null; // GET /reports/today
let overdue = 0;
let reading = null;

const number = (value) => (value === null || value === undefined ? "–" : String(value));

function drawHall(state) {
  if (!state) return;
  $("mode").dataset.mode = state.mode || "normal";
  $("mode").textContent = text.modes[state.mode] || state.mode || "";
  $("wall-service-rows").replaceChildren(...(state.services || []).filter((service) => !service.emergency || service.waiting)
    .map((service) => element("tr", { attrs: { "data-service": service.code, "data-relief": String(Boolean(service.relief)) } },
      element("td", { text: localName(service) }),
      element("td", { className: "num", text: String(service.waiting) }),
      element("td", { className: "num", text: service.waiting ? String(service.longest_wait_min) : "–" }))));
  const clerks = (today && today.clerks) || {};
  $("wall-window-tiles").replaceChildren(...(state.windows || []).map((window) => element("div", {
    className: "wall__window", attrs: { "data-window": window.n, "data-state": window.state },
  },
  element("span", { className: "wall__window-n", text: String(window.n) }),
  element("span", { className: "wall__window-clerk", text: window.state === "closed" ? text.closed : (clerks[window.n] || "") }),
  element("span", {
    className: "wall__window-current",
    text: window.state === "paused" ? text.paused : (window.current || ""),
  }))));
  drawAlerts(state);
}

function drawAlerts(state) {
  const items = [];
  for (const incident of state.incidents || []) {
    items.push(["bad", `${incident.number} ${text.kinds[incident.kind] || incident.kind}`]);
  }
  for (const service of state.services || []) {
    if (service.relief) {
      items.push(["warn", fill(text.reliefAlert, { service: localName(service), count: service.waiting, minutes: service.longest_wait_min })]);
    }
  }
  for (const device of state.devices || []) {
    if (device.failed) items.push(["warn", fill(text.deviceFailed, { device: device.name || device.id })]);
  }
  if (overdue) items.push(["warn", fill(text.ordersOverdue, { count: overdue })]);
  if (!items.length) items.push(["calm", text.allWell]);
  $("wall-alert-list").replaceChildren(...items.map(([kind, words]) => element("li", { text: words, attrs: { "data-kind": kind } })));
}

function drawToday() {
  if (!today) return;
  for (const key of FIGURES) {
    const now = today.today[key];
    const before = today.last_week[key];
    $(`today-${key}`).textContent = number(now);
    $(`before-${key}`).textContent = fill(text.lastWeek, { value: number(before) });
    $(`before-${key}`).dataset.trend = now !== null && before !== null && now > before ? "up" : "";
  }
  todayChart($("wall-chart"), today.hours, text);
}

// Read the figures again soon — at most every few seconds, however busy the hall.
function readSoon() {
  if (reading) return;
  reading = setTimeout(async () => {
    const [figures, ratings] = await Promise.all([read("/api/v1/reports/today"), read("/api/v1/ratings/today")]);
    reading = null;
    if (figures) today = figures;
    if (ratings) overdue = ratings.orders_overdue;
    drawToday();
    drawHall(client.state);
    document.body.dataset.ready = "true";
  }, document.body.dataset.ready ? READ_AGAIN_MS : 0);
}

function tick() {
  $("clock").textContent = time.time(time.now().toISOString(), { seconds: true });
}

function start() {
  client = followHall(config, text, time, "wall", {
    load: () => {
      drawHall(client.state);
      readSoon();
    },
    onEvent: (name, payload, state) => {
      drawHall(state);
      if (name === "queue:changed" || name === "ticket:changed" || name === "rating:recorded" || name === "rating:work_order") readSoon();
    },
  });
  tick();
  setInterval(tick, 1000);
}

start();
