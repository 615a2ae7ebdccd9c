"""Who the duty leader (值班领导) of an incident is, when nobody said (SPEC §7, ledger).

The hall's duty roster (hall file, ``[hall.duty_roster]``: a date or a weekday →
a name) names the leader on duty; without one, the leader who logged in last
during the business day is taken; without that, the console asks.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.adapters import orm
from core.domain.hallday import WEEKDAYS
from core.services.context import Context


def duty_leader(context: Context) -> str:
    """The leader on duty now: the roster's, or the last leader to log in today; "" if none."""
    return duty_leader_of(context.uow.session, context.hall, context.day.business_day)


def duty_leader_of(session: Session, hall: orm.Hall, day: date) -> str:
    """The leader on duty on `day`: the roster's, or the last leader to log in that day;
    "" if none."""
    roster = (hall.settings or {}).get("duty_roster", {})
    named = roster.get(day.isoformat()) or roster.get(WEEKDAYS[day.weekday()])
    if named:
        return str(named)
    zone = ZoneInfo(hall.timezone)
    since = datetime.combine(day, time(), tzinfo=zone)
    until = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
    row = session.execute(
        select(orm.Staff.username, orm.Staff.display_name)
        .join(orm.AuditEntry, orm.AuditEntry.actor == "staff:" + orm.Staff.username)
        .where(
            orm.AuditEntry.action == "login",
            orm.AuditEntry.at >= since,
            orm.AuditEntry.at < until,
            orm.Staff.role == "leader",
            (orm.Staff.hall_id == hall.id) | orm.Staff.hall_id.is_(None),
        )
        .order_by(orm.AuditEntry.at.desc(), orm.AuditEntry.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return ""
    username, display_name = row
    return str(display_name or username)
