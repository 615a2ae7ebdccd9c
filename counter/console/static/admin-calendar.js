// The administration's "hours and calendar" tab: opening hours, calling rules, and a
// month of the hall's calendar (statutory holidays and adjusted working days from
// chinese-calendar, the hall's own overrides, the filing deadline), changed day by day.

import { $, SessionGone, change, element, fill, read } from "./util.js";

let month = null; // "2026-10", the month shown
let view = null; // GET /api/v1/admin/calendar/<month>
let selected = null; // "2026-10-12", the day whose actions are shown
let drawn = ""; // what the grid shows now: it is drawn again only when that changes

function shifted(by) {
  const [year, number] = month.split("-").map(Number);
  const index = year * 12 + (number - 1) + by;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

export async function load(ctx) {
  month = month || ctx.config.today.slice(0, 7);
  try {
    const answer = await read(`/api/v1/admin/calendar/${month}`);
    if (answer) view = answer;
  } catch (error) {
    if (error instanceof SessionGone) ctx.sessionGone();
    return;
  }
  drawMonth(ctx);
}

// ---- hours and rules: the forms show the hall file's values ----

function fillForms(hall) {
  const hours = hall.hall.hours;
  const form = $("hours");
  if (!form.contains(document.activeElement)) {
    for (const name of ["opens", "cutoff", "closes"]) form[name].value = hours[name].slice(0, 5);
    form.every_day.checked = Boolean(hours.every_day);
  }
  const rules = $("rules");
  if (!rules.contains(document.activeElement)) {
    for (const [name, value] of Object.entries(hall.hall.rules)) if (rules[name]) rules[name].value = value;
  }
}

function setUpForms(ctx) {
  const hours = $("hours");
  hours.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { opens: hours.opens.value, cutoff: hours.cutoff.value, closes: hours.closes.value, every_day: hours.every_day.checked };
    const answer = await ctx.run(hours.querySelector("button"), () => change("/api/v1/admin/hall/hours", body, { method: "PUT" }), { done: ctx.text.hoursSaved });
    if (answer) ctx.show(answer);
  });
  const rules = $("rules");
  rules.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = Object.fromEntries(["max_wait_minutes", "no_show_after_recalls", "requeue_after", "windows_per_staff"]
      .map((name) => [name, Number(rules[name].value)]));
    const answer = await ctx.run(rules.querySelector("button"), () => change("/api/v1/admin/hall/rules", body, { method: "PUT" }), { done: ctx.text.rulesSaved });
    if (answer) ctx.show(answer);
  });
}

// ---- the month ----

function monthTitle(ctx) {
  const [year, number] = month.split("-").map(Number);
  return fill(ctx.text.monthTitle, { year, month: number });
}

function dayLabel(ctx, day) {
  const [, number, date] = day.day.split("-").map(Number);
  return fill(ctx.text.dayTitle, { month: number, day: date, weekday: ctx.text.weekdays[day.weekday - 1] });
}

function statutoryWords(ctx, day) {
  const words = ctx.text.statutory[day.statutory];
  return day.festival ? `${words}（${day.festival}）` : words;
}

function cell(ctx, day) {
  const [, , date] = day.day.split("-").map(Number);
  const state = day.open === null ? "unknown" : day.open ? "open" : "closed";
  const tag = day.statutory === "holiday" ? ctx.text.offTag : day.statutory === "adjusted_workday" ? ctx.text.workTag : "";
  const button = element("button", {
    className: `calendar__cell calendar__cell--${state}${day.override !== null ? " calendar__cell--override" : ""}${selected === day.day ? " calendar__cell--selected" : ""}`,
    attrs: { type: "button", "data-day": day.day, "data-open": String(day.open), "aria-label": `${dayLabel(ctx, day)} ${statutoryWords(ctx, day)}` },
  },
  element("span", { className: "calendar__date", text: String(date) }),
  tag ? element("span", { className: `calendar__tag calendar__tag--${day.statutory}`, text: tag }) : null,
  day.festival ? element("span", { className: "calendar__festival", text: day.festival }) : null,
  day.override !== null ? element("span", { className: "calendar__override", text: ctx.text.hallOwn }) : null,
  view.filing_deadline === day.day ? element("span", { className: "calendar__deadline", text: ctx.text.deadlineTag }) : null);
  button.addEventListener("click", () => {
    selected = day.day;
    drawMonth(ctx);
  });
  return button;
}

function actions(ctx) {
  const day = view.days.find((each) => each.day === selected);
  if (!day) return [element("p", { className: "hint", text: ctx.text.pickDay })];
  const state = day.open === null ? ctx.text.dayUnknown : day.open ? ctx.text.dayOpen : ctx.text.dayClosed;
  const own = day.override === null ? "" : ctx.text.byHall;
  const set = (open, label, className) => {
    const button = element("button", { className, text: label, attrs: { type: "button", "data-set": String(open) } });
    button.addEventListener("click", async () => {
      const answer = await ctx.run(button, () => change(`/api/v1/admin/calendar/days/${day.day}`, { open }, { method: "PUT" }), { done: ctx.text.daySaved });
      if (answer) ctx.show(answer);
    });
    return button;
  };
  const deadline = element("button", { className: "secondary", text: ctx.text.makeDeadline, attrs: { type: "button", "data-deadline": true } });
  deadline.addEventListener("click", async () => {
    const answer = await ctx.run(deadline, () => change(`/api/v1/admin/calendar/filing/${month}`, { deadline: day.day }, { method: "PUT" }), { done: ctx.text.deadlineSaved });
    if (answer) ctx.show(answer);
  });
  return [
    element("p", { className: "calendar__day-title" },
      element("strong", { text: dayLabel(ctx, day) }), ` ${statutoryWords(ctx, day)} · ${state}${own}`),
    element("div", { className: "calendar__actions" },
      set(true, ctx.text.setOpen, "primary"), set(false, ctx.text.setClosed, "danger"),
      day.override !== null ? set(null, ctx.text.setStatutory, "secondary") : null, deadline),
  ];
}

function drawMonth(ctx) {
  if (!view || view.month !== month) return;
  const key = JSON.stringify([view, selected, document.documentElement.lang]);
  if (key === drawn) return; // a snapshot that changed nothing here keeps the same cells
  drawn = key;
  $("calendar-title").textContent = monthTitle(ctx);
  const deadline = view.filing_deadline
    ? fill(view.filing_official ? ctx.text.deadlineOfficial : ctx.text.deadlineDefault, { day: Number(view.filing_deadline.slice(8)) })
    : ctx.text.deadlineUnknown;
  $("filing-line").textContent = deadline;
  const unknown = $("calendar-unknown");
  unknown.hidden = view.statutory_known;
  unknown.textContent = fill(view.known ? ctx.text.yearEntered : ctx.text.yearUnknown, { year: month.slice(0, 4) });
  const blanks = Array.from({ length: view.days[0].weekday - 1 }, () => element("span", { className: "calendar__blank" }));
  const heads = ctx.text.weekdays.map((name) => element("span", { className: "calendar__weekday", text: name }));
  $("calendar-grid").replaceChildren(...heads, ...blanks, ...view.days.map((day) => cell(ctx, day)));
  $("calendar-day").replaceChildren(...actions(ctx));
}

export function draw(ctx, hall) {
  fillForms(hall);
  drawMonth(ctx);
}

export function setUp(ctx) {
  setUpForms(ctx);
  for (const [id, by] of [["month-before", -1], ["month-after", 1]]) {
    $(id).addEventListener("click", () => {
      month = shifted(by);
      selected = null;
      load(ctx);
    });
  }
}
