// The administration's staff tab: the hall's accounts (role, state, live sessions),
// adding one, renaming, giving the staff number and photo the rating pad shows, changing
// the role, resetting the password — a generated one, shown here once —, disabling and
// enabling, ending every session.

import { $, SessionGone, change, element, fill, read } from "./util.js";

const ROLES = ["staff", "guide", "leader", "admin"];
let items = [];

function roleSelect(ctx, chosen) {
  const select = element("select", { attrs: { name: "role", "aria-label": ctx.text.role } },
    ...ROLES.map((role) => element("option", { text: ctx.text.roles[role], attrs: { value: role } })));
  select.value = chosen;
  return select;
}

function showPassword(ctx, username, password) {
  $("password-text").textContent = fill(ctx.text.passwordOnce, { username });
  $("password-value").textContent = password;
  $("password-shown").hidden = false;
}

// The photo the rating pad shows: a thumbnail, a file to choose (JPEG or PNG), a removal.
function photoCell(ctx, account, path) {
  const file = element("input", { attrs: { type: "file", accept: "image/jpeg,image/png", "aria-label": ctx.text.uploadPhoto } });
  const choose = element("button", { className: "secondary small", text: account.photo ? ctx.text.changePhoto : ctx.text.uploadPhoto, attrs: { type: "button" } });
  file.hidden = true;
  choose.addEventListener("click", () => file.click());
  file.addEventListener("change", () => {
    const [picture] = file.files;
    if (!picture) return;
    const reader = new FileReader();
    reader.addEventListener("load", async () => {
      const answer = await ctx.run(choose, () => change(`${path}/photo`, { image: reader.result }, { method: "PUT" }), { done: ctx.text.photoSaved });
      if (answer) load(ctx);
    });
    reader.readAsDataURL(picture);
  });
  if (!account.photo) return [choose, file];
  const thumbnail = element("img", { className: "staff-photo__img", attrs: { src: `/display/staff/${encodeURIComponent(account.username)}/photo?v=${Date.now()}`, alt: "" } });
  const remove = element("button", { className: "secondary small", text: ctx.text.removePhoto, attrs: { type: "button" } });
  remove.addEventListener("click", async () => {
    const answer = await ctx.run(remove, () => change(`${path}/photo`, null, { method: "DELETE" }), { done: ctx.text.photoRemoved });
    if (answer) load(ctx);
  });
  return [thumbnail, choose, remove, file];
}

function row(ctx, account) {
  const self = account.username === ctx.config.user;
  const name = element("input", { attrs: { name: "name", value: account.name, maxlength: 100, "aria-label": ctx.text.fullName } });
  const number = element("input", { className: "staff-number", attrs: { name: "number", value: account.number, maxlength: 20, "aria-label": ctx.text.staffNumber } });
  const role = roleSelect(ctx, account.role);
  role.disabled = self;
  const save = element("button", { className: "primary", text: ctx.text.save, attrs: { type: "button" } });
  const reset = element("button", { className: "secondary", text: ctx.text.resetPassword, attrs: { type: "button" } });
  const toggle = element("button", {
    className: account.active ? "danger" : "secondary",
    text: account.active ? ctx.text.disable : ctx.text.enable,
    attrs: { type: "button", disabled: self },
  });
  const end = element("button", { className: "secondary", text: ctx.text.endSessions, attrs: { type: "button", disabled: account.sessions === 0 } });
  const path = `/api/v1/admin/staff/${encodeURIComponent(account.username)}`;
  save.addEventListener("click", async () => {
    const answer = await ctx.run(save, () => change(path, { name: name.value.trim(), number: number.value.trim(), role: role.value }, { method: "PUT" }), { done: ctx.text.accountSaved });
    if (answer) load(ctx);
  });
  reset.addEventListener("click", async () => {
    const sure = await ctx.confirm({ title: fill(ctx.text.resetTitle, { username: account.username }), body: ctx.text.resetBody, yes: ctx.text.resetPassword });
    if (!sure) return;
    const answer = await ctx.run(reset, () => change(`${path}/password`, null));
    if (!answer) return;
    showPassword(ctx, account.username, answer.data.password);
    load(ctx);
  });
  toggle.addEventListener("click", async () => {
    if (account.active) {
      const sure = await ctx.confirm({ title: fill(ctx.text.disableTitle, { username: account.username }), body: ctx.text.disableBody, yes: ctx.text.disable });
      if (!sure) return;
    }
    const answer = await ctx.run(toggle, () => change(`${path}/${account.active ? "disable" : "enable"}`, null),
      { done: account.active ? ctx.text.accountDisabled : ctx.text.accountEnabled });
    if (answer) load(ctx);
  });
  end.addEventListener("click", async () => {
    const answer = await ctx.run(end, () => change(`${path}/end-sessions`, null), { done: ctx.text.sessionsEnded });
    if (answer) load(ctx);
  });
  const state = [account.active ? ctx.text.active : ctx.text.disabled, account.locked ? ctx.text.locked : ""].filter(Boolean).join(" · ");
  return element("tr", { className: account.active ? "" : "is-disabled", attrs: { "data-username": account.username } },
    element("th", { text: account.username, attrs: { scope: "row" } }),
    element("td", {}, name),
    element("td", {}, number),
    element("td", { className: "staff-photo" }, ...photoCell(ctx, account, path)),
    element("td", {}, role),
    element("td", { className: "account-state", text: state }),
    element("td", { className: "num", text: String(account.sessions) }),
    element("td", { className: "actions" }, save, reset, toggle, end));
}

function draw(ctx) {
  const editing = $("admin-staff").contains(document.activeElement);
  if (!editing) $("admin-staff").replaceChildren(...items.map((account) => row(ctx, account)));
}

export async function load(ctx) {
  try {
    const answer = await read("/api/v1/admin/staff");
    if (answer) items = answer.items;
  } catch (error) {
    if (error instanceof SessionGone) ctx.sessionGone();
    return;
  }
  draw(ctx);
}

export function setUp(ctx) {
  // A new account is counter staff unless the admin chooses otherwise.
  const role = $("staff-add-role");
  role.replaceChildren(...roleSelect(ctx, "staff").children);
  role.value = "staff";
  $("password-hide").addEventListener("click", () => {
    $("password-shown").hidden = true;
    $("password-value").textContent = "";
  });
  const form = $("staff-add");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { username: form.username.value.trim(), name: form.name.value.trim(), number: form.number.value.trim(), role: form.role.value };
    const answer = await ctx.run(form.querySelector("button"), () => change("/api/v1/admin/staff", body));
    if (!answer) return;
    showPassword(ctx, body.username, answer.data.password);
    form.reset();
    role.value = "staff";
    load(ctx);
  });
}
