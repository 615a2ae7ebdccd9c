// Service ratings (/console/ratings, 好差评): today's satisfaction live, the work order of
// every bad rating — the call-back (回访), the fix (整改) and its result, the taxpayer's
// view of it, an appeal and the administrator's decision —, and the figures of any
// period per clerk, window or service, with the bureau's XLSX.
//
// Everything is read from the HTTP API and read again when the hub says a rating or a
// work order changed (rating:recorded, rating:work_order) or after a reconnect.

import { command, readConfig } from "/static/hallq-client.js";
import { followHall, pageTools, sessionGone } from "./page.js";
import { $, HallTime, SessionGone, change, debounce, element, fill, language, read } from "./util.js";

const config = readConfig();
const text = config.text;
const time = new HallTime(config.timezone);
const TABS = ["today", "orders", "figures"];

let client = null;
let reasons = new Map(); // code → the hall's words for it
let orders = [];
const { run } = pageTools(text, () => Boolean(client && client.offline));

function percent(value) {
  return value === null || value === undefined ? text.none : fill(text.percent, { value: Number(value).toFixed(1) });
}

function reasonWords(codes) {
  return codes.map((code) => reasons.get(code) || code).join("、");
}

function remember(list) {
  reasons = new Map(list.map((reason) => [reason.code, language() === "en" && reason.name_en ? reason.name_en : reason.name]));
}

// ---- today ----

async function loadToday() {
  const today = await read("/api/v1/ratings/today");
  if (!today) return;
  remember(today.reasons);
  $("today-rated").textContent = String(today.rated);
  $("today-satisfied").textContent = percent(today.satisfied_rate);
  $("today-bad").textContent = String(today.bad);
  $("today-not-rated").textContent = String(today.not_rated);
  $("today-orders").textContent = fill(text.ordersValue, { open: today.orders_open, overdue: today.orders_overdue });
  $("count-overdue").hidden = today.orders_overdue === 0;
  $("count-overdue").textContent = String(today.orders_overdue);
  $("bad-rows").replaceChildren(...today.bad_list.map((item) => element("tr", { attrs: { "data-number": item.number } },
    element("td", { text: time.time(item.rated_at) }),
    element("th", { text: item.number, attrs: { scope: "row" } }),
    element("td", { text: fill(text.window, { window: item.window }) }),
    element("td", { text: item.clerk }),
    element("td", { className: "bad", text: text.levels[String(item.level)] }),
    element("td", { text: [reasonWords(item.reasons), item.text].filter(Boolean).join(" · ") }))));
  $("bad-none").hidden = today.bad_list.length > 0;
}

// ---- work orders ----

function textArea(name, label) {
  return element("label", {}, label, element("textarea", { attrs: { name, rows: 2, maxlength: 500, required: true } }));
}

function orderForm(order) {
  const path = `/api/v1/ratings/work-orders/${order.id}`;
  const forms = [];
  if (order.state === "open") {
    const callBack = element("form", { className: "form order__form", attrs: { "data-form": "call-back", novalidate: true } },
      textArea("said", text.said),
      element("div", { className: "form__actions" }, element("button", { className: "secondary", text: text.recordCallBack, attrs: { type: "submit" } })));
    callBack.addEventListener("submit", async (event) => {
      event.preventDefault();
      const answer = await run(callBack.querySelector("button"), () => change(`${path}/call-back`, { said: callBack.said.value.trim() }), { done: text.callBackSaved });
      if (answer) loadOrders();
    });
    const close = element("form", { className: "form order__form", attrs: { "data-form": "close", novalidate: true } },
      textArea("cause", text.cause), textArea("fix", text.fix), textArea("result", text.result),
      element("div", { className: "form__actions" }, element("button", { className: "primary", text: text.closeOrder, attrs: { type: "submit" } })));
    close.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = { cause: close.cause.value.trim(), fix: close.fix.value.trim(), result: close.result.value.trim() };
      const answer = await run(close.querySelector("button"), () => change(`${path}/close`, body), { done: text.orderClosed });
      if (answer) load();
    });
    forms.push(callBack, close);
  } else if (!order.fix_rating) {
    const buttons = ["satisfied", "basically_satisfied", "dissatisfied"].map((value) => {
      const button = element("button", { className: "secondary", text: text.fixRatings[value], attrs: { type: "button", "data-fix-rating": value } });
      button.addEventListener("click", async () => {
        const answer = await run(button, () => change(`${path}/fix-rating`, { rating: value }), { done: text.fixRated });
        if (answer) loadOrders();
      });
      return button;
    });
    forms.push(element("div", { className: "order__fix" }, element("span", { text: text.fixRating }), ...buttons));
  }
  if (order.appeal && order.appeal.state === "pending" && config.role === "admin") {
    const reason = element("textarea", { attrs: { name: "reason", rows: 2, maxlength: 500, "aria-label": text.decisionReason, placeholder: text.decisionReason } });
    const decide = (upheld) => async (event) => {
      const answer = await run(event.currentTarget, () => change(`${path}/decision`, { upheld, reason: reason.value.trim() }), { done: text.decided });
      if (answer) load();
    };
    const uphold = element("button", { className: "primary", text: text.uphold, attrs: { type: "button" } });
    const reject = element("button", { className: "secondary", text: text.reject, attrs: { type: "button" } });
    uphold.addEventListener("click", decide(true));
    reject.addEventListener("click", decide(false));
    forms.push(element("div", { className: "form order__form" }, reason, element("div", { className: "form__actions" }, uphold, reject)));
  }
  return forms;
}

