"""The hub's own watch over the hall (SPEC §7, detection): silent devices, the tax
systems' health probes, and the outage extensions that change as outages last.

Probes are configured per hall (hall file, ``[[probes]]``): an HTTP URL per
outside system, how often to check, how many failures in a row open the
outage; one success closes it. A probe is an interface with a fake, so the
logic is tested without a network.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import requests
from sqlalchemy import select

from core.adapters import orm
from core.domain import continuity_commands as cc
from core.runtime import Runtime

log = logging.getLogger(__name__)

HEARTBEAT_CHECK_S = 2.0
OUTAGE_REFRESH_S = 60.0
HUB_BEAT_S = 10.0
PROBE_RELOAD_S = 5.0
"""How soon an admin's change of the probes (console, hall file) is probed with."""
"""How often the hub writes its own heartbeat: a dead hub's outage starts at the last one."""


class Probe(Protocol):
    """Checks one outside system; returns (up, detail)."""

    def check(self) -> tuple[bool, str]: ...


@dataclass(frozen=True)
class HttpProbe:
    """Up when `url` answers a 2xx within `timeout_s`."""

    url: str
    timeout_s: float = 5.0

    def check(self) -> tuple[bool, str]:
        """One GET; any exception or non-2xx is a failure with its reason."""
        try:
            response = requests.get(self.url, timeout=self.timeout_s)
        except requests.RequestException as error:
            return False, type(error).__name__
        return 200 <= response.status_code < 300, f"HTTP {response.status_code}"


@dataclass
class ProbeState:
    """One configured probe and its run of failures."""

    hall: str
    system: str
    probe: Probe
    interval_s: float
    failures_to_open: int
    failures: int = 0
    reported_up: bool | None = None
    next_at: float = 0.0
    key: tuple[object, ...] = ()
    """The hall and the probe's settings: the same key after a reload, the same probe."""

    def observe(self, up: bool) -> bool | None:
        """The verdict to report after one check, or None when nothing changes.

        Down only after `failures_to_open` failures in a row (one lost packet is
        not an outage); up at the first success after being down.
        """
        self.failures = 0 if up else self.failures + 1
        if up and self.reported_up is not True:
            self.reported_up = True
            return True
        if not up and self.failures >= self.failures_to_open and self.reported_up is not False:
            self.reported_up = False
            return False
        return None


MakeProbe = Callable[[dict[str, Any]], Probe]


def http_probe(spec: dict[str, Any]) -> Probe:
    """The probe a hall file's ``[[hall.probes]]`` table describes."""
    return HttpProbe(spec["url"], float(spec.get("timeout_s", 5)))


def probes_of(runtime: Runtime, make: MakeProbe = http_probe) -> list[ProbeState]:
    """The probes configured in every hall's settings."""
    with runtime.db.read_session() as session:
        halls = list(session.scalars(select(orm.Hall)))
    return [
        ProbeState(
            hall.code,
            spec["system"],
            make(spec),
            float(spec.get("interval_s", 10)),
            int(spec.get("failures", 3)),
            key=(hall.code, *sorted(spec.items())),
        )
        for hall in halls
        for spec in (hall.settings or {}).get("probes", [])
    ]


class HubLife:
    """This hub process's run in the database: started, alive (a heartbeat every
    `HUB_BEAT_S`), stopped cleanly — and at start, whether the previous run of
    the same hub died, which the hall's incident ledger then records."""

    def __init__(self, runtime: Runtime, hub: str) -> None:
        self.runtime = runtime
        self.hub = hub
        self.run_id: int | None = None

    def start(self) -> None:
        """Record this run; a previous run that never stopped cleanly died: record it."""
        now = self.runtime.clock.now()
        with self.runtime.db.writing() as session:
            previous = session.scalars(
                select(orm.HubRun)
                .where(orm.HubRun.hub == self.hub)
                .order_by(orm.HubRun.id.desc())
                .limit(1)
            ).first()
            run = orm.HubRun(hub=self.hub, started_at=now, last_beat_at=now)
            session.add(run)
            session.commit()
            self.run_id = run.id
        if previous is not None and previous.stopped_at is None:
            log.warning(
                "hub %s died after %s; recording the outage", self.hub, previous.last_beat_at
            )
            for_each_hall(
                self.runtime,
                lambda hall: cc.RecordHubOutage(
                    hall=hall, actor="system", since=previous.last_beat_at, until=now
                ),
            )

    def beat(self) -> None:
        """Still alive."""
        self._set(last_beat_at=self.runtime.clock.now())

    def stop(self) -> None:
        """A clean stop: the next start records no outage."""
        now = self.runtime.clock.now()
        self._set(last_beat_at=now, stopped_at=now)

    def _set(self, **values: Any) -> None:
        if self.run_id is None:
            return
        with self.runtime.db.writing() as session:
            run = session.get_one(orm.HubRun, self.run_id)
            for name, value in values.items():
                setattr(run, name, value)
            session.commit()


