"""`hallq doctor`: what the IT staff check before they call anyone — and what they do.

Each check looks at one thing a hall depends on and says, Chinese first, what it found
and, when something is off, why it matters and what to do: the database reachable and
at this code's schema, disk space, the clock kept by NTP, a hub running, each printer's
last state, the screens last seen, the tax systems' probes, the voice clips, the SMS and
rating-upload senders, Redis for several hub processes, the last backup. A ``FAIL`` is
something wrong now (the command exits 1); a ``WARN`` is worth a look.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from core import migrate
from core.adapters import orm
from core.adapters.db import Database
from core.adapters.delivery import log_or_http
from core.config import Settings
from core.domain.continuity import STATUS_WORDS, device_failed
from core.hub.health import HUB_BEAT_S


class Level(StrEnum):
    OK = "正常 OK"
    WARN = "注意 WARN"
    FAIL = "故障 FAIL"


@dataclass(frozen=True)
class Finding:
    """One thing checked: what, how it is, and (when not OK) what to do."""

    level: Level
    topic: str
    said: str
    todo: str = ""


def ok(topic: str, said: str) -> Finding:
    return Finding(Level.OK, topic, said)


def warn(topic: str, said: str, todo: str = "") -> Finding:
    return Finding(Level.WARN, topic, said, todo)


def fail(topic: str, said: str, todo: str = "") -> Finding:
    return Finding(Level.FAIL, topic, said, todo)


GIB = 2**30
LOW_DISK = 2 * GIB
FULL_DISK = GIB // 2
BACKUP_OVERDUE = timedelta(days=2)


def examine(
    settings: Settings, now: datetime, synced: Callable[[], bool | None] | None = None
) -> list[Finding]:
    """Every check, in the order the IT staff read them. `synced`: whether NTP keeps the
    clock (default: the kernel's word, as timedatectl reads it)."""
    findings = [database_finding(settings)]
    findings += [disk_finding(settings.var_dir), clock_finding(now, (synced or ntp_synced)())]
    if findings[0].level is not Level.FAIL:
        database = Database(settings.database_url)
        try:
            with database.read_session() as session:
                findings.append(hub_finding(session, now))
                findings += list(printer_findings(session, now))
                findings += list(screen_findings(session, now, settings.device_timeout_s))
                findings += list(probe_findings(session))
                findings += list(outbox_findings(session, now))
        finally:
            database.dispose()
    findings.append(voice_finding(settings.var_dir / "voice"))
    findings += [
        sender_finding(
            "短信 / SMS",
            "sms_sender",
            settings.sms_sender,
            settings.sms_http_url,
            settings.sms_http_template,
        ),
        sender_finding(
            "好差评上传 / ratings upload",
            "upload_sender",
            settings.upload_sender,
            settings.upload_http_url,
            settings.upload_http_template,
        ),
    ]
    findings += [redis_finding(settings.message_queue), backup_finding(settings, now)]
    return findings


def database_finding(settings: Settings) -> Finding:
    topic = "数据库 / database"
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    if settings.sqlite_path is not None and not settings.sqlite_path.exists():
        return fail(
            topic,
            f"没有数据库文件 / no database at {settings.sqlite_path}",
            "检查 HALLQ_DATABASE_URL / check HALLQ_DATABASE_URL in /etc/hallq/hallq.env "
            "(install.sh creates the database)",
        )
    try:
        standing, found, head = migrate.schema(settings.database_url)
    except SQLAlchemyError as error:
        reason = str(error.orig if hasattr(error, "orig") else error).strip().splitlines()[0]
        return fail(
            topic,
            f"无法连接 / cannot reach {shown}: {reason}",
            "数据库是否在运行？/ is the database server running? "
            "systemctl status postgresql; the address and password in HALLQ_DATABASE_URL",
        )
    if standing is migrate.Schema.CURRENT:
        return ok(topic, f"{shown}: 可连接，结构为最新 / reachable, schema {head}")
    if standing is migrate.Schema.BEHIND:
        return warn(
            topic,
            f"{shown}: 结构待升级 / schema {found or 'none'}, this HallQ's is {head}",
            "重启服务即升级 / the hub migrates at start: systemctl restart hallq",
        )
    return fail(
        topic,
        f"{shown}: 结构来自更新版本 / schema {found}, newer than this HallQ ({head})",
        "回退后请恢复升级前的备份 / after a rollback restore the backup taken before the "
        "upgrade (docs/OPERATIONS.md)",
    )


def disk_finding(var_dir: Path) -> Finding:
    topic = "磁盘 / disk"
    place = next(path for path in (var_dir, *var_dir.resolve().parents) if path.exists())
    usage = shutil.disk_usage(place)
    said = f"{usage.free / GIB:.1f} GiB 可用 / free of {usage.total / GIB:.1f} GiB at {place}"
    todo = "清理磁盘，或把旧备份移走 / free space, or move old backups off the server"
    if usage.free < FULL_DISK:
        return fail(topic, f"{said}: 即将写满，新号票会失败 / nearly full: tickets will fail", todo)
    if usage.free < LOW_DISK:
        return warn(topic, said, todo)
    return ok(topic, said)


def clock_finding(now: datetime, synced: bool | None) -> Finding:
    topic = "时钟 / clock"
    said = f"{now.astimezone():%Y-%m-%d %H:%M:%S %Z}"
    why = (
        "时钟偏差会打乱申报期限和短信免打扰时段 / a clock 5 minutes off breaks the filing "
        "deadlines, the SMS quiet hours and the waits on the screens"
    )
    todo = (
        "timedatectl set-ntp true, and the hall's NTP server in /etc/systemd/timesyncd.conf (NTP=…)"
    )
    if synced is None:
        return warn(
            topic, f"{said}: 无法判断是否与 NTP 同步 / cannot tell whether NTP keeps it", todo
        )
    if not synced:
        return fail(topic, f"{said}: 未与 NTP 同步 / not kept by NTP; {why}", todo)
    return ok(topic, f"{said}: 与 NTP 同步 / kept by NTP")


class _Timex(ctypes.Structure):
    """The kernel's `struct timex` (adjtimex(2)), up to the fields read here."""

    _fields_ = [
        ("modes", ctypes.c_uint),
        ("offset", ctypes.c_long),
        ("freq", ctypes.c_long),
        ("maxerror", ctypes.c_long),
        ("esterror", ctypes.c_long),
        ("status", ctypes.c_int),
        ("rest", ctypes.c_long * 32),
    ]


def ntp_synced() -> bool | None:
    """Whether NTP keeps the system clock, by systemd's rule (what `timedatectl` shows as
    'System clock synchronized'): the kernel's maximum error is below 16 s. None: unknown."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        state = _Timex()
        if libc.adjtimex(ctypes.byref(state)) < 0:
            return None
    except (OSError, AttributeError):
        return None
    return bool(state.maxerror < 16_000_000)


def hub_finding(session: Session, now: datetime) -> Finding:
    topic = "服务 / hub"
    alive = session.scalars(
        select(orm.HubRun).where(
            orm.HubRun.stopped_at.is_(None),
            orm.HubRun.last_beat_at >= now - timedelta(seconds=3 * HUB_BEAT_S),
        )
    ).all()
    if not alive:
        return fail(
            topic,
            "没有在运行的服务 / no hub is running: screens show their offline view",
            "systemctl start hallq; journalctl -u hallq -n 50",
        )
    names = ", ".join(
        f"{run.hub} (since {run.started_at.astimezone():%m-%d %H:%M})" for run in alive
    )
    return ok(topic, f"运行中 / running: {names}")


def printer_findings(session: Session, now: datetime) -> Iterator[Finding]:
    printers = session.scalars(
        select(orm.Device).where(orm.Device.kind == "printer").order_by(orm.Device.id)
    )
    for printer in printers:
        topic = f"打印机 / printer {printer.name or printer.id}"
        seen = _ago(printer.last_seen_at, now)
        words = STATUS_WORDS.get(printer.status, printer.status)
        said = f"{words} / {printer.status} ({seen})"
        if printer.status == "ready":
            yield ok(topic, f"正常 / ready ({seen})")
        elif device_failed(printer.kind, printer.status):
            yield fail(topic, said, _PRINTER_TODO.get(printer.status, _PRINTER_TODO["offline"]))
        elif printer.status == "paper_near_end":
            yield warn(topic, said, _PRINTER_TODO["paper_out"])
        else:
            yield warn(
                topic,
                f"尚无状态 / no state reported yet ({seen})",
                "USB 打印机请检查取号机上的 hallq-print-agent / a USB printer: check "
                "hallq-print-agent on its kiosk PC",
            )


_PRINTER_TODO = {
    "paper_out": "换纸 / load a new roll (80 mm thermal); tickets show on screen meanwhile",
    "cover_open": "关好机盖 / close the printer's cover",
    "offline": "检查电源和网线 / check its power and cable, then its address in the hall file",
    "not_responding": "重启打印机 / switch the printer off and on; check its cable",
}


def screen_findings(session: Session, now: datetime, timeout_s: float) -> Iterator[Finding]:
    screens = session.scalars(
        select(orm.Device)
        .where(orm.Device.kind.not_in(("printer", "booking_platform")))
        .order_by(orm.Device.id)
    ).all()
    never = [device.id for device in screens if device.last_seen_at is None]
    failed = [device for device in screens if device_failed(device.kind, device.status)]
    quiet = [
        device.id
        for device in screens
        if device.last_seen_at is not None
        and now - device.last_seen_at > timedelta(seconds=timeout_s)
        and device not in failed
    ]
    topic = "屏幕 / screens"
    if failed:
        names = ", ".join(f"{d.name or d.id} ({_ago(d.last_seen_at, now)})" for d in failed)
        yield fail(
            topic,
            f"离线 / failed: {names}",
            "检查这些电脑的电源和网络 / check those PCs' power and network; "
            "their browser restarts by itself (hallq-kiosk-browser / hallq-display)",
        )
    if never:
        yield warn(
            topic,
            f"从未连接 / never connected: {', '.join(never)}",
            "在设备上打开注册链接 / open its enrolment link on it: hallq device enrol ID",
        )
    if quiet:
        yield warn(topic, f"近期未见 / not seen for {timeout_s:g} s: {', '.join(quiet)}")
    if not (failed or never or quiet):
        yield ok(topic, f"{len(screens)} 台均在线 / all {len(screens)} seen within {timeout_s:g} s")


def probe_findings(session: Session) -> Iterator[Finding]:
    halls = session.scalars(select(orm.Hall).order_by(orm.Hall.code)).all()
    statuses = {(row.hall_id, row.system): row for row in session.scalars(select(orm.SystemStatus))}
    for hall in halls:
        probes = (hall.settings or {}).get("probes", [])
        topic = f"税务系统探测 / probes ({hall.code})"
        if not probes:
            yield warn(
                topic,
                "未配置 / none configured: outages are declared by hand only",
                "在大厅文件里配置 [[hall.probes]] / add [[hall.probes]] to the hall file",
            )
            continue
        for probe in probes:
            system = str(probe["system"])
            row = statuses.get((hall.id, system))
            said = f"{system} {probe.get('url', '')}"
            if row is None or row.status == "unknown":
                yield warn(topic, f"{said}: 尚无结果 / no result yet (is the hub running?)")
            elif row.status == "down":
                yield fail(
                    topic,
                    f"{said}: 不可用 / down since {row.checked_at and row.checked_at.astimezone():%m-%d %H:%M} "
                    f"({row.detail})",
                    "大厅已按应急预案运行 / the hall runs its emergency plan; tell the bureau's IT",
                )
            else:
                yield ok(topic, f"{said}: 正常 / up")


def outbox_findings(session: Session, now: datetime) -> Iterator[Finding]:
    since = now - timedelta(days=1)
    for model, topic in (
        (orm.SmsMessage, "短信 / SMS"),
        (orm.RatingUpload, "好差评上传 / ratings upload"),
    ):
        failed = session.scalar(
            select(func.count())
            .select_from(model)
            .where(model.state == "failed", model.created_at >= since)
        )
        if failed:
            yield warn(topic, f"近 24 小时 {failed} 条发送失败 / {failed} failed in 24 hours")


def voice_finding(folder: Path) -> Finding:
    from display.voice import CLIP_NAMES  # the phrase table only: no espeak-ng needed

    topic = "语音 / voice"
    todo = f"hallq voice build --out {folder}"
    try:
        clips = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["clips"]
    except (OSError, ValueError, KeyError):
        return fail(topic, f"没有语音文件 / no voice clips in {folder}: calls are silent", todo)
    missing = [
        name
        for name in CLIP_NAMES
        if name not in clips or not (folder / str(clips[name]["file"])).is_file()
    ]
    if missing:
        return fail(
            topic, f"缺少 {len(missing)} 个语音 / missing clips: {', '.join(missing[:8])}", todo
        )
    return ok(topic, f"{len(CLIP_NAMES)} 个语音齐全 / all {len(CLIP_NAMES)} clips in {folder}")


def sender_finding(
    topic: str, setting: str, kind: str, url: str | None, template: str | None
) -> Finding:
    """An outbox's sender by the rule the hub starts it with (`log_or_http`)."""
    variable = f"HALLQ_{setting.removesuffix('_sender').upper()}"
    try:
        target = log_or_http(
            kind,
            setting,
            log=lambda: None,
            http=lambda http_url, _: http_url,
            http_url=url,
            http_template=template,
        )
    except ValueError as error:
        return fail(
            topic,
            f"设置有误 / {error}",
            "在 /etc/hallq/hallq.env 改正 / fix it in /etc/hallq/hallq.env",
        )
    if target is None:
        return warn(
            topic,
            f"只写入日志，不会真正发送 / written to a log file ({kind}), not sent",
            f"{variable}_SENDER=http, {variable}_HTTP_URL and {variable}_HTTP_TEMPLATE "
            "in /etc/hallq/hallq.env",
        )
    return ok(topic, f"发往 / sent to {target}")


def redis_finding(url: str | None) -> Finding:
    topic = "Redis"
    if not url:
        return ok(topic, "未使用（单个服务进程）/ not used: one hub process")
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return fail(
            topic,
            f"无法连接 / cannot reach {url}: {error}",
            "多个服务进程靠它互通 / several hubs talk through it: systemctl status redis-server",
        )
    return ok(topic, f"可连接 / reachable at {url}")


def backup_finding(settings: Settings, now: datetime) -> Finding:
    topic = "备份 / backups"
    if settings.sqlite_path is None:
        return warn(
            topic, "PostgreSQL: 请用 pg_dump 备份 / back up with pg_dump (docs/OPERATIONS.md)"
        )
    found = sorted(settings.backups.glob("hallq-*.db"), key=lambda path: path.stat().st_mtime)
    todo = "systemctl status hallq-backup.timer; hallq backup"
    if not found:
        return warn(topic, f"还没有备份 / no backup yet in {settings.backups}", todo)
    newest = found[-1]
    taken = datetime.fromtimestamp(newest.stat().st_mtime, now.tzinfo)
    said = f"最近一次 / newest: {newest.name} ({_ago(taken, now)}), {len(found)} kept"
    if now - taken > BACKUP_OVERDUE:
        return warn(topic, said, todo)
    return ok(topic, said)


def _ago(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "从未 / never seen"
    seconds = int((now - moment).total_seconds())
    if seconds < 120:
        return f"{seconds} 秒前 / {seconds} s ago"
    if seconds < 7200:
        return f"{seconds // 60} 分钟前 / {seconds // 60} min ago"
    if seconds < 172800:
        return f"{seconds // 3600} 小时前 / {seconds // 3600} h ago"
    return f"{seconds // 86400} 天前 / {seconds // 86400} days ago"


def render(findings: list[Finding]) -> str:
    lines = []
    for finding in findings:
        lines.append(f"[{finding.level}] {finding.topic}: {finding.said}")
        if finding.todo:
            lines.append(f"        → {finding.todo}")
    failed = sum(finding.level is Level.FAIL for finding in findings)
    warned = sum(finding.level is Level.WARN for finding in findings)
    lines.append("")
    lines.append(
        f"{failed} 项故障，{warned} 项需注意 / {failed} failing, {warned} to look at"
        if failed or warned
        else "一切正常 / all well"
    )
    return "\n".join(lines)
