// Runs hallq-client.js's HallClient through a scenario and prints what it did, as JSON.
//
//   node client_rules.mjs '<steps as JSON>'
//
// The client's ordering rules, tested alone: its socket is a stand-in that records
// what the client asks and lets a step answer. Steps:
//   ["connect"]               the socket (re)connected
//   ["snapshot", {...}]       the hub's snapshot after a connect
//   ["event", name, {...}]    a hall event
//   ["answer", {...}]         the hub's answer to the client's last state:request
//   ["wait", ms]              time passes
// Prints {seq, resyncs, requests, applied: [[name, seq], ...]}.
import { readFileSync } from "node:fs";

const source = readFileSync(new URL("../../core/static/hallq-client.js", import.meta.url), "utf8");
globalThis.window = globalThis;
const { HallClient } = await import(`data:text/javascript;base64,${Buffer.from(source).toString("base64")}`);

const asked = [];
const socket = {
  connected: true,
  timeout() {
    return this;
  },
  emit(name, _data, answer) {
    if (name === "state:request") asked.push(answer);
  },
};
const applied = [];
const client = new HallClient({
  namespace: "/public",
  heartbeat: false,
  onEvent: (name, payload) => applied.push([name, payload.seq]),
});
client.socket = socket;

for (const [step, ...args] of JSON.parse(process.argv[2])) {
  if (step === "connect") client.connected();
  else if (step === "snapshot") client.applySnapshot(args[0]);
  else if (step === "event") client.receive(args[0], args[1]);
  else if (step === "answer") asked.at(-1)(null, args[0]);
  else if (step === "wait") await new Promise((resolve) => setTimeout(resolve, args[0]));
  else throw new Error(`unknown step ${step}`);
}
console.log(JSON.stringify({ seq: client.seq, resyncs: client.resyncs, requests: asked.length, applied }));
process.exit(0); // the client's timers would keep Node running
