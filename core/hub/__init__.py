"""The running hub: what a hub process does besides answering requests.

- `broadcast` turns committed domain events into Socket.IO emits (through Redis
  to every hub process when a message queue is set);
- `realtime` is the Socket.IO side: namespaces, rooms, snapshots, heartbeats;
- `printing` drives the hub-side print agents and the print-job pump;
- `revocation` disconnects the sockets whose token was taken back;
- `health` watches devices and outside systems, and notes the hub's own runs;
- `sms` sends the SMS outbox with retries, quiet hours and a daily cap;
- `serve` starts all of it in one process (``hallq run``).
"""
