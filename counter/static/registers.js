// The emergency registers (登记簿) at the window terminal, while a tax system is down
// (SPEC §7): one form per business kind, drawn from GET /api/v1/registers/forms,
// tied to the window's current ticket, saved with POST /api/v1/registers. The hub
// checks every field; a refusal is shown next to the field it names.
//
// Keyboard: the register is a radio group (arrow keys), Tab walks the fields in
// order, Enter anywhere in the form saves. F1–F9 keep working meanwhile, but the
// ticket cannot be finished, transferred or marked a no-show with an unsaved entry.

import { $, clock, element, fill, localName, refusal } from "/static/counter/staff.js";

const KINDS = ["tax_registration", "invoice_cancellation", "invoice_sale", "filing"];
const INPUTS = {
  phone: { inputmode: "numeric", maxlength: "11" },
  taxpayer_id: { maxlength: "20", autocapitalize: "characters", class: "upper" },
  count: { inputmode: "numeric", maxlength: "6" },
  money: { inputmode: "decimal", maxlength: "14" },
  month: { maxlength: "7" },
  text: { maxlength: "500" },
};

function lastMonth() {
  const now = new Date();
  const month = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  return `${month.getFullYear()}-${String(month.getMonth() + 1).padStart(2, "0")}`;
}

export class RegisterPanel {
  // sender: a Sender (staff.js); onSaved(): the records changed; lang: "zh" | "en".
  // onFormsLoaded(): redraw once the forms have arrived.
  constructor({ config, sender, messages, lang, onSaved, onFormsLoaded }) {
    Object.assign(this, { config, sender, messages, lang, onSaved, onFormsLoaded });
    this.T = config.text;
    this.forms = null;
    this.loadingForms = null;
    this.number = null; // the ticket the form is for
    this.kind = null;
    this.touched = false; // typed into since the form was drawn
    this.saving = false;
    this.form = $("register-form");
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
    this.form.addEventListener("keydown", (event) => this.key(event));
    this.form.addEventListener("input", (event) => {
      if (event.target.name !== "register-kind") this.touched = true;
      this.clearError(event.target.closest(".field"));
    });
    $("register-kinds").addEventListener("change", (event) => this.chooseKind(event.target.value));
    $("register-clear").addEventListener("click", () => this.clear());
  }

  // The forms, read once; a failed read is tried again at the next redraw.
  loadForms() {
    if (!this.loadingForms) {
      this.loadingForms = this.sender.read("/api/v1/registers/forms").then((answer) => {
        if (answer.ok) this.forms = answer.data;
        else this.loadingForms = null;
        return Boolean(answer.ok);
      });
    }
    return this.loadingForms;
  }

  // Put the focus where the entry starts: the register's name until one is chosen, else
  // the first empty field. False when the form is not on show.
  focus() {
    if ($("registers").hidden || this.form.hidden) return false;
    const target = this.kind
      ? Array.from($("register-fields").querySelectorAll('input[type="text"]')).find((input) => !input.value)
      : $("register-kinds").querySelector("input");
    if (!target) return false;
    target.focus();
    return true;
  }

  // Unsaved input for the current ticket: finishing it now would lose the entry.
  unsaved() {
    return this.touched && !$("registers").hidden;
  }

  label(field) {
    return this.lang === "en" && field.label_en ? field.label_en : field.label;
  }

  // Draw for `view`: shown in outage mode, for the window's current ticket.
  draw(view, records) {
    const T = this.T;
    const panel = $("registers");
    const shown = view.hall?.mode === "outage" && !view.offline;
    panel.hidden = !shown;
    if (!shown) return;
    if (!this.forms) {
      this.loadForms().then((loaded) => {
        if (loaded) this.onFormsLoaded();
      });
    }
    const ticket = view.detail?.ticket || null;
    const number = ticket ? ticket.number : null;
    $("registers-for").textContent = number ? fill(T.registerFor, { number }) : "";
    this.form.hidden = !number || !this.forms;
    $("registers-hint").hidden = Boolean(number && this.forms);
    $("registers-hint").textContent = number ? T.formsLoading : T.registerNoTicket;
    // The form is drawn once per ticket (redraws must not wipe what is being typed).
    const drawnFor = number && this.forms ? number : null;
    if (drawnFor !== this.number) this.startTicket(drawnFor ? ticket : null);
    this.records(number, records);
  }

