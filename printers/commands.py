"""The ``hallq print-agent`` and ``hallq printer-emulator`` commands.

``core.cli`` registers them; neither imports Flask, so a kiosk PC runs the
agent without the hub's web stack. Every option can come from the environment
(``HALLQ_HUB_URL``, ``HALLQ_DEVICE_TOKEN``, ``HALLQ_PRINTER``…), which is how
the systemd unit passes them: a token on the command line shows in ``ps``.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Literal, cast

import click

from printers.agent import PrintAgent
from printers.connection import parse_spec
from printers.emulator import PrinterEmulator
from printers.errors import PrinterSpecError
from printers.hublink import SocketIOHubLink
from printers.layout import PrinterProfile


def _stop_on_signal() -> threading.Event:
    """An event set by SIGINT or SIGTERM (systemd stops units with SIGTERM). Installed
    before the command says it is ready: a stop that comes right after the banner
    must find its handler (it used to kill the process with -15 on a busy machine)."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def _wait(stop: threading.Event) -> None:
    """Block until `stop` is set (waking each second, so Ctrl-C is seen on every platform)."""
    while not stop.wait(1.0):
        pass


@click.command("print-agent")
@click.option("--hub", "hub_url", required=True, envvar="HALLQ_HUB_URL", help="Hub URL.")
@click.option("--token", required=True, envvar="HALLQ_DEVICE_TOKEN", help="Device token.")
@click.option(
    "--printer",
    required=True,
    envvar="HALLQ_PRINTER",
    help="tcp:HOST:PORT, usb:VID:PID, serial:/dev/ttyUSB0:BAUD, cups:NAME or virtual:DIR.",
)
@click.option(
    "--paper", type=click.Choice(["80", "58"]), default="80", envvar="HALLQ_PRINTER_PAPER"
)
@click.option(
    "--encoding",
    type=click.Choice(["gb18030", "gbk"]),
    default="gb18030",
    envvar="HALLQ_PRINTER_ENCODING",
)
@click.option(
    "--mode", type=click.Choice(["text", "raster"]), default="text", envvar="HALLQ_PRINTER_MODE"
)
@click.option(
    "--print-timeout",
    type=float,
    default=10.0,
    envvar="HALLQ_PRINT_TIMEOUT_S",
    help="Seconds before a job that has not printed is acked as failed.",
)
def print_agent_command(
    hub_url: str,
    token: str,
    printer: str,
    paper: str,
    encoding: str,
    mode: str,
    print_timeout: float,
) -> None:
    """Run a print agent for a printer on this PC, connected to the hub."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        parse_spec(printer)
    except PrinterSpecError as error:
        raise click.BadParameter(str(error), param_hint="--printer") from error
    profile = PrinterProfile(
        paper_mm=cast(Literal[80, 58], int(paper)),
        encoding=cast(Literal["gb18030", "gbk"], encoding),
        mode=cast(Literal["text", "raster"], mode),
    )
    stop = _stop_on_signal()
    link = SocketIOHubLink(hub_url, token)
    agent = PrintAgent.for_printer(printer, link, profile, print_timeout_s=print_timeout)
    link.attach(agent.submit)
    agent.start()
    link.start()
    click.echo(f"print agent: {printer} → {hub_url}")
    try:
        _wait(stop)
    finally:
        link.stop()
        agent.stop()


@click.command("printer-emulator")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=9100, show_default=True)
@click.option("--control-port", type=int, default=9101, show_default=True)
@click.option("--spool", type=click.Path(file_okay=False), default=None, help="Keep tickets here.")
@click.option("--slow-delay", type=float, default=3.0, show_default=True)
def printer_emulator_command(
    host: str, port: int, control_port: int, spool: str | None, slow_delay: float
) -> None:
    """Run an ESC/POS printer emulator (faults via its HTTP control API)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    stop = _stop_on_signal()
    emulator = PrinterEmulator(host, port, control_port, spool, slow_delay_s=slow_delay).start()
    click.echo(
        f"printer emulator on {host}:{emulator.port}; control API "
        f"http://{host}:{emulator.control_port}/state"
    )
    try:
        _wait(stop)
    finally:
        emulator.stop()


@click.group()
def main() -> None:
    """Printer tools on their own: python -m printers.commands printer-emulator …"""


main.add_command(print_agent_command)
main.add_command(printer_emulator_command)

if __name__ == "__main__":
    main()
