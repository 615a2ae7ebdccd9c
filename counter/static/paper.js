// Paper tickets at the guide desk (纸质号票, SPEC §7): register one number or a range
// (C051–C060) as it is handed out, so the windows call them in order with the rest,
// and reconcile today's ranges: registered, called, not yet called.
//
// The hub refuses a range that overlaps one registered earlier or a number already
// issued today; its sentence is shown under the form and the range is not registered.

import { $, clock, element, fill, localName, refusal } from "/static/counter/staff.js";

// The first not-called numbers of a range: two lines of the desk's table.
const SHOWN_NOT_CALLED = 10;

// "C051", "c51", "51" → {prefix: "C" | null, sequence: 51}, or null.
export function parsePaperNumber(text) {
  const match = /^\s*([A-Za-z])?\s*0*(\d{1,5})\s*$/.exec(text || "");
  if (!match) return null;
  return { prefix: match[1] ? match[1].toUpperCase() : null, sequence: Number(match[2]) };
}

function formatNumber(prefix, sequence) {
  return `${prefix}${String(sequence).padStart(3, "0")}`;
}

export class PaperDesk {
  // sender: a Sender (staff.js); hall(): the hall's latest state.
  constructor({ T, sender, messages, hall }) {
    Object.assign(this, { T, sender, messages, hall });
    this.ranges = null;
    this.generation = 0;
    this.timer = null;
    this.form = $("paper-form");
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.register();
    });
    this.form.addEventListener("input", (event) => {
      if (event.target.id === "paper-first") this.serviceFromPrefix();
      this.preview();
    });
    $("paper-service").addEventListener("change", () => this.preview());
  }

  services() {
    return this.hall()?.services || [];
  }

  // The service list, rebuilt only when the hall's services change (not at every
  // queue event, which would close the list under the clerk's hand).
  drawServices() {
    const drawn = JSON.stringify(this.services().map((service) => [service.code, service.prefix, localName(service)]));
    if (drawn === this.drawnServices) return;
    this.drawnServices = drawn;
    const select = $("paper-service");
    const chosen = select.value;
    const options = this.services().map((service) =>
      element("option", { text: `${service.prefix} · ${localName(service)}`, attrs: { value: service.code } }));
    select.replaceChildren(select.options[0], ...options);
    select.value = chosen;
  }

  // Typing "C051" picks the service whose numbers start with C.
  serviceFromPrefix() {
    const first = parsePaperNumber($("paper-first").value);
    if (!first?.prefix) return;
    const service = this.services().find((item) => item.prefix === first.prefix);
    if (service) $("paper-service").value = service.code;
  }

  // What the form says, checked here before the hub sees it: {service, first, last} or {error}.
  reading() {
    const T = this.T;
    const firstText = $("paper-first").value.trim();
    const lastText = $("paper-last").value.trim();
    const first = parsePaperNumber(firstText);
    if (!firstText) return { error: T.paperFirstMissing, field: "paper-first" };
    if (!first) return { error: fill(T.notANumber, { text: firstText }), field: "paper-first" };
    const last = lastText ? parsePaperNumber(lastText) : first;
    if (!last) return { error: fill(T.notANumber, { text: lastText }), field: "paper-last" };
    const service = this.services().find((item) => item.code === $("paper-service").value);
    if (!service) return { error: T.paperNoService, field: "paper-service" };
    for (const [number, text, field] of [[first, firstText, "paper-first"], [last, lastText, "paper-last"]]) {
      if (number.prefix && number.prefix !== service.prefix) {
        return {
          error: fill(T.paperWrongPrefix, { number: text.toUpperCase(), service: localName(service), prefix: service.prefix }),
          field,
        };
      }
    }
    return { service, first: first.sequence, last: last.sequence };
  }

  preview() {
    const T = this.T;
    this.clearError();
    const reading = this.reading();
    const node = $("paper-preview");
    if (reading.error) {
      node.textContent = "";
      return;
    }
    const { service, first, last } = reading;
    const values = {
      service: localName(service),
      first: formatNumber(service.prefix, first),
      last: formatNumber(service.prefix, last),
      count: last - first + 1,
    };
    node.textContent = first === last ? fill(T.paperPreviewOne, values) : fill(T.paperPreview, values);
  }

  async register() {
    const T = this.T;
    if (this.sender.busy) return;
    const reading = this.reading();
    if (reading.error) {
      this.showError(reading.error, reading.field);
      return;
    }
    const { service, first, last } = reading;
    const answer = await this.sender.send("/api/v1/paper-tickets", { service: service.code, first, last }, { quiet: true });
    if (!answer) return;
    if (!answer.ok) {
      // Overlaps, a number already issued, a range the wrong way round or too long.
      const field = answer.data?.error === "paper.range" ? "paper-last" : "paper-first";
      this.showError(refusal(answer, T), field);
      this.messages.error(refusal(answer, T));
      return;
    }
    const numbers = answer.data.numbers;
    const values = { first: numbers[0], last: numbers[numbers.length - 1] };
    this.messages.info(numbers.length > 1 ? fill(T.paperRegistered, values) : fill(T.paperRegisteredOne, values));
    $("paper-first").value = "";
    $("paper-last").value = "";
    $("paper-preview").textContent = "";
    $("paper-first").focus();
    this.load();
  }

  showError(text, field) {
    $("paper-error").textContent = text;
    $("paper-error").hidden = false;
    const input = $(field);
    input.setAttribute("aria-invalid", "true");
    input.focus();
  }

  clearError() {
    $("paper-error").hidden = true;
    for (const input of this.form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  }

  // ---- reconciliation -----------------------------------------------------------------

  async load() {
    const generation = ++this.generation;
    const answer = await this.sender.read("/api/v1/paper-tickets");
    if (generation !== this.generation || !answer.ok) return;
    this.ranges = answer.data.items;
    this.draw();
  }

  // Calls move the "not yet called" column; read again, once per burst of events.
  loadSoon() {
    if (!this.ranges?.length) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.load(), 250);
  }

  draw() {
    const T = this.T;
    const ranges = this.ranges || [];
    if (!ranges.length) {
      $("paper-ranges").replaceChildren(
        element("tr", {}, element("td", { className: "paper-ranges__none", text: T.paperNone, attrs: { colspan: "4" } })),
      );
      return;
    }
    $("paper-ranges").replaceChildren(...ranges.map((range) => this.row(range)));
  }

  row(range) {
    const T = this.T;
    const service = this.services().find((item) => item.code === range.service);
    const waiting = range.not_called;
    const shown = waiting.slice(0, SHOWN_NOT_CALLED).join(" ") + (waiting.length > SHOWN_NOT_CALLED ? " …" : "");
    return element(
      "tr",
      { attrs: { "data-first": range.first } },
      element(
        "td",
        { className: "paper-ranges__range" },
        element("strong", { text: range.first === range.last ? range.first : `${range.first}–${range.last}` }),
        element("time", { text: clock(range.registered_at), attrs: { datetime: range.registered_at } }),
        element("small", { text: service ? localName(service) : range.service }),
      ),
      element("td", { className: "paper-ranges__count", text: String(range.registered) }),
      element("td", { className: "paper-ranges__count", text: String(range.called) }),
      waiting.length
        ? element("td", { className: "paper-ranges__waiting" }, element("span", { text: shown }))
        : element("td", { className: "paper-ranges__done", text: T.allCalled }),
    );
  }
}
