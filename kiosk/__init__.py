"""Taxpayer screens: the ticket kiosk and the status page reached by a ticket's QR code.

Routes (see `kiosk.views`):

- ``/kiosk/<kiosk_id>`` — the touchscreen kiosk, for the enrolled kiosk of that id
  (or admin staff, as a preview). ``?idle=<seconds>`` shortens every inactivity
  timeout of the page, clamped to 1–600 s (for tests and demos).
- ``/kiosk/qr/<token>.svg`` — the QR code of a ticket's status page, for kiosks.
- ``/t/<token>`` — the public status page on the taxpayer's phone.

What the kiosk does when something breaks (SPEC §7; worked out from the
snapshot in ``static/hallview.js``, drawn by ``static/kiosk.js``):

- **paper** mode: the start screen says, in both languages at once, to get a
  paper ticket at the guide desk; there is nothing to tap.
- **degraded**: only a kiosk whose *own* printer (its device settings'
  ``printer``) is failed shows a banner, offers the number by SMS instead of
  the phone/ID option, and shows its tickets on screen. Device-failure notices
  are not shown on kiosks at all: a working kiosk works, and the failed one
  says so in its banner.
- **outage**: the outage notice (rolling slowly if longer than its box) and the
  filing-deadline extension above the buttons; each button says where its
  business goes. A self-service business shows guidance and issues nothing; an
  emergency one gets a ticket for the emergency window, with where to go in
  large type. The emergency window's own service is never a button.
- **hub down**: the offline view (take a paper ticket), from the page cache.
- Outside issuing hours (``day`` in the snapshot) the start screen says why and
  when, before anyone taps, and follows the hall's clock by itself: the hub's
  time (the snapshot's ``now``) moves it past opening, cut-off and closing,
  and a closed kiosk asks the hub again every few minutes for the next day.
- Load relief: a self-service capable business past its thresholds suggests
  the self-service area on its button; tapping still issues a ticket.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint(
    "kiosk",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/kiosk",
)

# The routes register themselves on `bp`; imported last because they need it.
from kiosk import views  # noqa: E402, F401
