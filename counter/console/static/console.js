// The duty leader's console (值班领导控制台).
//
// The hall itself (mode, day, services, windows, notices, device health) comes
// live from the /console namespace through HallClient; the lists that only staff
// may read (incidents with their steps, device heartbeats, the backfill worklist,
// follow-ups, paper tickets) are read over the HTTP API, and read again, a moment
// after each event that can change them. Everything the console does goes through
// the HTTP API. When the hub is unreachable the last known state stays on screen
// under a banner, and the console catches up by itself when the hub is back.

import { HallClient, OfflineMemory, readConfig, registerOfflineCache } from "/static/hallq-client.js";
import * as alerts from "./alerts.js";
import * as control from "./control.js";
import * as hall from "./hall.js";
import * as incidents from "./incidents.js";
import * as ledger from "./ledger.js";
import * as notices from "./notices.js";
import * as paperwork from "./paperwork.js";
import { pageTools, sessionGone } from "./page.js";
import { $, HallTime, SessionGone, debounce, fill, read } from "./util.js";

const config = readConfig();
const text = config.text;
const time = new HallTime(config.timezone);
const LISTS_KEY = `hallq:${config.cacheKey}:lists`;
const TABS = ["hall", "incidents", "notices", "paperwork", "ledger"];

const store = {
  snapshot: null,
  incidents: [],
  devices: [],
  backfill: [],
  backfilled: [],
  followUps: [],
  daily: [],
  paper: [],
  forms: {},
  worklist: null,
  listsAt: null,
};

// ---- the message line, confirmations, commands (page.js) ----

const { say, confirm, run } = pageTools(text, () => Boolean(client && client.offline));

// ---- the lists read over HTTP ----

function saveLists() {
  store.listsAt = time.now().toISOString();
  const { snapshot, ...lists } = store;
  try {
    localStorage.setItem(LISTS_KEY, JSON.stringify(lists));
  } catch {
    // Without storage a reload during an outage only shows the live part.
  }
}

function loadLists() {
  try {
    Object.assign(store, JSON.parse(localStorage.getItem(LISTS_KEY)) || {});
  } catch {
    // nothing cached
  }
}

async function fetchInto(pairs) {
  try {
    const answers = await Promise.all(pairs.map(([, path]) => read(path)));
    pairs.forEach(([name], index) => {
      if (answers[index]) store[name] = answers[index].items ?? answers[index];
    });
    saveLists();
    return answers.every(Boolean);
  } catch (error) {
    if (error instanceof SessionGone) sessionGone();
    return false;
  }
}

const refresh = {
  // The hub sends no queue:changed when an incident changes the services' routes
  // (an outage sends filing to the emergency window): read the queue again then.
  async queue() {
    try {
      const queue = await read("/api/v1/queue");
      if (queue && store.snapshot && queue.seq >= (store.snapshot.seq ?? -1)) {
        Object.assign(store.snapshot, { mode: queue.mode, services: queue.services, windows: queue.windows });
        draw.hall();
      }
    } catch (error) {
      if (error instanceof SessionGone) sessionGone();
    }
  },
  async incidents() {
    await fetchInto([["incidents", "/api/v1/incidents"]]);
    draw.incidents();
  },
  async devices() {
    await fetchInto([["devices", "/api/v1/devices"]]);
    draw.hall();
  },
  async paperwork() {
    await fetchInto([
      ["backfill", "/api/v1/registers?state=to_backfill"],
      ["backfilled", "/api/v1/registers?state=backfilled"],
      ["followUps", "/api/v1/follow-ups?state=open"],
      ["daily", "/api/v1/follow-ups/daily"],
    ]);
    store.worklist = { to_backfill: store.backfill.length, follow_ups_open: store.followUps.length };
    draw.paperwork();
  },
  async paper() {
    await fetchInto([["paper", "/api/v1/paper-tickets"]]);
    draw.paperwork();
  },
  async ratings() {
    await fetchInto([["ratings", "/api/v1/ratings/today"]]);
    alerts.draw(ctx);
  },
  async everything() {
    const forms = Object.keys(store.forms || {}).length ? [] : [["forms", "/api/v1/registers/forms"]];
    await fetchInto([
      ["incidents", "/api/v1/incidents"],
      ["devices", "/api/v1/devices"],
      ["paper", "/api/v1/paper-tickets"],
      ...forms,
    ]);
    await Promise.all([refresh.paperwork(), refresh.ratings()]);
    draw.all();
  },
};

const later = {
  queue: debounce(() => refresh.queue()),
  incidents: debounce(() => refresh.incidents()),
  devices: debounce(() => refresh.devices()),
  paperwork: debounce(() => refresh.paperwork()),
  paper: debounce(() => refresh.paper(), 800),
  ratings: debounce(() => refresh.ratings()),
};

// ---- drawing ----

const ctx = { config, text, time, store, say, confirm, run, refresh, sessionGone, client: null };