def for_each_hall(runtime: Runtime, build: Callable[[str], Any]) -> None:
    """Send one command per hall of the database."""
    with runtime.db.read_session() as session:
        halls = list(session.scalars(select(orm.Hall.code)))
    for hall in halls:
        runtime.bus.handle(build(hall))


@runtime_checkable
class HoldsDevices(Protocol):
    """A namespace whose connected devices count as alive (`realtime.HallNamespace`)."""

    def keep_alive(self, rt: Runtime) -> None: ...


class HealthWatch:
    """Runs in the hub's event loop: heartbeats, probes, outage refresh."""

    def __init__(
        self, runtime: Runtime, life: HubLife | None = None, make: MakeProbe = http_probe
    ) -> None:
        self.runtime = runtime
        self.make = make
        self.probes = probes_of(runtime, make)
        self.life = life
        self.started = time.monotonic()

    def reload_probes(self) -> None:
        """The halls' probes as they are now (an admin changes them live); a probe whose
        settings stayed keeps its run of failures and its verdict."""
        kept = {probe.key: probe for probe in self.probes}
        self.probes = [kept.get(fresh.key, fresh) for fresh in probes_of(self.runtime, self.make)]

    def run(self) -> None:
        """Forever: every couple of seconds, do what is due."""
        next_refresh = next_beat = 0.0
        next_reload = time.monotonic() + PROBE_RELOAD_S
        while True:
            now = time.monotonic()
            try:
                if now >= next_reload:
                    next_reload = now + PROBE_RELOAD_S
                    self.reload_probes()
                if self.life is not None and now >= next_beat:
                    next_beat = now + HUB_BEAT_S
                    self.life.beat()
                self.keep_connected_alive()
                self.check_heartbeats(now)
                for probe in self.probes:
                    if now >= probe.next_at:
                        probe.next_at = now + probe.interval_s
                        self.run_probe(probe)
                if now >= next_refresh:
                    next_refresh = now + OUTAGE_REFRESH_S
                    for_each_hall(
                        self.runtime, lambda hall: cc.RefreshOutages(hall=hall, actor="system")
                    )
            except Exception:  # keep watching; the next round retries
                log.exception("health watch round failed")
            self.runtime.socketio.sleep(HEARTBEAT_CHECK_S)

    def keep_connected_alive(self) -> None:
        """Devices with a socket open on this process are alive, heartbeats or not."""
        for handler in list(self.runtime.socketio.server.namespace_handlers.values()):
            if isinstance(handler, HoldsDevices):
                handler.keep_alive(self.runtime)

    def check_heartbeats(self, now: float) -> None:
        """After a grace period (devices reconnect after a hub restart), flag the silent."""
        timeout = self.runtime.settings.device_timeout_s
        if now - self.started < timeout:
            return
        for_each_hall(
            self.runtime,
            lambda hall: cc.CheckHeartbeats(hall=hall, actor="system", timeout_s=timeout),
        )

    def run_probe(self, probe: ProbeState) -> None:
        """Check one system; report a change of verdict."""
        up, detail = probe.probe.check()
        verdict = probe.observe(up)
        if verdict is not None:
            log.warning(
                "system %s of %s is %s (%s)",
                probe.system,
                probe.hall,
                "up" if verdict else "down",
                detail,
            )
            self.runtime.bus.handle(
                cc.ReportSystem(
                    hall=probe.hall, actor="system", system=probe.system, up=verdict, detail=detail
                )
            )
