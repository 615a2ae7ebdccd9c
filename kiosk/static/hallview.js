// What the hall's state means for one kiosk (SPEC §4.4, §7): pure functions of
// the snapshot the shared client keeps, so kiosk.js only draws.
//
// - the start screen: services, the paper-ticket screen, or why no ticket is
//   issued now (the hall's day);
// - whether *this* kiosk's printer is out (another kiosk's failure changes nothing here);
// - which notices to show, and where: an outage's notice prominently, a device
//   failure's not at all (a working kiosk works; a kiosk whose printer is out
//   says so in its own banner).
// (What the hall's incidents mean for every screen is /static/hallmode.js.)

// Printer statuses that count as failed (core/domain/continuity.py PRINTER_FAILURES);
// paper near its end still prints.
const PRINTER_FAILURES = new Set(["paper_out", "cover_open", "offline", "not_responding", "not_acknowledging"]);

// How often a kiosk outside issuing hours asks the hub for the day again: the
// next business day starts at the hall's local midnight, which only the hub knows.
export const CLOSED_RECHECK_MS = 5 * 60 * 1000;

export function printerFailed(state, printer) {
  const device = (state?.devices || []).find((candidate) => candidate.id === printer);
  return Boolean(device && PRINTER_FAILURES.has(device.status));
}

// The kiosk's printer: the snapshot names it; the shared client's `device:status`
// update keeps only {id, kind, status}, so fall back to what was known.
export function printerOf(state, kiosk, known) {
  const device = (state?.devices || []).find((candidate) => candidate.id === kiosk);
  return device && device.printer !== undefined ? device.printer : known;
}

// Services a taxpayer may pick: the emergency window's own service is reached
// only through routing during an outage, never chosen.
export function pickable(services) {
  return (services || []).filter((service) => !service.emergency);
}

const DAY_ORDER = ["before_opening", "open", "after_cutoff", "after_closing"];

// Where the hall's day stands at `nowMs` (the hub's clock): the snapshot's status,
// moved on by the clock past the opening, cut-off and closing it named — never
// back (a clock a little behind the hub's must not reopen issuing).
export function dayStatus(day, nowMs) {
  if (!day || !day.status) return "open"; // a hub that does not say: it decides at the tap
  if (!DAY_ORDER.includes(day.status)) return day.status; // "closed" all day
  let byClock = "before_opening";
  if (nowMs >= Date.parse(day.closes_at)) byClock = "after_closing";
  else if (nowMs >= Date.parse(day.cutoff_at)) byClock = "after_cutoff";
  else if (nowMs >= Date.parse(day.opens_at)) byClock = "open";
  return DAY_ORDER[Math.max(DAY_ORDER.indexOf(day.status), DAY_ORDER.indexOf(byClock))];
}

// "services", "paper" or "day": what the start screen shows. Outside issuing
// hours the day wins: the guide desk issues no paper ticket then either.
export function startView(state, status) {
  if (status !== "open") return "day";
  if (state?.mode === "paper") return "paper";
  return "services";
}

// The hall's notices, sorted for a kiosk: {outage: [...], other: [...], unknown: [ids]}.
// A notice whose incident is not in the snapshot yet is held back (`unknown`) until
// the kiosk has asked for a fresh snapshot: it may be another device's failure.
export function sortNotices(state, { paperShown = false } = {}) {
  const modes = new Map((state?.incidents || []).map((incident) => [incident.id, incident.mode]));
  const sorted = { outage: [], other: [], unknown: [] };
  for (const notice of state?.notices || []) {
    if (notice.incident === null || notice.incident === undefined) {
      sorted.other.push(notice);
      continue;
    }
    const mode = modes.get(notice.incident);
    if (mode === undefined) sorted.unknown.push(notice.id);
    else if (mode === "outage") sorted.outage.push(notice);
    else if (mode === "degraded") continue;
    else if (mode === "paper" && paperShown) continue;
    else sorted.other.push(notice);
  }
  return sorted;
}

// "请到 8 号应急窗口 / Please go to emergency window 8" → [this language's half, the other's].
export function splitNotice(text, english) {
  const parts = String(text || "").split(" / ");
  if (parts.length < 2) return [text || "", ""];
  const [zh, en] = [parts[0], parts.slice(1).join(" / ")];
  return english ? [en, zh] : [zh, en];
}

// 13812345678 → 138****5678: what a screen others can see may show of a phone number.
export function maskedPhone(phone) {
  return phone && phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : "";
}
