// Bookings (/console/appointments, 预约办税): a day's bookings per service and slot —
// booked, checked in, late, no-show, cancelled —, closing the day for booking with the
// reason texted to every booking (the only way the hall cancels one) and opening it
// again, and a taxpayer's bookings with their no-show block.
//
// Read from the HTTP API, and again after every snapshot (a reconnect, a change).

import { readConfig } from "/static/hallq-client.js";
import { followHall, pageTools } from "./page.js";
import { $, HallTime, change, element, fill, formValues, localName, maskPhone, read } from "./util.js";

const config = readConfig();
const text = config.text;
const time = new HallTime(config.timezone);
const STATES = ["booked", "checked_in", "late", "no_show", "cancelled"];

let client = null;
let shown = null; // the day board on screen
const { say, confirm, run } = pageTools(text, () => Boolean(client && client.offline));

const clock = (iso) => iso.slice(11, 16);

async function loadDay() {
  const day = $("day-form").day.value;
  const board = await read(`/api/v1/appointments/day/${day}`);
  if (!board) return;
  shown = board;
  $("day-state").textContent = board.closed ? text.closed[board.closed] : text.open;
  $("day-state").dataset.closed = String(Boolean(board.closed));
  for (const state of STATES) $(`count-${state}`).textContent = String(board.counts[state] || 0);
  $("slots").replaceChildren(...board.services.map((service) => element("section", { className: "booking-service" },
    element("h3", { text: localName(service) }),
    element("ol", { className: "booking-slot-list" }, ...service.slots.map((slot) => element("li", {
      className: slot.taken >= slot.places ? "is-full" : "",
      attrs: { "data-start": slot.start },
    },
    element("span", { text: fill(text.slot, { start: clock(slot.start), end: clock(slot.end) }) }),
    element("strong", { text: fill(text.places, { taken: slot.taken, places: slot.places }) })))))));
  $("booking-rows").replaceChildren(...board.bookings.map((booking) => element("tr", {
    attrs: { "data-code": booking.code, "data-state": booking.state },
  },
  element("td", { text: fill(text.slot, { start: clock(booking.start), end: clock(booking.end) }) }),
  element("td", { text: serviceName(booking) }),
  element("th", { text: booking.code, attrs: { scope: "row" } }),
  element("td", { text: maskPhone(booking.phone) }),
  element("td", { className: `state state--${booking.state}`, text: text.states[booking.state] }),
  element("td", { text: text.channels[booking.channel] || booking.channel }))));
  $("bookings-none").hidden = board.bookings.length > 0;
  $("bookings-none").textContent = text.noBookings;
  $("close-day").hidden = board.closed !== null;
  $("open-day").hidden = board.closed !== "closed_day";
  document.body.dataset.ready = "true";
}

function serviceName(booking) {
  return localName({ name: booking.service_name, name_en: booking.service_name_en });
}

async function closeDay(event) {
  event.preventDefault();
  const day = $("day-form").day.value;
  const { reason } = formValues($("close-form"));
  if (!reason) {
    say(text.needReason, "error");
    return;
  }
  const open = shown ? shown.bookings.filter((booking) => booking.state === "booked").length : 0;
  const sure = await confirm({
    title: fill(text.closeTitle, { day: time.longDate(day) }),
    body: fill(text.closeBody, { count: open }),
    yes: text.closeYes,
  });
  if (!sure) return;
  const answer = await run($("close-day"), () => change(`/api/v1/appointments/days/${day}/close`, { reason }));
  if (answer) {
    say(fill(text.dayClosed, { day: time.longDate(day), count: answer.data.cancelled }), "ok");
    $("close-form").reset();
    loadDay();
  }
}

async function openDay() {
  const day = $("day-form").day.value;
  const answer = await run($("open-day"), () => change(`/api/v1/appointments/days/${day}/open`, null));
  if (answer) {
    say(fill(text.dayOpened, { day: time.longDate(day) }), "ok");
    loadDay();
  }
}

async function findTaxpayer(event) {
  event.preventDefault();
  const wanted = formValues($("history-form"));
  const body = wanted.phone ? { phone: wanted.phone } : { taxpayer_id: wanted.taxpayer_id };
  const answer = await run(null, () => change("/api/v1/appointments/history", body));
  if (!answer) return;
  const history = answer.data;
  $("history-block").hidden = false;
  $("history-block").textContent = history.blocked_until
    ? fill(text.blockedUntil, { day: time.longDate(history.blocked_until) })
    : text.notBlocked;
  $("history-block").dataset.blocked = String(Boolean(history.blocked_until));
  $("history-rows").replaceChildren(...history.bookings.map((booking) => element("tr", { attrs: { "data-code": booking.code } },
    element("td", { text: time.longDate(booking.day) }),
    element("td", { text: fill(text.slot, { start: clock(booking.start), end: clock(booking.end) }) }),
    element("td", { text: serviceName(booking) }),
    element("th", { text: booking.code, attrs: { scope: "row" } }),
    element("td", { className: `state state--${booking.state}`, text: text.states[booking.state] }))));
}

function start() {
  const form = $("day-form");
  form.day.value = config.today;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    loadDay();
  });
  $("close-form").addEventListener("submit", closeDay);
  $("open-day").addEventListener("click", openDay);
  $("history-form").addEventListener("submit", findTaxpayer);
  client = followHall(config, text, time, "appointments", { load: loadDay });
}

start();
