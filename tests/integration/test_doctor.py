"""`hallq doctor` (issue 16): a printer out of paper and a stopped database, each with a
clear message and what to do, and the exit code the IT staff's scripts read."""

from __future__ import annotations

from pathlib import Path

from printers.emulator import Fault, PrinterEmulator
from tests.integration.conftest import printer_status
from tests.support.hub import HubProcess, free_port, wait_for


def test_a_printer_out_of_paper_is_named_with_what_to_do(
    printing_hub: HubProcess, emulator: PrinterEmulator
) -> None:
    # GIVEN a running hub whose kiosk-1 printer (the ESC/POS emulator over TCP) ran out
    emulator.set_fault(Fault.PAPER_OUT)
    wait_for(lambda: printer_status(printing_hub) == "paper_out", message="paper_out known")
    # WHEN the IT staff run the doctor
    result = printing_hub.cli("doctor")
    # THEN it fails, names the printer and its state in Chinese first, and says what to do
    assert result.returncode == 1, result.stdout
    lines = result.stdout.splitlines()
    [printer] = [line for line in lines if "1号取号机打印机" in line]
    assert printer.startswith("[故障 FAIL] 打印机 / printer 1号取号机打印机: 缺纸 / paper_out")
    assert "换纸 / load a new roll" in lines[lines.index(printer) + 1]
    # AND the rest of the hall is read too: the hub runs, the database is this code's
    assert any(line.startswith("[正常 OK] 服务 / hub: 运行中") for line in lines)
    assert any(line.startswith("[正常 OK] 数据库 / database") for line in lines)
    # WHEN the roll is replaced THEN the printer reads well again
    emulator.set_fault(Fault.NONE)
    wait_for(lambda: printer_status(printing_hub) == "ready", message="ready again")
    again = printing_hub.cli("doctor").stdout
    assert "[正常 OK] 打印机 / printer 1号取号机打印机: 正常 / ready" in again


def test_a_stopped_database_is_said_plainly_and_the_other_checks_still_run(
    tmp_path: Path,
) -> None:
    # GIVEN the hall's PostgreSQL stopped: nothing answers at its address
    url = f"postgresql+psycopg2://hallq:secret@127.0.0.1:{free_port()}/hallq"
    result = HubProcess(url, tmp_path).cli("doctor")
    # THEN the doctor fails and says it cannot reach it (never showing the password) …
    assert result.returncode == 1
    [database] = [line for line in result.stdout.splitlines() if "数据库 / database" in line]
    assert database.startswith("[故障 FAIL] 数据库 / database: 无法连接 / cannot reach")
    assert "127.0.0.1" in database
    assert "secret" not in result.stdout
    assert "is the database server running? systemctl status postgresql" in result.stdout
    # … and still checks what needs no database
    assert "磁盘 / disk" in result.stdout
    assert "语音 / voice" in result.stdout
    # AND an SQLite file that is not there is named
    missing = HubProcess(f"sqlite:///{tmp_path / 'gone.db'}", tmp_path).cli("doctor")
    assert missing.returncode == 1
    assert f"没有数据库文件 / no database at {tmp_path / 'gone.db'}" in missing.stdout
