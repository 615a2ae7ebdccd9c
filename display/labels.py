"""Every sentence the displays show, and how they show two languages at once.

A hall display is read by everyone in the hall, so it always carries both
languages: the screen's language first (Chinese unless switched with
``/lang/en``), the other one beneath it. :func:`both` gives that pair.

Sentences the browser fills in keep ``{n}``-style placeholders (``Window {n}``
→ ``{n}号窗口``): the page's script replaces them, since the number is only
known when the call arrives.
"""

from __future__ import annotations

from flask_babel import LazyString, force_locale, get_locale
from flask_babel import lazy_gettext as _l

LANGUAGES = ("zh", "en")

TEXT: dict[str, LazyString] = {
    "hall_display": _l("Hall display"),
    "window_display": _l("Window display"),
    "now_calling": _l("Now calling"),
    "recent_calls": _l("Recent calls"),
    "waiting": _l("Waiting"),
    "person": _l("person"),
    "people": _l("people"),
    "about_minutes": _l("about %(minutes)s min", minutes="{minutes}"),
    "no_window": _l("no window open"),
    "window": _l("Window %(n)s", n="{n}"),
    "go_to_window": _l("Number %(number)s, please go to window %(n)s", number="{number}", n="{n}"),
    "recall": _l("Recall"),
    "green": _l("Green channel"),
    "booked": _l("Booked visit"),
    "go_to_window_green": _l(
        "Green channel, number %(number)s, please go to window %(n)s", number="{number}", n="{n}"
    ),
    "no_calls": _l("No one is being called at the moment"),
    "default_notice": _l("Please keep your ticket and listen for your number."),
    "offline": _l("Calling system down — please listen for manual calls at the windows"),
    "stale": _l("Calls made before the failure; they may be out of date"),
    "manual": _l("Manual calling"),
    "mode_degraded": _l("Some equipment is out of order"),
    "mode_degraded_kiosks": _l(
        "Some kiosks cannot print tickets — please use another kiosk or the guide desk"
    ),
    "mode_paper": _l("Paper tickets in use — please get one at the guide desk"),
    "mode_outage": _l("Tax system outage"),
    "mode_other": _l("Emergency arrangements in force"),
    "extension": _l("Filing deadline extended to %(date)s", date="{date}"),
    "state_calling": _l("Calling"),
    "state_serving": _l("Serving"),
    "state_free": _l("Free"),
    "state_paused": _l("Paused"),
    "state_closed": _l("Closed"),
    # the rating pad (好差评)
    "rating_pad": _l("Service rating"),
    "rate_title": _l("Please rate this service"),
    "rate_idle": _l("When your business is done, please rate our service here"),
    "ticket_number": _l("Number %(number)s", number="{number}"),
    "served_by": _l("Served by"),
    "this_month": _l("This month"),
    "staff_number": _l("Staff no. %(number)s", number="{number}"),
    "level_5": _l("Very satisfied"),
    "level_4": _l("Satisfied"),
    "level_3": _l("Basically satisfied"),
    "level_2": _l("Dissatisfied"),
    "level_1": _l("Very dissatisfied"),
    "reasons_title": _l("What were you dissatisfied with? Choose one or more"),
    "other_words": _l("Please say in a few words what went wrong"),
    "phone_optional": _l("Your mobile number, if you would like a call-back (optional)"),
    "delete": _l("Delete"),
    "back": _l("Back"),
    "submit": _l("Submit"),
    "thanks": _l("Thank you for your rating!"),
    "thanks_bad": _l("Thank you. We will look into it and improve."),
    "pad_offline": _l(
        "The rating pad cannot reach the hall's system: please rate on your phone "
        "with the QR code on your ticket"
    ),
}

NOT_ENROLLED = _l("This screen is not enrolled.")
NOT_ENROLLED_HELP = _l(
    "Ask the hall's administrator for this screen's enrolment link (hallq device enrol)."
)
UNKNOWN_SCREEN = _l("There is no such screen in this hall.")
NO_PHOTO = _l("The administrator has given this clerk no photo.")
CALL_NOT_ANNOUNCEABLE = _l("This call cannot be announced: %(problem)s")
VOICE_NOT_READY = _l(
    "The voice clips have not been built on the hub yet (hallq voice build); calls are silent."
)


def screen_language() -> str:
    """The screen's first language: ``zh`` or ``en``."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh"


def both(message: LazyString) -> list[str]:
    """``[first, second]``: the message in the screen's language, then in the other one."""
    first = screen_language()
    pair = []
    for language in (first, *(other for other in LANGUAGES if other != first)):
        with force_locale(language):
            pair.append(str(message))
    return pair


def all_text() -> dict[str, list[str]]:
    """Every display sentence as a ``[first, second]`` pair, for templates and scripts."""
    return {key: both(message) for key, message in TEXT.items()}
