"""A changed password ends the user's other sessions at once, and their open tabs are logged
out live: the other browser lands on the login page, which says why, with no office data."""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

FIRST_PASSWORD = "Lantern-Green-Hums-2569"
SECOND_PASSWORD = "Harbor-Quiet-Rains-2569"


def _district_account(app_server, username: str) -> str:
    """A new district account (of สพม. เขต 7) made by the KPI office; its one-time password."""
    from krs_app.seed.demo import DEMO_PASSWORD
    from krs_app.services import accounts, auth

    _token, kpi = auth.login("kpi", DEMO_PASSWORD)
    made = accounts.create_account(kpi, username, "district", "district:spm07", "เจ้าหน้าที่ สพม. เขต 7 (ทดสอบ)")
    return made.one_time.password


def _change_password(page, current: str, new: str) -> None:
    page.fill("#password-current", current)
    page.fill("#password-new", new)
    page.fill("#password-confirm", new)
    page.click("#password-save")


def test_a_password_change_logs_the_other_browser_out_live(new_page, app_server, app_services):
    one_time = _district_account(app_server, "spm07-live")
    mine = new_page()
    login(mine, app_server.url, "spm07-live", one_time)
    mine.wait_for_url("**/password")
    _change_password(mine, one_time, FIRST_PASSWORD)
    mine.wait_for_url("**/entry")

    other = new_page()
    login(other, app_server.url, "spm07-live", FIRST_PASSWORD)
    other.wait_for_url("**/entry")
    other.wait_for_selector("#indicator-list [id^='status-']")
    assert "เขต 7" in other.inner_text("#office-name")

    mine.click("#nav-password")
    mine.wait_for_url("**/password")
    _change_password(mine, FIRST_PASSWORD, SECOND_PASSWORD)
    mine.wait_for_selector("#password-done")
    started = time.monotonic()
    # Nothing is done in the other browser: the server sends it away.
    other.wait_for_url("**/login?ended=password_changed", timeout=5000)
    other.wait_for_selector("#login-notice", timeout=5000)
    took = time.monotonic() - started
    assert other.inner_text("#login-notice") == "บัญชีนี้ถูกออกจากระบบ เนื่องจากมีการเปลี่ยนรหัสผ่าน"
    assert other.locator("#indicator-list").count() == 0
    assert other.locator("#office-name").count() == 0
    print(f"the other browser was on the login page {took:.2f} s after the change was shown")

    # Its screen and its server-side state hold nothing of the office: back in the history,
    # or straight to the page, it stays on the login page.
    other.go_back()
    other.wait_for_url("**/login**")
    other.goto(app_server.url + "/entry")
    other.wait_for_url("**/login")
    assert other.locator("#indicator-list [id^='status-']").count() == 0

    # The browser that changed it stays logged in, and the new password logs the other in again.
    mine.click("#nav-entry")
    mine.wait_for_url("**/entry")
    mine.wait_for_selector("#indicator-list [id^='status-']")
    login(other, app_server.url, "spm07-live", SECOND_PASSWORD)
    other.wait_for_url("**/entry")
    assert other.locator("#login-notice").count() == 0
