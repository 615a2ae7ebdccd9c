"""Staff and device authentication at the HTTP edge (SPEC §10): sessions, CSRF, bearer tokens,
revocation, password storage, safe redirects, security headers and the login rate limit."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.security import check_password_hash
from werkzeug.test import TestResponse

from core.adapters import orm
from core.adapters.clock import FixedClock
from core.domain.errors import DomainError
from core.services import access
from tests.integration.conftest import AppFactory
from tests.support.databases import DEMO_PASSWORD, Tokens
from tests.support.enrolment import new_code

HUB = "http://localhost"  # the test client's origin


def form_token(page: TestResponse) -> str:
    """The CSRF token of the page's form."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert match, "no CSRF token in the form"
    return match.group(1)


def meta_token(client: FlaskClient) -> str:
    """The CSRF token a logged-in page hands its scripts (``<meta name="csrf-token">``)."""
    page = client.get("/")
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.get_data(as_text=True))
    assert match, "no CSRF meta tag on the page"
    return match.group(1)


def log_in(client: FlaskClient, username: str, password: str, **extra: str) -> TestResponse:
    token = form_token(client.get("/login"))
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, **extra},
    )


def choose_password(
    client: FlaskClient, password: str, again: str | None = None, next: str = "/"
) -> TestResponse:
    """The page a generated password leads to: one's own password, twice."""
    token = form_token(client.get("/login/password", query_string={"next": next}))
    return client.post(
        "/login/password",
        data={
            "password": password,
            "again": password if again is None else again,
            "next": next,
            "csrf_token": token,
        },
    )


def window_state(app: Flask, number: int) -> str:
    with app.extensions["hallq"].db.read_session() as session:
        return session.scalars(select(orm.Window.state).where(orm.Window.number == number)).one()


def audit_count(app: Flask) -> int:
    with app.extensions["hallq"].db.read_session() as session:
        return session.scalar(select(func.count()).select_from(orm.AuditEntry)) or 0


def ticket_count(app: Flask) -> int:
    with app.extensions["hallq"].db.read_session() as session:
        return session.scalar(select(func.count()).select_from(orm.Ticket)) or 0


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def has_session_cookie(client: FlaskClient) -> bool:
    return client.get_cookie("session") is not None


def test_staff_log_in_through_the_form_and_the_session_identifies_them(app: Flask) -> None:
    # GIVEN the login page with its CSRF token
    client = app.test_client()
    # WHEN window3's clerk submits the form with the right password
    response = log_in(client, "window3", DEMO_PASSWORD, next="/counter/3")
    # THEN they are sent on to their page with a session cookie, which the API accepts as them
    assert (response.status_code, response.headers["Location"]) == (302, "/counter/3")
    assert has_session_cookie(client)
    detail = client.get("/api/v1/windows/3")
    assert detail.status_code == 200, detail.get_json()
    assert detail.get_json()["window"] == 3


def test_a_generated_password_opens_nothing_until_the_person_chooses_their_own(
    app: Flask, clock: FixedClock
) -> None:
    # GIVEN an account whose password was generated for the person (the installer's admin)
    with app.extensions["hallq"].db.write_session() as session:
        access.add_staff(session, "it", "admin", "given-once-1", change_required=True)
        session.commit()
    client = app.test_client()
    # WHEN they log in with it THEN they must choose their own password first
    response = log_in(client, "it", "given-once-1", next="/console/admin")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login/password?next=/console/admin"
    assert client.get("/api/v1/admin/staff").status_code == 401  # nothing opened
    page = client.get("/login/password?next=/console/admin", headers={"Accept-Language": "zh"})
    assert "设置您的密码" in page.get_data(as_text=True)
    # AND mistakes are refused in the page's language, changing nothing
    before = audit_count(app)
    for password, again, said in (
        ("mine-and-long", "mine-and-lonG", "两次输入的密码不一致"),
        ("short", "short", "密码至少需要8个字符"),
        ("given-once-1", "given-once-1", "不能沿用发给您的密码"),
    ):
        refused = choose_password(client, password, again)
        assert refused.status_code == 200
        assert said in refused.get_data(as_text=True)
    assert audit_count(app) == before
    # WHEN they choose a good one THEN the login opens, and the given password is spent
    chosen = choose_password(client, "mine-and-long", next="/console/admin")
    assert (chosen.status_code, chosen.headers["Location"]) == (302, "/console/admin")
    assert client.get("/api/v1/admin/staff").status_code == 200
    assert log_in(app.test_client(), "it", "given-once-1").status_code == 200  # the form again
    assert log_in(app.test_client(), "it", "mine-and-long").headers["Location"] == "/"
    # AND the choice waits 10 minutes at most after the login with the given password
    with app.extensions["hallq"].db.write_session() as session:
        access.set_password(session, "it", "given-twice-2", clock.now(), change_required=True)
        session.commit()
    late = app.test_client()
    log_in(late, "it", "given-twice-2")
    clock.advance(timedelta(minutes=11))
    assert late.get("/login/password").headers["Location"] == "/login?next=/"


