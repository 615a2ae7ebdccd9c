// Notices on every screen: the current ones (live from the hall's state), posting
// one, rewriting one, taking one down.

import { $, change, element, fill, formValues } from "./util.js";

let editing = null; // the notice whose editor is open

function incidentNumber(ctx, id) {
  const incident = (ctx.store.incidents || []).find((each) => each.id === id);
  return incident ? incident.number : String(id);
}

function editor(ctx, notice) {
  const { text } = ctx;
  const form = element(
    "form",
    { className: "form notice__editor", attrs: { novalidate: true, "data-notice": notice.id } },
    element("div", { className: "row" },
      element("label", { text: text.chinese },
        element("textarea", { text: notice.text_zh, attrs: { name: "text_zh", rows: 3, maxlength: 2000 } })),
      element("label", { text: text.english },
        element("textarea", { text: notice.text_en, attrs: { name: "text_en", rows: 3, maxlength: 2000 } }))),
    element("div", { className: "form__actions" },
      element("button", { className: "secondary", text: text.cancel, attrs: { type: "button", "data-cancel": true } }),
      element("button", { className: "primary", text: text.saveNotice, attrs: { type: "submit" } })),
  );
  form.querySelector("[data-cancel]").addEventListener("click", () => {
    editing = null;
    draw(ctx);
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await ctx.run(form.querySelector('button[type="submit"]'), () =>
      change(`/api/v1/notices/${notice.id}`, formValues(form), { method: "PUT" }));
    if (!answer) return;
    editing = null;
    ctx.say(text.noticeSaved, "ok");
    draw(ctx);
  });
  return form;
}

function item(ctx, notice) {
  const { text } = ctx;
  const takeDown = element("button", { className: "secondary", text: text.takeDown, attrs: { type: "button" } });
  const edit = element("button", { className: "secondary", text: text.edit, attrs: { type: "button" } });
  edit.addEventListener("click", () => {
    editing = notice.id;
    draw(ctx);
    document.querySelector(`form[data-notice="${notice.id}"] textarea`).focus();
  });
  takeDown.addEventListener("click", async () => {
    const sure = await ctx.confirm({
      title: text.takeDownTitle,
      body: notice.incident ? `${notice.text_zh}\n\n${text.takeDownIncident}` : notice.text_zh,
      yes: text.takeDown,
    });
    if (!sure) return;
    const answer = await ctx.run(takeDown, () => change(`/api/v1/notices/${notice.id}/remove`, null));
    if (answer) ctx.say(text.noticeRemoved, "ok");
  });
  const origin = notice.incident
    ? fill(text.noticeOfIncident, { number: incidentNumber(ctx, notice.incident) })
    : text.noticeOwn;
  return element(
    "li",
    { className: "notice", attrs: { "data-notice": notice.id } },
    element("p", { className: "notice__origin", text: origin }),
    editing === notice.id ? editor(ctx, notice) : element("div", { className: "notice__texts" },
      element("p", { className: "notice__zh", text: notice.text_zh, attrs: { lang: "zh-CN" } }),
      notice.text_en ? element("p", { className: "notice__en", text: notice.text_en, attrs: { lang: "en" } }) : null),
    editing === notice.id ? null : element("div", { className: "notice__actions" }, edit, takeDown),
  );
}

export function draw(ctx) {
  // An editor stays as it is while the leader types; other notices redraw.
  const open = editing !== null && document.querySelector(`form[data-notice="${editing}"]`);
  const notices = (ctx.store.snapshot && ctx.store.snapshot.notices) || [];
  if (editing !== null && !notices.some((notice) => notice.id === editing)) editing = null;
  $("notices-none").hidden = notices.length > 0;
  const keep = open && editing !== null ? open.closest("li") : null;
  $("notices").replaceChildren(...notices.map((notice) => (keep && notice.id === editing ? keep : item(ctx, notice))));
}

function setUpAnnouncements(ctx) {
  const form = $("announce");
  // A phrase chosen fills the texts that are still empty with its own words.
  form.phrase.addEventListener("change", () => {
    const phrase = ctx.config.phrases.find((each) => each.key === form.phrase.value);
    if (!phrase) return;
    form.text_zh.value = phrase.text_zh;
    form.text_en.value = phrase.text_en;
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = formValues(form);
    const body = { text_zh: values.text_zh, text_en: values.text_en, phrase: values.phrase || null };
    const answer = await ctx.run(form.querySelector("button"), () => change("/api/v1/announcements", body),
      { done: ctx.text.announced });
    if (answer) form.reset();
  });
}

export function setUp(ctx) {
  setUpAnnouncements(ctx);
  const form = $("notice-post");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await ctx.run(form.querySelector("button"), () => change("/api/v1/notices", formValues(form)));
    if (!answer) return;
    form.reset();
    ctx.say(ctx.text.noticePosted, "ok");
  });
}
