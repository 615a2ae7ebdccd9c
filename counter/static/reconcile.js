// When the hub is back: the numbers this window called by hand while it was down
// (the CallLog's "manual" entries) wait here until the clerk says what became of
// each — served, no-show, or at the window now — and the hub's ticket follows
// (POST /api/v1/windows/<n>/reconcile). "Not called" drops a number noted by mistake.

import { $, clock, element } from "/static/counter/staff.js";

const OUTCOMES = ["served", "no_show", "at_window", "dismissed"];

export class Reconciler {
  // `send(path, body)` is the counter's Sender.send; `onSettled()` reloads the window.
  constructor({ T, calls, window, send, onSettled }) {
    Object.assign(this, { T, calls, window, send, onSettled });
    this.busy = false;
  }

  draw(online) {
    const pending = online ? this.calls.pendingManual() : [];
    $("reconcile").hidden = pending.length === 0;
    $("reconcile-list").replaceChildren(...pending.map((entry) => this.item(entry)));
  }

  item(entry) {
    const buttons = OUTCOMES.map((outcome) => {
      const button = element("button", {
        className: `reconcile__action reconcile__action--${outcome}`,
        text: this.T.reconcileOutcomes[outcome],
        attrs: { type: "button", "data-outcome": outcome },
      });
      button.addEventListener("click", () => this.settle(entry, outcome));
      return button;
    });
    return element(
      "li",
      { className: "reconcile__item", attrs: { "data-number": entry.number } },
      element("span", { className: "reconcile__number", text: entry.number }),
      element("time", { className: "reconcile__at", text: clock(entry.at), attrs: { datetime: entry.at } }),
      element("span", { className: "reconcile__actions" }, ...buttons),
    );
  }

  async settle(entry, outcome) {
    if (this.busy) return;
    this.busy = true;
    try {
      if (outcome !== "dismissed") {
        const answer = await this.send(`/api/v1/windows/${this.window}/reconcile`, { number: entry.number, outcome });
        if (!answer || !answer.ok) return; // the Sender showed why; the entry stays
      }
      this.calls.settle(entry, outcome);
      this.onSettled();
    } finally {
      this.busy = false;
    }
  }
}
