// What the window terminal keeps for its hub-down view (SPEC §7, "hub down"): the
// last window detail it saw, without personal data, and the numbers the clerk
// calls by hand meanwhile (into the CallLog, calllog.js).

import { $, fill, normaliseNumber } from "/static/counter/staff.js";

const PERSONAL = ["phone", "taxpayer_id"];

export class DetailCache {
  constructor(hall, window) {
    this.key = `hallq:counter-detail:${hall}:${window}`;
  }

  read() {
    try {
      return JSON.parse(localStorage.getItem(this.key));
    } catch {
      return null;
    }
  }

  // Personal data stays on the hub: the cached copy only serves the offline view.
  save(detail) {
    const copy = { ...detail, ticket: detail.ticket ? { ...detail.ticket } : null };
    if (copy.ticket) for (const field of PERSONAL) delete copy.ticket[field];
    try {
      localStorage.setItem(this.key, JSON.stringify(copy));
    } catch {
      // Only the offline view's "last known ticket" is lost.
    }
    return copy;
  }
}

// The offline view's "called by hand" field; onNoted() redraws the call list.
export function noteCallsByHand({ T, calls, onNoted }) {
  $("manual-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const field = $("manual-number");
    const number = normaliseNumber(field.value);
    if (!number) {
      $("manual-message").textContent = fill(T.notANumber, { text: field.value.trim() || "…" });
      return;
    }
    calls.add(number, "manual");
    field.value = "";
    $("manual-message").textContent = fill(T.noted, { number });
    onNoted();
  });
  // Another tab of this window noted a call: show it here too.
  window.addEventListener("storage", (event) => {
    if (event.key === calls.key) onNoted();
  });
}
