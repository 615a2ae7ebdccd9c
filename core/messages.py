"""User-facing sentences for the domain's error codes, in the caller's language.

The domain raises codes (`core.domain.errors`); this table, and the Flask-Babel
catalogs behind it, turn them into sentences. A code without an entry falls
back to a generic sentence, never to the raw code alone.
"""

from __future__ import annotations

from typing import Any

from flask_babel import LazyString, get_locale, lazy_gettext

MESSAGES: dict[str, LazyString] = {
    # input rules (SPEC §9)
    "taxpayer_id.required": lazy_gettext("Please enter the taxpayer ID."),
    "taxpayer_id.length": lazy_gettext(
        "A taxpayer ID has 15, 18 or 20 characters; this one has %(length)s."
    ),
    "taxpayer_id.charset": lazy_gettext(
        "The taxpayer ID contains a character that is not allowed (position %(position)s)."
    ),
    "taxpayer_id.format": lazy_gettext("The taxpayer ID is not in a valid format."),
    "taxpayer_id.check": lazy_gettext(
        "The taxpayer ID's check character is wrong; please check the number."
    ),
    "taxpayer_id.birth_date": lazy_gettext("The ID number contains an impossible birth date."),
    "phone.required": lazy_gettext("Please enter a mobile phone number."),
    "phone.format": lazy_gettext(
        "Please enter an 11-digit mainland mobile number starting with 13–19."
    ),
    "request.invalid": lazy_gettext("The request is not valid: %(field)s — %(problem)s."),
    "request.too_large": lazy_gettext("The request is too large."),
    "route.method": lazy_gettext("This method is not allowed here."),
    "server.error": lazy_gettext(
        "Something went wrong on the hub; please try again or tell the IT staff."
    ),
    "request.not_json": lazy_gettext("The request body must be JSON."),
    "request.header_too_long": lazy_gettext(
        "A header of the request is too long (at most %(maximum)s bytes a line)."
    ),
    "request.too_deep": lazy_gettext(
        "The request body is nested too deeply (at most %(maximum)s levels)."
    ),
    "ticket.number": lazy_gettext("%(number)s is not a ticket number."),
    "ticket.sequence": lazy_gettext("%(number)s is not a ticket number."),
    "service.prefix": lazy_gettext("A service prefix is one capital letter."),
    "transfer.target": lazy_gettext("Choose either a service or a window to transfer to."),
    "transfer.same_window": lazy_gettext("The ticket is already at this window."),
    # things that do not exist
    "hall.unknown": lazy_gettext("Unknown hall %(hall)s."),
    "service.unknown": lazy_gettext("Unknown service %(service)s."),
    "window.unknown": lazy_gettext("Window %(window)s does not exist."),
    "ticket.unknown": lazy_gettext("No ticket %(number)s today."),
    "ticket.token_unknown": lazy_gettext("This ticket link is not valid."),
    "staff.unknown": lazy_gettext("Unknown staff member %(username)s."),
    "device.unknown": lazy_gettext("Unknown device %(device)s."),
    "print_job.unknown": lazy_gettext("Unknown print job %(job)s."),
    "route.unknown": lazy_gettext("There is no such page or API endpoint."),
    # the hall's state does not allow it
    "hall.not_issuing": lazy_gettext("Tickets cannot be issued now (%(status)s)."),
    "ticket.invalid_transition": lazy_gettext(
        "Ticket %(number)s is %(state)s; it cannot be %(action)s now."
    ),
    "ticket.recalls_required": lazy_gettext(
        "Recall %(number)s %(required)s times before marking it as a no-show."
    ),
    "window.closed": lazy_gettext("Window %(window)s is closed; open it first."),
    "announcement.empty": lazy_gettext("Write the announcement, or choose a prepared phrase."),
    "announcement.too_long": lazy_gettext(
        "An announcement has at most %(maximum)s characters: the hall reads it from afar."
    ),
    "announcement.phrase": lazy_gettext("There is no prepared phrase %(phrase)s."),
    "window.not_dedicated": lazy_gettext("Window %(window)s calls its own services already."),
    "dedication.until": lazy_gettext("A dedicated window lasts for today or until undone."),
    "window.paused": lazy_gettext("Window %(window)s is paused; resume it first."),
    "window.not_paused": lazy_gettext("Window %(window)s is not paused."),
    "window.busy": lazy_gettext(
        "Window %(window)s is still serving %(current)s; finish, transfer or mark it first."
    ),
    "window.no_ticket": lazy_gettext("Window %(window)s has no current ticket."),
    "reconcile.outcome": lazy_gettext(
        "What became of a number called by hand is served, no_show or at_window."
    ),
    "window.opened_by_other": lazy_gettext("Window %(window)s is open for %(staff)s."),
    "idempotency.reused": lazy_gettext(
        "This Idempotency-Key was already used for a different request: "
        "send a new key with a new request."
    ),
    "idempotency.too_long": lazy_gettext(
        "The Idempotency-Key is too long (at most %(maximum)s characters)."
    ),
    "staff.exists": lazy_gettext("Staff member %(username)s already exists."),
    "device.exists": lazy_gettext("Device %(device)s already exists."),
    "device.window_missing": lazy_gettext(
        "Device %(device)s needs its window before it can be enrolled: set it on the devices tab."
    ),
    "device.binding": lazy_gettext(
        "Device %(device)s cannot have the setting %(field)s: it belongs to another kind of device."
    ),
    # the hall's administration
    "service.exists": lazy_gettext("Service %(service)s already exists."),
    "service.prefix_taken": lazy_gettext(
        "Prefix %(prefix)s is already used by service %(service)s; choose another letter."
    ),
    "service.prefix_green": lazy_gettext(
        "Prefix %(prefix)s is the green channel's own (绿色通道): choose another letter."
    ),
    "service.waiting": lazy_gettext(
        "Service %(service)s cannot be retired: %(waiting)s people are still waiting for it."
    ),
    "service.last_of_window": lazy_gettext(
        "Service %(service)s is the only one window %(window)s serves; "
        "give the window another service first."
    ),
    "window.exists": lazy_gettext("Window %(window)s already exists."),
    "window.no_service": lazy_gettext("A window must serve at least one service."),
    "window.service_twice": lazy_gettext("A window lists each service once."),
    "hours.order": lazy_gettext(
        "Ticketing must start before the cut-off, and the cut-off come before closing time."
    ),
    "calendar.day": lazy_gettext("%(day)s is not a date: write it as 2026-10-10."),
    "calendar.month": lazy_gettext("%(month)s is not a month: write it as 2026-10."),
    "calendar.deadline_month": lazy_gettext("%(day)s is not in %(month)s."),
    "hall_file.invalid": lazy_gettext(
        "The hall configuration is not valid: %(field)s — %(problem)s"
    ),
    "hall_file.toml": lazy_gettext("The hall file is not valid TOML: %(problem)s"),
    "hall_file.other_hall": lazy_gettext("This hall file describes hall %(hall)s, not this hall."),
    "staff.role": lazy_gettext("Role must be staff, leader or admin."),
    "staff.password_short": lazy_gettext("The password needs at least %(minimum)s characters."),
    "staff.password_differs": lazy_gettext("The two passwords differ; please type them again."),
    "staff.password_same": lazy_gettext(
        "Please choose a new password, not the one you were given."
    ),
    "staff.name_long": lazy_gettext("A name has at most %(maximum)s characters."),
    "staff.photo_type": lazy_gettext("A photo must be a JPEG or PNG picture."),
    "staff.photo_size": lazy_gettext("A photo has at most %(maximum)s KB: make it smaller."),
    "staff.role_above": lazy_gettext(
        "The role %(role)s is above your own: only someone of that role gives or changes it."
    ),
    "staff.self": lazy_gettext(
        "This is your own account: another administrator must disable it or change its role."
    ),
    "device.kind": lazy_gettext("Unknown device kind %(kind)s."),
    # continuity (SPEC §7)
    "hall.paper_mode": lazy_gettext(
        "The kiosks cannot print tickets now: please get a paper ticket at the guide desk."
    ),
    "route.self_service": lazy_gettext(
        "%(service)s is affected by a system outage: please use the self-service area."
    ),
    "route.no_emergency_window": lazy_gettext("No emergency window is configured for this hall."),
    "paper.range": lazy_gettext("The last number must not be smaller than the first."),
    "paper.too_many": lazy_gettext("At most %(maximum)s paper tickets can be registered at once."),
    "paper.already_issued": lazy_gettext(
        "Number %(first)s of this range was already issued today; the range is refused."
    ),
    "paper.overlaps": lazy_gettext(
        "This range overlaps paper tickets %(first)s–%(last)s registered earlier."
    ),
    "register.kind": lazy_gettext("Unknown register %(kind)s."),
    "register.unknown_field": lazy_gettext("The register has no field %(label)s."),
    "register.required": lazy_gettext("Please fill in %(label)s."),
    "register.yes_no": lazy_gettext("%(label)s: please answer yes or no."),
    "register.choice": lazy_gettext("%(label)s: please choose from the list."),
    "register.count": lazy_gettext("%(label)s must be a whole number above zero."),
    "register.money": lazy_gettext(
        "%(label)s must be an amount in yuan with at most two decimals."
    ),
    "register.month": lazy_gettext("%(label)s must be a past or current month as YYYY-MM."),
    "register.too_long": lazy_gettext("%(label)s is too long."),
    "register.no_outage": lazy_gettext("Registers are kept only while a tax system is down."),
    "register.unknown": lazy_gettext("Unknown register record %(record)s."),
    "register.already_backfilled": lazy_gettext("Record %(record)s is already backfilled."),
    "register.system_still_down": lazy_gettext(
        "Incident %(incident)s is still open: backfill after the system is back."
    ),
    "follow_up.required": lazy_gettext("Please fill in the question."),
    "follow_up.reason": lazy_gettext("Unknown reason %(reason)s."),
    "follow_up.unknown": lazy_gettext("Unknown follow-up %(follow_up)s."),
    "follow_up.answered": lazy_gettext("Follow-up %(follow_up)s is already answered."),
    "incident.unknown": lazy_gettext("Unknown incident %(incident)s."),
    "incident.ended": lazy_gettext("Incident %(incident)s has already ended."),
    "incident.field": lazy_gettext("Not a valid value: %(detail)s."),
    "incident.text_too_long": lazy_gettext(
        "The text is too long (at most %(maximum)s characters)."
    ),
    "incident.step_empty": lazy_gettext("Please describe the step."),
    "incident.result_required": lazy_gettext(
        "Please record the result before ending the incident."
    ),
    "notice.unknown": lazy_gettext("Unknown notice %(notice)s."),
    "notice.empty": lazy_gettext("A notice needs Chinese text."),
    "calendar.unknown_year": lazy_gettext(
        "The working-day calendar has no data for %(year)s; enter the official arrangement."
    ),
    # who may do what
    "window.holding_other": lazy_gettext(
        "You already hold window %(other)s: close it before opening window %(window)s."
    ),
    "release.ticket": lazy_gettext(
        "Choose what becomes of the window's ticket: back to the queue, or finished."
    ),
    "ticket.cancel_not_yours": lazy_gettext(
        "Ticket %(number)s is not waiting for your window: the guide desk or the duty leader "
        "can cancel it."
    ),
    "auth.required": lazy_gettext("Please log in first."),
    "auth.invalid_token": lazy_gettext("The access token is not valid or has been revoked."),
    "auth.bad_login": lazy_gettext("Wrong user name or password."),
    "auth.throttled": lazy_gettext(
        "Too many failed logins from this computer: please try again in %(minutes)s minutes."
    ),
    "auth.locked": lazy_gettext(
        "This account is locked after too many failed logins: try again later, "
        "or ask the duty leader to unlock it."
    ),
    "auth.forbidden": lazy_gettext("You are not allowed to do this."),
    # 好差评
    "rating.level": lazy_gettext(
        "Choose one of the five levels, from very satisfied to very dissatisfied."
    ),
    "rating.reason_required": lazy_gettext("Please choose what you were dissatisfied with."),
    "rating.reason": lazy_gettext("%(reason)s is not one of the hall's reasons."),
    "rating.text_required": lazy_gettext("Please say in a few words what went wrong."),
    "rating.text_length": lazy_gettext("Please say it in at most %(maximum)s characters."),
    "rating.already": lazy_gettext(
        "This service of %(number)s has been rated already: one rating per service."
    ),
    "rating.expired": lazy_gettext("The time to rate this service of %(number)s is over."),
    "rating.pad_idle": lazy_gettext(
        "The rating pad has gone back to idle; ask the clerk to hand the rating back, or rate on your phone."
    ),
    "rating.other_window": lazy_gettext("This rating pad belongs to another window."),
    "rating.offered_twice": lazy_gettext(
        "The rating of %(number)s was handed back once already; the taxpayer can still rate on the phone."
    ),
    "rating.unknown": lazy_gettext("There is no such service to rate."),
    "rating.none_at_window": lazy_gettext("Window %(window)s has served nobody yet."),
    "rating.not_your_ticket": lazy_gettext("This service belongs to another ticket."),
    "ratings.grouping": lazy_gettext("The figures are per clerk, window or service."),
    "work_order.required": lazy_gettext("Please fill this in."),
    "work_order.too_long": lazy_gettext("At most %(maximum)s characters."),
    "work_order.call_back_future": lazy_gettext("A call-back cannot be in the future."),
    "work_order.closed": lazy_gettext("The work order for %(number)s is closed already."),
    "work_order.not_closed": lazy_gettext(
        "Close the work order for %(number)s first: the fix is rated after it is done."
    ),
    "work_order.fix_rated": lazy_gettext("The fix for %(number)s has been rated already."),
    "work_order.not_bad": lazy_gettext("Only a 差评 opens a work order."),
    "work_order.unknown": lazy_gettext("There is no such work order."),
    "work_order.fix_rating": lazy_gettext(
        "The fix is rated satisfied, basically satisfied or dissatisfied."
    ),
    "appeal.not_yours": lazy_gettext("Only the clerk who served %(number)s may appeal its rating."),
    "appeal.exists": lazy_gettext("The rating of %(number)s has been appealed already."),
    "appeal.not_pending": lazy_gettext("There is no appeal of %(number)s waiting for a decision."),
    "rating.staff": lazy_gettext(
        "Staff cannot rate services; the taxpayer rates on the pad or the phone."
    ),
    # 预约办税
    "report.period_order": lazy_gettext("The period ends before it starts."),
    "report.period_length": lazy_gettext("A report covers at most %(maximum)s days."),
    "report.date": lazy_gettext("%(text)s is not a date (write it as 2026-11-16)."),
    "report.period_kind": lazy_gettext("Choose a day, a week, a month or your own dates."),
    "report.unknown_service": lazy_gettext("Unknown service %(value)s."),
    "report.unknown_window": lazy_gettext("Window %(value)s does not exist."),
    "report.unknown_clerk": lazy_gettext("Unknown staff member %(value)s."),
    "report.own_only": lazy_gettext("Counter staff see their own figures only."),
    "appointment.not_bookable": lazy_gettext("This business cannot be booked."),
    "appointment.past": lazy_gettext("This time has passed: please choose a later one."),
    "appointment.too_soon": lazy_gettext(
        "A time today is booked at least %(hours)s hours ahead: please choose a later one."
    ),
    "appointment.too_far": lazy_gettext(
        "Bookings are taken up to %(days)s days ahead: please choose an earlier day."
    ),
    "appointment.not_workday": lazy_gettext(
        "The hall is closed on %(day)s: please choose another day."
    ),
    "appointment.closed_day": lazy_gettext(
        "The hall takes no bookings on %(day)s: please choose another day."
    ),
    "appointment.no_slot": lazy_gettext("There is no booking time starting then."),
    "appointment.full": lazy_gettext(
        "The time from %(start)s is fully booked: please choose another."
    ),
    "appointment.no_code": lazy_gettext("No check-in code is free: please try again."),
    "appointment.day": lazy_gettext("Please choose a day."),
    "appointment.taxpayer_id": lazy_gettext("This business needs the taxpayer ID."),
    "appointment.unknown": lazy_gettext(
        "No booking has this check-in code and phone number: please check both."
    ),
    "appointment.cancelled": lazy_gettext("Booking %(booking)s has been cancelled."),
    "appointment.checked_in": lazy_gettext("Booking %(booking)s has been checked in already."),
    "appointment.no_show": lazy_gettext("Booking %(booking)s was missed (no-show)."),
    "appointment.duplicate": lazy_gettext(
        "This phone (or taxpayer) already has a booking of this business on %(day)s."
    ),
    "appointment.blocked": lazy_gettext(
        "After %(count)s missed bookings, booking is blocked until %(until)s."
    ),
    "appointment.cancel_too_late": lazy_gettext(
        "A booking is cancelled or changed at least %(hours)s hours before its time."
    ),
    "appointment.close_reason": lazy_gettext(
        "Please give the reason: it goes to every booking of the day by SMS."
    ),
    "appointment.too_early": lazy_gettext(
        "Too early for your booking: please check in from %(at)s (%(day)s)."
    ),
    "appointment.not_found": lazy_gettext(
        "No booking of this hall has this code: please check it, or ask at the guide desk."
    ),
    "appointment.check_in": lazy_gettext(
        "Enter the check-in code, or the phone number and the last 4 characters of the ID."
    ),
    "appointment.id_last4": lazy_gettext("Enter the last 4 characters of the ID."),
    "appointment.check_in_tries": lazy_gettext(
        "Too many wrong codes at this kiosk: please try again in %(seconds)s seconds, "
        "or ask at the guide desk."
    ),
    "appointment.history": lazy_gettext("Enter a mobile number or a taxpayer ID."),
    "sms_code.required": lazy_gettext("Please enter the code texted to your phone."),
    "sms_code.wrong": lazy_gettext(
        "The code is not right: %(left)s tries left before the phone is locked for 15 minutes."
    ),
    "sms_code.expired": lazy_gettext(
        "The code has expired or been used: please ask for a new one."
    ),
    "sms_code.locked": lazy_gettext(
        "Too many wrong codes: this phone can try again after %(until)s."
    ),
    "sms_code.too_soon": lazy_gettext(
        "A code was just sent: you can ask again in %(seconds)s seconds."
    ),
    "sms_code.daily": lazy_gettext(
        "%(count)s codes have been sent to this phone today: please try again tomorrow."
    ),
    "auth.csrf": lazy_gettext("The page has expired; please reload it and try again."),
    "device.no_screen": lazy_gettext(
        "%(device)s has no screen to enrol; its print agent uses an API token."
    ),
    "enrol.unknown": lazy_gettext("This enrolment link is not valid."),
    "enrol.used": lazy_gettext(
        "This enrolment link has already been used by another browser; "
        "ask the IT staff for a new one."
    ),
    "enrol.expired": lazy_gettext(
        "This enrolment link has expired; ask the IT staff for a new one."
    ),
    "window.not_yours": lazy_gettext("Window %(window)s was not opened by you."),
    "rate.limited": lazy_gettext("Too many requests; please wait a moment."),
}

