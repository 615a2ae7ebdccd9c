// Reports (/console/reports, 统计): a period's figures for the hall, or one service, window
// or clerk — tickets by outcome and channel, waiting and service times, a line per
// service, window and clerk, the hourly curve and the weekdays.
//
// Read from the HTTP API when the page opens (the hub connected) and on "Show".

import { readConfig } from "/static/hallq-client.js";
import { clerksChart, curveChart, waitsChart } from "./charts.js";
import { followHall, pageTools } from "./page.js";
import { $, HallTime, ask, element, fill, localName } from "./util.js";

const config = readConfig();
const text = config.text;
const time = new HallTime(config.timezone);
const OUTCOMES = ["done", "transferred", "no_show", "cancelled", "expired", "open"];
const CHANNELS = ["kiosk", "guide", "paper", "appointment", "transfer"];
const BOOKINGS = ["booked", "checked_in", "late", "no_show", "cancelled"];

let client = null;
let opened = false;
const { run } = pageTools(text, () => Boolean(client && client.offline));

const number = (value) => (value === null || value === undefined ? "–" : String(value));
const share = (value) => (value === null || value === undefined ? "–" : `${Math.round(value * 100)}%`);
const cell = (value, className = "num") => element("td", { className, text: value });

function query() {
  const form = $("report-form");
  const wanted = new URLSearchParams({ period: form.period.value, from: form.from.value });
  if (form.period.value === "custom") wanted.set("to", form.to.value);
  for (const name of ["service", "window", "clerk"]) if (form[name].value) wanted.set(name, form[name].value);
  return wanted;
}

async function show() {
  const wanted = query();
  $("download-xlsx").href = `/console/reports.xlsx?${wanted}`;
  $("download-csv").href = `/console/reports/tickets.csv?${wanted}`;
  $("day-sheet").href = `/console/reports/day?${new URLSearchParams({ from: wanted.get("from") })}`;
  const answer = await run(null, () => ask(`/api/v1/reports/summary?${wanted}`));
  if (!answer) return;
  const report = answer.data;
  const total = report.total;
  $("report-period").textContent = fill(report.from === report.to ? text.oneDay : text.period, {
    from: time.longDate(report.from), to: time.longDate(report.to), days: report.days,
  });
  const tiles = {
    tickets: total.tickets, done: total.outcomes.done, wait: total.wait.mean, p90: total.wait.p90,
    target: share(total.wait.within_target), service: total.service.mean,
    no_show: total.outcomes.no_show, transferred: total.outcomes.transferred,
  };
  for (const [name, value] of Object.entries(tiles)) $(`tile-${name}`).textContent = number(value);
  $("tile-target-label").textContent = fill(text.withinTarget, { minutes: report.target_minutes });
  $("outcome-rows").replaceChildren(...OUTCOMES.map((name) => element("tr", {},
    element("th", { text: text.outcomes[name], attrs: { scope: "row" } }), cell(number(total.outcomes[name])))));
  $("channel-rows").replaceChildren(...[...CHANNELS.map((name) => [text.channels[name], total.channels[name]]), [text.green, total.green]]
    .map(([label, value]) => element("tr", {}, element("th", { text: label, attrs: { scope: "row" } }), cell(number(value)))));
  $("time-rows").replaceChildren(...[["wait", text.wait], ["service", text.service]].map(([name, label]) => element("tr", {},
    element("th", { text: label, attrs: { scope: "row" } }),
    ...["mean", "median", "p90", "max"].map((key) => cell(number(total[name][key]))))));
  for (const table of ["services", "windows"]) {
    $(`${table}-rows`).replaceChildren(...lines(report[table], (line) => [
      line.parts, line.outcomes.done, line.outcomes.no_show, line.outcomes.transferred,
      line.wait.mean, line.wait.median, line.wait.p90, share(line.wait.within_target), line.service.mean,
    ], table === "windows" ? (line) => fill(text.window, { number: line.key }) : (line) => line.name));
  }
  $("clerks-rows").replaceChildren(...lines(report.clerks, (line) => [
    line.service.count, line.outcomes.transferred, line.service.mean, line.service.median, line.recalls, line.no_shows,
    hours(line.duty.on_duty_minutes), hours(line.duty.paused_minutes), hours(line.duty.idle_minutes),
    line.overtime_minutes, line.ratings.satisfied_rate === null ? null : `${line.ratings.satisfied_rate}%`, line.ratings.bad,
  ], (line) => line.name));
  $("booking-rows").replaceChildren(...BOOKINGS.map((state) => element("tr", {},
    element("th", { text: text.bookings[state], attrs: { scope: "row" } }), cell(number(report.appointments[state])))));
  const continuity = report.continuity;
  $("incident-rows").replaceChildren(
    ...continuity.incidents.map((kind) => element("tr", {},
      element("th", { text: text.kinds[kind.kind] || kind.kind, attrs: { scope: "row" } }),
      cell(number(kind.count)), cell(number(kind.minutes)))),
    ...Object.entries(continuity.modes).map(([mode, minutes]) => element("tr", {},
      element("th", { text: fill(text.inMode, { mode: text.modes[mode] || mode }), attrs: { scope: "row" } }),
      cell(""), cell(number(minutes)))));
  if (!continuity.incidents.length) $("incident-rows").replaceChildren(element("tr", {}, element("td", { className: "calm", text: text.noIncidents, attrs: { colspan: 3 } })));
  $("continuity-rows").replaceChildren(...[
    [text.onScreen, total.on_screen], [text.onPaper, total.channels.paper],
    [text.registers, fill(text.answered, answered(continuity.registers))],
    [text.followUps, fill(text.answered, answered(continuity.follow_ups))],
  ].map(([label, value]) => element("tr", {}, element("th", { text: label, attrs: { scope: "row" } }), cell(number(value)))));
  $("hour-rows").replaceChildren(...report.hours.map((hour) => element("tr", {},
    element("th", { text: fill(text.hour, { from: pad(hour.hour), to: pad(hour.hour + 1) }), attrs: { scope: "row" } }),
    cell(number(hour.arrivals)), cell(number(hour.per_day)), cell(number(hour.wait_mean)))));
  $("weekday-rows").replaceChildren(...report.weekdays.map((day) => element("tr", {},
    element("th", { text: text.weekdays[day.weekday], attrs: { scope: "row" } }),
    cell(number(day.days)), cell(number(day.arrivals)), cell(number(day.per_day)), cell(number(day.wait_mean)))));
  drawCharts(report);
  document.body.dataset.ready = "true";
}

