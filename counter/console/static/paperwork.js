// The paper trail after an outage: the backfill worklist (补录), the follow-up
// ledger (待答复台账) with its daily totals, and today's paper-ticket reconciliation.

import { $, change, element, fill, formValues, language, maskPhone, person } from "./util.js";

const BACKFILLED_SHOWN = 20;
const NUMBERS_SHOWN = 12;

function serviceName(ctx, code) {
  const service = ((ctx.store.snapshot && ctx.store.snapshot.services) || []).find((each) => each.code === code);
  if (!service) return code;
  return language() === "en" && service.name_en ? service.name_en : service.name;
}

// "纳税人名称：…；纳税人识别号：…" from the register's own form labels.
function summary(ctx, record) {
  const fields = (ctx.store.forms || {})[record.kind] || [];
  const data = record.data || {};
  const parts = [];
  for (const field of fields) {
    const value = data[field.name];
    if (value === undefined || value === null || value === "") continue;
    const label = language() === "en" && field.label_en ? field.label_en : field.label;
    const shown = field.type === "phone" ? maskPhone(value) : field.type === "yes_no" ? (value ? ctx.text.yes : ctx.text.no) : value;
    parts.push(`${label}${language() === "en" ? ": " : "："}${shown}`);
  }
  return parts.join(language() === "en" ? "; " : "；");
}

function backfillRow(ctx, record) {
  const { text } = ctx;
  let last;
  if (record.state === "to_backfill") {
    last = element("button", { className: "primary", text: text.markBackfilled, attrs: { type: "button", "data-record": record.id } });
    last.addEventListener("click", async () => {
      const answer = await ctx.run(last, () => change(`/api/v1/registers/${record.id}/backfill`, null));
      if (!answer) return;
      ctx.say(fill(text.backfilledSaid, { number: record.ticket }), "ok");
      await ctx.refresh.paperwork();
    });
  } else {
    last = element("span", { className: "done", text: fill(text.backfilledBy, {
      who: person(record.backfilled_by), time: ctx.time.moment(record.backfilled_at),
    }) });
  }
  return element(
    "tr",
    { attrs: { "data-state": record.state, "data-record": record.id } },
    element("td", { text: text.registerKinds[record.kind] || record.kind }),
    element("td", {}, element("strong", { text: record.ticket }),
      element("span", { className: "sub", text: fill(text.ofIncident, { number: record.incident }) })),
    element("td", { className: "data", text: summary(ctx, record) }),
    element("td", { text: `${ctx.time.moment(record.created_at)} · ${person(record.created_by)}` }),
    element("td", {}, last),
  );
}

function drawBackfill(ctx) {
  const waiting = ctx.store.backfill || [];
  const done = [...(ctx.store.backfilled || [])]
    .sort((a, b) => String(b.backfilled_at).localeCompare(String(a.backfilled_at)))
    .slice(0, BACKFILLED_SHOWN);
  $("backfill").replaceChildren(...waiting.map((record) => backfillRow(ctx, record)),
    ...done.map((record) => backfillRow(ctx, record)));
  $("backfill-none").hidden = waiting.length + done.length > 0;
  $("backfill-summary").textContent = waiting.length ? fill(ctx.text.leftToBackfill, { count: waiting.length }) : ctx.text.allBackfilled;
  $("backfill-summary").dataset.bad = waiting.length ? "true" : "false";
}

function followUpItem(ctx, question) {
  const { text } = ctx;
  const form = element(
    "form",
    { className: "form form--inline", attrs: { novalidate: true, "data-follow-up": question.id } },
    element("label", { className: "grow", text: text.answer },
      element("textarea", { attrs: { name: "answer", rows: 2, maxlength: 2000 } })),
    element("button", { className: "primary", text: question.phone ? text.answerAndText : text.answerOnly, attrs: { type: "submit" } }),
  );
  form.addEventListener("input", () => { form.dataset.dirty = "true"; });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await ctx.run(form.querySelector("button"), () =>
      change(`/api/v1/follow-ups/${question.id}/answer`, formValues(form)));
    if (!answer) return;
    delete form.dataset.dirty;
    ctx.say(question.phone ? text.answeredTexted : text.answeredNoPhone, "ok");
    await ctx.refresh.paperwork();
  });
  const contact = [question.contact_name, question.phone ? maskPhone(question.phone) : text.noPhone].filter(Boolean).join(" · ");
  return element(
    "li",
    { className: "followup", attrs: { "data-follow-up": question.id } },
    element("p", { className: "followup__question", text: question.question }),
    element("p", { className: "followup__meta", text: [
      text.reasons[question.reason] || question.reason,
      contact,
      fill(text.recordedBy, { who: person(question.created_by), time: ctx.time.moment(question.created_at) }),
    ].join(" · ") }),
    form,
  );
}

function drawFollowUps(ctx) {
  const list = ctx.store.followUps || [];
  const node = $("followups");
  // Keep a half-written answer: only questions without one are redrawn.
  const kept = new Map([...node.querySelectorAll("li[data-follow-up]")]
    .filter((li) => li.querySelector("form[data-dirty]"))
    .map((li) => [li.dataset.followUp, li]));
  node.replaceChildren(...list.map((question) => kept.get(String(question.id)) || followUpItem(ctx, question)));
  $("followups-none").hidden = list.length > 0;
  $("followups-summary").textContent = list.length ? fill(ctx.text.openQuestions, { count: list.length }) : "";
  $("followups-daily").replaceChildren(...(ctx.store.daily || []).slice(0, 14).map((day) => element(
    "tr",
    {},
    element("td", { text: ctx.time.longDate(day.day) }),
    element("td", { className: "num", text: String(day.recorded) }),
    element("td", { className: "num", text: String(day.answered) }),
    element("td", { className: `num${day.recorded - day.answered ? " is-open" : ""}`, text: String(day.recorded - day.answered) }),
  )));
}

function drawPaper(ctx) {
  const ranges = ctx.store.paper || [];
  $("paper").replaceChildren(...ranges.map((range) => {
    const waiting = range.not_called || [];
    const shown = waiting.slice(0, NUMBERS_SHOWN).join(" ");
    const more = waiting.length > NUMBERS_SHOWN ? ` ${fill(ctx.text.andMore, { count: waiting.length - NUMBERS_SHOWN })}` : "";
    return element(
      "tr",
      { attrs: { "data-range": `${range.first}-${range.last}` } },
      element("td", {}, element("strong", { text: range.first === range.last ? range.first : `${range.first}–${range.last}` }),
        element("span", { className: "sub", text: `${serviceName(ctx, range.service)} · ${ctx.time.moment(range.registered_at)} · ${person(range.registered_by)}` })),
      element("td", { className: "num", text: String(range.registered) }),
      element("td", { className: "num", text: String(range.called) }),
      element("td", { className: waiting.length ? "numbers" : "done", text: waiting.length ? fill(ctx.text.notCalledList, { count: waiting.length, numbers: `${shown}${more}` }) : ctx.text.allCalled }),
    );
  }));
  $("paper-none").hidden = ranges.length > 0;
}

export function draw(ctx) {
  drawBackfill(ctx);
  drawFollowUps(ctx);
  drawPaper(ctx);
}

export function setUp() {}
