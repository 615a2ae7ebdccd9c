// The booking page (预约办税): /book on the taxpayer's phone.
//
// Pick a business, a day and a time; prove the phone with the code the hub texts to it;
// get the check-in code (and its QR) for the kiosk's 预约取号. A booking is found again
// by code and phone, to be moved or cancelled. Every answer comes from the hub's
// appointments API; its refusals are shown in the page's language as it words them.

import { command, readConfig } from "/static/hallq-client.js";
import { fill } from "./common.js";

const config = readConfig();
const T = config.texts;
const $ = (id) => document.getElementById(id);
const view = { services: [], days: [], service: null, day: null, slot: null, booking: null, phone: "" };
let resendTimer = null;

function say(text, kind = "error") {
  const line = $("message");
  line.textContent = text || "";
  line.dataset.kind = kind;
  line.hidden = !text;
  if (text) line.scrollIntoView({ block: "nearest" });
}

function refused(answer) {
  say(answer.status === 0 ? T.offline : answer.data?.message || T.offline);
}

async function get(path) {
  return command(`${config.api}${path}`, null, { method: "GET" });
}

function button(text, attrs = {}) {
  const node = document.createElement("button");
  node.type = "button";
  node.className = "bk-choice";
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...[].concat(text).map((part) => {
    const span = document.createElement("span");
    span.textContent = part;
    return span;
  }));
  return node;
}

function localName(service) {
  return config.lang === "en" && service.name_en ? service.name_en : service.name;
}

