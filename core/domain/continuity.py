"""Business continuity (SPEC §7): hall modes, incidents, routing, paper tickets.

The hall is always in one mode, set by its open incidents — the most severe
wins. Detection opens incidents by itself (a failed device, every ticket
printer down, a tax system's probe failing) and recovery closes them; staff
can declare any incident by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from core.domain.errors import Conflict, InvalidInput
from core.domain.tickets import format_number


class Mode(StrEnum):
    """The hall's mode; members are listed from least to most severe."""

    NORMAL = "normal"
    DEGRADED = "degraded"
    PAPER = "paper"
    OUTAGE = "outage"

    @property
    def severity(self) -> int:
        return list(Mode).index(self)


class IncidentKind(StrEnum):
    """The seven types of the bureau's incident ledger (突发事件应急处置登记台帐)."""

    POWER = "power"  # 电力故障
    EQUIPMENT = "equipment"  # 设备故障
    NETWORK = "network"  # 网络故障
    APPLICATION = "application"  # 应用系统问题
    CONFLICT = "conflict"  # 语言肢体冲突
    PUBLIC_OPINION = "public_opinion"  # 涉税舆情
    OTHER = "other"  # 其他突发事件


class Level(StrEnum):
    """Incident level, from the emergency plan's four grades (一般 … 特别重大)."""

    GENERAL = "general"  # 一般 (IV)
    LARGER = "larger"  # 较大 (III)
    MAJOR = "major"  # 重大 (II)
    EXTREME = "extreme"  # 特别重大 (I)


class System(StrEnum):
    """Outside systems the hall depends on."""

    BACKOFFICE = "backoffice"  # 核心征管系统 (the tax back-office)
    ETAX = "etax"  # 电子税务局 (the online e-tax system)
    SELF_SERVICE = "self_service"  # 自助办税终端系统


class Route(StrEnum):
    """Where a taxpayer asking for a service is sent."""

    NORMAL = "normal"
    SELF_SERVICE = "self_service"  # 请到自助办税区
    EMERGENCY = "emergency"  # a ticket for the emergency window (应急专窗)


def hall_mode(open_incident_modes: Iterable[Mode]) -> Mode:
    """The mode the hall is in: the most severe of its open incidents' modes."""
    return max(open_incident_modes, key=lambda mode: mode.severity, default=Mode.NORMAL)


def mode_for_systems(systems: Iterable[System]) -> Mode:
    """An incident that takes down the back-office or the e-tax system is an outage.

    The self-service system alone leaves the windows working: the hall only
    stops sending people to the terminals, so the mode stays normal.
    """
    down = set(systems)
    return Mode.OUTAGE if down & {System.BACKOFFICE, System.ETAX} else Mode.NORMAL


PRINTER_FAILURES = frozenset(
    {"paper_out", "cover_open", "offline", "not_responding", "not_acknowledging"}
)
SCREEN_FAILURES = frozenset({"offline"})


STATUS_WORDS = {
    "paper_out": "缺纸",
    "paper_near_end": "纸将用尽",
    "cover_open": "机盖打开",
    "offline": "离线",
    "not_responding": "无响应",
    "not_acknowledging": "打印任务无应答",
    "ok": "正常",
}
"""Device statuses as the incident ledger (a Chinese government form) words them."""


def failure_words(status: str, detail: str = "") -> str:
    """A device's failure for the ledger: ``缺纸``, ``离线（超时无心跳）`` — never the raw
    status bytes or the printer's own text, which stay on the console."""
    words = STATUS_WORDS.get(status, "故障")
    return f"{words}（超时无心跳）" if status == "offline" and detail == NO_HEARTBEAT else words


NO_HEARTBEAT = "no heartbeat"
"""The status detail of a device that went silent (the console shows it as it is)."""


def device_failed(kind: str, status: str) -> bool:
    """Whether a device in `status` counts as failed (SPEC §7, detection).

    A printer that is merely near the end of its paper still prints: the
    console warns, nothing else changes.
    """
    if kind == "printer":
        return status in PRINTER_FAILURES
    return status in SCREEN_FAILURES


@dataclass(frozen=True)
class ServiceRouting:
    """What routing needs to know of a service."""

    code: str
    affected_by: frozenset[System]
    self_service: bool


def route_for(service: ServiceRouting, systems_down: Iterable[System]) -> Route:
    """Where to send someone asking for `service` while `systems_down` are down.

    An affected service goes to the self-service area when it can be done
    there and the self-service system is up; otherwise to the emergency
    window, which pre-reviews documents and fills the registers.
    """
    down = set(systems_down)
    if not service.affected_by & down:
        return Route.NORMAL
    if service.self_service and System.SELF_SERVICE not in down:
        return Route.SELF_SERVICE
    return Route.EMERGENCY


@dataclass(frozen=True)
class PaperRange:
    """Paper tickets of one service registered at the guide desk: `first`…`last` inclusive."""

    first: int
    last: int

    def __post_init__(self) -> None:
        if self.first < 1 or self.last < self.first:
            raise InvalidInput("paper.range", field="last", first=self.first, last=self.last)

    def __contains__(self, sequence: object) -> bool:
        return isinstance(sequence, int) and self.first <= sequence <= self.last

    def overlaps(self, other: PaperRange) -> bool:
        return self.first <= other.last and other.first <= self.last

    def __len__(self) -> int:
        return self.last - self.first + 1


MAX_PAPER_RANGE = 200
"""A guide hands out a stack, not a day: a larger range is a typo."""


def check_paper_range(
    candidate: PaperRange, issued: Iterable[int], registered: Iterable[PaperRange], prefix: str
) -> None:
    """Refuse a range that overlaps a number already issued today or another range."""
    if len(candidate) > MAX_PAPER_RANGE:
        raise InvalidInput("paper.too_many", field="last", maximum=MAX_PAPER_RANGE)
    for other in registered:
        if candidate.overlaps(other):
            raise Conflict(
                "paper.overlaps",
                first=format_number(prefix, other.first),
                last=format_number(prefix, other.last),
            )
    clash = sorted(sequence for sequence in issued if sequence in candidate)
    if clash:
        raise Conflict("paper.already_issued", first=format_number(prefix, clash[0]))


def next_electronic(last: int, reserved: Iterable[PaperRange]) -> int:
    """The next electronic sequence after `last`, skipping numbers reserved on paper."""
    candidate = last + 1
    ranges = sorted(reserved, key=lambda paper: paper.first)
    moved = True
    while moved:
        moved = False
        for paper in ranges:
            if candidate in paper:
                candidate = paper.last + 1
                moved = True
    return candidate
