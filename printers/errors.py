"""The printers package's exceptions, under one base the hub can catch."""

from __future__ import annotations


class PrinterError(Exception):
    """Base of every error raised by the printers package."""


class PrinterSpecError(PrinterError, ValueError):
    """A printer spec string ("tcp:HOST:PORT", "usb:VID:PID", …) is malformed."""


class PrinterConnectionError(PrinterError):
    """The printer could not be reached, or the link broke mid-way."""


class FontNotFoundError(PrinterError):
    """No CJK font is installed for raster tickets and previews."""
