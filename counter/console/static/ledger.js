// The incident ledger's period picker: the two links follow the dates chosen.

import { $, fill } from "./util.js";

function pad(number) {
  return String(number).padStart(2, "0");
}

// Periods in the hall's own days ("2026-11-23" is today there).
function period(kind, today) {
  const [year, month] = today.split("-").map(Number);
  const lastDay = (y, m) => new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (kind === "month") return [`${year}-${pad(month)}-01`, `${year}-${pad(month)}-${pad(lastDay(year, month))}`];
  if (kind === "last-month") {
    const [y, m] = month === 1 ? [year - 1, 12] : [year, month - 1];
    return [`${y}-${pad(m)}-01`, `${y}-${pad(m)}-${pad(lastDay(y, m))}`];
  }
  if (kind === "year") return [`${year}-01-01`, `${year}-12-31`];
  return ["", ""];
}

function update(ctx) {
  const from = $("ledger-from").value;
  const to = $("ledger-to").value;
  const { text, config } = ctx;
  const wrong = from && to && from > to;
  const query = new URLSearchParams();
  if (from) query.set("from", from);
  if (to) query.set("to", to);
  const suffix = query.toString() ? `?${query}` : "";
  $("ledger-xlsx").href = `${config.ledger.xlsx}${suffix}`;
  $("ledger-print").href = `${config.ledger.print}${suffix}`;
  for (const link of [$("ledger-xlsx"), $("ledger-print")]) link.toggleAttribute("aria-disabled", Boolean(wrong));
  const label = wrong ? text.ledgerWrongOrder
    : from && to ? fill(text.ledgerBetween, { from: ctx.time.longDate(from), to: ctx.time.longDate(to) })
      : from ? fill(text.ledgerFrom, { from: ctx.time.longDate(from) })
        : to ? fill(text.ledgerUntil, { to: ctx.time.longDate(to) }) : text.ledgerAll;
  $("ledger-period").textContent = label;
  $("ledger-period").dataset.wrong = String(Boolean(wrong));
}

export function setUp(ctx) {
  const [from, to] = period("month", ctx.config.today);
  $("ledger-from").value = from;
  $("ledger-to").value = to;
  $("ledger").addEventListener("input", () => update(ctx));
  $("ledger").addEventListener("submit", (event) => event.preventDefault());
  for (const button of document.querySelectorAll("#ledger-quick [data-period]")) {
    button.addEventListener("click", () => {
      [$("ledger-from").value, $("ledger-to").value] = period(button.dataset.period, ctx.config.today);
      update(ctx);
    });
  }
  // A period that ends before it starts is not followed: the links say why instead.
  for (const link of [$("ledger-xlsx"), $("ledger-print")]) {
    link.addEventListener("click", (event) => {
      if (link.hasAttribute("aria-disabled")) {
        event.preventDefault();
        ctx.say(ctx.text.ledgerWrongOrder, "error");
      }
    });
  }
  update(ctx);
}
