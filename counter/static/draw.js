// Drawing the window terminal from its state: the top bar, the current ticket,
// the action buttons, waiting per service and this computer's calls.
// Nothing here acts; counter.js decides, this module shows.

import { $, clock, element, fill, localName, minutesSince, showHallStatus } from "/static/counter/staff.js";
import { requestedName } from "/static/counter/registers.js";
import { blocker, commandOf, heldByOther } from "/static/counter/rules.js";

export class CounterScreen {
  constructor(config, calls) {
    this.config = config;
    this.T = config.text;
    this.calls = calls;
  }

  // Why an action can't be done in `view`'s state, or null.
  blocker(action, view) {
    const { user, window } = this.config;
    return blocker(action, { detail: view.detail, offline: view.offline, user, window }, this.T);
  }

  myServices(view) {
    const own = (view.hall?.windows || []).find((window) => window.n === this.config.window);
    const codes = own?.services || view.detail?.services || [];
    const services = view.hall?.services || [];
    return codes.map((code) => services.find((service) => service.code === code)).filter(Boolean);
  }

  draw(view) {
    this.bar(view);
    this.ticket(view);
    this.actions(view);
    this.waiting(view);
    this.callList(view);
  }

  bar(view) {
    const own = (view.hall?.windows || []).find((window) => window.n === this.config.window);
    const state = view.detail?.state || own?.state || "closed";
    const badge = $("window-state");
    badge.dataset.state = state;
    badge.textContent = this.T.windowStates[state] || state;
    $("window-services").textContent = this.myServices(view).map((service) => localName(service)).join(" · ");
    if (view.hall) showHallStatus(view.hall, this.T, view.offline);
  }

  ticket(view) {
    const { T, config } = this;
    const detail = view.detail;
    const ticket = detail?.ticket || null;
    const other = heldByOther(detail, config.user);
    $("notice").hidden = !other;
    if (other) $("notice").textContent = fill(T.notYours, { window: config.window, staff: detail.staff });
    $("ticket").hidden = !ticket;
    $("ticket-none").hidden = Boolean(ticket);
    $("open-big").hidden = !(detail && detail.state === "closed");
    if (!ticket) {
      let text = T.loading;
      if (detail && detail.state === "closed") text = T.closedHint;
      else if (detail && detail.state === "paused") text = T.pausedHint;
      else if (detail) text = T.free;
      $("ticket-none-text").textContent = text;
      return;
    }
    const service = (view.hall?.services || []).find((item) => item.code === ticket.service);
    $("ticket").dataset.state = ticket.state;
    $("ticket-number").textContent = ticket.number;
    $("ticket-state").textContent = T.ticketStates[ticket.state] || ticket.state;
    const recalls = $("ticket-recalls");
    recalls.hidden = ticket.state !== "called";
    const required = detail.no_show_after_recalls;
    recalls.textContent = fill(T.recalls, { recalls: ticket.recalls, required });
    recalls.dataset.enough = String(ticket.recalls >= required);
    $("ticket-green").hidden = !ticket.green;
    // An emergency-window ticket: what the taxpayer came for is what the clerk registers.
    const requested = requestedName(ticket, view.hall?.services);
    $("ticket-requested").hidden = !requested;
    $("ticket-requested").textContent = requested ? fill(T.requested, { service: requested }) : "";
    $("ticket-service").textContent = service ? `${service.prefix} · ${localName(service)}` : ticket.service;
    $("ticket-issued").textContent = clock(ticket.issued_at);
    $("ticket-waited").textContent = fill(T.minutes, { minutes: this.waitedMinutes(ticket) });
    $("ticket-channel").textContent = T.channels[ticket.channel] || ticket.channel;
    for (const [id, value] of [["ticket-phone", ticket.phone], ["ticket-taxpayer", ticket.taxpayer_id]]) {
      // The window's own clerk (and leaders) get both in full, to prepare the taxpayer's
      // business; the hub leaves them out for anyone else, and nothing public shows them.
      $(id).textContent = value || T.none;
      $(id).dataset.given = String(Boolean(value));
    }
  }

  waitedMinutes(ticket) {
    // The wait ends when the ticket is called (the hub's time, not this computer's).
    return minutesSince(ticket.issued_at, ticket.called_at ? new Date(ticket.called_at).getTime() : Date.now());
  }

  actions(view) {
    const T = this.T;
    const state = view.detail?.state;
    $("pause-label").textContent = state === "paused" ? T.resume : T.pause;
    $("open-label").textContent = !state || state === "closed" ? T.open : T.close;
    for (const button of document.querySelectorAll("button[data-action]")) {
      const reason = this.blocker(button.dataset.action, view);
      button.disabled = Boolean(reason);
      button.title = reason || "";
      button.classList.toggle("busy", Boolean(view.busy) && commandOf(button.dataset.action, state) === view.busy);
    }
    $("call-number").disabled = Boolean(this.blocker("call", view));
  }

  waiting(view) {
    if (!view.hall) return;
    const T = this.T;
    const mine = this.myServices(view);
    const codes = mine.map((service) => service.code);
    const ordered = [...mine, ...view.hall.services.filter((service) => !codes.includes(service.code))];
    $("waiting-rows").replaceChildren(
      ...ordered.map((service) =>
        element(
          "tr",
          { className: codes.includes(service.code) ? "mine" : "", attrs: { "data-service": service.code } },
          element("td", { className: "waiting__prefix", text: service.prefix }),
          element("td", { className: "waiting__name", text: localName(service) }),
          element("td", { className: "waiting__count", text: String(service.waiting) }),
          element("td", {
            className: "waiting__longest",
            text: service.waiting ? fill(T.longest, { minutes: service.longest_wait_min }) : "",
          }),
        ),
      ),
    );
    const total = mine.reduce((sum, service) => sum + service.waiting, 0);
    $("waiting-mine").textContent = fill(T.waitingCount, { count: total });
  }

  callItems(limit) {
    const T = this.T;
    const entries = this.calls.entries();
    if (!entries.length) return [element("li", { className: "calls__empty", text: T.logEmpty })];
    const kinds = {
      call: T.logCall, recall: T.logRecall, manual: T.logManual,
      finish: T.logFinish, no_show: T.logNoShow, transfer: T.logTransfer,
    };
    return entries.slice(0, limit).map((entry) =>
      element(
        "li",
        { className: `calls__item calls__item--${entry.kind}` },
        element("time", { text: clock(entry.at), attrs: { datetime: entry.at } }),
        element("span", { className: "calls__number", text: entry.number }),
        element("span", {
          className: "calls__kind",
          text: entry.settled ? T.logSettled[entry.settled] : kinds[entry.kind] || entry.kind,
        }),
      ),
    );
  }

  callList(view) {
    $("calls").replaceChildren(...this.callItems(6));
    if (view.offline) $("offline-calls").replaceChildren(...this.callItems(Infinity));
  }

  // The offline view's header: since when, and the last ticket this window knew.
  offline(since, lastTicket) {
    const T = this.T;
    $("offline-since").textContent = fill(T.since, { time: clock(since) });
    $("offline-last").hidden = !lastTicket;
    if (lastTicket) {
      $("offline-last").textContent = fill(T.lastKnown, {
        number: lastTicket.number,
        state: T.ticketStates[lastTicket.state] || lastTicket.state,
      });
    }
  }
}
