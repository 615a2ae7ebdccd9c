// The transfer dialog (F6): a service's letter or a window's number picks the
// target, Enter transfers, Escape cancels — no mouse needed.

import { $, element, fill, localName, windowLabel } from "/static/counter/staff.js";

function choice(value, keyLabel, label, extra, state = "") {
  const input = element("input", { attrs: { type: "radio", name: "target", value } });
  return element(
    "label",
    { className: "choice", attrs: { "data-state": state } },
    input,
    element("kbd", { text: keyLabel }),
    element("span", { className: "choice__label", text: label }),
    extra ? element("span", { className: "choice__extra", text: extra }) : null,
  );
}

export class TransferDialog {
  // onTransfer(body) gets {to_service} or {to_window}; onClose() runs however it closes.
  constructor({ T, onTransfer, onClose }) {
    Object.assign(this, { T, onTransfer });
    this.dialog = $("transfer-dialog");
    this.form = $("transfer-form");
    this.services = [];
    this.form.addEventListener("keydown", (event) => this.key(event));
    this.form.addEventListener("submit", (event) => this.submit(event));
    $("transfer-cancel").addEventListener("click", () => this.dialog.close());
    this.dialog.addEventListener("close", () => onClose());
  }

  get open() {
    return this.dialog.open;
  }

  show(ticket, hall, ownWindow) {
    const T = this.T;
    this.services = (hall?.services || []).filter((service) => service.code !== ticket.service);
    this.ticket = ticket;
    this.warned = null;
    const windows = (hall?.windows || []).filter((window) => window.n !== ownWindow);
    $("transfer-title").textContent = fill(T.transferTitle, { number: ticket.number });
    $("transfer-error").hidden = true;
    $("transfer-services").replaceChildren(
      ...this.services.map((service) => {
        const unserved = service.estimated_wait_min === null;
        const waiting = fill(T.waitingCount, { count: service.waiting });
        return choice(`service:${service.code}`, service.prefix, localName(service),
          unserved ? `${waiting} · ${T.noWindow}` : waiting, unserved ? "unserved" : "");
      }),
    );
    $("transfer-windows").replaceChildren(
      ...windows.map((window) =>
        choice(`window:${window.n}`, String(window.n), windowLabel(window, T),
          T.windowStates[window.state] || window.state, window.state),
      ),
    );
    this.dialog.showModal();
    this.form.querySelector("input")?.focus();
  }

  select(value) {
    const input = this.form.querySelector(`input[value="${CSS.escape(value)}"]`);
    if (!input) return false;
    input.checked = true;
    input.focus();
    return true;
  }

  key(event) {
    if (event.key === "Enter") {
      if (event.target.tagName === "BUTTON") return; // Enter on Cancel cancels
      event.preventDefault();
      this.form.requestSubmit();
      return;
    }
    if (event.ctrlKey || event.altKey || event.metaKey || event.key.length !== 1) return;
    const service = this.services.find((item) => item.prefix === event.key.toUpperCase());
    if (service && this.select(`service:${service.code}`)) event.preventDefault();
    else if (/^\d$/.test(event.key) && this.select(`window:${event.key}`)) event.preventDefault();
  }

  submit(event) {
    event.preventDefault();
    const chosen = this.form.querySelector('input[name="target"]:checked');
    if (!chosen) {
      $("transfer-error").textContent = this.T.chooseTarget;
      $("transfer-error").hidden = false;
      return;
    }
    const [kind, target] = chosen.value.split(":");
    // A service no open window serves: the taxpayer would wait for a window that is
    // not there. Say so; a second Enter transfers anyway (a window may be about to open).
    const service = kind === "service" && this.services.find((item) => item.code === target);
    if (service && service.estimated_wait_min === null && this.warned !== chosen.value) {
      this.warned = chosen.value;
      $("transfer-error").textContent = fill(this.T.transferUnserved, {
        service: localName(service), number: this.ticket.number,
      });
      $("transfer-error").hidden = false;
      return;
    }
    this.dialog.close();
    this.onTransfer(kind === "window" ? { to_window: Number(target) } : { to_service: target });
  }
}
