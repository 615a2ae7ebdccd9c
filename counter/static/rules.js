// Which window-terminal actions make sense now, and why not — from the window
// detail alone (GET /api/v1/windows/<n>). The hub enforces the same rules; the
// counter greys out what it would refuse and says why when the key is pressed.

import { fill } from "/static/counter/staff.js";

// Open, and by someone else: this login may look but not act.
export function heldByOther(detail, user) {
  return Boolean(detail) && detail.state !== "closed" && detail.staff !== user;
}

// Why `action` cannot be done now, or null when it can.
// `action` is a key's action: "pause" toggles pause/resume, "open" toggles open/close.
export function blocker(action, { detail, offline, user, window }, T) {
  if (offline) return T.offlineAction;
  if (!detail) return T.loading;
  if (heldByOther(detail, user)) return fill(T.notYours, { window, staff: detail.staff });
  const ticket = detail.ticket;
  const number = ticket ? ticket.number : "";
  const closed = detail.state === "closed";
  if (closed && action !== "open") return T.closedFirst;
  switch (action) {
    case "open":
      return !closed && ticket ? fill(T.closeBusy, { number }) : null;
    case "pause":
      return null;
    case "call-next":
    case "call":
      if (detail.state === "paused") return T.pausedFirst;
      return ticket ? fill(T.busy, { number }) : null;
    case "recall":
      if (!ticket) return T.noTicket;
      return ticket.state === "called" ? null : fill(T.recallCalledOnly, { number });
    case "no-show":
      if (!ticket) return T.noTicket;
      if (ticket.state !== "called") return fill(T.noShowCalledOnly, { number });
      if (ticket.recalls < detail.no_show_after_recalls) {
        return fill(T.recallsFirst, { number, required: detail.no_show_after_recalls, recalls: ticket.recalls });
      }
      return null;
    case "start":
      if (!ticket) return T.noTicket;
      return ticket.state === "called" ? null : fill(T.alreadyServing, { number });
    case "finish":
    case "transfer":
      if (!ticket) return T.noTicket;
      return ticket.state === "serving" ? null : T.startFirst;
    case "rating/offer":
      // The last service's rating goes back to the pad before the next one is called.
      return ticket ? fill(T.busy, { number }) : null;
    default:
      return null;
  }
}

// The API command a key's action stands for in the window's state.
export function commandOf(action, state) {
  if (action === "pause") return state === "paused" ? "resume" : "pause";
  if (action === "open") return state === "closed" ? "open" : "close";
  return action;
}

// What staff usually do next; the counter focuses it, so Enter or Space does it.
export function nextStep(detail, user) {
  if (!detail || heldByOther(detail, user)) return null;
  if (detail.state === "closed") return "open";
  const ticket = detail.ticket;
  if (ticket && ticket.state === "called") return "start";
  if (ticket && ticket.state === "serving") return "finish";
  if (detail.state === "paused") return "pause";
  return "call-next";
}