const draw = {
  hall() {
    hall.draw(ctx);
    alerts.draw(ctx);
  },
  incidents() {
    incidents.draw(ctx);
    hall.draw(ctx); // devices named by an open incident are flagged
    alerts.draw(ctx);
  },
  notices() {
    notices.draw(ctx);
    alerts.draw(ctx);
  },
  paperwork() {
    paperwork.draw(ctx);
    alerts.draw(ctx);
  },
  all() {
    hall.draw(ctx);
    incidents.draw(ctx);
    notices.draw(ctx);
    paperwork.draw(ctx);
    alerts.draw(ctx);
  },
};
ctx.draw = draw;

// ---- tabs, kept in the address (#incidents/12), so a reload stays in place ----

function showTab() {
  const [name, detail] = location.hash.replace(/^#/, "").split("/");
  const tab = TABS.includes(name) ? name : "hall";
  for (const each of TABS) {
    const selected = each === tab;
    $(`tab-${each}`).setAttribute("aria-selected", String(selected));
    $(`tab-${each}`).tabIndex = selected ? 0 : -1;
    $(`panel-${each}`).hidden = !selected;
  }
  document.body.dataset.tab = tab;
  if (tab === "incidents") incidents.select(ctx, detail || null);
}

function setUpTabs() {
  for (const each of TABS) {
    $(`tab-${each}`).addEventListener("click", () => {
      location.hash = each === "incidents" && incidents.selected() ? `incidents/${incidents.selected()}` : each;
    });
  }
  // Arrow keys move between the tabs, as in any tab list.
  document.querySelector(".tabs").addEventListener("keydown", (event) => {
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    const current = TABS.indexOf(document.body.dataset.tab);
    const next = TABS[(current + (event.key === "ArrowRight" ? 1 : TABS.length - 1)) % TABS.length];
    location.hash = next;
    $(`tab-${next}`).focus();
  });
  window.addEventListener("hashchange", showTab);
  showTab();
}

// ---- the link to the hub ----

const memory = new OfflineMemory(config.cacheKey);

function showLink(state) {
  $("link").dataset.state = state;
  $("link-text").textContent = { online: text.online, offline: text.offline, connecting: text.connecting }[state];
}

function showOffline() {
  memory.remember();
  const since = memory.since();
  showLink("offline");
  document.body.dataset.offline = "true";
  $("offline").hidden = false;
  // What was said before the hub went away is history now; the banner speaks.
  $("message").hidden = true;
  $("mode-label").textContent = text.modeBefore;
  $("offline-text").textContent = fill(text.offlineSince, { time: time.time(since.toISOString()) });
}

function showOnline() {
  memory.forget();
  showLink("online");
  delete document.body.dataset.offline;
  $("offline").hidden = true;
  $("mode-label").textContent = $("mode-label").dataset.live;
}

function tick() {
  $("clock").textContent = time.time(time.now().toISOString(), { seconds: false });
  hall.tick(ctx);
}

// ---- start ----

let client = null;

function start() {
  loadLists();
  setUpTabs();
  incidents.setUp(ctx);
  notices.setUp(ctx);
  control.setUp(ctx);
  paperwork.setUp(ctx);
  ledger.setUp(ctx);
  if (memory.since()) showOffline();

  client = new HallClient({
    namespace: config.namespace,
    cacheKey: config.cacheKey,
    offlineAfterMs: config.offlineAfterMs,
    checkEveryMs: config.checkEveryMs,
    heartbeat: false,
    onState: (snapshot, { fromCache }) => {
      store.snapshot = snapshot;
      if (!fromCache) {
        time.syncWith(snapshot.now);
        tick();
        showOnline();
        // A snapshot follows every (re)connect and every gap: the lists may be stale too.
        refresh.everything().then(() => { document.body.dataset.ready = "true"; });
      }
      draw.all();
    },
    onEvent: (name, payload) => {
      if (name === "queue:changed" || name === "hall:mode") draw.hall();
      if (name === "device:status") {
        draw.hall();
        later.devices();
      }
      if (name === "incident:changed" || name === "hall:mode") {
        later.incidents();
        later.devices();
        later.queue();
      }
      if (name === "notice:posted" || name === "notice:removed") {
        draw.notices();
        later.incidents(); // an incident's notice text
      }
      if (name === "worklist:changed") {
        store.worklist = { to_backfill: payload.to_backfill, follow_ups_open: payload.follow_ups_open };
        alerts.draw(ctx);
        later.paperwork();
      }
      if (name.startsWith("ticket:") && (store.paper || []).length) later.paper();
      if (name === "rating:work_order") later.ratings();
    },
    onOffline: () => showOffline(),
    onOnline: () => showOnline(),
  });
  ctx.client = client;
  client.start();
  draw.all();
  tick();
  setInterval(tick, 15000);
  // A work order becomes overdue as the days pass, without any event: look again now and then.
  setInterval(() => refresh.ratings(), 5 * 60 * 1000);
  registerOfflineCache().catch(() => {});
}

start();
