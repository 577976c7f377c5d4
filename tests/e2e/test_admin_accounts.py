"""The KPI office creates an account on /admin: its one-time password (shown once) logs in, the
user is made to change it, the old one no longer works; a locked account is unlocked there."""

from __future__ import annotations

import pytest

from tests.e2e.admin_helpers import open_admin, select_by_text, shoot
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

USERNAME = "spm05.staff"
NEW_PASSWORD = "Mango-River-Quiet-2569"


def _logout(page) -> None:
    page.click("#logout")
    page.wait_for_url("**/login")


def test_an_account_made_on_admin_changes_its_one_time_password_and_is_unlocked(new_page, app_server):
    kpi = new_page()
    open_admin(kpi, app_server.url, "accounts")
    kpi.wait_for_selector("#account-row-spm07")
    kpi.click("#account-new")
    kpi.fill("#account-username", "ab")  # too short: refused at the field
    kpi.select_option("#account-role", "district")
    select_by_text(kpi, "#account-office", "มัธยมศึกษา เขต 5")
    kpi.click("#account-save")
    assert "ชื่อผู้ใช้" in kpi.wait_for_selector("#account-username-error").inner_text()
    kpi.fill("#account-username", USERNAME)
    kpi.dblclick("#account-save")  # pressed twice: one account, the password still shown
    one_time = kpi.wait_for_selector("#account-onetime-password").inner_text().strip()
    assert len(one_time) >= 10
    kpi.wait_for_selector(f"[id='account-row-{USERNAME}']")
    assert kpi.query_selector("#account-username-error") is None
    shoot(kpi, "accounts")

    user = new_page()
    login(user, app_server.url, USERNAME, one_time)
    user.wait_for_url("**/password")
    user.wait_for_selector("#password-must-change")
    user.fill("#password-current", one_time)
    user.fill("#password-new", NEW_PASSWORD)
    user.fill("#password-confirm", NEW_PASSWORD)
    user.click("#password-save")
    user.wait_for_url("**/entry")
    assert "เขต 5" in user.inner_text("#office-name")
    _logout(user)
    login(user, app_server.url, USERNAME, one_time)
    assert "ไม่ถูกต้อง" in user.wait_for_selector("#login-error").inner_text()

    for _ in range(5):  # locked after too many wrong passwords
        login(user, app_server.url, USERNAME, "wrong-password-1")
        user.wait_for_selector("#login-error")
    login(user, app_server.url, USERNAME, NEW_PASSWORD)
    assert "ล็อก" in user.wait_for_selector("#login-error").inner_text()

    kpi.click("#admin-tab-offices")
    kpi.click("#admin-tab-accounts")  # the list again, with the lock
    kpi.fill("#account-search", USERNAME)
    kpi.click(f"[id='account-unlock-{USERNAME}']")
    kpi.wait_for_function(f"!document.querySelector(\"[id='account-unlock-{USERNAME}']\")")
    login(user, app_server.url, USERNAME, NEW_PASSWORD)
    user.wait_for_url("**/entry")
