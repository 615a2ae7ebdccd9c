"""How fast the reports are on a year of a busy hall: a generated history, its rollup, and
the time of each report — in process and through a real hub — and what a report does to
the hub's commands meanwhile.

    .venv/bin/python bench/reports.py                      # 300 days × 2,000 tickets, both
    .venv/bin/python bench/reports.py --days 20 --only sqlite   # a first look
    .venv/bin/python bench/reports.py --keep /tmp/year     # keep the SQLite file to look at
    .venv/bin/python bench/reports.py --keep /tmp/year --reuse --only sqlite   # time it again

It never fails on a timing: it prints what it measured (see docs/PERFORMANCE.md for the
machine and the figures). PostgreSQL comes from HALLQ_TEST_POSTGRES_URL (default
postgresql+psycopg2://postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.adapters import orm  # noqa: E402
from core.adapters.db import Database  # noqa: E402
from core.demo.history import write_history  # noqa: E402
from core.domain.reports import Period  # noqa: E402
from core.halls import calendar_for  # noqa: E402
from core.services import access  # noqa: E402
from core.services.reports import figures, rollup  # noqa: E402
from tests.support.databases import PostgresTemplate, SqliteTemplate, Tokens  # noqa: E402
from tests.support.hub import HubProcess  # noqa: E402

CLERKS = {number: f"window{number}" for number in range(1, 8)}
REPEAT = 5


def first_day(db: Database, today: date, days: int) -> date:
    """The day `days` working days before `today` (the hall's calendar)."""
    with db.read_session() as session:
        calendar = calendar_for(session.scalars(select(orm.Hall)).one())
    day, found = today, 0
    while found < days:
        day -= timedelta(days=1)
        found += calendar.is_workday(day)
    return day


def generate(db: Database, today: date, days: int, per_day: int) -> tuple[int, int, float]:
    """The history from `days` working days ago through today; (tickets, events, seconds)."""
    start = first_day(db, today, days)
    tickets = events = 0
    began = time.perf_counter()
    day = start
    while day <= today:
        last = min(day + timedelta(days=13), today)
        with db.writing() as session, session.begin():
            hall = session.scalars(select(orm.Hall)).one()
            past = write_history(session, hall, day, last, per_day=per_day, clerks=CLERKS)
            hall.business_day = today
        tickets, events = tickets + past.tickets, events + past.events
        print(f"  … {last}: {tickets:,} tickets, {events:,} events", flush=True)
        day = last + timedelta(days=1)
    return tickets, events, time.perf_counter() - began


def timed(action: Callable[[], Any], repeat: int = REPEAT) -> tuple[float, float]:
    """(median, max) seconds of `repeat` runs, after one to warm up."""
    action()
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        runs.append(time.perf_counter() - began)
    return statistics.median(runs), max(runs)


def in_process(db: Database, today: date) -> list[tuple[str, float, float]]:
    """The report of each period and scope, called as the API calls it."""
    now = datetime.now(UTC)
    periods = {
        "day (today, live)": Period(today, today),
        "week": Period(today - timedelta(days=6), today),
        "month": Period(today - timedelta(days=30), today),
        "year (366 days)": Period(today - timedelta(days=365), today),
    }
    rows = []
    with db.read_session() as session:
        hall = session.scalars(select(orm.Hall)).one()
        for label, period in periods.items():
            median, longest = timed(
                lambda period=period: figures.report(session, hall, period, figures.Scope(), now)
            )
            rows.append((f"report, {label}", median, longest))
        year = periods["year (366 days)"]
        for label, scope in (
            ("one service", figures.Scope(service="invoice")),
            ("one window", figures.Scope(window=3)),
            ("one clerk", figures.Scope(clerk="window3")),
        ):
            median, longest = timed(
                lambda scope=scope: figures.report(session, hall, year, scope, now)
            )
            rows.append((f"report, year, {label}", median, longest))
        median, longest = timed(lambda: figures.today_against_last_week(session, hall, now))
        rows.append(("the wall's today against last week", median, longest))
    return rows


def through_hub(
    url: str, folder: Path, tokens: Tokens, today: date
) -> list[tuple[str, float, float]]:
    """The API through a real hub, and a kiosk's tickets while year reports run."""
    hub = HubProcess(url, folder)
    hub.start(timeout=120)
    leader = {"Authorization": f"Bearer {tokens.staff['leader']}"}
    kiosk = {"Authorization": f"Bearer {tokens.devices['kiosk-1']}"}
    year = f"period=custom&from={today - timedelta(days=365)}&to={today}"
    rows = []
    try:
        for label, query in (("day", "period=day"), ("month", "period=month"), ("year", year)):
            median, longest = timed(
                lambda query=query: requests.get(
                    f"{hub.url}/api/v1/reports/summary?{query}", headers=leader, timeout=60
                ).raise_for_status()
            )
            rows.append((f"GET /reports/summary, {label}", median, longest))

        def ticket() -> float:
            began = time.perf_counter()
            requests.post(
                f"{hub.url}/api/v1/tickets", json={"service": "consult"}, headers=kiosk, timeout=30
            ).raise_for_status()
            return time.perf_counter() - began

        quiet = [ticket() for _ in range(20)]
        busy: list[float] = []
        stop = threading.Event()

        def reports_meanwhile() -> None:
            while not stop.is_set():
                requests.get(f"{hub.url}/api/v1/reports/summary?{year}", headers=leader, timeout=60)

        worker = threading.Thread(target=reports_meanwhile)
        worker.start()
        time.sleep(0.2)
        busy = [ticket() for _ in range(20)]
        stop.set()
        worker.join()
        rows.append(("a kiosk ticket, hub idle", statistics.median(quiet), max(quiet)))
        rows.append(("a kiosk ticket, year reports running", statistics.median(busy), max(busy)))
    finally:
        hub.stop()
    return rows


def run(
    label: str,
    url: str,
    tokens: Tokens,
    folder: Path,
    days: int,
    per_day: int,
    *,
    fresh: bool = True,
) -> None:
    db = Database(url)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the demo hall's business day
    print(f"\n## {label}: {days} working days × {per_day:,} tickets", flush=True)
    if not fresh:  # --reuse: the kept history, already rolled up
        rows = in_process(db, today) + through_hub(url, folder, tokens, today)
        db.dispose()
        table(label, rows)
        return
    tickets, events, seconds = generate(db, today, days, per_day)
    print(f"generated {tickets:,} tickets, {events:,} events in {seconds:.0f} s")
    began = time.perf_counter()
    kept = rollup.rebuild(db, "demo", Period(today - timedelta(days=365), today), datetime.now(UTC))
    took = time.perf_counter() - began
    print(
        f"rolled up {kept} closed days in {took:.0f} s ({took / max(kept, 1) * 1000:.0f} ms a day)"
    )
    with db.read_session() as session:
        counts = {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in (orm.report_cells, orm.report_spreads, orm.report_duties)
        }
    print("rollup rows: " + ", ".join(f"{name} {count:,}" for name, count in counts.items()))
    rows = in_process(db, today) + through_hub(url, folder, tokens, today)
    db.dispose()
    table(label, rows)


def table(label: str, rows: list[tuple[str, float, float]]) -> None:
    print(f"\n| figure ({label}) | median | max |\n|---|---|---|")
    for name, median, longest in rows:
        print(f"| {name} | {median * 1000:.0f} ms | {longest * 1000:.0f} ms |")


def kept_tokens(url: str) -> Tokens:
    """New tokens for the leader and kiosk-1 of a kept database."""
    db = Database(url)
    now = datetime.now(UTC)
    with db.write_session() as session:
        tokens = Tokens(
            staff={"leader": access.staff_token(session, "leader", now)},
            devices={"kiosk-1": access.device_token(session, "kiosk-1", now)},
        )
        session.commit()
    db.dispose()
    return tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=300)
    parser.add_argument("--per-day", type=int, default=2000)
    parser.add_argument("--only", choices=("sqlite", "postgres"), action="append")
    parser.add_argument("--keep", type=Path, help="a folder for the SQLite file, kept")
    parser.add_argument(
        "--reuse", action="store_true", help="time the SQLite history kept in --keep again"
    )
    args = parser.parse_args()
    wanted = args.only or ["sqlite", "postgres"]
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        kept = folder / "year.db"
        if args.reuse and kept.exists():
            url = f"sqlite:///{kept}"
            run("SQLite", url, kept_tokens(url), folder, args.days, args.per_day, fresh=False)
        elif "sqlite" in wanted:
            template = SqliteTemplate(folder / "template")
            url = template.copy(folder / "year.db")
            run("SQLite", url, template.tokens, folder, args.days, args.per_day)
        if "postgres" in wanted:
            postgres = PostgresTemplate()
            url = postgres.copy()
            try:
                run("PostgreSQL", url, postgres.tokens, folder, args.days, args.per_day)
            finally:
                postgres.drop(url)
                postgres.close()


if __name__ == "__main__":
    main()
