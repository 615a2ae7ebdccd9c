"""HallQ's load harness: real hub processes, real clients over loopback, one table of figures.

    .venv/bin/python bench/load.py            # everything (≈ 9 minutes on 2 cores)
    .venv/bin/python bench/load.py --quick    # fewer samples, for a first look

It never fails on a timing: it prints what it measured next to the figure before
issue 15's work on the hot path (2026-12-05) and issue 15's target, and the hub's
resident memory. Figures depend on the machine; see
docs/PERFORMANCE.md for the machine they were taken on and what limits each.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import requests
import socketio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.databases import PostgresTemplate, SqliteTemplate, Tokens  # noqa: E402
from tests.support.hub import HubProcess  # noqa: E402
from tests.support.redis_server import RedisServer  # noqa: E402

SQLITE = "SQLite (FULL), 1 process"
POSTGRES = "PostgreSQL, 1 process"
TWO = "PostgreSQL + Redis, 2 processes"
FAN_OUT = "SQLite, 1 process"
IN_PROCESS = "SQLite (FULL), Flask's test client"

GOALS: dict[tuple[str, str], tuple[str, str]] = {
    ("ticket issue latency, 1 client", SQLITE): ("p50 11.5 ms", "p50 ≤ 4 ms"),
    ("call-next latency", SQLITE): ("p50 10.6 ms", "p50 ≤ 3 ms"),
    ("durable ticket issues per second, 16 clients", SQLITE): ("109 /s", "≥ 400 /s"),
    ("durable ticket issues per second, 16 clients", POSTGRES): ("65 /s", "≥ 250 /s"),
    ("call → display event, 200 clients", FAN_OUT): ("p99 48–56 ms", "p99 ≤ 30 ms"),
    ("one call to all of 2000 status pages", FAN_OUT): ("p99 0.87–0.91 s", "p99 ≤ 0.5 s"),
    ("hub RSS with 2000 status pages", FAN_OUT): ("300 MB", "≤ 250 MB"),
    ("hub restart with 2000 phones: all resynced", FAN_OUT): ("not measured", "≤ 10 s, no 5xx"),
}
"""(figure, setup) → (the figure before issue 15, issue 15's target)."""


@dataclass
class Row:
    figure: str
    setup: str
    value: str
    before: str = ""
    target: str = ""


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)

    def add(self, figure: str, setup: str, value: str) -> None:
        before, target = GOALS.get((figure, setup), ("", ""))
        self.rows.append(Row(figure, setup, value, before, target))
        print(f"  {figure:<44} {setup:<28} {value:<26} {before:<22} {target}", flush=True)

    def table(self) -> str:
        lines = [
            "| figure | setup | measured | before (2026-12-05) | target |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {r.figure} | {r.setup} | {r.value} | {r.before} | {r.target} |" for r in self.rows
        ]
        return "\n".join(lines)


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return p50 * 1000, p99 * 1000


def ms(samples: list[float]) -> str:
    p50, p99 = percentiles(samples)
    return f"p50 {p50:.1f} ms, p99 {p99:.1f} ms"


def rss_mb(hub: HubProcess) -> float:
    """Resident memory of the hub process (Linux /proc)."""
    assert hub.process is not None
    status = Path(f"/proc/{hub.process.pid}/status").read_text()
    kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    return kb / 1024


