// The on-screen keypad of the kiosk: a mobile number and a taxpayer ID (or a
// booking's check-in code) typed with big keys, never a physical keyboard. It only
// collects characters; the hub validates them when the ticket is asked for (SPEC §9),
// so the rules live in one place and the message comes in the screen's language.

export const DETAILS = {
  phone: { maxLength: 11, groups: [3, 4, 4] },
  // 15, 18 or 20 characters; grouped like the printed number, for reading back.
  taxpayer_id: { maxLength: 20, groups: [6, 4, 4, 4, 2] },
};

// 预约取号: the six-digit code, or the booking's phone and its ID's last four.
export const CHECK_IN = {
  code: { maxLength: 6, groups: [3, 3] },
  phone: DETAILS.phone,
  id_last4: { maxLength: 4, groups: [4] },
};

function grouped(value, groups) {
  const parts = [];
  let start = 0;
  for (const size of groups) {
    if (start >= value.length) break;
    parts.push(value.slice(start, start + size));
    start += size;
  }
  return parts.join(" ");
}

export class Keypad {
  constructor(root, { fields = DETAILS, onInput = () => {} } = {}) {
    this.root = root;
    this.fields = fields;
    this.keys = root.querySelector(".k-keypad");
    this.error = root.querySelector(".k-keypad-error");
    this.onInput = onInput;
    this.first = Object.keys(fields)[0];
    this.values = this.empty();
    this.field = this.first;
    root.querySelectorAll(".k-field").forEach((button) => {
      button.addEventListener("click", () => this.focus(button.dataset.field));
    });
    this.keys.addEventListener("click", (event) => {
      const key = event.target.closest(".k-key");
      if (key) this.press(key);
    });
  }

  focus(field) {
    this.field = field;
    this.keys.dataset.field = field;
    this.root.querySelectorAll(".k-field").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.field === field));
    });
  }

  empty() {
    return Object.fromEntries(Object.keys(this.fields).map((field) => [field, ""]));
  }

  press(key) {
    const rule = this.fields[this.field];
    let value = this.values[this.field];
    if (key.dataset.action === "delete") value = value.slice(0, -1);
    else if (key.dataset.action === "clear") value = "";
    else if (value.length < rule.maxLength) value += key.dataset.key;
    this.values[this.field] = value;
    this.hideError();
    this.draw();
    this.onInput();
  }

  draw() {
    for (const [field, rule] of Object.entries(this.fields)) {
      this.root.querySelector(`[data-value="${field}"]`).textContent = grouped(this.values[field], rule.groups);
    }
  }

  // What to send with the ticket: only the fields the taxpayer filled in.
  filled() {
    return Object.fromEntries(Object.entries(this.values).filter(([, value]) => value));
  }

  showError(field, message) {
    this.focus(field in this.fields ? field : this.field);
    this.error.textContent = message;
    this.error.hidden = false;
    this.root.querySelector(`.k-field[data-field="${this.field}"]`).classList.add("is-invalid");
  }

  hideError() {
    this.error.hidden = true;
    this.root.querySelectorAll(".k-field").forEach((button) => button.classList.remove("is-invalid"));
  }

  reset() {
    this.values = this.empty();
    this.hideError();
    this.focus(this.first);
    this.draw();
    this.onInput();
  }
}
