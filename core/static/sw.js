// Keeps HallQ's pages loadable while the hub is down (SPEC §7, "hub down").
// Network first; a copy of every page and static file seen is kept, and served
// when the hub does not answer. Live data (API, Socket.IO, voice) is never cached:
// the pages draw the last state they knew from localStorage instead.
const CACHE = "hallq-pages-v1";
const LIVE = ["/api/", "/socket.io/", "/display/voice/", "/enrol", "/login", "/logout"];
const NETWORK_TIMEOUT_MS = 4000;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); },
                 (error) => { clearTimeout(timer); reject(error); });
  });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (LIVE.some((prefix) => url.pathname.startsWith(prefix))) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
      const noStore = (response.headers.get("Cache-Control") || "").includes("no-store");
      if (response.ok && !response.redirected && !noStore) cache.put(request, response.clone());
      return response;
    } catch (error) {
      const cached = await cache.match(request);
      return cached || Response.error();
    }
  })());
});