def test_a_session_post_without_the_csrf_header_is_refused_and_changes_nothing(app: Flask) -> None:
    # GIVEN window3's clerk logged in through the form
    client = app.test_client()
    log_in(client, "window3", DEMO_PASSWORD)
    audits = audit_count(app)
    # WHEN a page (or a foreign site riding on the cookie) posts without the X-CSRFToken header
    refused = client.post("/api/v1/windows/3/open")
    # THEN 400 auth.csrf as JSON, the window stays closed and nothing is audited
    assert refused.status_code == 400
    assert refused.get_json()["error"] == "auth.csrf"
    assert refused.get_json()["message"]
    assert window_state(app, 3) == "closed"
    assert audit_count(app) == audits
    # AND with the page's token in the header, the same request opens the window
    accepted = client.post("/api/v1/windows/3/open", headers={"X-CSRFToken": meta_token(client)})
    assert accepted.status_code == 200, accepted.get_json()
    assert window_state(app, 3) == "open"


def test_a_wrong_csrf_token_is_refused_too(app: Flask) -> None:
    # GIVEN a logged-in clerk
    client = app.test_client()
    log_in(client, "window3", DEMO_PASSWORD)
    # WHEN the header carries a token that is not this session's
    response = client.post("/api/v1/windows/3/open", headers={"X-CSRFToken": "forged.token"})
    # THEN refused, and the window stays closed
    assert (response.status_code, response.get_json()["error"]) == (400, "auth.csrf")
    assert window_state(app, 3) == "closed"


def test_bearer_requests_need_no_csrf_token(app: Flask, tokens: Tokens) -> None:
    # GIVEN an API client with window3's token and no cookie at all
    client = app.test_client()
    # WHEN it posts a command without any CSRF header
    response = client.post("/api/v1/windows/3/open", headers=bearer(tokens.staff["window3"]))
    # THEN it is accepted: a bearer token is no ambient credential a foreign page could use
    assert response.status_code == 200, response.get_json()
    assert window_state(app, 3) == "open"
    assert not has_session_cookie(client)


def test_revoking_a_device_stops_its_bearer_token_and_its_enrolled_browser_at_once(
    app: Flask, tokens: Tokens, clock: FixedClock
) -> None:
    # GIVEN kiosk-1 used by an API script (bearer) and by a browser enrolled by its link
    token = tokens.devices["kiosk-1"]
    script = app.test_client()
    browser = app.test_client()
    code = new_code(app, tokens, "kiosk-1")
    enrolled = browser.get("/enrol", query_string={"code": code, "next": "/kiosk/kiosk-1"})
    assert (enrolled.status_code, enrolled.headers["Location"]) == (302, "/kiosk/kiosk-1")
    csrf = meta_token(browser)
    issue = {"json": {"service": "filing"}}
    assert script.post("/api/v1/tickets", headers=bearer(token), **issue).status_code == 201
    assert (
        browser.post("/api/v1/tickets", headers={"X-CSRFToken": csrf}, **issue).status_code == 201
    )
    # WHEN the administrator revokes kiosk-1 (no restart, no logout)
    with app.extensions["hallq"].db.write_session() as session:
        assert access.revoke_device(session, "kiosk-1", clock.now()) >= 1
        session.commit()
    # THEN the very next request of each is refused as unauthenticated, and no ticket is issued
    by_token = script.post("/api/v1/tickets", headers=bearer(token), **issue)
    by_session = browser.post("/api/v1/tickets", headers={"X-CSRFToken": csrf}, **issue)
    assert (by_token.status_code, by_token.get_json()["error"]) == (401, "auth.invalid_token")
    assert (by_session.status_code, by_session.get_json()["error"]) == (401, "auth.required")
    assert ticket_count(app) == 2
    # AND its link, opened again by the same browser, does not bring the device back
    assert browser.get("/enrol", query_string={"code": code}).status_code == 403


