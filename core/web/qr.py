"""QR codes as SVG: a ticket's status page, a device's enrolment link."""

from __future__ import annotations

import base64

import qrcode
import qrcode.constants
from qrcode.image.svg import SvgPathImage


def qr_svg(data: str) -> str:
    """`data` as a QR code in SVG, scalable to any size by the page."""
    image = qrcode.make(
        data,
        image_factory=SvgPathImage,
        border=2,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    return str(image.to_string(encoding="unicode"))


def qr_data_url(data: str) -> str:
    """The same QR code as a ``data:`` URL, for an ``<img>`` (the hub's CSP allows it)."""
    encoded = base64.b64encode(qr_svg(data).encode()).decode()
    return f"data:image/svg+xml;base64,{encoded}"
