"""The emulator over real loopback TCP: tickets round-trip, faults answer, control API."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from printers.connection import TcpConnection, Timeouts, open_connection
from printers.emulator import Fault, PrinterEmulator
from printers.layout import PrinterProfile, render, render_text
from printers.status import PrinterState
from printers.virtual import stop_virtual_printers, virtual_printer
from tests.integration.printer_support import FAST_TIMEOUTS, make_ticket

# No proxy: an HTTP(S)_PROXY in the environment must not route loopback calls away.
_http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[PrinterEmulator]:
    """An emulator on free loopback ports, spooling into a temporary directory."""
    with PrinterEmulator("127.0.0.1", 0, control_port=0, spool_dir=tmp_path / "spool") as em:
        yield em


def _connect(emulator: PrinterEmulator) -> TcpConnection:
    return TcpConnection("127.0.0.1", emulator.port, FAST_TIMEOUTS)


@pytest.mark.parametrize("paper", [80, 58])
@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_chinese_ticket_round_trips_exactly(
    emulator: PrinterEmulator, paper: int, encoding: str
) -> None:
    # GIVEN a ticket with Chinese text, full-width punctuation, ¥ and a notice
    ticket = make_ticket(notice="请到 8 号应急窗口：谢谢，再见！")
    profile = PrinterProfile(paper, encoding)  # type: ignore[arg-type]
    # WHEN it is sent over TCP to the emulator
    connection = _connect(emulator)
    connection.send(render(ticket, profile))
    printed = emulator.wait_for_tickets(1, timeout=5)
    connection.close()
    # THEN the emulator read back exactly the text, number and QR content
    assert len(printed) == 1
    assert printed[0].text == render_text(ticket, profile)
    assert printed[0].number == "A012"
    assert printed[0].qr == ticket.status_url
    assert "发票领购，缴销" in printed[0].text
    assert "工本费：￥0.00（免费）" in printed[0].text
    assert "请到 8 号应急窗口：谢谢，再见！" in printed[0].text.replace("\n", "")


def test_raster_ticket_is_recorded_as_an_image(emulator: PrinterEmulator) -> None:
    # GIVEN a printer profile without a Chinese font (raster mode)
    profile = PrinterProfile(80, "gbk", "raster")
    # WHEN a ticket is printed
    connection = _connect(emulator)
    connection.send(render(make_ticket(), profile))
    printed = emulator.wait_for_tickets(1, timeout=5)
    connection.close()
    # THEN the emulator recorded a raster ticket and kept its image as the preview
    assert len(printed) == 1
    assert printed[0].raster
    assert emulator.spool_dir is not None
    (png,) = emulator.spool_dir.glob("*.png")
    with Image.open(png) as image:
        assert image.width == profile.dots
        assert image.height > 400


@pytest.mark.parametrize(
    ("fault", "state"),
    [
        (Fault.NONE, PrinterState.READY),
        (Fault.PAPER_NEAR_END, PrinterState.PAPER_NEAR_END),
        (Fault.PAPER_OUT, PrinterState.PAPER_OUT),
        (Fault.COVER_OPEN, PrinterState.COVER_OPEN),
        (Fault.OFFLINE, PrinterState.OFFLINE),
        (Fault.SILENT, PrinterState.NOT_RESPONDING),
    ],
)
def test_status_bytes_match_the_fault(
    emulator: PrinterEmulator, fault: Fault, state: PrinterState
) -> None:
    # GIVEN the emulator in a fault WHEN asked DLE EOT 1, 2, 4 over TCP
    emulator.set_fault(fault)
    connection = _connect(emulator)
    try:
        # THEN the answers parse to the matching state
        assert connection.query_status() is state
    finally:
        connection.close()


def test_slow_printer_answers_late(emulator: PrinterEmulator) -> None:
    # GIVEN a slow emulator answering after 0.2 s
    emulator.slow_delay_s = 0.2
    emulator.set_fault("slow")
    # WHEN asked with a 1 s status timeout THEN it is ready, if late
    connection = TcpConnection("127.0.0.1", emulator.port, Timeouts(status_s=1.0))
    try:
        assert connection.query_status() is PrinterState.READY
    finally:
        connection.close()


def _call(method: str, url: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    try:
        with _http.open(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_control_api_switches_faults_and_lists_tickets(emulator: PrinterEmulator) -> None:
    base = f"http://127.0.0.1:{emulator.control_port}"
    # GIVEN one printed ticket
    connection = _connect(emulator)
    connection.send(render(make_ticket(number="B007"), PrinterProfile()))
    emulator.wait_for_tickets(1, timeout=5)
    # WHEN the state is read over HTTP
    status, state = _call("GET", f"{base}/state")
    # THEN it lists the fault and the ticket
    assert status == 200
    assert state["fault"] == "none"
    assert [(t["number"], t["qr"]) for t in state["tickets"]] == [
        ("B007", make_ticket().status_url)
    ]
    # WHEN a fault is posted THEN the printer reports it on its status bytes
    assert _call("POST", f"{base}/fault", {"fault": "paper_out"}) == (200, {"fault": "paper_out"})
    assert connection.query_status() is PrinterState.PAPER_OUT
    # WHEN an unknown fault is posted THEN 400 with an error code, fault unchanged
    status, error = _call("POST", f"{base}/fault", {"fault": "on_fire"})
    assert status == 400
    assert error["error"] == "bad_fault"
    assert emulator.fault is Fault.PAPER_OUT
    # WHEN the tickets are reset THEN none are listed
    assert _call("POST", f"{base}/reset-tickets", {}) == (200, {"tickets": []})
    assert _call("GET", f"{base}/state")[1]["tickets"] == []
    connection.close()


def test_spool_keeps_text_and_png_per_ticket(emulator: PrinterEmulator) -> None:
    # GIVEN an emulator with a spool directory WHEN two tickets are printed
    connection = _connect(emulator)
    connection.send(render(make_ticket(number="A001"), PrinterProfile()))
    connection.send(render(make_ticket(number="A002"), PrinterProfile(58, "gbk")))
    emulator.wait_for_tickets(2, timeout=5)
    connection.close()
    # THEN each has <seq>-<number>.txt with its text and QR, and a PNG preview
    assert emulator.spool_dir is not None
    names = sorted(path.name for path in emulator.spool_dir.iterdir())
    assert names == ["000001-A001.png", "000001-A001.txt", "000002-A002.png", "000002-A002.txt"]
    text = (emulator.spool_dir / "000002-A002.txt").read_text(encoding="utf-8")
    assert "前面还有 3 人" in text
    assert f"[QR] {make_ticket().status_url}" in text
    with Image.open(emulator.spool_dir / "000001-A001.png") as image:
        assert image.getextrema() == (0, 255)  # black ink on white paper


def test_garbage_does_not_stop_the_emulator(emulator: PrinterEmulator) -> None:
    # GIVEN a client sending bytes that are no ESC/POS at all
    connection = _connect(emulator)
    connection.send(bytes(range(256)) * 4 + b"\x1b\x1d\x1c\x10")
    connection.close()
    # WHEN a proper ticket follows on a new connection
    connection = _connect(emulator)
    connection.send(render(make_ticket(), PrinterProfile()))
    # THEN it is printed
    assert [t.number for t in emulator.wait_for_tickets(1, timeout=5)] == ["A012"]
    connection.close()


def test_virtual_printer_keeps_tickets_under_its_directory(tmp_path: Path) -> None:
    # GIVEN the virtual printer spec, as `make run` configures it
    spool = tmp_path / "var" / "printed"
    try:
        # WHEN a ticket is printed through it (TCP to an in-process emulator)
        connection = open_connection(f"virtual:{spool}")
        assert connection.query_status() is PrinterState.READY
        connection.send(render(make_ticket(number="C051"), PrinterProfile()))
        virtual_printer(spool).wait_for_tickets(1, timeout=5)
        connection.close()
        # THEN a readable text file and a PNG are under the directory
        text = (spool / "000001-C051.txt").read_text(encoding="utf-8")
        assert "C051" in text
        assert "徐汇区办税服务厅" in text
        with Image.open(spool / "000001-C051.png") as image:
            assert image.width == 576
        # AND a second connection reaches the same printer
        assert virtual_printer(spool) is virtual_printer(str(spool))
    finally:
        stop_virtual_printers()
