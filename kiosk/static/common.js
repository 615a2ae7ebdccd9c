// Small helpers the kiosk and the status page share.

// "前面还有 {count} 人" + {count: 3} → "前面还有 3 人". The sentences come
// translated in the page's JSON config (kiosk/texts.py).
export function fill(template, values = {}) {
  return template.replace(/\{(\w+)\}/g, (match, name) => (name in values ? String(values[name]) : match));
}

// "前面还有 3 人" / "3 people ahead of you", with English's singular and "nobody".
export function aheadText(texts, count) {
  if (count <= 0) return texts.ahead_none;
  return count === 1 ? texts.ahead_one : fill(texts.ahead, { count });
}

// The wait, as a taxpayer reads it: minutes, "soon" with nobody ahead, or — while no
// open window serves the business (`null` from the hub) — that it cannot be estimated.
export function estimateText(texts, minutes) {
  if (minutes === null || minutes === undefined) return texts.estimate_no_window;
  return minutes > 0 ? fill(texts.estimate, { minutes }) : texts.estimate_none;
}

// A hall notice ({id, text_zh, text_en, incident}, core/protocol.py) in the screen's language.
export function noticeTexts(english) {
  return (notice) => (english && notice.text_en) || notice.text_zh || "";
}

// HH:MM on the hall's clock (`timeZone` from the page's config): a kiosk PC or a
// visitor's phone may think it is elsewhere.
export function clockText(date = new Date(), timeZone = undefined) {
  return new Date(date).toLocaleTimeString("zh-CN", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
}

