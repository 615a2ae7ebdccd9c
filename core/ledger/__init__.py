"""The incident ledger (突发事件应急处置登记台帐, SPEC §7): its rows, an XLSX and a printable page.

The columns and their words are the bureau's own form, so the text here is
Chinese whatever the reader's language: it is a government record, not screen
text, and does not go through the translation catalogs.

Personal data (SPEC §10): a row holds what the form asks — the incident's own
text and the people handling it (steps' actors, duty leader, who registered
it) — and nothing joined from tickets, registers or the SMS outbox.

The XLSX (`core.ledger.xlsx`, openpyxl) and the printable page
(`core.ledger.page`, a plain Jinja2 environment on ``core/templates``, usable
without an app) are separate modules, loaded by the views that need them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core.adapters import orm
from core.domain.continuity import IncidentKind, Level, System
from core.domain.errors import InvalidInput

TITLE = "突发事件应急处置登记台帐"
ONGOING = "处置中"
AUTO_REGISTRAR = "系统自动登记"
SYSTEM = "系统"
NO_INCIDENTS = "本期间无突发事件。"


@dataclass(frozen=True)
class Column:
    """A column of the form: `key` names it in code and CSS, `width` in XLSX characters."""

    key: str
    title: str
    width: float


COLUMNS = (
    Column("serial", "序号", 6),
    Column("number", "事件编号", 15),
    Column("started", "发生时间", 17),
    Column("ended", "结束时间", 17),
    Column("place", "发生地点", 16),
    Column("kind", "事件类型", 13),
    Column("level", "事件等级", 9),
    Column("description", "事件描述", 34),
    Column("steps", "处置过程", 46),
    Column("result", "处置结果", 32),
    Column("leader", "值班领导", 10),
    Column("registrar", "登记人", 12),
)

# StrEnum keys: a stored code looks its name up directly; an unknown one shows as stored.
KIND_NAMES: dict[str, str] = {
    IncidentKind.POWER: "电力故障",
    IncidentKind.EQUIPMENT: "设备故障",
    IncidentKind.NETWORK: "网络故障",
    IncidentKind.APPLICATION: "应用系统问题",
    IncidentKind.CONFLICT: "语言肢体冲突",
    IncidentKind.PUBLIC_OPINION: "涉税舆情",
    IncidentKind.OTHER: "其他突发事件",
}
LEVEL_NAMES: dict[str, str] = {
    Level.GENERAL: "一般",
    Level.LARGER: "较大",
    Level.MAJOR: "重大",
    Level.EXTREME: "特别重大",
}
RULE_WORDS = {
    "etax_only_next_workday": "顺延至故障排除后的下一个工作日",
    "both_under_3_days_plus_1": "不足3日，顺延1个工作日",
    "both_3_days_or_more_plus_3": "持续3日及以上，顺延3个工作日",
}


def _date_zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _moment(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class LedgerPeriod:
    """The days a ledger covers, both ends included and either open; hall-local dates."""

    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise InvalidInput("request.invalid", field="to", problem="out_of_range")

    @classmethod
    def parse(cls, start: str | None, end: str | None) -> LedgerPeriod:
        """A period from ``YYYY-MM-DD`` strings (``?from=&to=``); blank means open.

        Raises `InvalidInput` (``request.invalid``, field ``from`` or ``to``).
        """
        days: dict[str, date | None] = {}
        for field, text in (("from", start), ("to", end)):
            try:
                days[field] = date.fromisoformat(text.strip()) if text and text.strip() else None
            except ValueError:
                raise InvalidInput("request.invalid", field=field, problem="invalid") from None
        return cls(days["from"], days["to"])

    @property
    def label(self) -> str:
        """The period as the title row says it, e.g. ``2026年11月1日至2026年11月30日``."""
        if self.start and self.end:
            return f"{_date_zh(self.start)}至{_date_zh(self.end)}"
        if self.start:
            return f"{_date_zh(self.start)}起"
        if self.end:
            return f"截至{_date_zh(self.end)}"
        return "全部"

    @property
    def slug(self) -> str:
        """The period in a file name: ``20261101-20261130``, ``all`` when open at both ends."""
        if not (self.start or self.end):
            return "all"
        start = self.start.strftime("%Y%m%d") if self.start else ""
        end = self.end.strftime("%Y%m%d") if self.end else ""
        return f"{start}-{end}"


@dataclass(frozen=True)
class LedgerStep:
    """A handling step in hall-local time."""

    at: datetime
    actor: str
    text: str

    def line(self, incident_day: date) -> str:
        """``HH:MM 张三：……``; the date goes in front when the step is on a later day."""
        when = self.at.strftime("%H:%M" if self.at.date() == incident_day else "%m-%d %H:%M")
        text = " ".join(self.text.split())
        return f"{when} {self.actor}：{text}" if self.actor else f"{when} {text}"


@dataclass(frozen=True)
class LedgerRow:
    """One incident as the ledger shows it; times are hall-local, `ended_at` None while open."""

    serial: int
    number: str
    started_at: datetime
    ended_at: datetime | None
    place: str
    kind: str
    level: str
    description: str
    steps: tuple[LedgerStep, ...]
    result: str
    extension: str
    duty_leader: str
    registered_by: str

    @property
    def ongoing(self) -> bool:
        """Still open: the end time reads 处置中."""
        return self.ended_at is None

    def steps_text(self) -> str:
        """处置过程: one step a line."""
        return "\n".join(step.line(self.started_at.date()) for step in self.steps)

    def result_text(self) -> str:
        """处置结果: the result, then the filing-deadline extension if the incident earned one."""
        return "\n".join(part for part in (self.result, self.extension) if part)

    def cells(self) -> tuple[str, ...]:
        """The row's text in the order of `COLUMNS`."""
        return (
            str(self.serial),
            self.number,
            _moment(self.started_at),
            _moment(self.ended_at) if self.ended_at else ONGOING,
            self.place,
            self.kind,
            self.level,
            self.description,
            self.steps_text(),
            self.result_text(),
            self.duty_leader,
            self.registered_by,
        )


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def extension_text(extension: Mapping[str, Any] | None, systems: Iterable[str]) -> str:
    """An incident's filing-deadline extension in words, or "" when it has none.

    e.g. ``申报期限延长至2026年12月16日（电子税务局与核心征管系统均故障，不足3日，顺延1个工作日）``;
    a provisional one (the outage is still open) says 暂定.
    """
    extended = _as_date((extension or {}).get("extended"))
    if extension is None or extended is None:
        return ""
    rule = extension.get("rule")
    reasons: list[str] = []
    if rule == "etax_only_next_workday":
        reasons.append("电子税务局故障、核心征管系统正常")
    elif rule in RULE_WORDS:
        both = System.ETAX in set(systems)
        reasons.append("电子税务局与核心征管系统均故障" if both else "核心征管系统故障")
    if rule in RULE_WORDS:
        reasons.append(RULE_WORDS[rule])
    if extension.get("provisional"):
        reasons.append("故障尚未排除，结束后重新计算")
    verb = "暂定延长至" if extension.get("provisional") else "延长至"
    details = f"（{'，'.join(reasons)}）" if reasons else ""
    return f"申报期限{verb}{_date_zh(extended)}{details}"


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


