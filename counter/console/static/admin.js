// The hall's administration (/console/admin): services, windows, the hall file.
//
// The configuration is read from GET /api/v1/admin/hall, and read again after every
// snapshot: the hub sends hall:configured after any admin's change (this one's or
// another's), on which HallClient takes a snapshot. Every change goes through the
// HTTP API and is saved at once; the hub checks it whole and says why when it refuses.

import { readConfig } from "/static/hallq-client.js";
import * as audit from "./admin-audit.js";
import * as calendar from "./admin-calendar.js";
import * as devices from "./admin-devices.js";
import * as settings from "./admin-settings.js";
import * as staff from "./admin-staff.js";
import { followHall, pageTools, sessionGone } from "./page.js";
import { $, HallTime, SessionGone, change, debounce, element, fill, language, localName, read } from "./util.js";

const config = readConfig();
const text = config.text;
const time = new HallTime(config.timezone);
const TABS = ["services", "windows", "calendar", "staff", "devices", "settings", "audit", "file"];
const SYSTEMS = ["backoffice", "etax"];
const REGISTERS = ["tax_registration", "invoice_cancellation", "invoice_sale", "filing"];

const HALL_KEY = `hallq:${config.cacheKey}:admin-hall`;

let client = null;
let hall = null; // the hall file as JSON: {hall, services, windows, devices}
let editing = null; // the code of the service whose editor is open
const { say, confirm, run } = pageTools(text, () => Boolean(client && client.offline));

async function load() {
  try {
    const answer = await read("/api/v1/admin/hall");
    if (answer) {
      hall = answer;
      remember();
    }
  } catch (error) {
    if (error instanceof SessionGone) sessionGone();
    return;
  }
  draw();
  await Promise.all([calendar.load(ctx), settings.load(ctx), staff.load(ctx), devices.load(ctx), audit.load(ctx)]);
  document.body.dataset.ready = "true";
}

// The configuration last read stays on screen through a hub outage, and a reload.
function remember() {
  try {
    localStorage.setItem(HALL_KEY, JSON.stringify(hall));
  } catch {
    // without storage a reload during an outage shows an empty page
  }
}

function remembered() {
  try {
    return JSON.parse(localStorage.getItem(HALL_KEY));
  } catch {
    return null;
  }
}

// A change's answer carries the hall as it now is (the month shown may have changed too).
function show(answer) {
  hall = answer.data.hall;
  remember();
  draw();
  calendar.load(ctx);
}

const ctx = { config, text, time, run, show, confirm, sessionGone };

// ---- services ----

function serviceBody(service, position = null) {
  return { ...service, position };
}

function numberField(label, name, value, { min = 1, max = 999, step = 1 } = {}) {
  return element("label", { text: label },
    element("input", { attrs: { name, type: "number", min, max, step, value, required: true } }));
}

