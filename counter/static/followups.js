// Follow-ups at the guide desk (待答复台账, SPEC §7): a question that cannot be answered
// now — the policy is unclear, the system is down — is recorded with how to reach the
// taxpayer, and answered later by SMS from the console.
//
// The list of open questions is read with the staff login; the guide desk's own
// device may record questions but not read the ledger (it holds phone numbers), so
// it shows the ones recorded on this screen since it was opened, kept in memory only.

import { $, clock, element, fill, normaliseNumber, refusal } from "/static/counter/staff.js";

const REASONS = ["policy_unclear", "system_down", "other"];

export class FollowUps {
  // sender: a Sender (staff.js); staff: a staff member is logged in (not the desk device).
  constructor({ T, sender, messages, staff }) {
    Object.assign(this, { T, sender, messages, staff });
    this.items = null;
    this.recordedHere = [];
    this.openCount = null;
    this.generation = 0;
    this.form = $("follow-up-form");
    $("follow-up-reasons").replaceChildren(
      ...REASONS.map((reason) => {
        const input = element("input", { attrs: { type: "radio", name: "reason", value: reason } });
        return element("label", { className: "option" }, input, element("span", { text: T.reasons[reason] }));
      }),
    );
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.record();
    });
    this.form.addEventListener("keydown", (event) => {
      // Enter records, from the question too; Shift+Enter is a new line in it.
      if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.target.tagName === "BUTTON") return;
      event.preventDefault();
      this.form.requestSubmit();
    });
    this.form.addEventListener("input", (event) => this.clearError(event.target));
  }

  // The reason preselected for the hall's state: during an outage, mostly "system down".
  defaultReason(mode) {
    const reason = mode === "outage" ? "system_down" : "policy_unclear";
    if (!this.form.querySelector('input[name="reason"]:checked')) {
      this.form.querySelector(`input[name="reason"][value="${reason}"]`).checked = true;
    }
  }

  body() {
    const number = $("follow-up-number").value.trim();
    const body = {
      question: $("follow-up-question").value.trim(),
      reason: this.form.querySelector('input[name="reason"]:checked')?.value || "other",
      contact_name: $("follow-up-name").value.trim(),
    };
    const phone = $("follow-up-phone").value.replace(/\s+/g, "");
    if (phone) body.phone = phone;
    if (number) body.number = normaliseNumber(number) || number;
    return body;
  }

  async record() {
    const T = this.T;
    if (this.sender.busy) return;
    const body = this.body();
    const answer = await this.sender.send("/api/v1/follow-ups", body, { quiet: true });
    if (!answer) return;
    if (!answer.ok) {
      this.refused(answer);
      return;
    }
    this.messages.info(body.phone ? fill(T.followUpSaved, { phone: body.phone }) : T.followUpSavedNoPhone);
    this.recordedHere.unshift({ ...body, id: answer.data.follow_up, created_at: new Date().toISOString() });
    const reason = body.reason;
    this.form.reset();
    this.form.querySelector(`input[name="reason"][value="${reason}"]`).checked = true;
    $("follow-up-question").focus();
    this.load();
  }

  // The hub names what is wrong; mark that field.
  refused(answer) {
    const code = answer.data?.error || "";
    const fields = {
      follow_up: "follow-up-question",
      phone: "follow-up-phone",
      ticket: "follow-up-number",
    };
    const id = fields[code.split(".")[0]];
    $("follow-up-error").textContent = refusal(answer, this.T);
    $("follow-up-error").hidden = false;
    if (id) {
      $(id).setAttribute("aria-invalid", "true");
      $(id).focus();
    }
  }

  clearError(target) {
    $("follow-up-error").hidden = true;
    target.removeAttribute?.("aria-invalid");
  }

  async load() {
    if (!this.staff) {
      this.draw();
      return;
    }
    const generation = ++this.generation;
    const answer = await this.sender.read("/api/v1/follow-ups?state=open");
    if (generation !== this.generation || !answer.ok) return;
    this.items = answer.data.items;
    this.openCount = this.items.length;
    this.draw();
  }

  // worklist:changed says how many are open, for the tab; staff read the list again.
  changed(payload) {
    if (typeof payload?.follow_ups_open === "number") this.openCount = payload.follow_ups_open;
    this.load();
  }

  draw() {
    const T = this.T;
    $("follow-ups-note").hidden = this.staff;
    $("follow-ups-note").textContent = this.staff ? "" : T.followUpsDevice;
    $("follow-ups-count").textContent = this.openCount ? String(this.openCount) : "";
    const items = this.staff ? this.items || [] : this.recordedHere;
    if (!items.length) {
      $("follow-ups").replaceChildren(element("li", { className: "follow-ups__none", text: T.followUpsNone }));
      return;
    }
    // Newest first: the desk wants to see the one it just recorded.
    const newest = [...items].sort((one, other) => String(other.created_at).localeCompare(String(one.created_at)));
    $("follow-ups").replaceChildren(...newest.map((item) => this.item(item)));
  }

  item(item) {
    const T = this.T;
    const contact = [item.contact_name, item.phone, item.number ? fill(T.ticketOf, { number: item.number }) : ""]
      .filter(Boolean)
      .join(" · ");
    return element(
      "li",
      { className: "follow-up", attrs: { "data-follow-up": String(item.id) } },
      element(
        "div",
        { className: "follow-up__head" },
        element("time", { text: clock(item.created_at), attrs: { datetime: item.created_at } }),
        element("span", { className: "follow-up__reason", text: T.reasons[item.reason] || item.reason }),
        element("span", { className: "follow-up__contact", text: contact }),
      ),
      element("p", { className: "follow-up__question", text: item.question }),
    );
  }
}
