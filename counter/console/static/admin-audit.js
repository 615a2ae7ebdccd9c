// The administration's audit log: who did what, when — filtered by person, action,
// window and day, newest first, and the same selection as an XLSX download.

import { $, SessionGone, element, read } from "./util.js";

function query(form) {
  const params = new URLSearchParams();
  for (const name of ["person", "action", "window", "day"]) {
    const value = form[name].value.trim();
    if (value) params.set(name, value);
  }
  return params.toString();
}

function detailText(detail) {
  if (!detail || !Object.keys(detail).length) return "";
  return JSON.stringify(detail);
}

export async function load(ctx) {
  const form = $("audit-filter");
  const selection = query(form);
  $("audit-export").href = `${$("audit-export").href.split("?")[0]}${selection ? `?${selection}` : ""}`;
  let answer = null;
  try {
    answer = await read(`/api/v1/admin/audit${selection ? `?${selection}` : ""}`);
  } catch (error) {
    if (error instanceof SessionGone) ctx.sessionGone();
    return;
  }
  if (!answer) return;
  const chosen = form.action.value;
  $("audit-actions").replaceChildren(
    element("option", { text: ctx.text.everyAction, attrs: { value: "" } }),
    ...answer.actions.map((action) => element("option", { text: action, attrs: { value: action } })),
  );
  form.action.value = chosen;
  $("audit-count").textContent = ctx.text.auditCount.replace("{count}", String(answer.items.length));
  $("audit-rows").replaceChildren(...answer.items.map((item) => element("tr", { attrs: { "data-action": item.action } },
    element("td", { text: ctx.time.moment(item.at) }),
    element("td", { text: item.actor }),
    element("td", { text: item.action }),
    element("td", { text: item.target }),
    element("td", { className: "audit-detail", text: detailText(item.detail) }))));
}

export function setUp(ctx) {
  $("audit-filter").addEventListener("submit", (event) => {
    event.preventDefault();
    load(ctx);
  });
}
