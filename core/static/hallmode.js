// What the hall's open incidents mean for the screens that taxpayers read: pure
// functions of the snapshot the shared client keeps (core/services/views.py
// `open_incident_summaries`), so each screen only draws.

// The filing-deadline extension of an open outage: {extended: "2026-12-16", provisional}, or null.
export function extensionOf(state) {
  for (const incident of state?.incidents || []) {
    const extension = incident.extension;
    if (incident.mode === "outage" && extension && extension.extended) return extension;
  }
  return null;
}

// "2026-12-16" → "12月16日" or "16 December".
export function dayText(isoDate, english) {
  return new Date(`${isoDate}T00:00:00Z`).toLocaleDateString(english ? "en-GB" : "zh-CN", {
    timeZone: "UTC", month: "long", day: "numeric",
  });
}

// A failed device's notice (degraded mode) and the kiosks' printers' (paper
// mode) name devices and send people elsewhere — the guide desk to itself, the
// hall display to "another kiosk" when none prints. Screens say what the hall's
// mode means for their readers instead; the details are the console's.
const CONSOLE_ONLY = new Set(["degraded", "paper"]);

// The notices a screen shows: an outage's, and those the duty leader posted.
export function shownNotices(notices) {
  return (notices || []).filter((notice) => !CONSOLE_ONLY.has(notice.mode));
}

// The notice of an open outage (what is down, since when), or null.
export function outageNotice(notices) {
  return (notices || []).find((notice) => notice.mode === "outage") || null;
}

// Whether paper tickets are in use: the hall's mode says so, or a paper incident
// is open under a more severe one (an outage while no kiosk prints).
export function paperTickets(state) {
  return state?.mode === "paper" || (state?.incidents || []).some((incident) => incident.mode === "paper");
}

// Whether a kiosk, or a printer of one, is out: the hall then tells taxpayers to
// use another kiosk or the guide desk (which one is the console's business).
export function kioskDown(state) {
  return (state?.devices || []).some((device) => device.failed && ["kiosk", "printer"].includes(device.kind));
}