  // A new ticket at the window: a blank form, the register its business usually goes in.
  startTicket(ticket) {
    this.number = ticket ? ticket.number : null;
    this.ticket = ticket;
    this.touched = false;
    $("register-error").hidden = true;
    if (!ticket) {
      this.kind = null;
      return;
    }
    const service = ticket.requested_service || ticket.service;
    this.drawKinds(this.config.registerHints[service] || null);
    this.drawFields({});
    this.prefill(ticket);
  }

  drawKinds(kind) {
    const T = this.T;
    this.kind = kind;
    const kinds = KINDS.filter((name) => this.forms[name]);
    $("register-kinds").replaceChildren(
      ...kinds.map((name) => {
        const input = element("input", { attrs: { type: "radio", name: "register-kind", value: name } });
        input.checked = name === kind;
        return element("label", { className: "register-kind" }, input, element("span", { text: T.kinds[name] || name }));
      }),
    );
    $("register-choose").hidden = Boolean(kind);
  }

  chooseKind(kind) {
    if (!KINDS.includes(kind)) return;
    const values = this.values();
    this.kind = kind;
    $("register-choose").hidden = true;
    $("register-error").hidden = true;
    this.drawFields(values);
  }

  // The kind's fields, keeping what was typed into fields of the same name.
  drawFields(values) {
    const fields = this.kind ? this.forms[this.kind] : [];
    $("register-fields").replaceChildren(...fields.map((field) => this.fieldNode(field, values[field.name])));
    $("register-save").disabled = !this.kind;
  }

  // A choice in the screen's language; the value stored stays the form's Chinese word.
  optionText(field, index) {
    const english = this.lang === "en" && (field.options_en || [])[index];
    return english || field.options[index];
  }

  fieldNode(field, value) {
    const T = this.T;
    const id = `register-${field.name}`;
    const error = element("p", { className: "field__error", attrs: { id: `${id}-error`, role: "alert" } });
    error.hidden = true;
    const required = field.required ? element("span", { className: "field__required", text: "*", attrs: { "aria-hidden": "true" } }) : null;
    if (field.type === "choices" || field.type === "yes_no") {
      const options = field.type === "yes_no" ? [[true, T.yes], [false, T.no]] : field.options.map((option, i) => [option, this.optionText(field, i)]);
      const type = field.type === "yes_no" ? "radio" : "checkbox";
      const chosen = Array.isArray(value) ? value : [value];
      return element(
        "fieldset",
        { className: `field field--${field.type}`, attrs: { "data-field": field.name, "aria-describedby": `${id}-error` } },
        element("legend", { text: this.label(field) }, required),
        element(
          "div",
          { className: "field__options" },
          ...options.map(([optionValue, text]) => {
            const input = element("input", { attrs: { type, name: field.name, value: String(optionValue) } });
            input.checked = chosen.includes(optionValue);
            return element("label", { className: "option" }, input, element("span", { text }));
          }),
        ),
        error,
      );
    }
    const attrs = { id, name: field.name, type: "text", spellcheck: "false", "aria-describedby": `${id}-error`, ...INPUTS[field.type] };
    if (field.type === "month") attrs.placeholder = fill(T.example, { example: lastMonth() });
    const input = element("input", { attrs });
    if (typeof value === "string") input.value = value;
    return element(
      "div",
      { className: `field field--${field.type}`, attrs: { "data-field": field.name } },
      element("label", { attrs: { for: id } }, this.label(field), required),
      input,
      error,
    );
  }

  // What the taxpayer already gave at the kiosk saves typing (and typos).
  prefill(ticket) {
    for (const name of ["taxpayer_id", "phone"]) {
      const input = this.form.querySelector(`input[type="text"][name="${name}"]`);
      if (input && ticket[name] && !input.value) input.value = ticket[name];
    }
  }

  values() {
    const values = {};
    for (const node of $("register-fields").querySelectorAll("[data-field]")) {
      const name = node.dataset.field;
      const type = node.className.match(/field--(\w+)/)[1];
      if (type === "choices") {
        values[name] = Array.from(node.querySelectorAll("input:checked"), (input) => input.value);
      } else if (type === "yes_no") {
        const chosen = node.querySelector("input:checked");
        values[name] = chosen ? chosen.value === "true" : null;
      } else {
        let text = node.querySelector("input").value.trim();
        if (type === "taxpayer_id") text = text.replace(/\s+/g, "").toUpperCase();
        if (type === "phone" || type === "count" || type === "money") text = text.replace(/[\s,，]+/g, "");
        values[name] = text;
      }
    }
    return values;
  }

