// Live window control for the duty leader (值班领导): turn an open window into a
// dedicated one for a rush (专窗, 潮汐窗口) — from a window's card in two taps, or from
// a load-relief alert in one tap and a confirmation —, give it back its own services,
// release a window its clerk left open, open the emergency window for a clerk, pause
// (and resume) every window of a service.

import { $, SessionGone, change, element, fill, localName, read } from "./util.js";

let chosen = null; // the window whose dedication dialog is open

function services(ctx) {
  return ((ctx.store.snapshot && ctx.store.snapshot.services) || []).filter((service) => !service.emergency);
}

function windows(ctx) {
  return (ctx.store.snapshot && ctx.store.snapshot.windows) || [];
}

// Which window to dedicate to `code` when its queue calls for relief: an open, not
// emergency window not already dedicated to it, with the fewest people waiting for
// what it calls now (it can spare itself best); the highest number on a tie.
export function suggestedWindow(ctx, code) {
  const waiting = Object.fromEntries(services(ctx).map((service) => [service.code, service.waiting]));
  const candidates = windows(ctx).filter((window) => window.state === "open" && !window.emergency
    && !(window.dedicated && window.services.length === 1 && window.services[0] === code));
  const load = (window) => window.services.reduce((sum, service) => sum + (waiting[service] || 0), 0);
  candidates.sort((a, b) => load(a) - load(b) || b.n - a.n);
  return candidates[0] || null;
}

async function dedicate(ctx, button, window, code, until) {
  const service = services(ctx).find((each) => each.code === code);
  const answer = await ctx.run(button, () => change(`/api/v1/windows/${window.n}/dedicate`, { services: [code], until }),
    { done: fill(ctx.text.dedicated, { window: window.n, service: localName(service) }) });
  if (answer) $("dedicate").close();
  return answer;
}

// One tap on a relief alert, then the confirmation: the suggested window calls only that service today.
export async function relieve(ctx, button, code) {
  const window = suggestedWindow(ctx, code);
  const service = services(ctx).find((each) => each.code === code);
  if (!window || !service) {
    ctx.say(ctx.text.noWindowToDedicate, "error");
    return;
  }
  const sure = await ctx.confirm({
    title: fill(ctx.text.dedicateTitle, { window: window.n, service: localName(service) }),
    body: ctx.text.dedicateBody,
    yes: ctx.text.dedicateYes,
  });
  if (sure) await dedicate(ctx, button, window, code, "today");
}

function openDialog(ctx, window) {
  chosen = window;
  $("dedicate-title").textContent = fill(ctx.text.dedicateWhich, { window: window.n });
  $("dedicate-services").replaceChildren(...services(ctx).map((service) => {
    const button = element("button", { className: "dedicate__service", attrs: { type: "button", "data-service": service.code } },
      element("span", { className: "prefix", text: service.prefix }), localName(service),
      element("span", { className: "sub", text: fill(ctx.text.waitingCount, { count: service.waiting }) }));
    button.addEventListener("click", () => {
      const until = $("dedicate").querySelector('input[name="until"]:checked').value;
      dedicate(ctx, button, chosen, service.code, until);
    });
    return button;
  }));
  $("dedicate").showModal();
}

async function openForDialog(ctx, window) {
  let staff = [];
  try {
    staff = ((await read("/api/v1/staff")) || { items: [] }).items;
  } catch (error) {
    if (error instanceof SessionGone) ctx.sessionGone();
    return;
  }
  $("open-for-title").textContent = fill(ctx.text.openForWhich, { window: window.n });
  const free = staff.filter((person) => person.windows.length === 0 && person.role !== "admin");
  $("open-for-staff").replaceChildren(...free.map((person) => {
    const button = element("button", { className: "dedicate__service", attrs: { type: "button", "data-staff": person.username } },
      person.name || person.username, element("span", { className: "sub", text: person.username }));
    button.addEventListener("click", async () => {
      const answer = await ctx.run(button, () => change(`/api/v1/windows/${window.n}/open-for`, { staff: person.username }),
        { done: fill(ctx.text.openedFor, { window: window.n, name: person.name || person.username }) });
      if (answer) $("open-for").close();
    });
    return button;
  }));
  $("open-for").showModal();
}

// The buttons of a service's row: pause every open window that calls it, or let the
// paused ones call again.
export function serviceActions(ctx, service) {
  if (service.emergency) return null;
  const calling = windows(ctx).filter((window) => window.services.includes(service.code));
  const buttons = [];
  const add = (label, action, state) => {
    if (!calling.some((window) => window.state === state)) return;
    const button = element("button", { className: "small", text: label, attrs: { type: "button", [`data-${action}`]: service.code } });
    button.addEventListener("click", async () => {
      const answer = await ctx.run(button, () => change(`/api/v1/services/${service.code}/${action}`, null));
      if (answer) {
        ctx.say(fill(action === "pause-windows" ? ctx.text.servicePaused : ctx.text.serviceResumed, {
          service: localName(service),
          windows: answer.data.windows.map((number) => fill(ctx.text.window, { window: number })).join("、"),
        }), "ok");
      }
    });
    buttons.push(button);
  };
  add(ctx.text.pauseService, "pause-windows", "open");
  add(ctx.text.resumeService, "resume-windows", "paused");
  return buttons.length ? element("span", { className: "service__actions" }, ...buttons) : null;
}

// The buttons of one window's card on the hall tab.
export function windowActions(ctx, window) {
  const actions = [];
  if (window.state === "closed" && window.emergency) {
    const open = element("button", { className: "small", text: ctx.text.openFor, attrs: { type: "button", "data-open-for": window.n } });
    open.addEventListener("click", () => openForDialog(ctx, window));
    actions.push(open);
  }
  if (window.state !== "closed" && !window.emergency) {
    const button = element("button", { className: "small", text: ctx.text.dedicate, attrs: { type: "button", "data-dedicate": window.n } });
    button.addEventListener("click", () => openDialog(ctx, window));
    actions.push(button);
  }
  if (window.dedicated) {
    const undo = element("button", { className: "small", text: ctx.text.undedicate, attrs: { type: "button", "data-undedicate": window.n } });
    undo.addEventListener("click", () => ctx.run(undo, () => change(`/api/v1/windows/${window.n}/undedicate`, null),
      { done: fill(ctx.text.undedicated, { window: window.n }) }));
    actions.push(undo);
  }
  if (window.state !== "closed") {
    const release = element("button", { className: "small", text: ctx.text.release, attrs: { type: "button", "data-release": window.n } });
    release.addEventListener("click", async () => {
      const sure = await ctx.confirm({
        title: fill(ctx.text.releaseTitle, { window: window.n }),
        body: window.current ? fill(ctx.text.releaseBody, { number: window.current }) : ctx.text.releaseEmpty,
        yes: ctx.text.release,
      });
      if (sure) {
        ctx.run(release, () => change(`/api/v1/windows/${window.n}/release`, { ticket: "requeue" }),
          { done: fill(ctx.text.released, { window: window.n }) });
      }
    });
    actions.push(release);
  }
  return actions.length ? element("span", { className: "window__actions" }, ...actions) : null;
}

export function setUp() {
  $("dedicate-cancel").addEventListener("click", () => $("dedicate").close());
  $("open-for-cancel").addEventListener("click", () => $("open-for").close());
}