function drawCharts(report) {
  const hourLabel = (hour) => fill(text.hour, { from: pad(hour.hour), to: pad(hour.hour + 1) });
  curveChart($("chart-hours"), {
    labels: report.hours.map(hourLabel),
    arrivals: report.hours.map((hour) => hour.per_day),
    waits: report.hours.map((hour) => hour.wait_mean),
  }, text);
  curveChart($("chart-weekdays"), {
    labels: report.weekdays.map((day) => text.weekdays[day.weekday]),
    arrivals: report.weekdays.map((day) => day.per_day),
    waits: report.weekdays.map((day) => day.wait_mean),
  }, text);
  waitsChart($("chart-services"), report.services, report.target_minutes, text);
  clerksChart($("chart-clerks"), report.clerks, text);
}

function lines(items, values, name) {
  if (!items.length) return [element("tr", {}, element("td", { className: "calm", text: text.none, attrs: { colspan: 13 } }))];
  return items.map((line) => element("tr", { attrs: { "data-key": line.key } },
    element("th", { text: name(line), attrs: { scope: "row" } }), ...values(line).map((value) => cell(number(value)))));
}

const pad = (hour) => String(hour).padStart(2, "0");
const hours = (minutes) => (minutes / 60).toFixed(1);
const answered = (done) => ({ count: done.count, done: done.done, hours: number(done.mean_hours) });

function choices(select, items) {
  select.append(...items.map(([value, label]) => element("option", { text: label, attrs: { value } })));
}

function start() {
  const form = $("report-form");
  form.from.value = config.today;
  form.to.value = config.today;
  choices(form.service, config.services.map((service) => [service.code, localName(service)]));
  choices(form.window, config.windows.map((number) => [number, fill(text.window, { number })]));
  choices(form.clerk, config.clerks.map((clerk) => [clerk.username, clerk.name]));
  form.period.addEventListener("change", () => { $("to-field").hidden = form.period.value !== "custom"; });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show();
  });
  client = followHall(config, text, time, "reports", {
    load: () => {
      if (opened) return; // a report is read when asked for, not at every change in the hall
      opened = true;
      show();
    },
  });
}

start();
