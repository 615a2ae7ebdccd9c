// Incidents: the list (open first), declaring one by hand, and one incident's
// detail — its notice, handling steps, result and details, each changed over the API.

import { byKind, devices } from "./hall.js";
import { $, change, duration, element, fill, formValues, localName, person } from "./util.js";

const KINDS = ["power", "equipment", "network", "application", "conflict", "public_opinion", "other"];
const LEVELS = ["general", "larger", "major", "extreme"];
const MODES = ["normal", "degraded", "paper", "outage"];
const SYSTEMS = ["backoffice", "etax", "self_service"];
const OUTAGE_SYSTEMS = new Set(["backoffice", "etax"]);
const RECENT_SHOWN = 40;

let current = null; // "new", an incident id, or null
let shownId = null; // the incident whose values fill the forms now
const intents = { declare: {}, end: {} };

export function selected() {
  return current;
}

function chip(type, name, value, label, { checked = false, list = false } = {}) {
  const input = element("input", { attrs: { type, name, value, checked, "data-list": list ? "true" : null } });
  return element("label", { className: "chip" }, input, element("span", { text: label }));
}

function markDirty(form) {
  form.addEventListener("input", () => { form.dataset.dirty = "true"; });
}

function setValues(form, values) {
  for (const [name, value] of Object.entries(values)) {
    const field = form.elements.namedItem(name);
    if (field) field.value = value ?? "";
  }
  delete form.dataset.dirty;
}

// ---- declaring ----

function drawDeviceChoices(ctx) {
  const list = devices(ctx).sort(byKind);
  const key = list.map((device) => `${device.id}=${device.name}`).join(",");
  if ($("declare-devices").dataset.key === key) return; // keep the focus where it is
  $("declare-devices").dataset.key = key;
  const chosen = new Set(formValues($("declare")).devices || []);
  $("declare-devices").replaceChildren(...list.map((device) =>
    chip("checkbox", "devices", device.id, device.name || device.id, { checked: chosen.has(device.id), list: true })));
}

function openDeclare(ctx) {
  const form = $("declare");
  if (!form.dataset.dirty) {
    form.reset();
    delete form.elements.namedItem("notify_sms").dataset.touched;
  }
  drawDeviceChoices(ctx);
}

function declareBody(form) {
  const values = formValues(form);
  const body = {
    level: values.level,
    mode: values.mode,
    systems: values.systems || [],
    devices: values.devices || [],
    place: values.place,
    description: values.description,
    expected_recovery: values.expected_recovery,
    duty_leader: values.duty_leader,
    notify_sms: values.notify_sms,
  };
  // No type chosen: the hub says what is missing, in the leader's language.
  if (values.kind) body.kind = values.kind;
  if (values.notice_zh) body.notice_zh = values.notice_zh;
  if (values.notice_en) body.notice_en = values.notice_en;
  return body;
}

function setUpDeclare(ctx) {
  const { text } = ctx;
  const form = $("declare");
  $("declare-kinds").replaceChildren(...KINDS.map((kind) => chip("radio", "kind", kind, text.kinds[kind])));
  $("declare-levels").replaceChildren(...LEVELS.map((level) =>
    chip("radio", "level", level, text.levels[level], { checked: level === "general" })));
  $("declare-modes").replaceChildren(...MODES.map((mode) =>
    chip("radio", "mode", mode, text.modeEffects[mode], { checked: mode === "normal" })));
  $("declare-systems").replaceChildren(...SYSTEMS.map((system) =>
    chip("checkbox", "systems", system, text.systems[system], { list: true })));
  markDirty(form);
  const notify = form.elements.namedItem("notify_sms");
  notify.addEventListener("change", () => { notify.dataset.touched = "true"; });
  form.addEventListener("change", (event) => {
    const values = formValues(form);
    // The hub treats the back-office or e-tax system down as an outage: say so at once.
    if (event.target.name === "systems" && event.target.checked && OUTAGE_SYSTEMS.has(event.target.value)
        && values.mode === "normal") {
      form.querySelector('input[name="mode"][value="outage"]').checked = true;
    }
    if (!notify.dataset.touched) notify.checked = formValues(form).mode === "outage";
  });
  form.querySelector("[data-cancel]").addEventListener("click", () => {
    form.reset();
    delete form.dataset.dirty;
    location.hash = "incidents";
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await ctx.run(form.querySelector('button[type="submit"]'),
      () => change("/api/v1/incidents", declareBody(form), { intent: intents.declare }));
    if (!answer) return;
    ctx.say(fill(text.declared, { number: answer.data.number }), "ok");
    form.reset();
    delete form.dataset.dirty;
    delete notify.dataset.touched;
    await ctx.refresh.incidents();
    location.hash = `incidents/${answer.data.incident}`;
  });
}

