// Voice calling on the hall display: plays one announcement WAV per call,
// strictly one after another.
//
//   import { VoiceAnnouncer } from "/display/static/voice.js";
//   const voice = new VoiceAnnouncer({
//     urlFor: (call) => `/display/voice/announce.wav?number=${encodeURIComponent(call.number)}` +
//       `&window=${call.window}&english=${call.english ? 1 : 0}`,
//   });
//   voice.announce({ number: "A012", window: 3, recall: false, english: false });
//
// Rules the hall depends on:
// - one announcement at a time, in the order the calls came; the next starts
//   only after the previous one has ended, so none is ever cut off;
// - every call is announced, recalls included, even when the same number was
//   just announced (a recall exists precisely to say it again); only a plain
//   call that duplicates one still playing or waiting is dropped;
// - a failure (autoplay refused, a 404, a broken file) is logged and the queue
//   moves on: a silent announcement must never block the ones after it.
//
// window.hallqVoice is the announcer, for tests and for a look from DevTools:
// hallqVoice.played is the log (performance.now() milliseconds), hallqVoice.busy
// says whether something is playing or loading.

const DEFAULT_LOAD_TIMEOUT_MS = 20000; // no metadata by then: the server or file is stuck
const PLAYBACK_MARGIN_MS = 10000; // beyond the file's own length before giving up on it

export class VoiceAnnouncer {
  /**
   * @param {object} options
   * @param {(call: {number: string, window: number, recall?: boolean, english?: boolean}) => string} options.urlFor
   * @param {HTMLAudioElement} [options.audio] the element to play through (default: a new Audio())
   * @param {number} [options.loadTimeoutMs]
   * @param {boolean} [options.expose] set window.hallqVoice (default true)
   */
  constructor({ urlFor, audio, loadTimeoutMs = DEFAULT_LOAD_TIMEOUT_MS, expose = true }) {
    if (typeof urlFor !== "function") {
      throw new TypeError("VoiceAnnouncer needs urlFor(call) → URL of the announcement WAV");
    }
    this.urlFor = urlFor;
    // One element for every announcement: once the browser lets it play
    // (autoplay flag or a first tap) it keeps that permission.
    this.audio = audio ?? new Audio();
    this.audio.preload = "auto";
    this.loadTimeoutMs = loadTimeoutMs;
    this.queue = [];
    this.played = [];
    this.skipped = [];
    this.busy = false;
    this.current = null;
    if (expose && typeof window !== "undefined") {
      window.hallqVoice = this;
    }
  }

  /**
   * Queue a call for announcement; returns at once. A recall is always queued.
   * A plain call identical (number and window) to one still playing or waiting
   * is a duplicate event — e.g. replayed on a resync — and is only noted in
   * `skipped`, so the hall does not hear it twice in a row.
   */
  announce(call) {
    const same = (other) =>
      other !== null && other.number === call.number && other.window === call.window;
    if (!call.recall && (same(this.current) || this.queue.some(same))) {
      this.skipped.push({ ...call, at: performance.now() });
      return;
    }
    this.queue.push({ ...call });
    if (!this.busy) {
      this._next();
    }
  }

  /** Number of calls waiting behind the current one. */
  get pending() {
    return this.queue.length;
  }

  _next() {
    const call = this.queue.shift();
    if (call === undefined) {
      this.busy = false;
      this.current = null;
      return;
    }
    this.busy = true;
    let url;
    try {
      url = this.urlFor(call);
    } catch (error) {
      this._log(call, null, "url-failed", error);
      this._next();
      return;
    }
    const entry = {
      number: call.number,
      window: call.window,
      recall: Boolean(call.recall),
      english: Boolean(call.english),
      url,
      startedAt: performance.now(),
      endedAt: null,
      duration: null,
      outcome: "playing",
      error: null,
    };
    this.played.push(entry);
    this.current = entry;
    this._play(entry);
  }

  _play(entry) {
    const audio = this.audio;
    const listeners = new AbortController();
    let timer = null;
    let settled = false;

    // Exactly one way out per announcement, whichever comes first.
    const finish = (outcome, error = null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      listeners.abort();
      entry.endedAt = performance.now();
      entry.outcome = outcome;
      entry.error = error === null ? null : String(error?.message ?? error);
      if (outcome !== "ended") {
        console.warn(`hallq voice: ${entry.number} → ${entry.window} ${outcome}`, error ?? "");
        // Stop a stuck or failed element before the next src replaces it.
        try {
          audio.pause();
        } catch (_) {
          // nothing to stop
        }
      }
      this._next();
    };
    const giveUpAfter = (ms, outcome) => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(outcome, new Error(`no end after ${ms} ms`)), ms);
    };

    const on = { signal: listeners.signal };
    audio.addEventListener("ended", () => finish("ended"), on);
    audio.addEventListener("error", () => finish("error", audio.error ?? "media error"), on);
    audio.addEventListener(
      "loadedmetadata",
      () => {
        if (Number.isFinite(audio.duration)) {
          entry.duration = audio.duration;
          // Never cut a real announcement short: wait its whole length and more.
          giveUpAfter(audio.duration * 1000 + PLAYBACK_MARGIN_MS, "stalled");
        }
      },
      on,
    );
    giveUpAfter(this.loadTimeoutMs, "stalled");

    audio.src = entry.url;
    let started;
    try {
      started = audio.play();
    } catch (error) {
      finish("play-rejected", error);
      return;
    }
    // Autoplay policy refusals arrive here (NotAllowedError): log, move on.
    Promise.resolve(started).catch((error) => finish("play-rejected", error));
  }

  _log(call, url, outcome, error) {
    const now = performance.now();
    this.played.push({
      number: call.number,
      window: call.window,
      recall: Boolean(call.recall),
      english: Boolean(call.english),
      url,
      startedAt: now,
      endedAt: now,
      duration: null,
      outcome,
      error: String(error?.message ?? error),
    });
    console.warn(`hallq voice: ${call.number} → ${call.window} ${outcome}`, error);
  }
}

if (typeof window !== "undefined") {
  window.VoiceAnnouncer = VoiceAnnouncer;
}
