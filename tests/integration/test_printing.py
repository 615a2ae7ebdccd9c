"""Printing end to end: a real hub process, its print agent, and the ESC/POS emulator over TCP."""

from __future__ import annotations

import subprocess
import sys
from functools import partial
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import select

from core import protocol
from core.adapters import orm
from core.adapters.db import Database
from printers.emulator import Fault, PrinterEmulator
from tests.integration.conftest import printer_status, set_printer
from tests.support.databases import SqliteTemplate, Tokens
from tests.support.hub import ROOT, HubProcess, free_port, wait_for
from tests.support.protocol_client import Listener


def ticket_row(url: str, number: str) -> orm.Ticket:
    database = Database(url)
    with database.read_session() as session:
        row = session.scalars(select(orm.Ticket).where(orm.Ticket.number == number)).one()
    database.dispose()
    return row


def issue(hub: HubProcess, tokens: Tokens, service: str = "filing") -> dict[str, Any]:
    response = requests.post(
        f"{hub.url}/api/v1/tickets",
        json={"service": service},
        headers={"Authorization": f"Bearer {tokens.devices['kiosk-1']}"},
        timeout=5,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_kiosk_ticket_prints_in_chinese_with_its_qr_and_the_kiosk_hears_so(
    printing_hub: HubProcess, emulator: PrinterEmulator, tokens: Tokens, tmp_path: Path
) -> None:
    # GIVEN kiosk 1 listening on its namespace
    kiosk = Listener(printing_hub.url, protocol.KIOSK, {"token": tokens.devices["kiosk-1"]})
    try:
        # WHEN it issues a filing ticket
        body = issue(printing_hub, tokens)
        # THEN the printer prints C001 with the hall, the service and the status QR
        printed = emulator.wait_for_tickets(1, timeout=10)[0]
        assert printed.number == "C001"
        assert "纳税申报" in printed.text
        assert "办税服务厅" in printed.text
        assert printed.qr == f"http://hall.example:8000{body['status_url']}"
        # AND the kiosk is told it printed, and the ticket says so
        status = wait_for(lambda: kiosk.received(protocol.PRINT_STATUS), message="print:status")[0]
        assert (status["number"], status["state"], status["device"]) == (
            "C001",
            "printed",
            "kiosk-1",
        )
        assert ticket_row(printing_hub.database_url, "C001").print_state == "printed"
    finally:
        kiosk.close()


FAULTS = [
    (Fault.PAPER_OUT, "paper_out"),
    (Fault.COVER_OPEN, "cover_open"),
    (Fault.OFFLINE, "offline"),
    (Fault.PAPER_NEAR_END, "paper_near_end"),
    (Fault.SILENT, "not_responding"),
]


def test_each_printer_fault_reaches_the_hub_within_two_seconds_and_recovery_too(
    printing_hub: HubProcess, emulator: PrinterEmulator, tokens: Tokens
) -> None:
    kiosk = Listener(printing_hub.url, protocol.KIOSK, {"token": tokens.devices["kiosk-1"]})
    try:
        for fault, state in FAULTS:
            # GIVEN the printer ready, as the hub sees it
            wait_for(lambda: printer_status(printing_hub) == "ready", timeout=5, message="ready")
            seen = len(kiosk.received(protocol.DEVICE_STATUS))
            # WHEN the printer goes into the fault
            emulator.set_fault(fault)
            # THEN device:status with that state arrives within 2 s (3 s for silence: 1 s status timeout)
            wait_for(
                partial(reported, kiosk, seen, state),
                timeout=3.0 if fault is Fault.SILENT else 2.0,
                message=f"{state} reported",
            )
            # AND when it is cleared, back to ready within 2 s
            emulator.set_fault(Fault.NONE)
            wait_for(
                partial(reported, kiosk, seen, "ready"), timeout=2.5, message=f"ready after {state}"
            )
    finally:
        kiosk.close()


def reported(kiosk: Listener, seen: int, status: str) -> bool:
    """Whether kiosk-1's printer was reported `status` since the first `seen` reports."""
    return any(
        event["device"] == "printer-kiosk-1" and event["status"] == status
        for event in kiosk.received(protocol.DEVICE_STATUS)[seen:]
    )


def test_a_ticket_issued_while_the_paper_is_out_is_marked_not_printed_but_stays_valid(
    printing_hub: HubProcess, emulator: PrinterEmulator, tokens: Tokens
) -> None:
    # GIVEN the printer out of paper, as the hub knows
    emulator.set_fault(Fault.PAPER_OUT)
    wait_for(lambda: printer_status(printing_hub) == "paper_out", message="paper_out known")
    # WHEN a taxpayer takes a ticket at that kiosk
    body = issue(printing_hub, tokens)
    # THEN the answer already says it was not printed (the kiosk shows the number on screen) …
    assert (body["printed"], body["print_state"]) == (False, "failed")
    assert ticket_row(printing_hub.database_url, body["number"]).print_state == "failed"
    # … the ticket is still in the queue, callable, and nothing was sent to the printer
    queue = requests.get(f"{printing_hub.url}/api/v1/queue", timeout=5).json()
    assert next(s for s in queue["services"] if s["code"] == "filing")["waiting"] == 1
    emulator.set_fault(Fault.NONE)
    wait_for(lambda: printer_status(printing_hub) == "ready", message="ready again")
    assert emulator.tickets() == []


def test_a_job_cut_mid_stream_is_printed_again_exactly_once(
    printing_hub: HubProcess, emulator: PrinterEmulator, tokens: Tokens
) -> None:
    # GIVEN a printer that will reset the connection in the middle of the next job
    emulator.set_fault(Fault.RESET)
    # WHEN a ticket is issued
    body = issue(printing_hub, tokens)
    # THEN the agent retries on a new connection and the ticket comes out once, marked printed
    printed = emulator.wait_for_tickets(1, timeout=10)
    assert [ticket.number for ticket in printed] == [body["number"]]
    wait_for(
        lambda: ticket_row(printing_hub.database_url, body["number"]).print_state == "printed",
        message="printed",
    )
    assert len(emulator.tickets()) == 1


def test_a_standalone_agent_prints_jobs_sent_over_socketio(
    sqlite_template: SqliteTemplate, emulator: PrinterEmulator, tmp_path: Path
) -> None:
    # GIVEN kiosk 1's printer driven by `hallq print-agent` on "the kiosk PC", not by the hub
    url = sqlite_template.copy(tmp_path / "hallq.db")
    set_printer(
        url, "printer-kiosk-1", connection=f"tcp:127.0.0.1:{emulator.port}", agent="standalone"
    )
    database = Database(url)
    with database.write_session() as session:
        from core.adapters.clock import SystemClock
        from core.services.access import device_token

        token = device_token(session, "printer-kiosk-1", SystemClock().now())
        session.commit()
    database.dispose()
    hub = HubProcess(url, tmp_path, HALLQ_PRINT_TIMEOUT_S="10").start()
    agent = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "core.cli",
            "print-agent",
            "--hub",
            hub.url,
            "--token",
            token,
            "--printer",
            f"tcp:127.0.0.1:{emulator.port}",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: printer_status(hub) == "ready", timeout=15, message="agent connected")
        # WHEN kiosk 1 issues a ticket
        tokens = sqlite_template.tokens
        body = issue(hub, tokens)
        # THEN the standalone agent prints it and acknowledges it
        assert emulator.wait_for_tickets(1, timeout=10)[0].number == body["number"]
        wait_for(
            lambda: ticket_row(url, body["number"]).print_state == "printed", message="acknowledged"
        )
    finally:
        agent.terminate()
        agent.wait(timeout=10)
        hub.stop()


def test_the_demo_virtual_printer_keeps_readable_tickets_under_var_printed(
    sqlite_template: SqliteTemplate, tmp_path: Path
) -> None:
    # GIVEN the demo hall as `make run` serves it (virtual printers)
    hub = HubProcess(
        sqlite_template.copy(tmp_path / "hallq.db"), tmp_path, port=free_port()
    ).start()
    try:
        # WHEN kiosk 1 issues a ticket
        body = issue(hub, sqlite_template.tokens, "invoice")
        # THEN a text file and a PNG preview of it appear under var/printed/kiosk-1/
        folder = tmp_path / "var" / "printed" / "kiosk-1"
        text = wait_for(
            lambda: list(folder.glob("*.txt")), timeout=10, message="printed ticket file"
        )[0]
        assert body["number"] in text.read_text(encoding="utf-8")
        assert "发票领购" in text.read_text(encoding="utf-8")
        assert wait_for(lambda: list(folder.glob("*.png")), message="png preview")
    finally:
        hub.stop()