// The form of one service: empty to add one, filled to edit it (its code stays).
function serviceForm(service) {
  const settings = service?.settings || {};
  const adding = !service;
  const form = element("form", { className: "form service-form", attrs: { novalidate: true } },
    element("div", { className: "row" },
      adding ? element("label", { text: text.code },
        element("input", { attrs: { name: "code", maxlength: 40, required: true, placeholder: "export", pattern: "[a-z][a-z0-9_-]*" } })) : null,
      element("label", { text: text.prefix },
        element("input", { className: "prefix-input", attrs: { name: "prefix", maxlength: 1, required: true, value: service?.prefix || "", pattern: "[A-Z]" } })),
      element("label", { text: text.nameZh },
        element("input", { attrs: { name: "name", maxlength: 100, required: true, value: service?.name || "" } })),
      element("label", { text: text.nameEn },
        element("input", { attrs: { name: "name_en", maxlength: 100, value: service?.name_en || "" } })),
      numberField(text.minutesPerVisit, "minutes", service?.minutes ?? 10, { step: 0.5, max: 240 })),
    element("div", { className: "row" },
      element("fieldset", { className: "checks" },
        element("legend", { text: text.affectedBy }),
        ...SYSTEMS.map((system) => element("label", { className: "check" },
          element("input", { attrs: { type: "checkbox", name: "affected_by", value: system, "data-list": true, checked: (settings.affected_by || []).includes(system) } }),
          ` ${text.systems[system]}`))),
      element("label", { className: "check" },
        element("input", { attrs: { type: "checkbox", name: "self_service", checked: Boolean(settings.self_service) } }),
        ` ${text.selfService}`),
      element("label", { className: "check" },
        element("input", { attrs: { type: "checkbox", name: "emergency", checked: Boolean(settings.emergency) } }),
        ` ${text.emergencyService}`),
      element("label", { text: text.register },
        element("select", { attrs: { name: "register_form" } },
          element("option", { text: text.noRegister, attrs: { value: "" } }),
          ...REGISTERS.map((kind) => element("option", { text: text.registers[kind], attrs: { value: kind, selected: settings.register_form === kind } })))),
      numberField(text.reliefWaiting, "relief_waiting", settings.relief_waiting ?? 30),
      numberField(text.reliefMinutes, "relief_wait_minutes", settings.relief_wait_minutes ?? 45)),
    element("div", { className: "form__actions" },
      adding ? null : element("button", { className: "secondary", text: text.cancel, attrs: { type: "button", "data-cancel": true } }),
      element("button", { className: "primary", text: adding ? text.addService : text.save, attrs: { type: "submit" } })),
  );
  form.prefix.addEventListener("input", () => { form.prefix.value = form.prefix.value.toUpperCase(); });
  form.querySelector("[data-cancel]")?.addEventListener("click", () => {
    editing = null;
    draw();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = Object.fromEntries(["code", "prefix", "name", "name_en"].filter((name) => form[name]).map((name) => [name, form[name].value.trim()]));
    const spec = {
      code: adding ? values.code : service.code,
      prefix: values.prefix,
      name: values.name,
      name_en: values.name_en,
      minutes: Number(form.minutes.value),
      settings: {
        affected_by: [...form.querySelectorAll('input[name="affected_by"]:checked')].map((box) => box.value),
        self_service: form.self_service.checked,
        emergency: form.emergency.checked,
        register_form: form.register_form.value || null,
        relief_waiting: Number(form.relief_waiting.value),
        relief_wait_minutes: Number(form.relief_wait_minutes.value),
      },
    };
    const button = form.querySelector('button[type="submit"]');
    const answer = adding
      ? await run(button, () => change("/api/v1/admin/services", serviceBody(spec)), { done: text.serviceAdded })
      : await run(button, () => change(`/api/v1/admin/services/${service.code}`, serviceBody(spec), { method: "PUT" }), { done: text.serviceSaved });
    if (!answer) return;
    editing = null;
    if (adding) form.reset();
    show(answer);
  });
  return form;
}

