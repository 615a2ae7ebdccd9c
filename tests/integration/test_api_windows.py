"""Counter actions over HTTP: the rules of calling, serving and transferring."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from sqlalchemy import select

from core.adapters import orm
from core.adapters.clock import FixedClock
from core.domain.hallday import business_day
from core.hub.broadcast import RecordingBroadcaster
from core.services import views
from tests.integration.conftest import SHANGHAI, Api


def hall_today(app: Flask) -> date:
    """The hall's business day on the app's clock."""
    return business_day(app.extensions["hallq"].clock.now(), SHANGHAI)


def history(app: Flask, number: str) -> list[tuple[str, str | None]]:
    with app.extensions["hallq"].db.read_session() as session:
        rows = session.execute(
            select(orm.TicketEvent.kind, orm.TicketEvent.actor)
            .join(orm.Ticket, orm.Ticket.id == orm.TicketEvent.ticket_id)
            .where(orm.Ticket.number == number)
            .order_by(orm.TicketEvent.id)
        ).all()
    return [(kind, actor) for kind, actor in rows]


def test_a_full_visit_is_recorded_step_by_step(api: Api, app: Flask) -> None:
    # GIVEN a waiting filing ticket and window 3 open
    api.issue("filing")
    assert api.window(3, "open").status_code == 200
    # WHEN the window calls, recalls, starts and finishes
    called = api.window(3, "call-next")
    for action in ("recall", "start", "finish"):
        assert api.window(3, action).status_code == 200, api.window(3, action).get_json()
    # THEN each step is in the append-only history, with who did it
    assert called.get_json()["ticket"]["number"] == "C001"
    assert history(app, "C001") == [
        ("issued", "device:kiosk-1"),
        ("called", "staff:window3"),
        ("recalled", "staff:window3"),
        ("started", "staff:window3"),
        ("finished", "staff:window3"),
    ]


def test_call_next_answers_204_when_nobody_waits(api: Api) -> None:
    # GIVEN an open window and an empty queue
    api.window(3, "open")
    # WHEN it calls next
    response = api.window(3, "call-next")
    # THEN 204 with no body
    assert response.status_code == 204
    assert response.data == b""


def test_green_channel_goes_first_then_the_windows_service_order(api: Api) -> None:
    # GIVEN window 5 serves filing, invoice, registration in that order
    for service in ("registration", "invoice", "filing"):
        api.issue(service)
    api.issue("registration", green=True)
    api.window(5, "open")
    # WHEN it calls four times
    called = []
    for _ in range(4):
        called.append(api.window(5, "call-next").get_json()["ticket"]["number"])
        api.window(5, "start")
        api.window(5, "finish")
    # THEN the green ticket (its own number, V001) first, then by the window's service order
    assert called == ["V001", "C001", "B001", "A001"]


def test_a_ticket_waiting_too_long_goes_first(api: Api, clock: FixedClock) -> None:
    # GIVEN a registration ticket that has waited 61 minutes and a newer filing ticket
    api.issue("registration")
    clock.advance(timedelta(minutes=61))
    api.issue("filing")
    api.window(5, "open")  # serves filing before registration
    # WHEN window 5 calls next
    number = api.window(5, "call-next").get_json()["ticket"]["number"]
    # THEN the starving registration ticket wins over the window's service order
    assert number == "A001"


def test_invalid_transitions_are_refused_and_change_nothing(api: Api, app: Flask) -> None:
    # GIVEN window 3 open with C001 called
    api.issue("filing")
    api.issue("filing")
    api.window(3, "open")
    api.window(3, "call-next")
    # WHEN the clerk tries to finish before starting, call again while busy, no-show without recalls
    finish = api.window(3, "finish")
    busy = api.window(3, "call-next")
    no_show = api.window(3, "no-show")
    # THEN each is a 409 with its reason, and C001 is still simply called
    assert (finish.status_code, finish.get_json()["error"]) == (409, "ticket.invalid_transition")
    assert (busy.status_code, busy.get_json()["error"]) == (409, "window.busy")
    assert (no_show.status_code, no_show.get_json()["error"]) == (409, "ticket.recalls_required")
    assert history(app, "C001")[-1][0] == "called"
    assert "重呼" in no_show.get_json()["message"]


def test_no_show_after_recalls_and_requeue_behind_three_people(api: Api, clock: FixedClock) -> None:
    # GIVEN C001 called and recalled twice at window 3, then five more filing tickets
    api.issue("filing")
    api.window(3, "open")
    api.window(3, "call-next")
    api.window(3, "recall")
    api.window(3, "recall")
    assert api.window(3, "no-show").status_code == 200
    for _ in range(5):
        clock.advance(timedelta(minutes=1))
        api.issue("filing")
    # WHEN the taxpayer comes back and the guide requeues C001
    requeued = api.post("/api/v1/tickets/C001/requeue", as_="guide")
    # THEN C001 waits behind three people (C002–C004), ahead of C005
    assert requeued.status_code == 200
    assert requeued.get_json()["ahead"] == 3
    order = []
    for _ in range(4):
        order.append(api.window(3, "call-next").get_json()["ticket"]["number"])
        api.window(3, "start")
        api.window(3, "finish")
    assert order == ["C002", "C003", "C004", "C001"]


def test_transfer_keeps_the_number_and_the_original_issue_time(api: Api, clock: FixedClock) -> None:
    # GIVEN C001 being served at window 3 while later registration tickets wait
    first = api.issue("filing").get_json()
    clock.advance(timedelta(minutes=5))
    api.issue("registration")
    api.window(3, "open")
    api.window(3, "call-next")
    api.window(3, "start")
    # WHEN window 3 transfers it to registration
    moved = api.window(3, "transfer", to_service="registration")
    # THEN it keeps C001 and its issue time, and is first in the registration queue
    assert moved.status_code == 200
    assert moved.get_json()["ticket"]["number"] == "C001"
    assert moved.get_json()["ticket"]["issued_at"] == first["issued_at"]
    assert moved.get_json()["ticket"]["state"] == "waiting"
    api.window(1, "open")
    assert api.window(1, "call-next").get_json()["ticket"]["number"] == "C001"


def test_transfer_to_a_window_is_called_only_there(api: Api) -> None:
    # GIVEN C001 being served at window 3
    api.issue("filing")
    api.window(3, "open")
    api.window(3, "call-next")
    api.window(3, "start")
    # WHEN it is sent to window 6 (which does not even serve filing)
    assert api.window(3, "transfer", to_window=6).status_code == 200
    api.window(2, "open")  # serves filing
    api.window(6, "open")
    # THEN window 2 does not get it, window 6 does
    assert api.window(2, "call-next").status_code == 204
    assert api.window(6, "call-next").get_json()["ticket"]["number"] == "C001"


def test_pause_stops_calls_until_resume(api: Api) -> None:
    # GIVEN window 3 open and paused with a ticket waiting
    api.issue("filing")
    api.window(3, "open")
    api.window(3, "pause")
    # WHEN it tries to call
    paused = api.window(3, "call-next")
    # THEN refused until resumed
    assert (paused.status_code, paused.get_json()["error"]) == (409, "window.paused")
    api.window(3, "resume")
    assert api.window(3, "call-next").status_code == 200


def test_call_specific_number(api: Api) -> None:
    # GIVEN three filing tickets
    for _ in range(3):
        api.issue("filing")
    api.window(3, "open")
    # WHEN window 3 calls C003 by number (typed in lower case)
    response = api.window(3, "call", number="c3")
    # THEN C003 is called, the others still wait
    assert response.get_json()["ticket"]["number"] == "C003"
    assert api.get("/api/v1/queue").get_json()["services"][2]["waiting"] == 2


def test_only_the_staff_who_opened_a_window_may_act_on_it(api: Api) -> None:
    # GIVEN window 3 opened by window3
    api.issue("filing")
    api.window(3, "open")
    # WHEN window4's clerk, and a display device, try to call on it
    other = api.window(3, "call-next", as_="window4")
    display = api.window(3, "call-next", as_="display-1")
    reopen = api.window(3, "open", as_="window4")
    # THEN refused; the window is still window3's
    assert (other.status_code, other.get_json()["error"]) == (403, "window.not_yours")
    assert (display.status_code, display.get_json()["error"]) == (403, "auth.forbidden")
    assert (reopen.status_code, reopen.get_json()["error"]) == (409, "window.opened_by_other")


def test_unknown_window_and_bad_bodies(api: Api) -> None:
    # GIVEN / WHEN a window that does not exist, and transfer bodies that make no sense
    missing = api.window(99, "open", as_="window3")
    api.issue("filing")
    api.window(3, "open")
    api.window(3, "call-next")
    api.window(3, "start")
    both = api.window(3, "transfer", to_service="invoice", to_window=4)
    unknown = api.window(3, "transfer", to_service="passport")
    # THEN clear errors, and the ticket is still being served at window 3
    assert (missing.status_code, missing.get_json()["error"]) == (404, "window.unknown")
    assert (both.status_code, both.get_json()["error"]) == (400, "transfer.target")
    assert (unknown.status_code, unknown.get_json()["error"]) == (404, "service.unknown")
    assert api.get("/api/v1/windows/3", as_="window3").get_json()["ticket"]["state"] == "serving"


def test_the_same_key_does_not_call_twice(api: Api) -> None:
    # GIVEN two waiting tickets
    api.issue("filing")
    api.issue("filing")
    api.window(3, "open")
    # WHEN the clerk's call-next is sent twice with one key (a double press)
    first = api.post("/api/v1/windows/3/call-next", as_="window3", key="press-1")
    second = api.post("/api/v1/windows/3/call-next", as_="window3", key="press-1")
    # THEN one ticket is called, the other still waits
    assert first.get_json() == second.get_json()
    assert api.get("/api/v1/queue").get_json()["services"][2]["waiting"] == 1


def test_every_staff_action_is_audited(api: Api, app: Flask) -> None:
    # GIVEN / WHEN window 3 opens and calls
    api.issue("filing")
    api.window(3, "open")
    api.window(3, "call-next")
    # THEN the audit log holds both actions by window3
    with app.extensions["hallq"].db.read_session() as session:
        entries = session.execute(
            select(orm.AuditEntry.actor, orm.AuditEntry.action, orm.AuditEntry.target).order_by(
                orm.AuditEntry.id
            )
        ).all()
    assert [tuple(entry) for entry in entries] == [
        ("staff:window3", "OpenWindow", "window:3"),
        ("staff:window3", "CallNext", "window:3"),
    ]


def test_calls_made_by_hand_while_the_hub_was_down_are_reconciled(
    api: Api, app: Flask, broadcaster: RecordingBroadcaster
) -> None:
    # GIVEN window 3 open, C001–C004 waiting, and window 3 called C001–C003 by voice
    # while the hub was down (its counter noted them)
    api.window(3, "open")
    for _ in range(4):
        api.issue("filing")
    published = len(broadcaster.published)

    # WHEN the hub is back and the clerk enters what became of each
    served = api.window(3, "reconcile", number="C001", outcome="served")
    missed = api.window(3, "reconcile", number="c002", outcome="no_show")
    here = api.window(3, "reconcile", number="C003", outcome="at_window")

    # THEN the tickets follow: done, no-show, and C003 at window 3 now
    assert [r.status_code for r in (served, missed, here)] == [200, 200, 200]
    assert served.get_json()["ticket"]["state"] == "done"
    assert missed.get_json()["ticket"]["state"] == "no_show"
    assert here.get_json()["ticket"]["state"] == "called"
    assert api.get("/api/v1/windows/3", as_="window3").get_json()["ticket"]["number"] == "C003"
    # … the history says they were called by hand, by the clerk
    assert history(app, "C001") == [
        ("issued", "device:kiosk-1"),
        ("called_by_hand", "staff:window3"),
        ("started", "staff:window3"),
        ("finished", "staff:window3"),
    ]
    # … and nothing is announced again, nor listed as a recent call
    names = [type(stamped.event).__name__ for _hall, stamped in broadcaster.published[published:]]
    assert "TicketCalled" not in names
    with app.extensions["hallq"].db.read_session() as session:
        hall = session.scalars(select(orm.Hall)).one()
        assert views.recent_calls(session, hall, hall_today(app)) == []

    # WHEN an entry cannot apply THEN a clear refusal, nothing changed
    busy = api.window(3, "reconcile", number="C004", outcome="at_window")
    assert (busy.status_code, busy.get_json()["error"]) == (409, "window.busy")
    again = api.window(3, "reconcile", number="C001", outcome="served")
    assert again.status_code == 409
    assert "C001" in again.get_json()["message"]
    odd = api.window(3, "reconcile", number="C004", outcome="maybe")
    assert odd.status_code == 400
    other = api.window(3, "reconcile", as_="window5", number="C004", outcome="served")
    assert other.status_code == 403
    waiting = {
        row["code"]: row["waiting"] for row in api.get("/api/v1/queue").get_json()["services"]
    }
    assert waiting["filing"] == 1  # C004, untouched


def test_a_tickets_phone_and_taxpayer_id_go_only_to_its_window_and_leaders(api: Api) -> None:
    # GIVEN a filing ticket with a phone and a taxpayer ID, called by window 3's clerk
    issued = api.issue("filing", phone="13800138000", taxpayer_id="11010519491231002X")
    assert issued.status_code == 201, issued.get_json()
    api.window(3, "open")
    assert api.window(3, "call-next").status_code == 200
    # WHEN window 3 is looked at by its clerk, by the clerk of window 2, and by the duty leader
    seen = {
        who: api.get("/api/v1/windows/3", as_=who).get_json()
        for who in ("window3", "window2", "leader")
    }
    # THEN window 3's clerk and the leader see the taxpayer's details
    for who in ("window3", "leader"):
        ticket = seen[who]["ticket"]
        assert (ticket["phone"], ticket["taxpayer_id"]) == ("13800138000", "11010519491231002X")
    # AND the clerk of window 2 gets the ticket without them
    other = seen["window2"]["ticket"]
    assert other["number"] == seen["window3"]["ticket"]["number"]
    assert "phone" not in other
    assert "taxpayer_id" not in other
    assert "13800138000" not in str(seen["window2"])


def set_rule(app: Flask, name: str, value: object) -> None:
    """One of the hall's calling rules, as the hall file would set it."""
    with app.extensions["hallq"].db.write_session() as session:
        hall = session.scalars(select(orm.Hall)).first()
        assert hall is not None
        settings = dict(hall.settings or {})
        settings["rules"] = {**settings.get("rules", {}), name: value}
        hall.settings = settings
        session.commit()