def test_a_login_post_without_the_forms_token_is_refused(app: Flask) -> None:
    # GIVEN a browser that never loaded the login form (a foreign page posting to the hub)
    client = app.test_client()
    # WHEN it posts valid credentials without the form's CSRF token
    response = client.post("/login", data={"username": "window3", "password": DEMO_PASSWORD})
    # THEN no session is opened
    assert response.status_code == 400
    assert client.get("/api/v1/windows/3").status_code == 401


def test_a_wrong_password_reads_exactly_like_an_unknown_user(app: Flask) -> None:
    # GIVEN the login form
    wrong, unknown = app.test_client(), app.test_client()
    # WHEN one tries an existing user with a wrong password, the other a user that does not exist
    bad_password = log_in(wrong, "window3", "not-the-password")
    no_such_user = log_in(unknown, "nobody-here", "not-the-password")

    def alert(page: TestResponse) -> str:
        match = re.search(r'role="alert">([^<]+)<', page.get_data(as_text=True))
        assert match, "no error shown"
        return match.group(1)

    # THEN both stay on the form with the same message, and neither gets a session
    assert bad_password.status_code == no_such_user.status_code == 200
    assert alert(bad_password) == alert(no_such_user)
    assert wrong.get("/api/v1/windows/3").status_code == 401
    assert unknown.get("/api/v1/windows/3").status_code == 401


def test_passwords_are_stored_as_scrypt_hashes(app: Flask) -> None:
    # GIVEN staff accounts created with the demo password
    # WHEN their stored rows are read
    with app.extensions["hallq"].db.read_session() as session:
        hashes = list(session.scalars(select(orm.Staff.password_hash)))
    # THEN each is a salted scrypt hash (all different), never the password itself
    assert len(hashes) >= 3
    assert all(stored.startswith("scrypt:") for stored in hashes)
    assert all(DEMO_PASSWORD not in stored for stored in hashes)
    assert len(set(hashes)) == len(hashes)
    assert check_password_hash(hashes[0], DEMO_PASSWORD)


def lands_on(response: TestResponse) -> str:
    """Where a browser goes on this redirect: the Location resolved as the WHATWG URL parser does
    (tabs and newlines dropped, a backslash read as a slash), relative to the hub."""
    assert response.status_code in (301, 302, 303, 307, 308), response.status_code
    location = re.sub(r"[\t\n\r]", "", response.headers["Location"]).replace("\\", "/")
    target = urlsplit(urljoin(HUB + "/enrol", location))
    return f"{target.scheme}://{target.netloc}"


OFF_SITE = [
    "//evil.example/x",
    "http://evil.example/",
    "https://evil.example",
    "javascript:alert(1)",
    "evil.example",
    pytest.param("/\\evil.example", id="backslash"),
    pytest.param("/\t/evil.example", id="tab"),
    pytest.param("/\n/evil.example", id="newline"),
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_enrolment_never_redirects_off_site(app: Flask, tokens: Tokens, target: str) -> None:
    # GIVEN a valid enrolment link whose next parameter points elsewhere
    code = new_code(app, tokens, "display-1")
    # WHEN a browser opens it
    response = app.test_client().get("/enrol", query_string={"code": code, "next": target})
    # THEN it is enrolled and stays on the hub
    assert lands_on(response) == HUB


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/login"])
def test_login_never_redirects_off_site(app: Flask, target: str) -> None:
    # GIVEN the login form submitted with a foreign next
    # WHEN the password is right
    response = log_in(app.test_client(), "window3", DEMO_PASSWORD, next=target)
    # THEN the clerk stays on the hub
    assert lands_on(response) == HUB


SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
)


@pytest.mark.parametrize(
    "path", ["/login", "/", "/api/v1/queue", "/api/v1/windows/3", "/api/v1/no-such-route"]
)
def test_pages_api_answers_and_errors_carry_the_security_headers(app: Flask, path: str) -> None:
    # GIVEN a page, an API answer, a 401 and a 404 WHEN fetched
    response = app.test_client().get(path)
    # THEN each carries the headers: CSP without inline script or framing, nosniff, DENY, a referrer policy
    assert all(response.headers.get(name) for name in SECURITY_HEADERS), dict(response.headers)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.fixture
def limited_app(make_app: AppFactory, db_url: str) -> Flask:
    """An app with rate limits on and three login attempts a minute (make_app turns them off)."""
    return make_app(db_url, rate_limits=True, rate_limit_login="3 per minute")


