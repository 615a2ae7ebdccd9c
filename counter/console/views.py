"""The console's routes: the page and the incident ledger (XLSX and printable).

Thin: check who asks, gather what to show, render. The page itself acts
through the HTTP API and follows the hall on ``/console``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from flask import Response, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from core import ledger
from core.api.ratings import period as rating_period
from core.api.registry import parse_query
from core.api.reports import ReportQuery, period_and_scope
from core.domain.errors import InvalidInput
from core.domain.hallday import business_day
from core.domain.reports import Period
from core.messages import message_for
from core.runtime import runtime
from core.services import auditing, ratings
from core.services import views as read
from core.services.access import Role
from core.services.duty import duty_leader_of
from core.services.reports import exports, figures
from core.services.reports.figures import Scope
from counter.console import bp, pages

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("")
def console_page() -> ResponseReturnValue:
    """The duty leader's console: leaders and administrators."""
    principal = pages.leader()
    return render_template("console/console.html", config=pages.console_config(principal))


@bp.get("/ratings")
def ratings_page() -> ResponseReturnValue:
    """Service ratings (好差评): today live, the 差评 work orders, the figures."""
    principal = pages.leader()
    return render_template("console/ratings.html", config=pages.ratings_config(principal))


@bp.get("/ratings.xlsx")
def ratings_download() -> ResponseReturnValue:
    """好差评 of a period (``?from=&to=``) in the bureau's shape: one row per service to
    rate, a summary per clerk and one per service."""
    from core.reports.ratings import ratings_xlsx  # openpyxl: loaded for the download only

    principal = pages.leader()
    now = runtime().clock.now()
    with runtime().db.read_session() as session:
        hall = read.hall_by_code(session, pages.hall_of(principal))
        start, end = rating_period(hall)
        summary = {
            by: [*figures["lines"], {**figures["total"], "name": "合计"}]
            for by in ("clerk", "service")
            for figures in [ratings.figures(session, hall, start, end, by, now)]
        }
        body = ratings_xlsx(
            hall.name_zh,
            f"{start.isoformat()} 至 {end.isoformat()}",
            ratings.details(session, hall, start, end, now),
            summary["clerk"],
            summary["service"],
        )
        name = f"hallq-ratings-{hall.code}-{start.isoformat()}-{end.isoformat()}.xlsx"
    response = send_file(io.BytesIO(body), mimetype=XLSX, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/appointments")
def appointments_page() -> ResponseReturnValue:
    """Bookings (预约办税): a day's, closing a day, a taxpayer's with their block."""
    principal = pages.leader()
    return render_template("console/appointments.html", config=pages.appointments_config(principal))


@bp.get("/reports")
def reports_page() -> ResponseReturnValue:
    """Reports (统计): a period's figures, for the hall or one service, window or clerk."""
    principal = pages.leader()
    return render_template("console/reports.html", config=pages.reports_config(principal))


@bp.get("/wall")
def wall_page() -> ResponseReturnValue:
    """The leader's live wall for the office TV (1920×1080): queues, windows, today against
    last week, alerts."""
    principal = pages.leader()
    return render_template("console/wall.html", config=pages.wall_config(principal))


def _report_query() -> tuple[Period, Scope, str]:
    """The period and scope of ``?period=&from=&to=&service=&window=&clerk=`` (as the API
    reads them) and the leader's hall."""
    principal = pages.leader()
    period, scope = period_and_scope(parse_query(ReportQuery))
    return period, scope, pages.hall_of(principal)


@bp.get("/reports.xlsx")
def report_download() -> ResponseReturnValue:
    """The report of a period as a workbook: a sheet per view, every figure a number."""
    from core.reports.hall import report_xlsx  # openpyxl: loaded for the download only

    period, scope, code = _report_query()
    rt, now = runtime(), runtime().clock.now()

    def work() -> bytes:
        with rt.db.long_read() as session:
            hall = read.hall_by_code(session, code)
            report = figures.report(session, hall, period, scope, now)
            return report_xlsx(report, hall.name_zh, f"{period.start} 至 {period.end}")

    body = rt.off_loop(work)
    name = f"hallq-report-{code}-{period.start}-{period.end}.xlsx"
    response = send_file(io.BytesIO(body), mimetype=XLSX, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/reports/tickets.csv")
def tickets_download() -> ResponseReturnValue:
    """Every part of every ticket of the period in the scope, one CSV row each, without a
    personal field (UTF-8 with a byte-order mark, so that Excel reads the Chinese)."""
    period, scope, code = _report_query()
    db = runtime().db

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        out = csv.DictWriter(buffer, [key for key, _ in exports.TICKET_COLUMNS])
        buffer.write("\ufeff")
        out.writerow(dict(exports.TICKET_COLUMNS))
        for row in exports.ticket_rows(db, code, period, scope):
            out.writerow(row)
            if buffer.tell() > 64_000:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    name = f"hallq-tickets-{code}-{period.start}-{period.end}.csv"
    return Response(
        lines(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename={name}",
            "Cache-Control": "no-store",
        },
    )


@bp.get("/reports/day")
def day_sheet() -> ResponseReturnValue:
    """日报: one day on one A4 page for the duty log — the totals, the peak hour, each
    service and clerk, the incidents, the duty leader (``?from=`` the day; today)."""
    principal = pages.leader()
    rt = runtime()
    with rt.db.read_session() as session:
        hall = read.hall_by_code(session, pages.hall_of(principal))
        today = business_day(rt.clock.now(), ZoneInfo(hall.timezone))
        period = Period.of("day", request.args.get("from"), None, today)
        report = figures.report(session, hall, period, Scope(), rt.clock.now())
        incidents = ledger.ledger_rows(session, hall, start=period.start, end=period.end)
        leader = duty_leader_of(session, hall, period.start)
        page = render_template(
            "console/day_sheet.html",
            hall=hall,
            day=period.start,
            report=report,
            peak=max(report["hours"], key=lambda hour: hour["arrivals"], default=None),
            incidents=incidents,
            leader=leader,
            printed_at=rt.clock.now().astimezone(ZoneInfo(hall.timezone)),
        )
    return Response(page, mimetype="text/html", headers={"Cache-Control": "no-store"})


@bp.get("/admin")
def admin_page() -> ResponseReturnValue:
    """The hall's administration (services, windows, the hall file): administrators."""
    principal = pages.administrator()
    return render_template("console/admin.html", config=pages.admin_config(principal))


@bp.get("/admin/audit.xlsx")
def audit_download() -> ResponseReturnValue:
    """The audit log as filtered on the administration page (``?person=&action=&window=&day=``)."""
    principal = pages.administrator()
    wanted = auditing.AuditFilter.parse(dict(request.args))
    headings = [
        gettext("Time"),
        gettext("Who"),
        gettext("Action"),
        gettext("On"),
        gettext("Detail"),
        gettext("Address"),
    ]
    with runtime().db.read_session() as session:
        hall = read.hall_by_code(session, pages.hall_of(principal))
        body = auditing.audit_xlsx(auditing.entries(session, hall, wanted), hall, headings)
        name = f"hallq-audit-{hall.code}-{wanted.day or 'all'}.xlsx"
    response = send_file(io.BytesIO(body), mimetype=XLSX, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response


def _ledger() -> tuple[list[ledger.LedgerRow], str, str, ledger.LedgerPeriod, str]:
    """The ledger rows of ``?from=&to=`` with the hall's code and name, the period and
    the closing note on device blips."""
    principal = pages.leader()
    period = ledger.LedgerPeriod.parse(request.args.get("from"), request.args.get("to"))
    with runtime().db.read_session() as session:
        hall = read.hall_by_code(session, pages.hall_of(principal))
        rows = ledger.ledger_rows(session, hall, start=period.start, end=period.end)
        note = ledger.short_failures_note(session, hall, start=period.start, end=period.end)
        return rows, hall.code, hall.name_zh, period, note


@bp.get("/ledger.xlsx")
def ledger_download() -> ResponseReturnValue:
    """The incident ledger (突发事件应急处置登记台帐) of a period, as the bureau's XLSX form."""
    from core.ledger.xlsx import ledger_xlsx  # openpyxl: loaded for the download only

    rows, code, name, period, note = _ledger()
    response = send_file(
        io.BytesIO(ledger_xlsx(rows, name, period, note)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=ledger.ledger_filename(code, period),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/ledger/print")
def ledger_print() -> ResponseReturnValue:
    """The same ledger as a page to print (A4 landscape)."""
    from core.ledger.page import render_ledger_page

    rows, _, name, period, note = _ledger()
    page = render_ledger_page(
        rows, name, period, stylesheet=url_for("static", filename="ledger-print.css"), note=note
    )
    return Response(page, mimetype="text/html", headers={"Cache-Control": "no-store"})


@bp.errorhandler(pages.LoginNeeded)
def login_needed(error: pages.LoginNeeded) -> ResponseReturnValue:
    """Not logged in: log in, then come back to the same page."""
    return redirect(url_for("web.login", next=str(error)))


@bp.errorhandler(pages.NotAllowed)
def not_allowed(error: pages.NotAllowed) -> ResponseReturnValue:
    """Counter staff, guides and devices have no business on the console, nor a duty
    leader in the hall's administration."""
    if error.needs is Role.ADMIN:
        message = gettext(
            "The hall's administration is for administrators. You are logged in as %(user)s.",
            user=error.principal.name,
        )
    else:
        message = gettext(
            "The duty leader's console is for duty leaders and administrators. "
            "You are logged in as %(user)s.",
            user=error.principal.name,
        )
    return render_template("console/refused.html", message=message, login=True), 403


@bp.errorhandler(InvalidInput)
def bad_period(error: InvalidInput) -> ResponseReturnValue:
    """A ledger period that is not one (a typed date, from after to)."""
    message = message_for(error.code, error.params)
    return render_template("console/refused.html", message=message, login=False), 400