def window_states(app: Flask) -> dict[int, tuple[str, str | None]]:
    with app.extensions["hallq"].db.read_session() as session:
        rows = session.execute(select(orm.Window.number, orm.Window.state, orm.Window.staff)).all()
    return {number: (state, staff) for number, state, staff in rows}


def test_one_account_holds_one_window_unless_the_hall_allows_more(api: Api, app: Flask) -> None:
    # GIVEN window3's clerk holding window 3
    assert api.window(3, "open").status_code == 200
    # WHEN they open window 4 too
    refused = api.window(4, "open", as_="window3")
    # THEN refused with a reason in Chinese, and window 4 stays closed
    assert refused.status_code == 409
    assert refused.get_json()["error"] == "window.holding_other"
    assert "您已在 3 号窗口工作" in refused.get_json()["message"]
    assert window_states(app)[4] == ("closed", None)
    # AND in a hall that allows two windows per account, the same request opens it
    set_rule(app, "windows_per_staff", 2)
    assert api.window(4, "open", as_="window3").status_code == 200
    assert window_states(app)[4] == ("open", "window3")


def test_a_leader_releases_a_window_left_open_and_its_ticket_goes_back_to_the_head(
    api: Api, app: Flask
) -> None:
    # GIVEN three filing tickets; window 3's clerk called C002 and left, window 3 still open
    for _ in range(3):
        api.issue("filing")
    api.window(3, "open")
    assert api.window(3, "call", number="C002").status_code == 200
    # WHEN a clerk tries to release it, then the duty leader does, sending C002 back
    by_clerk = api.post("/api/v1/windows/3/release", as_="window2", json={"ticket": "requeue"})
    released = api.post("/api/v1/windows/3/release", as_="leader", json={"ticket": "requeue"})
    # THEN only the leader may; window 3 is closed and held by nobody
    assert by_clerk.status_code == 403
    assert released.status_code == 200, released.get_json()
    assert released.get_json()["ticket"]["state"] == "waiting"
    assert window_states(app)[3] == ("closed", None)
    # AND C002 is at the head of its queue: the next call gets it before C001
    api.window(3, "open")
    assert api.window(3, "call-next").get_json()["ticket"]["number"] == "C002"
    # AND the release is in the audit log as the leader's, and in the ticket's history
    with app.extensions["hallq"].db.read_session() as session:
        actors = session.scalars(
            select(orm.AuditEntry.actor).where(orm.AuditEntry.action == "ReleaseWindow")
        ).all()
    assert actors == ["staff:leader"]
    assert ("released", "staff:leader") in history(app, "C002")