function orderCard(order) {
  const due = order.overdue ? fill(text.overdue, { day: time.longDate(order.due_on) }) : fill(text.due, { day: time.longDate(order.due_on) });
  const facts = [
    element("p", { className: "order__head" },
      element("strong", { text: order.number }),
      element("span", { className: "bad", text: ` ${text.levels[String(order.level)]} ` }),
      element("span", { text: fill(text.servedBy, { window: fill(text.window, { window: order.window }), clerk: order.staff_name, service: order.service_name }) })),
    element("p", { text: reasonWords(order.reasons) }),
    order.text ? element("p", { text: fill(text.taxpayerWords, { text: order.text }) }) : null,
    element("p", { text: order.phone ? fill(text.callBackNumber, { phone: order.phone }) : text.noPhone }),
    element("p", { className: order.overdue ? "order__due bad" : "order__due", text: `${order.state === "open" ? due : text.closed} · ${order.leader ? fill(text.assignedTo, { leader: order.leader }) : text.noLeader}` }),
    order.call_back ? element("p", { text: fill(text.calledBack, { when: time.moment(order.call_back.at), who: order.call_back.by, said: order.call_back.said }) }) : null,
    order.state === "closed" ? element("p", { text: `${fill(text.fixedBy, { when: time.moment(order.closed_at), who: order.closed_by })} · ${text.cause}：${order.cause} · ${text.fix}：${order.fix} · ${text.result}：${order.result}` }) : null,
    order.fix_rating ? element("p", { text: `${text.fixRating}：${text.fixRatings[order.fix_rating]}` }) : null,
    order.appeal ? element("p", { className: "order__appeal", text: `${fill(text.appeal, { who: order.appeal.by, reason: order.appeal.reason })} · ${text.appealStates[order.appeal.state]}${order.appeal.decision ? ` · ${fill(text.decision, { reason: order.appeal.decision })}` : ""}` }) : null,
  ].filter(Boolean);
  return element("article", { className: `order order--${order.state}${order.overdue ? " order--overdue" : ""}`, attrs: { "data-order": order.id, "data-number": order.number } },
    ...facts, ...orderForm(order));
}

async function loadOrders() {
  const answer = await read("/api/v1/ratings/work-orders");
  if (!answer) return;
  orders = answer.items;
  const editing = $("orders").contains(document.activeElement) && document.activeElement.tagName === "TEXTAREA";
  if (!editing) $("orders").replaceChildren(...orders.map(orderCard));
  $("orders-none").hidden = orders.length > 0;
}

// ---- figures ----

function figuresQuery() {
  const form = $("figures-form");
  return new URLSearchParams({ from: form.from.value, to: form.to.value, by: form.by.value });
}

function figuresRow(line, header = false) {
  const cells = [
    line.parts, line.rated, percent(line.satisfied_rate), percent(line.bad_rate),
    percent(line.call_back_rate), percent(line.fix_rate), percent(line.not_rated_rate), line.excluded,
  ];
  return element("tr", { attrs: { "data-key": line.key } },
    element("th", { text: header ? text.total : line.name, attrs: { scope: "row" } }),
    ...cells.map((value) => element("td", { className: "num", text: String(value) })));
}

async function loadFigures() {
  const query = figuresQuery();
  $("figures-xlsx").href = `${config.xlsx}?${new URLSearchParams({ from: query.get("from"), to: query.get("to") })}`;
  const answer = await run($("figures-form").querySelector("button"), () => command(`/api/v1/ratings/figures?${query}`, null, { method: "GET" }));
  if (!answer) return;
  const figures = answer.data;
  const form = $("figures-form");
  $("figures-key").textContent = form.by.options[form.by.selectedIndex].text;
  $("figures-rows").replaceChildren(...figures.lines.map((line) => figuresRow(line)));
  $("figures-total").replaceChildren(figuresRow(figures.total, true));
}

// ---- the page ----

async function load() {
  try {
    await Promise.all([loadToday(), loadOrders()]);
  } catch (error) {
    if (error instanceof SessionGone) sessionGone();
    return;
  }
  document.body.dataset.ready = "true";
}

function showTab() {
  const name = location.hash.slice(1);
  const tab = TABS.includes(name) ? name : "today";
  for (const each of TABS) {
    $(`tab-${each}`).setAttribute("aria-selected", String(each === tab));
    $(`panel-${each}`).hidden = each !== tab;
  }
}

const loadLater = debounce(load, 300);

function start() {
  for (const each of TABS) $(`tab-${each}`).addEventListener("click", () => { location.hash = each; });
  window.addEventListener("hashchange", showTab);
  showTab();
  const form = $("figures-form");
  const today = time.day();
  form.from.value = `${today.slice(0, 8)}01`;
  form.to.value = today;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    loadFigures();
  });
  client = followHall(config, text, time, "ratings", {
    load,
    onEvent: (name) => {
      if (name === "rating:recorded" || name === "rating:work_order") loadLater();
    },
  });
}

start();
