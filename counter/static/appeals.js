// The clerk's bad ratings (差评) at the counter: each of their services rated 不满意 or
// 非常不满意, with its reasons and where its work order stands; one given by mistake or
// in malice may be appealed (申诉) once, with reasons, and the administrator decides. The
// hub lists a clerk's own ratings only.

import { $, element, fill } from "/static/counter/staff.js";

export class Appeals {
  constructor({ T, sender, messages }) {
    Object.assign(this, { T, sender, messages });
    this.items = [];
  }

  async load() {
    const answer = await this.sender.read("/api/v1/ratings/work-orders");
    if (!answer || !answer.ok) return;
    this.items = answer.data.items;
    this.draw();
  }

  draw() {
    const list = $("my-ratings-list");
    if (list.contains(document.activeElement) && document.activeElement.tagName === "TEXTAREA") return;
    list.replaceChildren(...this.items.map((item) => this.item(item)));
    $("my-ratings").hidden = this.items.length === 0;
  }

  item(order) {
    const T = this.T;
    const words = [
      fill(T.ratedBad, { number: order.number, level: T.levels[String(order.level)] }),
      order.reason_names.join("、"),
      order.text,
    ].filter(Boolean).join(" · ");
    const state = order.appeal
      ? fill(T.appealState, { state: T.appealStates[order.appeal.state] })
      : order.state === "closed" ? T.orderClosed : T.orderOpen;
    const item = element("li", { className: "backfill-item my-rating", attrs: { "data-order": order.id, "data-number": order.number } },
      element("p", { text: words }),
      element("p", { className: "my-rating__state", text: state }));
    if (!order.appeal) item.append(this.form(order));
    return item;
  }

  form(order) {
    const reason = element("textarea", { attrs: { rows: 2, maxlength: 500, "aria-label": this.T.appealReason, placeholder: this.T.appealReason } });
    const send = element("button", { text: this.T.appeal, attrs: { type: "submit" } });
    const form = element("form", { className: "my-rating__form" }, reason, send);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      send.disabled = true;
      const answer = await this.sender.send(`/api/v1/ratings/work-orders/${order.id}/appeal`, { reason: reason.value.trim() });
      send.disabled = false;
      if (answer && answer.ok) {
        this.messages.info(fill(this.T.appealed, { number: order.number }));
        reason.blur();
        this.load();
      }
    });
    return form;
  }
}
