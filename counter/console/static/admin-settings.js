// The administration's "probes, SMS and retention" tab: the hall file's health probes,
// quiet hours, retention, ledger and rating settings (saved through the admin API), and
// the hub's own SMS and rating-upload settings from its environment, secrets shown only
// as set or not.

import { $, SessionGone, change, element, read } from "./util.js";

const SYSTEMS = ["backoffice", "etax", "self_service"];
let hubSettings = null;
let ratingReasons = []; // kept as they are: the hall file edits them

function probeItem(ctx, probe = {}) {
  const remove = element("button", { className: "secondary small", text: ctx.text.remove, attrs: { type: "button" } });
  const item = element("li", { className: "probe" },
    element("label", { text: ctx.text.probeSystem },
      element("select", { attrs: { name: "system" } },
        ...SYSTEMS.map((system) => element("option", { text: ctx.text.systems[system], attrs: { value: system, selected: probe.system === system } })))),
    element("label", { className: "probe__url", text: ctx.text.probeUrl },
      element("input", { attrs: { name: "url", type: "url", required: true, value: probe.url || "", placeholder: "http://10.1.2.3/health" } })),
    element("label", { text: ctx.text.probeEvery },
      element("input", { attrs: { name: "interval_s", type: "number", min: 1, max: 3600, value: probe.interval_s ?? 10 } })),
    element("label", { text: ctx.text.probeTimeout },
      element("input", { attrs: { name: "timeout_s", type: "number", min: 1, max: 60, value: probe.timeout_s ?? 5 } })),
    element("label", { text: ctx.text.probeFailures },
      element("input", { attrs: { name: "failures", type: "number", min: 1, max: 100, value: probe.failures ?? 3 } })),
    remove);
  remove.addEventListener("click", () => item.remove());
  return item;
}

function fillForm(form, values) {
  if (form.contains(document.activeElement)) return; // the admin is typing
  for (const [name, value] of Object.entries(values)) {
    if (form[name]) form[name].value = typeof value === "string" && /^\d\d:\d\d/.test(value) ? value.slice(0, 5) : value;
  }
}

export function draw(ctx, hall) {
  const settings = hall.hall;
  if (!$("probes").contains(document.activeElement)) {
    $("probe-list").replaceChildren(...(settings.probes || []).map((probe) => probeItem(ctx, probe)));
  }
  $("probes-none").hidden = $("probe-list").children.length > 0;
  fillForm($("quiet-hours"), settings.quiet_hours);
  fillForm($("retention"), settings.retention);
  fillForm($("ledger"), settings.ledger);
  const ratings = settings.ratings || {};
  const { window_display_clerk: clerkShown, reasons, ...numbers } = ratings;
  fillForm($("ratings"), numbers);
  if (!$("ratings").contains(document.activeElement)) $("ratings").window_display_clerk.checked = Boolean(clerkShown);
  ratingReasons = reasons || [];
  drawHub(ctx);
}

function drawHub(ctx) {
  if (!hubSettings) return;
  const { sms } = hubSettings;
  const yes = (set) => (set ? ctx.text.isSet : ctx.text.notSet);
  const facts = [
    [ctx.text.smsSender, ctx.text.senders[sms.sender] || sms.sender],
    [ctx.text.smsGateway, sms.gateway || ctx.text.notSet],
    [ctx.text.smsHeaders, yes(sms.headers_set)],
    [ctx.text.smsTemplate, yes(sms.template_set)],
    [ctx.text.smsDispatch, sms.dispatch ? ctx.text.on : ctx.text.off],
    [ctx.text.smsCap, String(sms.daily_cap)],
    [ctx.text.database, hubSettings.database === "sqlite" ? "SQLite" : "PostgreSQL"],
    [ctx.text.secretKey, yes(hubSettings.secret_key)],
  ];
  const list = (rows) => rows.map(([term, value]) =>
    element("div", {}, element("dt", { text: term }), element("dd", { text: value })));
  $("hub-settings").replaceChildren(...list(facts));
  const { upload } = hubSettings;
  $("upload-settings").replaceChildren(...list([
    [ctx.text.uploadSender, ctx.text.uploaders[upload.sender] || upload.sender],
    [ctx.text.uploadPlatform, upload.platform || ctx.text.notSet],
    [ctx.text.uploadHeaders, yes(upload.headers_set)],
    [ctx.text.uploadTemplate, yes(upload.template_set)],
    [ctx.text.uploadDispatch, upload.dispatch ? ctx.text.on : ctx.text.off],
  ]));
}

export async function load(ctx) {
  try {
    hubSettings = (await read("/api/v1/admin/hub-settings")) || hubSettings;
  } catch (error) {
    if (error instanceof SessionGone) ctx.sessionGone();
    return;
  }
  drawHub(ctx);
}

function saving(ctx, form, path, body, done) {
  return ctx.run(form.querySelector('button[type="submit"]'), () => change(path, body(), { method: "PUT" }), { done })
    .then((answer) => answer && ctx.show(answer));
}

export function setUp(ctx) {
  $("probe-add").addEventListener("click", () => {
    const item = probeItem(ctx);
    $("probe-list").append(item);
    $("probes-none").hidden = true;
    item.querySelector("input").focus();
  });
  const numbers = (form, names) => Object.fromEntries(names.map((name) => [name, Number(form[name].value)]));
  const forms = {
    probes: ["/api/v1/admin/hall/probes", (form) => ({
      probes: [...form.querySelectorAll(".probe")].map((item) => ({
        system: item.querySelector('[name="system"]').value,
        url: item.querySelector('[name="url"]').value.trim(),
        interval_s: Number(item.querySelector('[name="interval_s"]').value),
        timeout_s: Number(item.querySelector('[name="timeout_s"]').value),
        failures: Number(item.querySelector('[name="failures"]').value),
      })),
    }), ctx.text.probesSaved],
    "quiet-hours": ["/api/v1/admin/hall/quiet-hours", (form) => ({ start: form.start.value, end: form.end.value }), ctx.text.quietSaved],
    retention: ["/api/v1/admin/hall/retention", (form) => numbers(form, ["phone_days", "register_days", "follow_up_days"]), ctx.text.retentionSaved],
    ledger: ["/api/v1/admin/hall/ledger", (form) => numbers(form, ["min_device_minutes"]), ctx.text.ledgerSaved],
    ratings: ["/api/v1/admin/hall/ratings", (form) => ({
      ...numbers(form, ["pad_idle_s", "rate_within_hours", "follow_up_days"]),
      window_display_clerk: form.window_display_clerk.checked,
      reasons: ratingReasons,
    }), ctx.text.ratingsSaved],
  };
  for (const [id, [path, body, done]] of Object.entries(forms)) {
    const form = $(id);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      document.activeElement?.blur(); // the saved values are drawn again
      saving(ctx, form, path, () => body(form), done);
    });
  }
}