def _incidents_query(hall: orm.Hall, period: LedgerPeriod, zone: ZoneInfo) -> Select[Any]:
    query = select(orm.Incident).where(orm.Incident.hall_id == hall.id)
    if period.start:
        query = query.where(orm.Incident.started_at >= _midnight(period.start, zone))
    if period.end:
        next_day = _midnight(period.end + timedelta(days=1), zone)
        query = query.where(orm.Incident.started_at < next_day)
    return query


def min_device_minutes(hall: orm.Hall) -> float:
    """The hall's threshold below which a device failure is a blip, not a ledger row."""
    return float((hall.settings or {}).get("ledger", {}).get("min_device_minutes", 2))


def _blips(session: Session, incidents: Iterable[orm.Incident], minimum: timedelta) -> set[int]:
    """Single devices' failures that detection opened and recovery closed within `minimum`,
    with nobody recording a step: a person who handled one made it a ledger row."""
    quick = {
        incident.id
        for incident in incidents
        if incident.source == "auto"
        and (incident.auto_key or "").startswith("device:")
        and incident.ended_at is not None
        and incident.ended_at - incident.started_at < minimum
    }
    if not quick:
        return quick
    handled = session.scalars(
        select(orm.IncidentStep.incident_id).where(
            orm.IncidentStep.incident_id.in_(quick), orm.IncidentStep.actor != "system"
        )
    )
    return quick - set(handled)


