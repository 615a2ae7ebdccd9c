// A third-party hall display written against docs/PROTOCOL.md with the official
// socket.io-client, as an integrator would: it clears its screen on `connect`, draws
// `state:snapshot`, applies hall events in seq order, and answers nothing else.
// Usage: node third_party_display.mjs URL TOKEN SECONDS → prints what it saw as JSON.
import { io } from "socket.io-client";

const [url, token, seconds] = process.argv.slice(2);
const seen = { connects: 0, snapshots: 0, snapshotBeforeConnect: 0, screen: null, events: [] };

const socket = io(`${url}/display`, { auth: { token }, transports: ["websocket"], reconnection: false });
socket.on("connect", () => {
  seen.connects += 1;
  seen.screen = null; // a fresh connection: clear the screen and wait for the snapshot
});
socket.on("state:snapshot", (snapshot) => {
  if (seen.connects === 0) seen.snapshotBeforeConnect += 1;
  seen.snapshots += 1;
  seen.screen = { seq: snapshot.seq, calls: snapshot.recent_calls.length };
});
socket.onAny((name, payload) => {
  if (name !== "state:snapshot" && payload && typeof payload.seq === "number") {
    seen.events.push([name, payload.seq]);
    if (seen.screen && payload.seq === seen.screen.seq + 1) seen.screen.seq = payload.seq;
  }
});
socket.on("connect_error", (error) => {
  seen.error = error.message;
});
setTimeout(() => {
  socket.disconnect();
  console.log(JSON.stringify(seen));
  process.exit(0);
}, Number(seconds) * 1000);
