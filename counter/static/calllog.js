// What this counter called today, kept in localStorage (SPEC §7, "hub down").
//
// When the hub is unreachable the counter keeps calling by hand; this list is
// what it shows then, so staff know where they are and can tell the guide desk.
// It holds ticket numbers and times only — no phone number or taxpayer ID ever
// goes into the browser's storage — and starts afresh each day.

const MAX_ENTRIES = 400;

function today() {
  const now = new Date();
  const pad = (value) => String(value).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export class CallLog {
  constructor(hall, window) {
    this.key = `hallq:counter-calls:${hall}:${window}`;
  }

  read() {
    try {
      const stored = JSON.parse(localStorage.getItem(this.key));
      return stored && stored.day === today() && Array.isArray(stored.calls) ? stored : { day: today(), calls: [] };
    } catch {
      return { day: today(), calls: [] };
    }
  }

  // Newest first.
  entries() {
    return this.read().calls.slice().reverse();
  }

  add(number, kind) {
    const log = this.read();
    log.calls.push({ number, kind, at: new Date().toISOString() });
    this.write(log);
  }

  // Calls made by hand that the hub has not been told about yet, oldest first.
  pendingManual() {
    return this.read().calls.filter((entry) => entry.kind === "manual" && !entry.settled);
  }

  // The clerk said what became of a call made by hand (reconcile.js).
  settle(entry, outcome) {
    const log = this.read();
    const stored = log.calls.find((call) => call.at === entry.at && call.number === entry.number);
    if (stored) stored.settled = outcome;
    this.write(log);
  }

  write(log) {
    log.calls = log.calls.slice(-MAX_ENTRIES);
    try {
      localStorage.setItem(this.key, JSON.stringify(log));
    } catch {
      // A full storage loses the list, not the call itself.
    }
  }
}
