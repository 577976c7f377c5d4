"""A reset account's one-time password logs in once, the user is made to change it on
/password (no other page until then), and the one-time password stops working."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Kettle-Blue-Sings-2569"


def _services_on(app_server):
    """This test process's services, on the running app's database."""
    from krs_app.seed.demo import DEMO_PASSWORD
    from krs_app.services import accounts, auth

    _token, kpi = auth.login("kpi", DEMO_PASSWORD)
    return accounts, kpi


def test_a_reset_password_must_be_changed_before_anything_else(new_page, app_server, app_services):
    accounts, kpi = _services_on(app_server)
    accounts.create_account(kpi, "kpi-e2e", "kpi_office", "kpi_office", "ผู้ดูแลระบบ กพร. (ทดสอบ)")
    one_time = accounts.reset_password(kpi, "kpi-e2e").one_time.password

    page = new_page()
    login(page, app_server.url, "kpi-e2e", one_time)
    page.wait_for_url("**/password")
    page.wait_for_selector("#password-must-change")
    page.goto(app_server.url + "/report")  # no other page until it is changed
    page.wait_for_url("**/password")

    page.fill("#password-current", one_time)
    page.fill("#password-new", "password123")
    page.fill("#password-confirm", "password123")
    page.click("#password-save")
    page.wait_for_selector("#password-new-error")
    assert "ใช้กันมาก" in page.inner_text("#password-new-error")

    page.fill("#password-current", one_time)
    page.fill("#password-new", NEW_PASSWORD)
    page.fill("#password-confirm", NEW_PASSWORD + "x")
    page.click("#password-save")
    page.wait_for_selector("#password-confirm-error")
    assert not page.is_visible("#password-new-error")

    page.fill("#password-current", one_time)
    page.fill("#password-new", NEW_PASSWORD)
    page.fill("#password-confirm", NEW_PASSWORD)
    page.click("#password-save")
    page.wait_for_url("**/report")
    page.click("#logout")
    page.wait_for_url("**/login")

    login(page, app_server.url, "kpi-e2e", one_time)
    page.wait_for_selector("#login-error")
    assert "ไม่ถูกต้อง" in page.inner_text("#login-error")
    login(page, app_server.url, "kpi-e2e", NEW_PASSWORD)
    page.wait_for_url("**/report")

    # The header leads every user to /password; changing there ends the user's other sessions.
    other = new_page()
    login(other, app_server.url, "kpi-e2e", NEW_PASSWORD)
    other.wait_for_url("**/report")
    page.click("#nav-password")
    page.wait_for_url("**/password")
    assert not page.is_visible("#password-must-change")
    page.fill("#password-current", NEW_PASSWORD)
    page.fill("#password-new", NEW_PASSWORD + "!")
    page.fill("#password-confirm", NEW_PASSWORD + "!")
    page.click("#password-save")
    page.wait_for_selector("#password-done")
    assert page.input_value("#password-new") == ""
    other.wait_for_url("**/login?ended=password_changed")  # logged out live (tests/e2e/test_live_logout.py)
    other.reload()
    other.wait_for_selector("#login-submit")
    assert "/login" in other.url

    from krs_app.services.audit_log import verify_chain

    assert verify_chain().ok