def test_the_login_endpoint_is_rate_limited(limited_app: Flask) -> None:
    # GIVEN a hub allowing three login attempts a minute per address
    client = limited_app.test_client()
    # WHEN someone guesses passwords four times
    attempts = [log_in(client, "window3", f"guess-{n}") for n in range(4)]
    # THEN the first three are answered by the form, the fourth is a 429 JSON error
    assert [attempt.status_code for attempt in attempts] == [200, 200, 200, 429]
    assert attempts[-1].get_json()["error"] == "rate.limited"
    assert attempts[-1].get_json()["message"]
    # AND even the right password is refused until the window passes
    assert log_in(client, "window3", DEMO_PASSWORD).status_code == 429
    # AND showing the form is not limited
    assert client.get("/login").status_code == 200


def test_an_enrolment_link_enrols_one_browser_once(
    app: Flask, tokens: Tokens, clock: FixedClock
) -> None:
    # GIVEN the administrator's one-time link for kiosk 1
    code = new_code(app, tokens, "kiosk-1")
    first, second = app.test_client(), app.test_client()
    # WHEN the kiosk's browser opens it
    opened = first.get("/enrol", query_string={"code": code, "next": "/kiosk/kiosk-1"})
    # THEN it is kiosk 1
    assert (opened.status_code, opened.headers["Location"]) == (302, "/kiosk/kiosk-1")
    assert first.get("/kiosk/kiosk-1").status_code == 200
    # WHEN a second browser opens the same link
    refused = second.get("/enrol", query_string={"code": code, "next": "/kiosk/kiosk-1"})
    # THEN it is refused with a sentence in its language, and is no kiosk
    assert refused.status_code == 403
    assert "已被其他浏览器使用" in refused.get_data(as_text=True)
    assert second.get("/kiosk/kiosk-1").status_code in (302, 401, 403)
    # … while the kiosk reopening its own link (a bookmark) stays the kiosk
    again = first.get("/enrol", query_string={"code": code, "next": "/kiosk/kiosk-1"})
    assert again.status_code == 302
    assert first.get("/kiosk/kiosk-1").status_code == 200
    # AND the link made kiosk 1 a token of its own, noted against the link
    with app.extensions["hallq"].db.read_session() as session:
        [used] = session.scalars(select(orm.Enrolment).where(orm.Enrolment.used_at.is_not(None)))
        assert used.device_id == "kiosk-1"
        assert used.token_id is not None


def test_an_enrolment_link_expires_unused(app: Flask, tokens: Tokens, clock: FixedClock) -> None:
    # GIVEN a link for display 1, left unused for longer than the hall allows (24 h)
    code = new_code(app, tokens, "display-1")
    clock.advance(timedelta(hours=24, seconds=1))
    # WHEN the display's browser finally opens it
    browser = app.test_client()
    response = browser.get("/enrol", query_string={"code": code}, headers={"Accept-Language": "en"})
    # THEN it is refused in the browser's language and enrols nothing
    assert response.status_code == 403
    assert "This enrolment link has expired" in response.get_data(as_text=True)
    assert browser.get("/display/display-1").status_code == 403
    # AND an API token is no enrolment link
    token = browser.get("/enrol", query_string={"token": tokens.devices["display-1"]})
    assert token.status_code == 403


def test_a_printer_gets_no_enrolment_link_and_only_admins_make_them(
    app: Flask, tokens: Tokens
) -> None:
    # GIVEN the hub's API
    client = app.test_client()
    # WHEN the administrator asks a link for a printer, and a leader one for a kiosk
    printer = client.post(
        "/api/v1/devices/printer-kiosk-1/enrolment", headers=bearer(tokens.staff["admin"])
    )
    leader = client.post(
        "/api/v1/devices/kiosk-1/enrolment", headers=bearer(tokens.staff["leader"])
    )
    unknown = client.post(
        "/api/v1/devices/kiosk-99/enrolment", headers=bearer(tokens.staff["admin"])
    )
    # THEN the printer is refused (its agent uses a token), the leader too, the unknown is 404
    assert (printer.status_code, printer.get_json()["error"]) == (400, "device.no_screen")
    assert leader.status_code == 403
    assert unknown.status_code == 404


