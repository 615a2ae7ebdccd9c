// What every console page does the same way: the message line, asking before a
// consequential action, and running one command at a time per button with the
// hub's own words when it refuses (the console and the administration).

import { HallClient, OfflineMemory } from "/static/hallq-client.js";
import { $, SessionGone, fill } from "./util.js";

export function sessionGone() {
  location.assign(`/login?next=${encodeURIComponent(location.pathname + location.hash)}`);
}

// `isOffline()`: whether the hub is unreachable now (no command is sent then).
export function pageTools(text, isOffline) {
  let messageTimer = null;

  function say(words, kind = "info") {
    const line = $("message");
    clearTimeout(messageTimer);
    line.textContent = words;
    line.dataset.kind = kind;
    line.hidden = false;
    // Errors stay until the next action: nobody may miss why something was not done.
    if (kind === "ok") messageTimer = setTimeout(() => { line.hidden = true; }, 8000);
  }

  function confirm({ title, body, yes }) {
    const dialog = $("confirm");
    $("confirm-title").textContent = title;
    $("confirm-text").textContent = body;
    $("confirm-yes").textContent = yes;
    dialog.returnValue = "";
    dialog.showModal();
    $("confirm-yes").focus();
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), { once: true });
    });
  }

  async function run(button, action, { done = null } = {}) {
    if (isOffline()) {
      say(text.offlineAction, "error");
      return false;
    }
    if (button && button.dataset.busy) return false;
    if (button) {
      button.dataset.busy = "true";
      button.disabled = true;
    }
    document.body.dataset.busy = "true";
    try {
      const answer = await action();
      if (answer.ok) {
        if (done) say(done, "ok");
        return answer;
      }
      if (answer.status === 0) say(text.noAnswer, "error");
      else say((answer.data && answer.data.message) || fill(text.refused, { status: answer.status }), "error");
      return false;
    } catch (error) {
      if (error instanceof SessionGone) sessionGone();
      else throw error;
      return false;
    } finally {
      if (button) {
        delete button.dataset.busy;
        button.disabled = false;
      }
      delete document.body.dataset.busy;
    }
  }

  return { say, confirm, run };
}

// The link to the hub in the top bar and the offline banner of a page beside the console
// (the administration, service ratings): since when the hub is away survives a reload.
export function linkIndicator(text, time, cacheKey) {
  const memory = new OfflineMemory(cacheKey);
  return function showLink(state) {
    $("link").dataset.state = state;
    $("link-text").textContent = { online: text.online, offline: text.offline, connecting: text.connecting }[state];
    $("offline").hidden = state !== "offline";
    if (state === "offline") {
      memory.remember();
      $("offline-text").textContent = fill(text.offlineSince, { time: time.time(memory.since().toISOString()) });
    } else if (state === "online") {
      memory.forget();
    }
  };
}

// A page beside the console follows the hall: every snapshot from the hub (a connect, a
// gap, a change anywhere) loads the page again (`load`); `onEvent` sees the events between.
// The link indicator says whether the hub is there. Returns the started HallClient.
export function followHall(config, text, time, page, { load, onEvent = () => {} }) {
  const cacheKey = `${config.cacheKey}:${page}`;
  const showLink = linkIndicator(text, time, cacheKey);
  const client = new HallClient({
    namespace: config.namespace,
    cacheKey,
    offlineAfterMs: config.offlineAfterMs,
    checkEveryMs: config.checkEveryMs,
    heartbeat: false,
    onState: (snapshot, { fromCache }) => {
      if (fromCache) return;
      time.syncWith(snapshot.now);
      showLink("online");
      load();
    },
    onEvent,
    onOffline: () => showLink("offline"),
    onOnline: () => showLink("online"),
  });
  client.start();
  return client;
}