  key(event) {
    if (event.key !== "Enter" || event.isComposing) return;
    if (event.target.tagName === "BUTTON") return; // Enter on Clear clears
    event.preventDefault();
    if (event.target.name === "register-kind") {
      // Enter on the register's name: on to its first field.
      $("register-fields").querySelector("input")?.focus();
      return;
    }
    this.form.requestSubmit();
  }

  async save() {
    const T = this.T;
    if (this.saving || !this.kind || !this.number) return;
    this.saving = true;
    $("register-save").classList.add("busy");
    this.messages.info(T.saving);
    const number = this.number;
    const kind = this.kind;
    const answer = await this.sender.send("/api/v1/registers", { number, kind, data: this.values() }, { quiet: true });
    this.saving = false;
    $("register-save").classList.remove("busy");
    if (!answer) return;
    if (!answer.ok) {
      this.refused(answer);
      return;
    }
    this.messages.info(fill(T.saved, { kind: T.kinds[kind] || kind, number }));
    // A blank form for the next entry of the same ticket (several invoice kinds, say).
    this.touched = false;
    this.drawFields({});
    this.prefill(this.ticket);
    document.activeElement?.blur();
    this.onSaved();
  }

  // Which field the hub's refusal is about: named in the answer, or by its label in
  // the sentence, or by the check that failed (taxpayer ID, phone).
  fieldOf(answer) {
    const fields = this.forms[this.kind] || [];
    const named = answer.data?.field && fields.find((field) => field.name === answer.data.field);
    if (named) return named;
    const code = answer.data?.error || "";
    const message = answer.data?.message || "";
    if (code.startsWith("register.")) {
      const byLabel = fields
        .filter((field) => message.includes(field.label) || message.includes(field.label_en))
        .sort((one, other) => other.label.length - one.label.length);
      if (byLabel.length) return byLabel[0];
    }
    const type = code.split(".")[0];
    return fields.find((field) => field.type === type) || null;
  }

  refused(answer) {
    const field = answer.status === 400 ? this.fieldOf(answer) : null;
    const node = field && $("register-fields").querySelector(`[data-field="${field.name}"]`);
    if (!node) {
      $("register-error").textContent = refusal(answer, this.T);
      $("register-error").hidden = false;
      this.messages.error(refusal(answer, this.T));
      return;
    }
    const error = node.querySelector(".field__error");
    error.textContent = answer.data.message;
    error.hidden = false;
    node.classList.add("field--invalid");
    for (const input of node.querySelectorAll("input")) input.setAttribute("aria-invalid", "true");
    node.querySelector("input")?.focus();
    this.messages.error(this.T.notSaved);
  }

  clearError(node) {
    if (!node || !node.classList.contains("field--invalid")) return;
    node.classList.remove("field--invalid");
    node.querySelector(".field__error").hidden = true;
    for (const input of node.querySelectorAll("input")) input.removeAttribute("aria-invalid");
  }

  clear() {
    this.touched = false;
    $("register-error").hidden = true;
    this.drawFields({});
    if (this.ticket) this.prefill(this.ticket);
    this.messages.info(this.T.cleared);
    $("register-kinds").querySelector("input:checked, input")?.focus();
  }

  // What was saved for this ticket (to backfill), and how much waits hall-wide.
  records(number, records) {
    const T = this.T;
    const list = records || [];
    const mine = number ? list.filter((record) => record.ticket === number) : [];
    $("register-records-title").textContent = number && mine.length ? fill(T.savedForTicket, { number }) : "";
    $("register-records").replaceChildren(
      ...mine.map((record) =>
        element(
          "li",
          { className: "register-record", attrs: { "data-record": String(record.id), "data-state": record.state } },
          element("span", { className: "register-record__kind", text: T.kinds[record.kind] || record.kind }),
          element("time", { text: clock(record.created_at), attrs: { datetime: record.created_at } }),
          element("span", { className: "register-record__state", text: T.toBackfill }),
        ),
      ),
    );
    $("register-worklist").textContent = list.length ? fill(T.worklistCount, { count: list.length }) : "";
  }
}

// The name of a ticket's requested service, for "原办理业务：纳税申报".
export function requestedName(ticket, services) {
  if (!ticket?.requested_service) return "";
  const service = (services || []).find((item) => item.code === ticket.requested_service);
  return service ? localName(service) : ticket.requested_service;
}
