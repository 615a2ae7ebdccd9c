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
