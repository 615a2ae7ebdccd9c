"""The hall's administration (/console/admin) in Chromium against a real hub (issue 14).

The admin logs in through the real form, adds a service and puts it first at a window;
an enrolled kiosk, already open, shows the new button without a reload, and the window
calls the new ticket first. Each tab is photographed at 1920×1080 in Chinese and English.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_kiosk_flow import open_kiosk, service
from tests.support.databases import DEMO_PASSWORD, Tokens
from tests.support.hub import HubProcess, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BIG = {"width": 1920, "height": 1080}
expect.set_options(timeout=10_000)


def log_in(
    page: Page, hub: HubProcess, path: str, user: str, password: str, lands: str = ""
) -> None:
    """Open `path`, be sent to the login form, log in with the keyboard, land on `path`
    (or on `lands`)."""
    page.goto(f"{hub.url}{path}")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.keyboard.type(user)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{hub.url}{lands or path}")


def log_in_as_admin(browser: Browser, hub: HubProcess) -> Page:
    page = browser.new_context(viewport=BIG, locale="zh-CN").new_page()
    log_in(page, hub, "/console/admin", "admin", DEMO_PASSWORD)
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    return page


def in_english(browser: Browser, hub: HubProcess, page: Page, path: str) -> Page:
    """The same admin's page in English, in a context of its own: a second tab of the same
    context would be a background tab, whose animation frames Chromium holds back."""
    context = browser.new_context(
        viewport=BIG, locale="en-US", storage_state=page.context.storage_state()
    )
    english = context.new_page()
    english.goto(f"{hub.url}{path}")
    expect(english.locator("body")).to_have_attribute("data-ready", "true")
    return english


def post(hub: HubProcess, tokens: Tokens, path: str, who: str) -> requests.Response:
    token = tokens.staff.get(who) or tokens.devices[who]
    return requests.post(
        f"{hub.url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )


def test_the_admin_adds_a_service_first_at_window_4_and_the_kiosk_offers_it_at_once(
    browser: Browser, hub: HubProcess, tokens: Tokens, screenshots: Path
) -> None:
    # GIVEN an enrolled kiosk showing the demo's five services, and the admin's page
    kiosk = open_kiosk(browser, hub, tokens)
    page = log_in_as_admin(browser, hub)
    english = in_english(browser, hub, page, "/console/admin?lang=en")
    try:
        expect(page.locator("#admin-services tr[data-service]")).to_have_count(6)
        page.screenshot(path=str(screenshots / "admin-services-zh.png"))
        english.screenshot(path=str(screenshots / "admin-services-en.png"))
        # WHEN the admin adds 出口退税 with prefix F
        add = page.locator("#service-add form")
        add.locator('input[name="code"]').fill("export")
        add.locator('input[name="prefix"]').fill("f")
        add.locator('input[name="name"]').fill("出口退税")
        add.locator('input[name="name_en"]').fill("Export rebates")
        add.locator('input[name="minutes"]').fill("15")
        add.locator('button[type="submit"]').click()
        # THEN the page says so, lists it last, and the open kiosk offers it without a reload
        expect(page.locator("#message")).to_have_text("业务已添加，取号机数秒内即可提供。")
        expect(page.locator("#admin-services tr[data-service]").last).to_have_attribute(
            "data-service", "export"
        )
        expect(kiosk.locator(service(kiosk, "export"))).to_contain_text("出口退税", timeout=2_000)
        # WHEN the admin moves it up to the top, then puts it first at window 4
        rows = page.locator("#admin-services tr[data-service]")
        for place in range(6, 0, -1):  # from last (7th) to first, one tap at a time
            expect(rows.nth(place)).to_have_attribute("data-service", "export")
            rows.nth(place).locator("td.order button").first.click()
        expect(page.locator("#admin-services tr[data-service]").first).to_have_attribute(
            "data-service", "export"
        )
        page.locator("#tab-windows").click()
        window = page.locator('#admin-windows li[data-window="4"]')
        window.locator("select").select_option("export")
        expect(window.locator(".window-service")).to_have_count(3)
        for place in (2, 1):  # one tap at a time, each drawn before the next
            expect(window.locator(".window-service").nth(place)).to_have_attribute(
                "data-service", "export"
            )
            window.locator('.window-service[data-service="export"] button').first.click()
        expect(window.locator(".window-service").first).to_have_attribute("data-service", "export")
        expect(page.locator("#message")).to_have_text("窗口已保存，下次叫号起按新顺序叫号。")
        english.locator("#tab-windows").click()
        expect(
            english.locator('#admin-windows li[data-window="4"] .window-service').first
        ).to_have_attribute("data-service", "export")
        page.screenshot(path=str(screenshots / "admin-windows-zh.png"))
        english.screenshot(path=str(screenshots / "admin-windows-en.png"))
        # AND the kiosk shows the new service first; a taxpayer takes F001 after an invoice
        # ticket, and window 4 calls F001 first
        expect(kiosk.locator(".k-svc").first).to_have_attribute("data-service", "export")
        assert post(hub, tokens, "/api/v1/windows/4/open", "window4").status_code == 200
        invoice = requests.post(
            f"{hub.url}/api/v1/tickets",
            json={"service": "invoice"},
            headers={"Authorization": f"Bearer {tokens.devices['kiosk-2']}"},
            timeout=5,
        )
        assert invoice.status_code == 201
        kiosk.click(service(kiosk, "export"))
        kiosk.click("#details-skip")
        expect(kiosk.locator("#ticket-number")).to_have_text("F001")
        called = post(hub, tokens, "/api/v1/windows/4/call-next", "window4")
        assert called.json()["ticket"]["number"] == "F001"
        # AND the hall file tab offers the file, as `hallq hall load` reads it
        page.locator("#tab-file").click()
        english.locator("#tab-file").click()
        page.screenshot(path=str(screenshots / "admin-file-zh.png"))
        english.screenshot(path=str(screenshots / "admin-file-en.png"))
        with page.expect_download() as download:
            page.locator("#export").click()
        text = Path(download.value.path()).read_text(encoding="utf-8")
        assert 'code = "export"\nprefix = "F"' in text
    finally:
        kiosk.context.close()
        english.context.close()
        page.context.close()


def test_the_admin_closes_a_day_and_sees_a_year_the_calendar_does_not_know(
    browser: Browser, hub: HubProcess, tokens: Tokens, screenshots: Path
) -> None:
    # GIVEN the admin's page on its hours and calendar tab (this month first)
    page = log_in_as_admin(browser, hub)
    english = in_english(browser, hub, page, "/console/admin?lang=en#calendar")
    try:
        page.locator("#tab-calendar").click()
        expect(page.locator("#hours input[name=cutoff]")).to_have_value("23:59")
        # WHEN the admin goes to October 2026 (国庆节: 1-7 off, Saturday 10 worked in lieu)
        title = page.locator("#calendar-title")
        for _ in range(24):  # one month back at a time, each drawn before the next tap
            shown = title.text_content() or ""
            if shown == "2026年10月":
                break
            page.locator("#month-before").click()
            expect(title).not_to_have_text(shown)
        expect(title).to_have_text("2026年10月")
        holiday = page.locator('[data-day="2026-10-01"]')
        expect(holiday).to_have_attribute("data-open", "false")
        expect(holiday).to_contain_text("国庆节")
        expect(page.locator('[data-day="2026-10-10"]')).to_have_attribute("data-open", "true")
        # AND closes Monday 12 October for the hall
        page.locator('[data-day="2026-10-12"]').click()
        expect(page.locator("#calendar-day")).to_contain_text("10月12日 周一")
        page.locator('#calendar-day [data-set="false"]').click()
        # THEN the day shows closed, by the hall, and the hub's calendar says so
        expect(page.locator("#message")).to_have_text("日期已保存，各屏幕数秒内同步。")
        day = page.locator('[data-day="2026-10-12"]')
        expect(day).to_have_attribute("data-open", "false")
        expect(day).to_contain_text("本厅调整")
        month = requests.get(
            f"{hub.url}/api/v1/admin/calendar/2026-10",
            headers={"Authorization": f"Bearer {tokens.staff['admin']}"},
            timeout=5,
        ).json()
        assert month["days"][11]["override"] is False
        page.screenshot(path=str(screenshots / "admin-calendar-zh.png"))
        english.screenshot(path=str(screenshots / "admin-calendar-en.png"))
        # WHEN the admin goes on to January 2027, which chinese-calendar does not know yet
        for shown in ("2026年10月", "2026年11月", "2026年12月"):
            page.locator("#month-after").click()
            expect(title).not_to_have_text(shown)
        expect(title).to_have_text("2027年1月")
        # THEN the grid says so, and asks for the State Council's arrangement
        expect(page.locator("#calendar-unknown")).to_contain_text("没有 2027 年的节假日安排")
        expect(page.locator('[data-day="2027-01-04"]')).to_have_attribute("data-open", "null")
        page.screenshot(path=str(screenshots / "admin-calendar-unknown-zh.png"))
        # WHEN the admin keeps phone numbers 10 days instead of 7
        page.locator("#tab-settings").click()
        english.locator("#tab-settings").click()
        expect(page.locator("#hub-settings")).to_contain_text("写入服务器日志文件")
        page.locator('#retention input[name="phone_days"]').fill("10")
        page.locator("#retention button[type=submit]").click()
        # THEN it is saved in the hall file
        expect(page.locator("#message")).to_have_text("保留期限已保存，下次清理时生效。")
        hall = requests.get(
            f"{hub.url}/api/v1/admin/hall",
            headers={"Authorization": f"Bearer {tokens.staff['admin']}"},
            timeout=5,
        ).json()
        assert hall["hall"]["retention"]["phone_days"] == 10
        # WHEN the admin gives bad ratings 7 working days and shows clerks on window displays
        expect(page.locator("#upload-settings")).to_contain_text("仅写入日志文件")
        page.locator('#ratings input[name="follow_up_days"]').fill("7")
        page.locator('#ratings input[name="window_display_clerk"]').check()
        page.locator("#ratings button[type=submit]").click()
        # THEN both are saved, and the reasons kept as the hall file has them
        expect(page.locator("#message")).to_have_text("好差评设置已保存。")
        ratings = requests.get(
            f"{hub.url}/api/v1/admin/hall",
            headers={"Authorization": f"Bearer {tokens.staff['admin']}"},
            timeout=5,
        ).json()["hall"]["ratings"]
        assert (ratings["follow_up_days"], ratings["window_display_clerk"]) == (7, True)
        assert len(ratings["reasons"]) == 6
        page.screenshot(path=str(screenshots / "admin-settings-zh.png"), full_page=True)
        english.screenshot(path=str(screenshots / "admin-settings-en.png"))
    finally:
        english.context.close()
        page.context.close()


def test_the_admin_adds_a_clerk_who_logs_in_and_is_cut_off_when_disabled(
    browser: Browser, hub: HubProcess, screenshots: Path
) -> None:
    # GIVEN the admin on the staff tab
    page = log_in_as_admin(browser, hub)
    clerk = browser.new_context(viewport=BIG, locale="zh-CN")
    try:
        page.locator("#tab-staff").click()
        expect(page.locator("#admin-staff tr[data-username]")).to_have_count(11)
        # WHEN the admin adds window 9's clerk 李九
        form = page.locator("#staff-add")
        form.locator('input[name="username"]').fill("window9")
        form.locator('input[name="name"]').fill("李九")
        form.locator("button[type=submit]").click()
        # THEN the password is shown once, and the account is listed
        expect(page.locator("#password-shown")).to_be_visible()
        expect(page.locator("#password-text")).to_contain_text("window9 的密码（只显示这一次）")
        password = page.locator("#password-value").text_content() or ""
        assert len(password) == 12
        row = page.locator('#admin-staff tr[data-username="window9"]')
        expect(row).to_contain_text("启用中")
        expect(row.locator("select[name=role]")).to_have_value("staff")  # counter staff by default
        page.screenshot(path=str(screenshots / "admin-staff-zh.png"))
        # AND the clerk logs in with it at a counter
        # (first choosing their own: the admin has seen the one shown)
        counter = clerk.new_page()
        log_in(counter, hub, "/counter/7", "window9", password, "/login/password?next=/counter/7")
        expect(counter.locator("h1")).to_have_text("设置您的密码")
        counter.keyboard.type("window9-own")
        counter.keyboard.press("Tab")
        counter.keyboard.type("window9-0wn")
        counter.keyboard.press("Enter")
        expect(counter.locator(".error")).to_have_text("两次输入的密码不一致，请重新输入。")
        counter.screenshot(path=str(screenshots / "password-choose-zh.png"))
        counter.locator('input[name="password"]').fill("window9-own")
        counter.locator('input[name="again"]').fill("window9-own")
        counter.locator("button[type=submit]").click()
        expect(counter).to_have_url(f"{hub.url}/counter/7")
        expect(counter.locator("#link")).to_have_attribute("data-state", "online")
        # WHEN the admin hides the password and disables the account
        page.locator("#password-hide").click()
        expect(page.locator("#password-shown")).to_be_hidden()
        page.locator('#admin-staff tr[data-username="window9"] .danger').click()
        page.locator("#confirm-yes").click()
        # THEN the clerk's counter is cut off and sent back to the login form
        expect(page.locator('#admin-staff tr[data-username="window9"]')).to_contain_text("已停用")
        expect(counter).to_have_url(re.compile(r"/login"), timeout=15_000)
        # AND the audit log shows what the admin did, filtered to the admin
        page.locator("#tab-audit").click()
        page.locator('#audit-filter input[name="person"]').fill("admin")
        page.locator("#audit-filter button[type=submit]").click()
        expect(page.locator("#audit-rows tr").first).to_have_attribute(
            "data-action", "staff.disabled"
        )
        expect(page.locator('#audit-rows tr[data-action="staff.added"]')).to_contain_text(
            "staff:window9"
        )
        page.screenshot(path=str(screenshots / "admin-audit-zh.png"))
    finally:
        clerk.close()
        page.context.close()


def test_the_admin_adds_a_kiosk_enrols_it_by_its_link_and_revokes_it(
    browser: Browser, hub: HubProcess, screenshots: Path
) -> None:
    # GIVEN the admin on the devices tab
    page = log_in_as_admin(browser, hub)
    kiosk_pc = browser.new_context(viewport={"width": 1080, "height": 1920}, locale="zh-CN")
    try:
        page.locator("#tab-devices").click()
        # WHEN the admin adds kiosk 3 and gives it the guide desk's printer
        form = page.locator("#device-add")
        form.locator('input[name="id"]').fill("kiosk-3")
        form.locator('input[name="name"]').fill("3号取号机")
        form.locator('input[name="name_en"]').fill("Kiosk 3")
        form.locator("button[type=submit]").click()
        row = page.locator('#admin-devices tr[data-device="kiosk-3"]')
        expect(row).to_contain_text("取号机")
        row.locator("select[name=printer]").select_option("printer-guide")
        row.locator(".actions .primary").click()
        expect(page.locator("#message")).to_have_text("设备已保存，数秒内生效。")
        # AND makes its enrolment link
        page.locator('#admin-devices tr[data-device="kiosk-3"] [data-enrol]').click()
        # THEN the link is shown with its QR code
        expect(page.locator("#enrolment")).to_be_visible()
        wait_for(lambda: page.eval_on_selector("#enrolment-qr", "img => img.naturalWidth > 0"))
        url = page.locator("#enrolment-url").text_content() or ""
        page.screenshot(path=str(screenshots / "admin-devices-zh.png"))
        # WHEN the kiosk PC opens the link
        kiosk = kiosk_pc.new_page()
        kiosk.goto(url)
        # THEN it is kiosk 3, and the admin sees it heard from, with its HallQ version
        expect(kiosk).to_have_url(re.compile(r"/kiosk/kiosk-3"))
        expect(kiosk.locator(".k-svc").first).to_be_visible()
        version = page.locator('#admin-devices tr[data-device="kiosk-3"] .device-version')
        expect(version).to_have_text(re.compile(r"^\d+\.\d+"), timeout=15_000)
        # WHEN the admin revokes it
        page.locator('#admin-devices tr[data-device="kiosk-3"] .actions .danger').click()
        page.locator("#confirm-yes").click()
        # THEN the kiosk shows that it is not enrolled any more
        expect(page.locator("#message")).to_have_text("设备已吊销。")
        expect(kiosk.locator("body")).to_contain_text("本机尚未登记为取号机", timeout=15_000)
    finally:
        kiosk_pc.close()
        page.context.close()