GENERIC = lazy_gettext("The request could not be completed.")

# Words that arrive as codes inside error parameters (a ticket's state, an action).
WORDS: dict[str, LazyString] = {
    "waiting": lazy_gettext("waiting"),
    "called": lazy_gettext("called"),
    "serving": lazy_gettext("being served"),
    "done": lazy_gettext("done"),
    "no_show": lazy_gettext("a no-show"),
    "cancelled": lazy_gettext("cancelled"),
    "transferred": lazy_gettext("transferred"),
    "expired": lazy_gettext("expired"),
    "call": lazy_gettext("called"),
    "recalled": lazy_gettext("recalled"),
    "no_show_action": lazy_gettext("marked as a no-show"),
    "started": lazy_gettext("started"),
    "finished": lazy_gettext("finished"),
    "requeued": lazy_gettext("queued again"),
    "missing": lazy_gettext("this field is required"),
    "extra_forbidden": lazy_gettext("this field is not allowed"),
    "wrong_type": lazy_gettext("the value has the wrong type"),
    "wrong_length": lazy_gettext("the value is too short or too long"),
    "out_of_range": lazy_gettext("the value is out of range"),
    "invalid": lazy_gettext("the value is not valid"),
    "closed": lazy_gettext("the hall is closed today"),
    "before_opening": lazy_gettext("the hall is not open yet"),
    "after_cutoff": lazy_gettext("ticket issuing has ended for today"),
    "after_closing": lazy_gettext("the hall has closed"),
}
_TRANSLATED_PARAMS = ("state", "action", "status", "problem")


def message_for(code: str, params: dict[str, Any] | None = None) -> str:
    """The sentence for `code` in the current request's language."""
    template = str(MESSAGES.get(code, GENERIC))
    values = dict(params or {})
    if "label_en" in values and str(get_locale()) == "en":
        values["label"] = values["label_en"]  # a form's field, named in the caller's language
    for name in _TRANSLATED_PARAMS:
        word = values.get(name)
        if name == "action" and word == "no_show":
            word = "no_show_action"
        if isinstance(word, str) and word in WORDS:
            values[name] = str(WORDS[word])
    try:
        return template % values
    except (KeyError, TypeError, ValueError):
        return template