function dayLabel(iso) {
  const [year, month, day] = iso.split("-").map(Number);
  const weekday = T.weekdays[(new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7];
  const date = config.lang === "en" ? `${day}/${month}` : `${month}月${day}日`;
  return [date, iso === view.days[0]?.day ? T.today : weekday];
}

const clock = (iso) => iso.slice(11, 16);

function select(container, chosen) {
  for (const node of container.querySelectorAll("[aria-pressed]")) {
    node.setAttribute("aria-pressed", String(node === chosen));
  }
}

// ---- 1. business, 2. day, 3. time --------------------------------------------------------

function drawServices() {
  const list = $("services");
  list.replaceChildren(...view.services.map((service) => {
    const node = button(localName(service), { "data-service": service.code, "aria-pressed": "false" });
    node.addEventListener("click", () => chooseService(service, node));
    return node;
  }));
}

function chooseService(service, node) {
  view.service = service;
  select($("services"), node);
  drawDays();
  $("step-day").hidden = false;
  $("step-slot").hidden = true;
  $("step-you").hidden = true;
  $("step-day").scrollIntoView({ block: "start", behavior: "smooth" });
}

function drawDays() {
  $("days").replaceChildren(...view.days.map((day) => {
    const [date, weekday] = dayLabel(day.day);
    const parts = day.closed ? [date, weekday, T.closed[day.closed]] : [date, weekday];
    const node = button(parts, { "data-day": day.day, "aria-pressed": "false" });
    if (day.closed) node.classList.add("is-closed");
    node.addEventListener("click", () => chooseDay(day, node));
    return node;
  }));
}

async function chooseDay(day, node) {
  view.day = day;
  select($("days"), node);
  say("");
  const answer = await get(`/slots/${view.service.code}/${day.day}`);
  if (!answer.ok) return refused(answer);
  drawSlots(answer.data);
  $("step-slot").hidden = false;
  $("step-you").hidden = true;
  $("step-slot").scrollIntoView({ block: "start", behavior: "smooth" });
}

function drawSlots(day) {
  const open = day.slots.filter((slot) => slot.bookable);
  const why = day.closed ? T.closed_day[day.closed] : open.length ? "" : T.no_slots;
  $("closed").textContent = why;
  $("closed").hidden = !why;
  $("slots").replaceChildren(...day.slots.map((slot) => {
    const state = slot.bookable ? fill(T.left, { count: slot.left }) : slot.left ? T.too_late : T.full;
    const node = button([`${clock(slot.start)}–${clock(slot.end)}`, state], {
      "data-start": slot.start, "aria-pressed": "false",
    });
    node.disabled = !slot.bookable;
    node.addEventListener("click", () => chooseSlot(slot, node));
    return node;
  }));
}

function chooseSlot(slot, node) {
  view.slot = slot;
  select($("slots"), node);
  say("");
  const [date] = dayLabel(view.day.day);
  $("chosen").textContent = fill(T.chosen, {
    service: localName(view.service), day: date, start: clock(slot.start), end: clock(slot.end),
  });
  const changing = view.booking !== null;
  for (const id of ["phone", "code", "send-code"]) $(id).closest("label, button").hidden = changing;
  $("taxpayer-field").hidden = changing || !view.service.taxpayer_id;
  $("book").textContent = changing ? T.confirm_change : T.book;
  $("step-you").hidden = false;
  $("step-you").scrollIntoView({ block: "start", behavior: "smooth" });
}

// ---- 4. the phone, its code, the booking ----------------------------------------------------

$("send-code").addEventListener("click", async () => {
  const phone = $("phone").value.trim();
  if (!phone) return say(T.need_phone);
  const answer = await command(`${config.api}/sms-code`, { phone });
  if (!answer.ok) return refused(answer);
  say(fill(T.code_sent, { phone }), "info");
  countDown(answer.data.resend_after_s);
  $("code").focus();
});

function countDown(seconds) {
  const send = $("send-code");
  clearInterval(resendTimer);
  let left = seconds;
  send.disabled = true;
  send.textContent = fill(T.resend, { seconds: left });
  resendTimer = setInterval(() => {
    left -= 1;
    send.textContent = left > 0 ? fill(T.resend, { seconds: left }) : T.send_code;
    if (left <= 0) {
      clearInterval(resendTimer);
      send.disabled = false;
    }
  }, 1000);
}

$("book").addEventListener("click", async () => {
  if (view.booking) return change();
  const phone = $("phone").value.trim();
  const code = $("code").value.trim();
  if (!phone) return say(T.need_phone);
  if (!code) return say(T.need_code);
  const body = { service: view.service.code, start: view.slot.start, phone, sms_code: code };
  const taxpayer = $("taxpayer").value.replace(/\s+/g, "").toUpperCase();
  if (taxpayer) body.taxpayer_id = taxpayer;
  const answer = await command(config.api, body);
  if (!answer.ok) return refused(answer);
  view.phone = phone;
  showBooking(answer.data, T.booked);
});

async function change() {
  const answer = await command(`${config.api}/${view.booking.code}/change`, {
    phone: view.phone, start: view.slot.start,
  });
  if (!answer.ok) return refused(answer);
  showBooking(answer.data, T.moved);
}

function showBooking(booking, title) {
  say("");
  view.booking = null;
  for (const id of ["step-day", "step-slot", "step-you"]) $(id).hidden = true;
  $("step-service").hidden = true;
  const [date, weekday] = dayLabel(booking.day);
  const name = config.lang === "en" && booking.service_name_en ? booking.service_name_en : booking.service_name;
  $("booking-title").textContent = booking.state === "booked" ? title : T.states[booking.state];
  $("booking").dataset.state = booking.state;
  $("booking-code").textContent = booking.code;
  $("booking-qr").src = booking.qr;
  $("booking-qr").alt = booking.code;
  $("booking-when").textContent = `${name} · ${date} ${weekday} ${clock(booking.start)}–${clock(booking.end)}`;
  const open = booking.state === "booked";
  $("booking-actions").hidden = !open;
  $("booking-help").hidden = !open;
  $("booking").hidden = false;
  $("booking").scrollIntoView({ block: "start" });
  view.shown = booking;
}

// ---- a booking found again: move or cancel it ------------------------------------------------

$("find").addEventListener("click", async () => {
  const code = $("find-code").value.trim();
  const phone = $("find-phone").value.trim();
  if (!phone) return say(T.need_phone);
  const answer = await command(`${config.api}/lookup`, { code, phone });
  if (!answer.ok) return refused(answer);
  view.phone = phone;
  showBooking(answer.data, T.found);
});

$("cancel").addEventListener("click", async () => {
  if (!window.confirm(T.confirm_cancel)) return;
  const answer = await command(`${config.api}/${view.shown.code}/cancel`, { phone: view.phone });
  if (!answer.ok) return refused(answer);
  showBooking(answer.data, T.cancelled);
  $("booking-title").textContent = T.cancelled;
});

$("change").addEventListener("click", () => {
  view.booking = view.shown;
  view.service = view.services.find((service) => service.code === view.shown.service) || view.service;
  $("booking").hidden = true;
  drawDays();
  $("step-day").querySelector("h2").textContent = T.change_title;
  $("step-day").hidden = false;
  $("step-day").scrollIntoView({ block: "start" });
});

async function start() {
  const answer = await get("/services");
  if (!answer.ok) return refused(answer);
  view.services = answer.data.services;
  view.days = answer.data.days;
  drawServices();
  document.body.dataset.ready = "true";
}

start();