// ---- one incident ----

function incidentById(ctx, id) {
  return (ctx.store.incidents || []).find((incident) => String(incident.id) === String(id)) || null;
}

function fact(label, value, className = "") {
  if (value === null || value === undefined || value === "") return null;
  return element("div", { className }, element("dt", { text: label }), element("dd", { text: value }));
}

function extensionText(ctx, extension) {
  if (!extension) return "";
  const words = ctx.text;
  if (extension.unknown_year) return fill(words.extensionUnknownYear, { year: extension.unknown_year });
  if (!extension.extended) return "";
  const line = fill(words.extension, {
    original: ctx.time.longDate(extension.original),
    extended: ctx.time.longDate(extension.extended),
    rule: words.extensionRules[extension.rule] || extension.rule,
  });
  return extension.provisional ? `${line} ${words.extensionProvisional}` : line;
}

function drawIncident(ctx, incident) {
  const words = ctx.text;
  const changed = shownId !== incident.id;
  shownId = incident.id;
  $("incident").dataset.open = String(incident.open);
  $("incident").dataset.incident = incident.id;
  $("incident-title").textContent = `${incident.number} ${words.kinds[incident.kind] || incident.kind}`;
  $("incident-state").textContent = incident.open ? words.handling : words.ended;
  $("incident-state").dataset.open = String(incident.open);
  const lasted = ctx.time.minutesBetween(incident.started_at, incident.ended_at);
  $("incident-facts").replaceChildren(...[
    fact(words.fields.level, words.levels[incident.level] || incident.level),
    fact(words.fields.mode, words.modeEffects[incident.mode] || incident.mode, `mode-fact mode-fact--${incident.mode}`),
    fact(words.fields.systems, (incident.systems || []).map((s) => words.systems[s] || s).join("、")),
    fact(words.fields.devices, (incident.devices || []).map((id) => deviceName(ctx, id)).join("、")),
    fact(words.fields.place, incident.place),
    fact(words.fields.started, ctx.time.moment(incident.started_at)),
    fact(words.fields.ended, incident.ended_at ? ctx.time.moment(incident.ended_at) : words.notYet),
    fact(words.fields.lasted, duration(lasted, words)),
    fact(words.fields.expected, incident.expected_recovery),
    fact(words.fields.leader, incident.duty_leader),
    fact(words.fields.reporter, incident.source === "auto" ? words.autoReported : person(incident.reported_by)),
    fact(words.fields.sms, incident.notify_sms ? words.yes : words.no),
    fact(words.fields.description, incident.description, "fact--wide"),
  ].filter(Boolean));

  // The ledger's 值班领导: filled from the roster or the leader logged in; else asked here.
  $("leader-ask").hidden = Boolean(incident.duty_leader);
  const extension = extensionText(ctx, incident.extension);
  $("incident-extension").hidden = !extension;
  $("incident-extension").textContent = extension;

  const notice = incident.notice && !incident.notice.removed ? incident.notice : null;
  $("notice-edit").hidden = !notice;
  $("incident-notice-none").hidden = Boolean(notice);
  if (notice && (changed || !$("notice-edit").dataset.dirty)) setValues($("notice-edit"), notice);

  $("incident-steps").replaceChildren(...(incident.steps || []).map((step) => element(
    "li",
    { className: "step" },
    element("span", { className: "step__time", text: ctx.time.moment(step.at) }),
    element("span", { className: "step__who", text: step.actor === "system" ? words.systemActor : person(step.actor) }),
    element("span", { className: "step__text", text: step.text }),
  )));
  $("incident-end").hidden = !incident.open;
  $("incident-result").hidden = incident.open;
  $("incident-result-text").textContent = incident.result || "";
  if (changed) {
    setValues($("step-add"), { text: "" });
    setValues($("end"), { result: "" });
  }
  if (changed || !$("incident-edit").dataset.dirty) {
    setValues($("incident-edit"), {
      level: incident.level,
      place: incident.place,
      expected_recovery: incident.expected_recovery,
      duty_leader: incident.duty_leader,
      description: incident.description,
    });
  }
}

function deviceName(ctx, id) {
  const device = devices(ctx).find((each) => each.id === id);
  return (device && localName(device)) || id;
}