def test_a_leader_may_finish_the_ticket_of_the_window_released(api: Api, app: Flask) -> None:
    # GIVEN window 3 serving C001
    api.issue("filing")
    api.window(3, "open")
    api.window(3, "call-next")
    # WHEN the leader releases it and chooses to finish the ticket
    released = api.post("/api/v1/windows/3/release", as_="leader", json={"ticket": "finish"})
    # THEN the ticket is done and the window closed; a choice that is neither is refused
    assert released.get_json()["ticket"]["state"] == "done"
    assert window_states(app)[3] == ("closed", None)
    wrong = api.post("/api/v1/windows/3/release", as_="leader", json={"ticket": "drop"})
    assert wrong.status_code == 400


def test_cancelling_is_for_the_guide_desk_the_tickets_own_window_and_leaders(
    api: Api, app: Flask
) -> None:
    # GIVEN four waiting filing tickets, and C004 sent to window 3 by a transfer
    for _ in range(4):
        api.issue("filing")
    api.window(2, "open")
    api.window(2, "call", number="C004")
    api.window(2, "start")
    api.window(3, "open")
    assert api.window(2, "transfer", to_window=3).status_code == 200
    # WHEN window 2's clerk cancels C001, which waits for any window
    refused = api.post("/api/v1/tickets/C001/cancel", as_="window2")
    # THEN refused, with who can, and C001 still waits
    assert refused.status_code == 403
    assert "导税台或值班领导" in refused.get_json()["message"]
    # AND the guide, the guide desk's device and the leader may; window 3's clerk may cancel C004
    for number, who in (
        ("C001", "guide"),
        ("C002", "guide-1"),
        ("C003", "leader"),
        ("C004", "window3"),
    ):
        answer = api.post(f"/api/v1/tickets/{number}/cancel", as_=who)
        assert answer.status_code == 200, (who, answer.get_json())
        assert answer.get_json()["state"] == "cancelled"
