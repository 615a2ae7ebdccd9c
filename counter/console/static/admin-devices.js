// The administration's devices tab: every kiosk, display, rating pad, guide desk and
// printer of the hall with its names, what it is bound to (a kiosk's printer, a window
// display's or a rating pad's window, a printer's connection), when it was last heard from and the HallQ version
// its page or agent runs; adding one, its one-time enrolment link with a QR code to
// scan at the device, revoking it.

import { $, SessionGone, change, element, fill, read } from "./util.js";

const KINDS = ["kiosk", "display", "window_display", "rating_pad", "guide", "printer", "booking_platform"];
// Kinds without a screen: they call the API with a token (`hallq device token ID`).
const NO_SCREEN = ["printer", "booking_platform"];
let health = {}; // device id → GET /api/v1/devices item

function binding(ctx, device, hall) {
  const settings = device.settings || {};
  if (device.kind === "kiosk" || device.kind === "guide") {
    const printers = hall.devices.filter((each) => each.kind === "printer");
    return element("select", { attrs: { name: "printer", "aria-label": ctx.text.printer } },
      element("option", { text: ctx.text.noPrinter, attrs: { value: "" } }),
      ...printers.map((printer) => element("option", { text: printer.name || printer.id, attrs: { value: printer.id, selected: settings.printer === printer.id } })));
  }
  if (device.kind === "window_display" || device.kind === "rating_pad") {
    return element("select", { attrs: { name: "window", "aria-label": ctx.text.windowOf } },
      ...hall.windows.map((window) => element("option", { text: fill(ctx.text.windowDefaultName, { number: window.number }), attrs: { value: window.number, selected: settings.window === window.number } })));
  }
  if (device.kind === "printer") {
    return element("input", { attrs: { name: "connection", value: settings.connection || "", maxlength: 120, placeholder: "tcp:192.168.10.21:9100", "aria-label": ctx.text.connection } });
  }
  return element("span", { className: "calm", text: "—" });
}

function bindingValue(row) {
  const field = row.querySelector("[name=printer], [name=window], [name=connection]");
  if (!field) return {};
  if (field.name === "window") return { window: Number(field.value) };
  return { [field.name]: field.value.trim() || null };
}

function heard(ctx, item) {
  if (!item || !item.last_seen_at) return ctx.text.neverHeard;
  return ctx.time.moment(item.last_seen_at);
}

function showEnrolment(ctx, device, link) {
  $("enrolment-qr").src = link.qr;
  $("enrolment-qr").alt = link.url;
  $("enrolment-title").textContent = fill(ctx.text.enrolTitle, { device: device.name || device.id });
  $("enrolment-url").textContent = link.url;
  $("enrolment-expires").textContent = fill(ctx.text.enrolExpires, { time: ctx.time.moment(link.expires_at) });
  $("enrolment").hidden = false;
}

function row(ctx, device, hall) {
  const item = health[device.id];
  const name = element("input", { attrs: { name: "name", value: device.name, maxlength: 100, "aria-label": ctx.text.name } });
  const nameEn = element("input", { attrs: { name: "name_en", value: device.name_en || "", maxlength: 100, "aria-label": ctx.text.englishName } });
  const save = element("button", { className: "primary", text: ctx.text.save, attrs: { type: "button" } });
  const enrol = element("button", { className: "secondary", text: ctx.text.enrolLink, attrs: { type: "button", "data-enrol": true, disabled: NO_SCREEN.includes(device.kind) } });
  const revoke = element("button", { className: "danger", text: ctx.text.revoke, attrs: { type: "button" } });
  const tr = element("tr", { attrs: { "data-device": device.id } },
    element("th", { attrs: { scope: "row" } }, device.id, element("span", { className: "sub", text: ctx.text.kinds[device.kind] })),
    element("td", {}, name),
    element("td", {}, nameEn),
    element("td", {}, binding(ctx, device, hall)),
    element("td", { text: heard(ctx, item) }),
    element("td", { className: "device-version", text: (item && item.version) || "—" }),
    element("td", { className: "actions" }, save, enrol, revoke));
  const path = `/api/v1/admin/devices/${encodeURIComponent(device.id)}`;
  save.addEventListener("click", async () => {
    const body = { name: name.value.trim(), name_en: nameEn.value.trim(), ...bindingValue(tr) };
    const answer = await ctx.run(save, () => change(path, body, { method: "PUT" }), { done: ctx.text.deviceSaved });
    if (answer) ctx.show(answer);
  });
  enrol.addEventListener("click", async () => {
    const answer = await ctx.run(enrol, () => change(`/api/v1/devices/${encodeURIComponent(device.id)}/enrolment`, null));
    if (answer) showEnrolment(ctx, device, answer.data);
  });
  revoke.addEventListener("click", async () => {
    const sure = await ctx.confirm({ title: fill(ctx.text.revokeTitle, { device: device.name || device.id }), body: ctx.text.revokeBody, yes: ctx.text.revoke });
    if (!sure) return;
    const answer = await ctx.run(revoke, () => change(`${path}/revoke`, null), { done: ctx.text.deviceRevoked });
    if (answer) load(ctx);
  });
  return tr;
}

let lastHall = null;

export function draw(ctx, hall) {
  lastHall = hall;
  if ($("admin-devices").contains(document.activeElement)) return; // the admin is typing
  $("admin-devices").replaceChildren(...hall.devices.map((device) => row(ctx, device, hall)));
}

export async function load(ctx) {
  try {
    const answer = await read("/api/v1/devices");
    if (answer) health = Object.fromEntries(answer.items.map((item) => [item.id, item]));
  } catch (error) {
    if (error instanceof SessionGone) ctx.sessionGone();
    return;
  }
  if (lastHall) draw(ctx, lastHall);
}

export function setUp(ctx) {
  $("device-add-kind").replaceChildren(...KINDS.map((kind) => element("option", { text: ctx.text.kinds[kind], attrs: { value: kind } })));
  $("enrolment-hide").addEventListener("click", () => { $("enrolment").hidden = true; });
  const form = $("device-add");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { id: form.id.value.trim(), kind: form.kind.value, name: form.name.value.trim(), name_en: form.name_en.value.trim() };
    const answer = await ctx.run(form.querySelector("button"), () => change("/api/v1/admin/devices", body), { done: ctx.text.deviceAdded });
    if (!answer) return;
    form.reset();
    ctx.show(answer);
  });
}