def test_lapsed_tokens_names_the_revoked_the_unknown_and_those_of_disabled_accounts(
    app: Flask, tokens: Tokens, clock: FixedClock
) -> None:
    # GIVEN the tokens of kiosk-1, display-1, window1 and window3, and an id no token has
    db = app.extensions["hallq"].db
    with db.read_session() as session:
        ids = {
            who: access.principal_for_token(session, token, clock.now()).token_id  # type: ignore[union-attr]
            for who, token in (
                ("kiosk-1", tokens.devices["kiosk-1"]),
                ("display-1", tokens.devices["display-1"]),
                ("window1", tokens.staff["window1"]),
                ("window3", tokens.staff["window3"]),
            )
        }
    # WHEN kiosk-1 is revoked and window1's account is disabled
    with db.write_session() as session:
        access.revoke_device(session, "kiosk-1", clock.now())
        staff = session.scalars(select(orm.Staff).where(orm.Staff.username == "window1")).one()
        staff.active = False
        session.commit()
    # THEN exactly those two, and the unknown id, have lapsed
    with db.read_session() as session:
        lapsed = access.lapsed_tokens(session, [*ids.values(), 999_999], clock.now())
        assert lapsed == {ids["kiosk-1"], ids["window1"], 999_999}
        assert access.lapsed_tokens(session, [], clock.now()) == set()


def test_a_cookie_replayed_after_logout_opens_nothing(app: Flask) -> None:
    # GIVEN window3's clerk logged in, and a copy of their session cookie (a shared PC, a proxy log)
    client = app.test_client()
    log_in(client, "window3", DEMO_PASSWORD)
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert client.get("/api/v1/windows/3").status_code == 200
    # WHEN they log out
    logged_out = client.post("/logout", headers={"X-CSRFToken": meta_token(client)})
    assert logged_out.status_code == 302
    # THEN the copied cookie, sent again, is refused: the login ended on the hub, not only in the browser
    replay = app.test_client()
    replay.set_cookie("session", cookie.value)
    refused = replay.get("/api/v1/windows/3")
    assert (refused.status_code, refused.get_json()["error"]) == (401, "auth.required")
    # AND the logout is in the audit log
    with app.extensions["hallq"].db.read_session() as session:
        actions = list(session.scalars(select(orm.AuditEntry.action).order_by(orm.AuditEntry.id)))
    assert actions[-2:] == ["login", "logout"]


def test_a_login_ends_after_12_idle_hours_and_after_7_days_however_used(
    app: Flask, clock: FixedClock
) -> None:
    # GIVEN a clerk logged in, who makes a request every 11 hours
    client = app.test_client()
    log_in(client, "window3", DEMO_PASSWORD)
    for _ in range(14):  # 14 × 11 h = 6 days 10 h: always within the idle time
        clock.advance(timedelta(hours=11))
        assert client.get("/api/v1/windows/3").status_code == 200
    # WHEN 7 days have passed since the login
    clock.advance(timedelta(hours=15))
    # THEN it has ended, used or not
    assert client.get("/api/v1/windows/3").status_code == 401
    # AND GIVEN a new login left alone for 12 hours and a minute, it has ended too
    log_in(client, "window3", DEMO_PASSWORD)
    clock.advance(timedelta(hours=11, minutes=59))
    assert client.get("/api/v1/windows/3").status_code == 200
    clock.advance(timedelta(hours=12, minutes=1))
    assert client.get("/api/v1/windows/3").status_code == 401


def test_the_login_lifetimes_are_settings(
    make_app: AppFactory, db_url: str, clock: FixedClock
) -> None:
    # GIVEN a hall that ends logins after 1 idle hour
    app = make_app(db_url, login_idle_h=1.0)
    client = app.test_client()
    log_in(client, "window3", DEMO_PASSWORD)
    # WHEN the clerk comes back after 61 minutes
    clock.advance(timedelta(minutes=61))
    # THEN they must log in again
    assert client.get("/api/v1/windows/3").status_code == 401


def attempt(client: FlaskClient, username: str, password: str, address: str) -> TestResponse:
    """One login from `address`, as the hub sees it."""
    token = form_token(client.get("/login", environ_base={"REMOTE_ADDR": address}))
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def guess(app: Flask, username: str, addresses: list[str]) -> None:
    """A wrong password for `username` from each address in turn."""
    for address in addresses:
        assert attempt(app.test_client(), username, "guess-123", address).status_code == 200


CLERK_PC, ATTACKER, ELSEWHERE = "10.0.0.3", "10.0.9.66", "10.0.7.7"


