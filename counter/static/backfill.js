// The register records still to backfill (补录, SPEC §7), at the window terminal.
//
// During an outage the register panel shows what was saved for the current ticket;
// once the systems are back this list shows every record left in the hall, with its
// data to type into the tax system, and a button to mark each one entered
// (POST /api/v1/registers/<id>/backfill). The clerk's own records come first.
// It is read again whenever the hub says the worklist changed (`worklist:changed`).

import { $, clock, element, fill, refusal } from "/static/counter/staff.js";

function who(actor) {
  return String(actor || "").replace(/^(staff|device):/, "");
}

export class Worklist {
  // forms(): the register forms (labels), or null while they load; onChange(): redraw.
  constructor({ config, sender, messages, lang, forms, onChange }) {
    Object.assign(this, { config, sender, messages, lang, forms, onChange });
    this.T = config.text;
    this.records = null; // null until read once
    this.generation = 0;
    this.timer = null;
    this.marking = null;
    this.openIncidents = [];
    $("backfill-list").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-record]");
      if (button) this.mark(Number(button.dataset.record));
    });
  }

  async load() {
    const generation = ++this.generation;
    const answer = await this.sender.read("/api/v1/registers?state=to_backfill");
    if (generation !== this.generation || !answer.ok) return;
    this.records = answer.data.items;
    this.onChange();
  }

  loadSoon() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.load(), 60);
  }

  mine(record) {
    return record.created_by === `staff:${this.config.user}`;
  }

  // Shown when something is left and no outage is on (then the register panel is).
  draw(view) {
    const T = this.T;
    const records = this.records || [];
    this.openIncidents = (view.hall?.incidents || []).map((incident) => incident.number);
    const shown = records.length > 0 && view.hall?.mode !== "outage" && !view.offline;
    $("backfill").hidden = !shown;
    $("calls-section").hidden = shown;
    document.body.classList.toggle("has-backfill", shown);
    if (!shown) {
      this.drawn = null;
      return;
    }
    $("backfill-title").textContent = fill(T.worklistTitle, { count: records.length });
    const ordered = [...records.filter((record) => this.mine(record)), ...records.filter((record) => !this.mine(record))];
    // Redrawn only when the records change: a clerk copying a taxpayer ID from a card
    // into the tax system must not lose the selection to a queue event.
    const drawn = JSON.stringify([ordered.map((record) => record.id), this.marking, Boolean(this.forms())]);
    if (drawn === this.drawn) return;
    this.drawn = drawn;
    const focused = document.activeElement?.dataset?.record;
    $("backfill-list").replaceChildren(...ordered.map((record) => this.item(record)));
    if (focused) $("backfill-list").querySelector(`button[data-record="${focused}"]`)?.focus();
  }

  item(record) {
    const T = this.T;
    const meta = [
      fill(T.recorded, { time: clock(record.created_at), staff: who(record.created_by) }),
      fill(T.incident, { incident: record.incident }),
    ].join(" · ");
    return element(
      "li",
      { className: "backfill-item", attrs: { "data-record": String(record.id), "data-mine": String(this.mine(record)) } },
      element(
        "div",
        { className: "backfill-item__head" },
        element("span", { className: "backfill-item__ticket", text: record.ticket }),
        element("span", { className: "backfill-item__kind", text: T.kinds[record.kind] || record.kind }),
        this.mine(record) ? element("span", { className: "backfill-item__mine", text: T.mine }) : null,
        element("button", {
          className: "backfill-item__mark",
          text: this.marking === record.id ? T.marking : T.markEntered,
          attrs: { type: "button", "data-record": String(record.id) },
        }),
      ),
      element("div", { className: "backfill-item__meta", text: meta }),
      element("dl", { className: "backfill-item__data" }, ...this.data(record)),
    );
  }

  // The record's values under the form's labels, in the form's order.
  data(record) {
    const T = this.T;
    const fields = this.forms()?.[record.kind] || Object.keys(record.data).map((name) => ({ name, label: name }));
    return fields
      .filter((field) => field.name in record.data)
      .map((field) => {
        const value = record.data[field.name];
        let text = value;
        if (Array.isArray(value)) text = value.join("、");
        else if (typeof value === "boolean") text = value ? T.yes : T.no;
        const label = this.lang === "en" && field.label_en ? field.label_en : field.label;
        return element(
          "div",
          { attrs: { "data-field": field.name } },
          element("dt", { text: label }),
          element("dd", { text: String(text) }),
        );
      });
  }

  async mark(id) {
    const T = this.T;
    const record = (this.records || []).find((item) => item.id === id);
    if (!record || this.marking) return;
    if (this.openIncidents.includes(record.incident)) {
      // The hub would refuse it too: the tax system is not back yet.
      this.messages.warn(fill(T.stillDown, { incident: record.incident }));
      return;
    }
    this.marking = id;
    this.onChange();
    const answer = await this.sender.send(`/api/v1/registers/${id}/backfill`, null, { quiet: true });
    this.marking = null;
    if (answer && answer.ok) {
      this.messages.info(fill(T.entered, { kind: T.kinds[record.kind] || record.kind, number: record.ticket }));
      this.records = this.records.filter((item) => item.id !== id);
      this.onChange();
      // On to the next record, so a run of backfills needs no mouse.
      $("backfill-list").querySelector("button[data-record]")?.focus();
      this.load();
      return;
    }
    if (answer) this.messages.error(refusal(answer, T));
    this.onChange();
  }
}