function serviceRow(service, index, count) {
  const settings = service.settings || {};
  const up = element("button", { className: "secondary small", text: "▲", attrs: { type: "button", title: text.up, "aria-label": text.up, disabled: index === 0 } });
  const down = element("button", { className: "secondary small", text: "▼", attrs: { type: "button", title: text.down, "aria-label": text.down, disabled: index === count - 1 } });
  const edit = element("button", { className: "secondary", text: text.edit, attrs: { type: "button" } });
  const retire = element("button", { className: "danger", text: text.retire, attrs: { type: "button" } });
  const move = (by) => async (event) => {
    const answer = await run(event.currentTarget, () => change(`/api/v1/admin/services/${service.code}`, serviceBody(service, index + by), { method: "PUT" }));
    if (answer) show(answer);
  };
  up.addEventListener("click", move(-1));
  down.addEventListener("click", move(1));
  edit.addEventListener("click", () => {
    editing = service.code;
    draw();
  });
  retire.addEventListener("click", async () => {
    const sure = await confirm({ title: fill(text.retireTitle, { name: localName(service) }), body: text.retireBody, yes: text.retire });
    if (!sure) return;
    const answer = await run(retire, () => change(`/api/v1/admin/services/${service.code}/retire`, null), { done: text.serviceRetired });
    if (answer) show(answer);
  });
  const tags = [
    settings.self_service ? element("span", { className: "tag", text: text.selfService }) : null,
    settings.emergency ? element("span", { className: "tag", text: text.emergencyService }) : null,
  ];
  return element("tr", { attrs: { "data-service": service.code } },
    element("td", { className: "order" }, up, down),
    element("th", { attrs: { scope: "row" } },
      element("span", { className: "prefix", text: service.prefix }), localName(service), ...tags,
      element("span", { className: "sub", text: `${service.code} · ${language() === "en" ? service.name : service.name_en || ""}` })),
    element("td", { className: "num", text: fill(text.minutesValue, { minutes: service.minutes }) }),
    element("td", { text: (settings.affected_by || []).map((system) => text.systems[system]).join("、") || text.affectedNone }),
    element("td", { text: settings.register_form ? text.registers[settings.register_form] : text.noRegister }),
    element("td", { text: fill(text.reliefValue, { waiting: settings.relief_waiting, minutes: settings.relief_wait_minutes }) }),
    element("td", { className: "actions" }, edit, retire),
  );
}

function drawServices() {
  const services = hall.services;
  $("admin-services").replaceChildren(...services.map((service, index) => {
    if (editing !== service.code) return serviceRow(service, index, services.length);
    return element("tr", { className: "editing", attrs: { "data-service": service.code } },
      element("td", { attrs: { colspan: 7 } }, serviceForm(service)));
  }));
  if (!$("service-add").firstChild) $("service-add").append(serviceForm(null));
}

// ---- windows ----

function serviceNamed(code) {
  return hall.services.find((service) => service.code === code);
}

async function saveWindow(button, window, changes, done = text.windowSaved) {
  const body = { ...window, ...changes };
  delete body.number;
  const answer = await run(button, () => change(`/api/v1/admin/windows/${window.number}`, body, { method: "PUT" }), { done });
  if (answer) show(answer);
}

function windowCard(window) {
  const services = window.services;
  const items = services.map((code, index) => {
    const service = serviceNamed(code);
    const up = element("button", { className: "secondary small", text: "▲", attrs: { type: "button", title: text.up, "aria-label": text.up, disabled: index === 0 } });
    const down = element("button", { className: "secondary small", text: "▼", attrs: { type: "button", title: text.down, "aria-label": text.down, disabled: index === services.length - 1 } });
    const remove = element("button", { className: "secondary small", text: text.remove, attrs: { type: "button" } });
    const moved = (by) => {
      const order = [...services];
      [order[index], order[index + by]] = [order[index + by], order[index]];
      return order;
    };
    up.addEventListener("click", () => saveWindow(up, window, { services: moved(-1) }));
    down.addEventListener("click", () => saveWindow(down, window, { services: moved(1) }));
    remove.addEventListener("click", () => {
      if (services.length === 1) {
        say(text.windowNeedsService, "error");
        return;
      }
      saveWindow(remove, window, { services: services.filter((each) => each !== code) });
    });
    return element("li", { className: "window-service", attrs: { "data-service": code } },
      element("span", { className: "window-service__rank", text: String(index + 1) }),
      element("span", { className: "prefix", text: service ? service.prefix : "?" }),
      element("span", { className: "window-service__name", text: service ? localName(service) : code }),
      up, down, remove);
  });
  const others = hall.services.filter((service) => !services.includes(service.code));
  const pick = element("select", { attrs: { "aria-label": text.addToWindow } },
    element("option", { text: text.choose, attrs: { value: "" } }),
    ...others.map((service) => element("option", { text: `${service.prefix} ${localName(service)}`, attrs: { value: service.code } })));
  pick.addEventListener("change", () => {
    if (pick.value) saveWindow(pick, window, { services: [...services, pick.value] });
  });
  const name = element("input", { attrs: { value: window.name || "", maxlength: 100, placeholder: fill(text.windowDefaultName, { number: window.number }), "aria-label": text.windowName } });
  name.addEventListener("change", () => saveWindow(name, window, { name: name.value.trim() }));
  const emergency = element("input", { attrs: { type: "checkbox", checked: Boolean(window.emergency) } });
  emergency.addEventListener("change", () => saveWindow(emergency, window, { emergency: emergency.checked }));
  return element("li", { className: `admin-window${window.emergency ? " admin-window--emergency" : ""}`, attrs: { "data-window": window.number } },
    element("div", { className: "admin-window__head" },
      element("strong", { className: "admin-window__number", text: fill(text.windowDefaultName, { number: window.number }) }),
      name,
      element("label", { className: "check" }, emergency, ` ${text.emergencyWindow}`)),
    element("p", { className: "hint", text: text.windowServices }),
    element("ol", { className: "window-services" }, ...items),
    others.length ? element("label", { className: "window-add-service", text: text.addToWindow }, pick) : null);
}

