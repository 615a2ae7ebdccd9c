"""The virtual printer: an emulator inside this process, printed to over TCP.

``virtual:DIR`` starts (once per directory, for the life of the process) a
:class:`~printers.emulator.PrinterEmulator` on an ephemeral loopback port with
DIR as its spool, and connects to it like to any network printer — so the demo
and ``make run`` exercise the same path as a real printer, and every ticket is
kept under DIR (``var/printed/`` by default) as text and as a PNG preview.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from printers.connection import DEFAULT_TIMEOUTS, PrinterConnection, TcpConnection, Timeouts
from printers.emulator import PrinterEmulator

log = logging.getLogger(__name__)

_lock = threading.Lock()
_emulators: dict[Path, PrinterEmulator] = {}


def virtual_printer(directory: str | Path) -> PrinterEmulator:
    """The running emulator spooling into `directory`, started on first use."""
    key = Path(directory).resolve()
    with _lock:
        if key not in _emulators:
            # control_port 0: an ephemeral control API, logged, for demos of faults.
            emulator = PrinterEmulator("127.0.0.1", 0, control_port=0, spool_dir=key).start()
            log.info(
                "virtual printer: tickets under %s, control API on 127.0.0.1:%s",
                key,
                emulator.control_port,
            )
            _emulators[key] = emulator
        return _emulators[key]


def open_virtual(directory: str | Path, timeouts: Timeouts = DEFAULT_TIMEOUTS) -> PrinterConnection:
    """Open a TCP connection to the virtual printer for `directory`."""
    return TcpConnection("127.0.0.1", virtual_printer(directory).port, timeouts)


def stop_virtual_printers() -> None:
    """Stop every virtual printer (for tests and orderly shutdown)."""
    with _lock:
        emulators = list(_emulators.values())
        _emulators.clear()
    for emulator in emulators:
        emulator.stop()