def short_failures_note(
    session: Session, hall: orm.Hall, *, start: date | None, end: date | None
) -> str:
    """The ledger's closing line on device blips left out of it, or "" when there were none."""
    zone = ZoneInfo(hall.timezone)
    minutes = min_device_minutes(hall)
    minimum = timedelta(minutes=minutes)
    incidents = session.scalars(_incidents_query(hall, LedgerPeriod(start, end), zone)).all()
    count = len(_blips(session, incidents, minimum))
    if not count:
        return ""
    return f"另有{count}次设备短暂故障（每次不足{minutes:g}分钟，已自动恢复），不逐条登记。"


def ledger_rows(
    session: Session, hall: orm.Hall, *, start: date | None, end: date | None
) -> list[LedgerRow]:
    """Every incident of `hall`, open or ended, that started within `start`…`end`, oldest first
    — but a device's blip nobody handled (`short_failures_note`).

    The dates are the hall's local days, both included; None leaves that end
    open. Raises `InvalidInput` when `start` is after `end`.
    """
    zone = ZoneInfo(hall.timezone)
    query = _incidents_query(hall, LedgerPeriod(start, end), zone)
    found = session.scalars(query.order_by(orm.Incident.started_at, orm.Incident.id)).all()
    blips = _blips(session, found, timedelta(minutes=min_device_minutes(hall)))
    incidents = [incident for incident in found if incident.id not in blips]
    ids = query.with_only_columns(orm.Incident.id)
    steps: dict[int, list[LedgerStep]] = defaultdict(list)
    step_rows = session.scalars(
        select(orm.IncidentStep)
        .where(orm.IncidentStep.incident_id.in_(ids))
        .order_by(orm.IncidentStep.at, orm.IncidentStep.id)
    )
    name = _people(session)
    for step in step_rows:
        steps[step.incident_id].append(
            LedgerStep(step.at.astimezone(zone), name(step.actor), step.text)
        )
    return [
        LedgerRow(
            serial=serial,
            number=incident.number,
            started_at=incident.started_at.astimezone(zone),
            ended_at=incident.ended_at.astimezone(zone) if incident.ended_at else None,
            place=incident.place or hall.name_zh,
            kind=KIND_NAMES.get(incident.kind, incident.kind),
            level=LEVEL_NAMES.get(incident.level, incident.level),
            description=incident.description,
            steps=tuple(steps[incident.id]),
            result=incident.result,
            extension=extension_text(incident.extension, incident.systems or ()),
            duty_leader=incident.duty_leader,
            registered_by=AUTO_REGISTRAR
            if incident.source == "auto"
            else name(incident.reported_by),
        )
        for serial, incident in enumerate(incidents, start=1)
    ]


def _people(session: Session) -> Callable[[str], str]:
    """Names a principal as the form shows people: ``staff:wang`` → 王五 (the account's
    display name, else its username), ``system`` → 系统."""
    staff = session.execute(select(orm.Staff.username, orm.Staff.display_name))
    names = {username: display_name for username, display_name in staff}

    def name(actor: str) -> str:
        kind, _, who = actor.partition(":")
        if kind == "system":
            return SYSTEM
        return (names.get(who) or who) if kind == "staff" and who else actor

    return name


def ledger_filename(hall_code: str, period: LedgerPeriod, suffix: str = "xlsx") -> str:
    """``突发事件应急处置登记台帐-demo-20261101-20261130.xlsx``."""
    return f"{TITLE}-{hall_code}-{period.slug}.{suffix}"
