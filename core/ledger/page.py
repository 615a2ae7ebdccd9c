"""The incident ledger as a printable page (A4 landscape)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from core.ledger import COLUMNS, NO_INCIDENTS, ONGOING, TITLE, LedgerPeriod, LedgerRow

STYLESHEET = "/static/ledger-print.css"


@cache
def _templates() -> Environment:
    return Environment(
        loader=FileSystemLoader(Path(__file__).resolve().parent.parent / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_ledger_page(
    rows: Sequence[LedgerRow],
    hall_name: str,
    period: LedgerPeriod,
    *,
    stylesheet: str = STYLESHEET,
    note: str = "",
) -> str:
    """The ledger as a printable HTML page (A4 landscape, ``ledger-print.css``).

    No inline style or script, so it passes the hub's CSP. A view passes
    ``stylesheet=url_for("static", filename="ledger-print.css")``.
    """
    return (
        _templates()
        .get_template("ledger_print.html")
        .render(
            title=TITLE,
            columns=COLUMNS,
            rows=rows,
            hall_name=hall_name,
            period=period.label,
            stylesheet=stylesheet,
            ongoing=ONGOING,
            no_incidents=NO_INCIDENTS,
            note=note,
        )
    )