function setUpDetail(ctx) {
  const { text } = ctx;
  $("edit-level").replaceChildren(...LEVELS.map((level) =>
    element("option", { text: text.levels[level], attrs: { value: level } })));
  for (const id of ["notice-edit", "step-add", "end", "incident-edit"]) markDirty($(id));
  const shown = () => incidentById(ctx, shownId);
  const after = async (form, words) => {
    delete form.dataset.dirty;
    ctx.say(words, "ok");
    await ctx.refresh.incidents();
  };

  $("notice-edit").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const incident = shown();
    if (!incident || !incident.notice) return;
    const answer = await ctx.run(form.querySelector("button"), () =>
      change(`/api/v1/notices/${incident.notice.id}`, formValues(form), { method: "PUT" }));
    if (answer) await after(form, text.noticeSaved);
  });

  $("step-add").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const incident = shown();
    if (!incident) return;
    const answer = await ctx.run(form.querySelector("button"), () =>
      change(`/api/v1/incidents/${incident.id}/steps`, formValues(form)));
    if (!answer) return;
    setValues(form, { text: "" });
    await after(form, text.stepAdded);
  });

  $("end").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const incident = shown();
    if (!incident) return;
    const values = formValues(form);
    // An empty result goes to the hub all the same: it says what is missing.
    if (values.result) {
      const sure = await ctx.confirm({
        title: fill(text.endTitle, { number: incident.number }),
        body: incident.notify_sms ? `${text.endBody} ${text.endBodySms}` : text.endBody,
        yes: text.endYes,
      });
      if (!sure) return;
    }
    const answer = await ctx.run(form.querySelector("button"), () =>
      change(`/api/v1/incidents/${incident.id}/end`, values, { intent: intents.end }));
    if (answer) await after(form, fill(text.endedSaid, { number: incident.number }));
  });

  $("leader-ask").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const incident = shown();
    if (!incident) return;
    const answer = await ctx.run(form.querySelector("button"), () =>
      change(`/api/v1/incidents/${incident.id}`, formValues(form), { method: "PATCH" }));
    if (!answer) return;
    setValues(form, { duty_leader: "" });
    await after(form, text.detailsSaved);
  });

  $("incident-edit").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const incident = shown();
    if (!incident) return;
    const values = formValues(form);
    const changes = Object.fromEntries(Object.entries(values).filter(([name, value]) => value !== (incident[name] ?? "")));
    if (!Object.keys(changes).length) {
      ctx.say(text.nothingChanged, "info");
      return;
    }
    const answer = await ctx.run(form.querySelector("button"), () =>
      change(`/api/v1/incidents/${incident.id}`, changes, { method: "PATCH" }));
    if (answer) await after(form, text.detailsSaved);
  });
}

// ---- the list ----

function listItem(ctx, incident) {
  const words = ctx.text;
  const when = incident.open
    ? fill(words.since, { time: ctx.time.moment(incident.started_at) })
    : `${ctx.time.moment(incident.started_at)} – ${ctx.time.moment(incident.ended_at)}`;
  const link = element(
    "a",
    { className: "incident-item", attrs: { href: `#incidents/${incident.id}`, "data-open": String(incident.open), "data-incident": incident.id } },
    element("span", { className: "incident-item__number", text: incident.number }),
    element("span", { className: "incident-item__kind", text: words.kinds[incident.kind] || incident.kind }),
    incident.mode !== "normal"
      ? element("span", { className: `pill pill--${incident.mode}`, text: words.modes[incident.mode] })
      : null,
    element("span", { className: "incident-item__when", text: when }),
    element("span", { className: "incident-item__state", text: incident.open ? words.handling : words.ended }),
  );
  if (String(incident.id) === String(current)) link.setAttribute("aria-current", "true");
  return element("li", {}, link);
}

function drawList(ctx) {
  const all = ctx.store.incidents || [];
  const open = all.filter((incident) => incident.open);
  const ended = all.filter((incident) => !incident.open).slice(0, RECENT_SHOWN);
  const items = open.map((incident) => listItem(ctx, incident));
  if (ended.length) items.push(element("li", { className: "incident-list__divider", text: ctx.text.recentlyEnded }));
  items.push(...ended.map((incident) => listItem(ctx, incident)));
  if (!all.length) items.push(element("li", { className: "empty", text: ctx.text.noIncidents }));
  $("incident-list").replaceChildren(...items);
}

// ---- public ----

export function setUp(ctx) {
  setUpDeclare(ctx);
  setUpDetail(ctx);
  $("declare-open").addEventListener("click", () => { location.hash = "incidents/new"; });
}

export function select(ctx, detail) {
  current = detail;
  draw(ctx);
  if (detail === "new") {
    openDeclare(ctx);
    $("declare").querySelector('input[name="kind"]').focus();
  }
}

export function draw(ctx) {
  drawList(ctx);
  const incident = current && current !== "new" ? incidentById(ctx, current) : null;
  $("declare").hidden = current !== "new";
  $("incident").hidden = !incident;
  $("incident-none").hidden = current === "new" || Boolean(incident);
  if (current === "new") drawDeviceChoices(ctx);
  if (incident) drawIncident(ctx, incident);
}