def test_guessing_from_one_address_refuses_that_address_and_locks_the_account_elsewhere(
    app: Flask, tokens: Tokens
) -> None:
    # GIVEN window3's clerk, who logged in from their counter PC yesterday
    assert attempt(app.test_client(), "window3", DEMO_PASSWORD, CLERK_PC).status_code == 302
    # WHEN someone guesses window3's password 10 times from another address
    guess(app, "window3", [ATTACKER] * 10)
    # THEN even the right password is refused from that address, in Chinese
    refused = attempt(app.test_client(), "window3", DEMO_PASSWORD, ATTACKER)
    assert refused.status_code == 200
    assert "本机登录失败次数过多，请 15 分钟后再试" in refused.get_data(as_text=True)
    # AND the account is locked for any other address…
    locked = attempt(app.test_client(), "window3", DEMO_PASSWORD, ELSEWHERE)
    assert "该账户因登录失败次数过多已被暂时锁定" in locked.get_data(as_text=True)
    # … but not for the clerk at their own counter PC: the attacker cannot lock them out
    assert attempt(app.test_client(), "window3", DEMO_PASSWORD, CLERK_PC).status_code == 302
    # AND a clerk cannot unlock it, a leader can: then the right password works from
    # anywhere but the throttled address
    by_clerk = app.test_client().post(
        "/api/v1/staff/window3/unlock", headers=bearer(tokens.staff["window1"])
    )
    assert by_clerk.status_code == 403
    unlocked = app.test_client().post(
        "/api/v1/staff/window3/unlock", headers=bearer(tokens.staff["leader"])
    )
    assert unlocked.status_code == 200, unlocked.get_json()
    assert unlocked.get_json() == {"username": "window3", "locked": False}
    assert attempt(app.test_client(), "window3", DEMO_PASSWORD, ELSEWHERE).status_code == 302
    assert attempt(app.test_client(), "window3", DEMO_PASSWORD, ATTACKER).status_code == 200


def test_guessing_from_many_addresses_locks_the_account_for_a_while(
    app: Flask, clock: FixedClock
) -> None:
    # GIVEN 10 wrong passwords for window1, each from a different address
    guess(app, "window1", [f"10.1.0.{n}" for n in range(10)])
    # WHEN the right password comes from an address never used by window1
    locked = attempt(app.test_client(), "window1", DEMO_PASSWORD, ELSEWHERE)
    # THEN it is refused while the lock lasts, and accepted after its 15 minutes
    assert "该账户因登录失败次数过多已被暂时锁定" in locked.get_data(as_text=True)
    clock.advance(timedelta(minutes=16))
    assert attempt(app.test_client(), "window1", DEMO_PASSWORD, ELSEWHERE).status_code == 302


def test_unknown_user_names_are_audited_locked_and_timed_like_real_ones(app: Flask) -> None:
    # GIVEN 10 failed logins for a name that exists and for one that does not
    guess(app, "window2", [f"10.2.0.{n}" for n in range(10)])
    guess(app, "nobody", [f"10.3.0.{n}" for n in range(10)])
    # WHEN each is tried once more from elsewhere
    answers = [
        attempt(app.test_client(), name, "guess-123", ELSEWHERE).get_data(as_text=True)
        for name in ("window2", "nobody")
    ]
    # THEN both answers say the same: nothing tells which name exists
    assert all("该账户因登录失败次数过多已被暂时锁定" in answer for answer in answers)
    # AND every failure is audited with the name as typed, the address and the time
    with app.extensions["hallq"].db.read_session() as session:
        failures = session.execute(
            select(orm.AuditEntry.target, orm.AuditEntry.address, orm.AuditEntry.at).where(
                orm.AuditEntry.action == "login.failed"
            )
        ).all()
    assert len(failures) == 22
    assert ("staff:nobody", "10.3.0.4") in {(target, address) for target, address, _ in failures}
    assert all(at is not None for _, _, at in failures)


def test_an_unknown_name_costs_the_time_of_a_wrong_password(app: Flask) -> None:
    # GIVEN the same check for a real name with a wrong password, and for a name nobody has
    def duration(name: str) -> float:
        with app.extensions["hallq"].db.read_session() as session:
            start = time.perf_counter()
            with pytest.raises(DomainError):
                access.check_login(session, name, "guess-123")
            return time.perf_counter() - start

    duration("nobody")  # the unknown name's stand-in hash is made once
    # WHEN each is timed five times
    wrong = sorted(duration("window3") for _ in range(5))[2]
    unknown = sorted(duration("nobody") for _ in range(5))[2]
    # THEN the medians are of the same order (they were 8 ms against 154 ms)
    assert unknown > wrong / 3, (unknown, wrong)