def cpu_s(hub: HubProcess) -> float:
    """CPU seconds the hub process has used so far (Linux /proc)."""
    assert hub.process is not None
    fields = Path(f"/proc/{hub.process.pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Api:
    """Keep-alive HTTP client of one hub, with a bearer token."""

    def __init__(self, hub: HubProcess, token: str) -> None:
        self.url = hub.url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def post(self, path: str, **body: object) -> requests.Response:
        return self.session.post(f"{self.url}{path}", json=body or None, timeout=30)


def reference_loop_ms() -> float:
    """This machine's pure-Python speed: a fixed loop, best of five. The VM's speed
    changes from day to day (by two to three times, 2026-12-07): compare a run's
    figures with another's only with this beside them."""
    best = math.inf
    for _ in range(5):
        started = time.process_time()
        sum(i * i for i in range(1_000_000))
        best = min(best, time.process_time() - started)
    return best * 1000


def command_cpu_ms(url: str, tokens: Tokens, folder: Path, count: int) -> tuple[float, float]:
    """CPU one kiosk ticket and one call-next cost in this process (Flask's test client,
    threading mode, no sockets): the hub's own share of the latency, steadier than a
    latency measured over loopback. Best of three runs of `count`, in ms."""
    from core.app import create_app
    from tests.support.apps import in_process_settings

    app = create_app(in_process_settings(url, folder / "in-process"))
    client = app.test_client()
    kiosk = {"Authorization": f"Bearer {tokens.devices['kiosk-1']}"}
    window = {"Authorization": f"Bearer {tokens.staff['window3']}"}

    def post(path: str, headers: dict[str, str], body: Any = None) -> int:
        return client.post(path, json=body, headers=headers).status_code

    def ticket() -> None:
        """As the bench's kiosks issue them: not printed, with an idempotency key."""
        headers = {**kiosk, "Idempotency-Key": uuid.uuid4().hex}
        assert post("/api/v1/tickets", headers, {"service": "filing", "print": False}) == 201

    def call() -> float:
        started = time.thread_time()
        assert post("/api/v1/windows/3/call-next", window) == 200
        spent = time.thread_time() - started
        post("/api/v1/windows/3/start", window)
        post("/api/v1/windows/3/finish", window)
        return spent

    try:
        post("/api/v1/windows/3/open", window)
        tickets, calls = math.inf, math.inf
        for _ in range(3):
            started = time.thread_time()
            for _ in range(count):
                ticket()
            tickets = min(tickets, (time.thread_time() - started) / count)
            calls = min(calls, sum(call() for _ in range(count)) / count)
    finally:
        app.extensions["hallq"].db.dispose()
    return tickets * 1000, calls * 1000


def issue_latencies(
    hubs: list[HubProcess], token: str, clients: int, per_client: int
) -> tuple[list[float], float]:
    """Each client issues tickets back to back; latencies and tickets per second overall."""
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client(index: int) -> None:
        api = Api(hubs[index % len(hubs)], token)
        api.post("/api/v1/tickets", service="consult")  # warm the connection
        barrier.wait()
        mine = []
        for _ in range(per_client):
            started = time.perf_counter()
            response = api.session.post(
                f"{api.url}/api/v1/tickets",
                json={"service": "filing", "print": False},
                headers={"Idempotency-Key": uuid.uuid4().hex},
                timeout=30,
            )
            mine.append(time.perf_counter() - started)
            assert response.status_code == 201, response.text
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return latencies, clients * per_client / elapsed


def call_next_latencies(hub: HubProcess, token: str, count: int) -> list[float]:
    """Window 3 calls next and releases the ticket (no-show needs recalls: finish instead)."""
    api = Api(hub, token)
    api.post("/api/v1/windows/3/open")
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        response = api.post("/api/v1/windows/3/call-next")
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
        api.post("/api/v1/windows/3/start")
        api.post("/api/v1/windows/3/finish")
    return samples


class Caller:
    """Window 3 calling the next ticket; `prepare` finishes the one before (untimed)."""

    def __init__(self, hub: HubProcess, token: str) -> None:
        self.api = Api(hub, token)
        self.api.post("/api/v1/windows/3/open")
        self.holding = False

    def prepare(self) -> None:
        if self.holding:
            self.api.post("/api/v1/windows/3/start")
            self.api.post("/api/v1/windows/3/finish")

    def call(self) -> None:
        assert self.api.post("/api/v1/windows/3/call-next").status_code == 200
        self.holding = True


LISTENERS = 4
"""Processes a fan-out's clients are spread over. One Python process cannot read the
events of 2,000 sockets as fast as the hub sends them: with all clients in one, the
figure was that process's own backlog (2,000 phones: p99 0.67 s of reading)."""


def fan_out(
    hubs: list[HubProcess],
    namespace: str,
    auth: dict[str, str],
    clients: int,
    caller: Caller,
    calls: int,
) -> tuple[list[float], list[float]]:
    """`clients` Socket.IO clients in `LISTENERS` processes; for each of `calls` calls,
    the delay from the call-next request to each client's `ticket:called`, and until the
    last client had it. The previous ticket is finished before the clock starts, and its
    events drained. Times are CLOCK_MONOTONIC, one clock for every process."""
    processes = multiprocessing.get_context("spawn")
    reports: multiprocessing.Queue[tuple[int, list[float]]] = processes.Queue()
    stop = processes.Event()
    urls = [hub.url for hub in hubs]
    shares = [clients // LISTENERS + (n < clients % LISTENERS) for n in range(LISTENERS)]
    workers = [
        processes.Process(
            target=listen,
            args=(urls, namespace, auth, sum(shares[:n]), shares[n], reports, stop),
        )
        for n in range(LISTENERS)
    ]
    for worker in workers:
        worker.start()
    each: list[float] = []
    whole: list[float] = []
    try:
        ready = [reports.get(timeout=180) for _ in workers]
        assert all(seq == READY for seq, _ in ready), ready
        for _ in range(calls):
            caller.prepare()
            time.sleep(0.5)  # let the finish's events reach everyone first
            started = time.monotonic()
            caller.call()
            arrivals = [reports.get(timeout=30)[1] for _ in workers]
            each += [arrival - started for times in arrivals for arrival in times]
            whole.append(max(max(times) for times in arrivals) - started)
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=60)
    return each, whole


READY = -1
"""What a listener reports once its clients are connected."""


def listen(
    urls: list[str],
    namespace: str,
    auth: dict[str, str],
    first: int,
    count: int,
    reports: multiprocessing.Queue[tuple[int, list[float]]],
    stop: Any,
) -> None:
    """A listener process: `count` clients (numbered from `first`, spread over the hubs)
    that report, per `ticket:called` seq, when each of them got it."""

    async def run() -> None:
        received: dict[int, list[float]] = {}
        sockets = []

        async def connect(index: int) -> None:
            client = socketio.AsyncClient(reconnection=False)

            @client.on("ticket:called", namespace=namespace)
            async def on_called(payload: dict[str, object]) -> None:
                seq = int(str(payload["seq"]))
                times = received.setdefault(seq, [])
                times.append(time.monotonic())
                if len(times) == count:
                    reports.put((seq, times))

            await client.connect(
                urls[index % len(urls)],
                namespaces=[namespace],
                auth=auth,
                transports=["websocket"],
                wait_timeout=30,
            )
            sockets.append(client)

        # Connect in waves: a hall's phones don't arrive at once.
        for start in range(first, first + count, 25):
            await asyncio.gather(
                *(connect(n) for n in range(start, min(first + count, start + 25)))
            )
        reports.put((READY, []))
        while not stop.is_set():
            await asyncio.sleep(0.1)
        await asyncio.gather(*(client.disconnect() for client in sockets))

    asyncio.run(run())


@contextmanager
def hubs(
    url: str, folder: Path, count: int, queue: str | None, mode: str = "eventlet", **extra: str
) -> Iterator[list[HubProcess]]:
    environment = {
        "HALLQ_PRINT_AGENTS": "0",
        "HALLQ_SMS_DISPATCH": "0",
        "HALLQ_LOG_LEVEL": "WARNING",
        "HALLQ_ASYNC_MODE": mode,
        **extra,
    }
    if queue:
        environment["HALLQ_MESSAGE_QUEUE"] = queue
    processes = []
    for index in range(count):
        (folder / f"hub{index}").mkdir(parents=True, exist_ok=True)
        processes.append(HubProcess(url, folder / f"hub{index}", **environment).start())
    try:
        yield processes
    finally:
        for process in processes:
            process.stop()


def seed(api: Api, count: int) -> None:
    for _ in range(count):
        assert api.post("/api/v1/tickets", service="filing", print=False).status_code == 201


def measure_database(
    report: Report, name: str, url_for: Callable[[], str], tokens: Tokens, folder: Path, quick: bool
) -> None:
    per_client = 25 if quick else 100
    with hubs(url_for(), folder / f"{name}-1", 1, None) as (hub,):
        single, _ = issue_latencies([hub], tokens.devices["kiosk-1"], 1, per_client * 2)
        report.add("ticket issue latency, 1 client", name, ms(single))
    with hubs(url_for(), folder / f"{name}-16", 1, None) as (hub,):
        many, rate = issue_latencies([hub], tokens.devices["kiosk-1"], 16, per_client)
        report.add("ticket issue latency, 16 clients", name, ms(many))
        report.add(
            "durable ticket issues per second, 16 clients",
            name,
            f"{rate:.0f} /s",
        )
        calls = call_next_latencies(hub, tokens.staff["window3"], 50 if quick else 200)
        report.add("call-next latency", name, ms(calls))


def measure_fan_out(
    report: Report, hub_list: list[HubProcess], tokens: Tokens, setup: str, quick: bool
) -> None:
    api = Api(hub_list[0], tokens.devices["kiosk-1"])
    seed(api, 60)
    call = Caller(hub_list[0], tokens.staff["window3"])
    displays = 200
    each, _ = fan_out(
        hub_list,
        "/display",
        {"token": tokens.devices["display-1"]},
        displays,
        call,
        10 if quick else 25,
    )
    report.add(f"call → display event, {displays} clients", setup, ms(each))
    token = api.post("/api/v1/tickets", service="consult", print=False).json()["token"]
    phones = 500 if quick else 2000
    _each, whole = fan_out(hub_list, "/public", {"ticket": token}, phones, call, 5 if quick else 15)
    rss = ", ".join(f"{rss_mb(hub):.0f} MB" for hub in hub_list)
    report.add(f"one call to all of {phones} status pages", setup, ms(whole))
    report.add(f"hub RSS with {phones} status pages", setup, rss)


class PhoneClient(socketio.AsyncClient):  # type: ignore[misc]
    """A status page's socket as hallq-client.js opens it: back-off 0.5–3 s between
    attempts, and a connection attempt waits up to 4 s for the hub's answer.
    (python-socketio's own client gives up on a namespace after 1 s and starts over:
    under a reconnect storm that turns one slow answer into another connection.)"""

    def __init__(self) -> None:
        super().__init__(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=3)

    async def connect(self, *args: object, wait_timeout: float = 4, **kwargs: object) -> None:
        await super().connect(*args, wait_timeout=wait_timeout, **kwargs)


async def restart_resync(
    hub: HubProcess, token: str, phones: int
) -> tuple[float, float, float, int]:
    """`phones` status pages connected; the hub restarts (SIGTERM, start). Each page
    reconnects as hallq-client.js does (0.5–3 s back-off), gets its snapshot and reads
    its ticket again. Answers the seconds from the restart to the last page resynced,
    from the hub answering again to it, the CPU seconds the restarted hub spent until
    then, and how many requests got a 5xx."""
    resynced: dict[int, float] = {}
    restarted = asyncio.Event()
    sockets = []

    async def connect(index: int) -> None:
        client = PhoneClient()

        @client.on("state:snapshot", namespace="/public")
        async def on_snapshot(_payload: dict[str, object]) -> None:
            if restarted.is_set():
                resynced.setdefault(index, time.perf_counter())

        await client.connect(
            hub.url, namespaces=["/public"], auth={"ticket": token}, transports=["websocket"]
        )
        sockets.append(client)

    for start in range(0, phones, 50):
        await asyncio.gather(*(connect(n) for n in range(start, min(phones, start + 50))))
    loop = asyncio.get_running_loop()
    began = time.perf_counter()
    restarted.set()
    await loop.run_in_executor(None, hub.stop)
    await loop.run_in_executor(None, hub.start)
    answering = time.perf_counter()
    deadline = time.monotonic() + 60
    while len(resynced) < phones and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    hub_cpu = cpu_s(hub)
    async with aiohttp.ClientSession() as http:

        async def status(_index: int) -> int:
            async with http.get(f"{hub.url}/api/v1/tickets/{token}") as answer:
                return answer.status

        codes = await asyncio.gather(*(status(n) for n in range(phones)))
    last = max(resynced.values(), default=deadline)
    await asyncio.gather(*(client.disconnect() for client in sockets))
    if len(resynced) < phones:
        print(f"  only {len(resynced)} of {phones} pages resynced within 60 s", flush=True)
    return last - began, last - answering, hub_cpu, sum(code >= 500 for code in codes)


def measure_restart(report: Report, url: str, tokens: Tokens, folder: Path, quick: bool) -> None:
    """A hub restarted under its hall's phones. The pages all come from 127.0.0.1 here,
    so the per-address rate limit (meant for a hall's many phones) is off."""
    phones = 500 if quick else 2000
    with hubs(url, folder / "restart", 1, None, HALLQ_RATE_LIMITS="0") as (hub,):
        token = (
            Api(hub, tokens.devices["kiosk-1"])
            .post("/api/v1/tickets", service="consult", print=False)
            .json()["token"]
        )
        whole, after_start, cpu, errors = asyncio.run(restart_resync(hub, token, phones))
    report.add(
        f"hub restart with {phones} phones: all resynced",
        FAN_OUT,
        f"{whole:.1f} s ({after_start:.1f} s after it answers, hub CPU {cpu:.1f} s), "
        f"{errors} × 5xx",
    )


MODES = ("eventlet", "gevent", "threading")
"""Flask-SocketIO's async modes, side by side: eventlet (the default; eventlet.wsgi),
gevent (gevent's pywsgi, websockets through simple-websocket) and threading (Werkzeug's
threaded server, one thread per connection)."""


def measure_modes(
    report: Report, url_for: Callable[[], str], tokens: Tokens, folder: Path, quick: bool
) -> None:
    """The same hub in each async mode: one client's ticket latency, and a call's fan-out
    to 200 displays."""
    for mode in MODES:
        setup = f"SQLite, 1 process, {mode}"
        with hubs(url_for(), folder / f"mode-{mode}", 1, None, mode) as (hub,):
            single, _ = issue_latencies([hub], tokens.devices["kiosk-1"], 1, 50 if quick else 200)
            report.add("ticket issue latency, 1 client", setup, ms(single))
            call = Caller(hub, tokens.staff["window3"])
            each, _ = fan_out(
                [hub],
                "/display",
                {"token": tokens.devices["display-1"]},
                200,
                call,
                10 if quick else 25,
            )
            report.add("call → display event, 200 clients", setup, ms(each))


PARTS = ("cpu", "sqlite", "postgres", "fanout", "restart", "modes", "scaleout")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer samples and clients")
    parser.add_argument(
        "--only",
        choices=PARTS,
        action="append",
    )
    options = parser.parse_args()
    only = set(options.only or PARTS)
    os.environ.setdefault("HALLQ_REQUIRE", "")
    report = Report()
    with tempfile.TemporaryDirectory(prefix="hallq-bench-") as temp:
        folder = Path(temp)
        print(
            f"HallQ load harness on {os.cpu_count()} CPUs ({'quick' if options.quick else 'full'})",
            flush=True,
        )
        sqlite = SqliteTemplate(folder / "template")

        def sqlite_url() -> str:
            """A fresh copy of the demo hall's SQLite file for one hub."""
            return sqlite.copy(folder / f"bench-{uuid.uuid4().hex[:8]}.db")

        if "cpu" in only:
            report.add(
                "reference loop (pure Python)", "this machine", f"{reference_loop_ms():.0f} ms"
            )
            ticket_ms, call_ms = command_cpu_ms(
                sqlite_url(), sqlite.tokens, folder, 100 if options.quick else 400
            )
            report.add("CPU per kiosk ticket", IN_PROCESS, f"{ticket_ms:.2f} ms")
            report.add("CPU per call-next", IN_PROCESS, f"{call_ms:.2f} ms")
        if "sqlite" in only:
            measure_database(report, SQLITE, sqlite_url, sqlite.tokens, folder, options.quick)
        if "fanout" in only:
            with hubs(sqlite_url(), folder / "fan", 1, None) as hub_list:
                measure_fan_out(report, hub_list, sqlite.tokens, FAN_OUT, options.quick)
        if "restart" in only:
            measure_restart(report, sqlite_url(), sqlite.tokens, folder, options.quick)
        if "modes" in only:
            measure_modes(report, sqlite_url, sqlite.tokens, folder, options.quick)
        if only & {"postgres", "scaleout"}:
            postgres = PostgresTemplate()
            try:
                if "postgres" in only:
                    measure_database(
                        report,
                        POSTGRES,
                        postgres.copy,
                        postgres.tokens,
                        folder,
                        options.quick,
                    )
                if "scaleout" in only:
                    redis_server = RedisServer(folder).start()
                    try:
                        with hubs(postgres.copy(), folder / "two", 2, redis_server.url) as pair:
                            many, rate = issue_latencies(
                                pair,
                                postgres.tokens.devices["kiosk-1"],
                                16,
                                25 if options.quick else 100,
                            )
                            report.add(
                                "ticket issue latency, 16 clients",
                                TWO,
                                ms(many),
                            )
                            report.add(
                                "ticket issues per second, 16 clients",
                                TWO,
                                f"{rate:.0f} /s",
                            )
                        with hubs(postgres.copy(), folder / "two-fan", 2, redis_server.url) as pair:
                            measure_fan_out(
                                report,
                                pair,
                                postgres.tokens,
                                TWO,
                                options.quick,
                            )
                    finally:
                        redis_server.stop()
            finally:
                postgres.close()
    print()
    print(report.table())


if __name__ == "__main__":
    main()