function drawWindows() {
  $("admin-windows").replaceChildren(...hall.windows.map(windowCard));
  const select = $("window-add-service");
  const chosen = select.value;
  select.replaceChildren(...hall.services.map((service) =>
    element("option", { text: `${service.prefix} ${localName(service)}`, attrs: { value: service.code } })));
  // Options put into a select keep no "selected" of their own: say which one.
  select.value = hall.services.some((service) => service.code === chosen) ? chosen : hall.services[0]?.code;
}

function setUpWindowAdd() {
  const form = $("window-add");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {
      number: Number(form.number.value),
      name: form.name.value.trim(),
      services: [form.service.value],
      emergency: form.emergency.checked,
    };
    const answer = await run(form.querySelector("button"), () => change("/api/v1/admin/windows", body), { done: text.windowAdded });
    if (!answer) return;
    form.reset();
    show(answer);
  });
}

// ---- the hall file ----

function setUpImport() {
  const form = $("import");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = form.file.files[0];
    if (!file) {
      say(text.chooseFile, "error");
      return;
    }
    const sure = await confirm({ title: fill(text.importTitle, { file: file.name }), body: text.importBody, yes: text.importYes });
    if (!sure) return;
    const content = await file.text();
    const answer = await run(form.querySelector("button"), () => change("/api/v1/admin/hall/import", { text: content }));
    if (!answer) return;
    form.reset();
    show(answer);
    const changed = answer.data.changed.map((part) => text.parts[part]).join("、");
    say(changed ? fill(text.imported, { parts: changed }) : text.importedSame, "ok");
  });
}

// ---- drawing, tabs, the link ----

function draw() {
  if (!hall) return;
  drawServices();
  drawWindows();
  calendar.draw(ctx, hall);
  settings.draw(ctx, hall);
  devices.draw(ctx, hall);
}

function showTab() {
  const name = location.hash.replace(/^#/, "");
  const tab = TABS.includes(name) ? name : "services";
  for (const each of TABS) {
    const selected = each === tab;
    $(`tab-${each}`).setAttribute("aria-selected", String(selected));
    $(`panel-${each}`).hidden = !selected;
  }
  document.body.dataset.tab = tab;
}

function setUpTabs() {
  for (const each of TABS) $(`tab-${each}`).addEventListener("click", () => { location.hash = each; });
  window.addEventListener("hashchange", showTab);
  showTab();
}


const devicesLater = debounce(() => devices.load(ctx), 500);

function start() {
  hall = remembered();
  draw();
  setUpTabs();
  setUpWindowAdd();
  setUpImport();
  calendar.setUp(ctx);
  settings.setUp(ctx);
  staff.setUp(ctx);
  devices.setUp(ctx);
  audit.setUp(ctx);
  // Every snapshot (a connect, a gap, an admin's change anywhere) may bring a new configuration.
  client = followHall(config, text, time, "admin", {
    load,
    onEvent: (name) => {
      if (name === "device:status") devicesLater();
    },
  });
}

start();
