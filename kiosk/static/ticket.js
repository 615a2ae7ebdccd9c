// The ticket on the kiosk's screen (SPEC §5, §7): the number, people ahead, the
// QR code of its status page, what became of the printout — and, when an outage
// routed the business to the emergency window, where to go, large.

import { forgetCached } from "/static/hallq-client.js";
import { aheadText, estimateText, fill } from "./common.js";
import { maskedPhone, splitNotice } from "./hallview.js";

const $ = (id) => document.getElementById(id);

// `ticket` is the hub's answer to the tap (POST /api/v1/tickets); `serviceName`
// the business the taxpayer asked for, in the screen's language.
export function drawTicket(ticket, { serviceName, texts, english, qrUrl }) {
  const emergency = ticket.route === "emergency";
  $("ticket-service").textContent = emergency ? `${serviceName} · ${texts.served_at_emergency}` : serviceName;
  $("ticket-green").hidden = !ticket.green;
  $("ticket-number").textContent = ticket.number;
  $("ticket-ahead").textContent = aheadText(texts, ticket.ahead);
  $("ticket-estimate").textContent = estimateText(texts, ticket.estimated_wait_min);
  $("ticket-estimate").dataset.unserved = String(ticket.estimated_wait_min === null);
  // "请到 8 号应急窗口 / Please go to emergency window 8", as printed on the ticket.
  const [where, other] = splitNotice(ticket.notice, english);
  $("ticket-go").hidden = !ticket.notice;
  $("ticket-go-where").textContent = where;
  $("ticket-go-other").textContent = other;
  $("ticket-go-help").textContent = emergency ? texts.emergency_help : "";
  $("screen-ticket").dataset.route = ticket.route || "normal";
  const qr = qrUrl.replace("TOKEN", encodeURIComponent(ticket.token));
  // A ticket's QR code must not pile up in a kiosk's offline cache.
  $("ticket-qr").onload = () => forgetCached(qr).catch(() => {});
  $("ticket-qr").src = qr;
}

// What became of the printout: "printed", "failed", or not known yet
// ("none"/"pending"). A ticket that could not print is texted by the hub when
// the taxpayer gave a phone number: the screen says so, masked. Returns the kind.
export function drawPrintState(state, { texts, phone = "" }) {
  const kind = state === "printed" || state === "failed" ? state : "pending";
  $("screen-ticket").dataset.print = kind;
  $("print-message").textContent = texts.print[kind];
  const masked = kind === "failed" ? maskedPhone(phone) : "";
  $("print-sms").hidden = !masked;
  $("print-sms").textContent = masked ? fill(texts.sms_sent, { phone: masked }) : "";
  return kind;
}
