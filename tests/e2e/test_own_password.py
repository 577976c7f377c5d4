"""A reset account's one-time password logs in once, the user is made to change it on
/password (no other page until then), and the one-time password stops working."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Kettle-Blue-Sings-2569"


def _wait_emptied(page) -> None:
    """The change's answer empties the fields too: the message comes with its state, the emptying
    as events right after it (a moment later in the browser)."""
    page.wait_for_function(
        "['password-current', 'password-new', 'password-confirm'].every(i => document.getElementById(i).value === '')"
    )


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
    _wait_emptied(page)
    other.wait_for_url("**/login?ended=password_changed")  # logged out live (tests/e2e/test_live_logout.py)
    other.reload()
    other.wait_for_selector("#login-submit")
    assert "/login" in other.url

    from krs_app.services.audit_log import verify_chain

    assert verify_chain().ok


def _fill_form(page, current: str, new: str) -> None:
    page.fill("#password-current", current)
    page.fill("#password-new", new)
    page.fill("#password-confirm", new)


class _HeldPageLoad:
    """The tab's websocket, able to hold the page-load event of the next navigation (and what the
    tab sends after it) as a slow server would leave it waiting, until release()."""

    def __init__(self) -> None:
        self.armed = False
        self.held: list = []

    def route(self, ws) -> None:
        server = ws.connect_to_server()

        def to_server(message) -> None:
            text = message if isinstance(message, str) else ""
            if self.armed and (self.held or "on_load_internal" in text) and text[:1] == "4":
                self.held.append((server, message))
                return
            server.send(message)

        ws.on_message(to_server)

    def wait_held(self, page) -> None:
        for _ in range(200):
            if self.held:
                return
            page.wait_for_timeout(50)
        raise AssertionError("the page-load event of the navigation was never sent")

    def release(self) -> None:
        self.armed = False
        held, self.held = self.held, []
        for server, message in held:
            server.send(message)


def test_a_password_change_cannot_be_sent_into_the_pages_own_load(new_page, app_server, app_services):
    """/password still loading (its on_load queued behind a slow server): a change sent then ran
    before the page's load, which erased "เปลี่ยนรหัสผ่านแล้ว" (the flake of the test above: the
    password changed, the message never showed). Until the page has loaded the form cannot be
    sent; then the change is made and says so."""
    accounts, kpi = _services_on(app_server)
    accounts.create_account(kpi, "kpi-e2e-slow", "kpi_office", "kpi_office", "ผู้ดูแลระบบ กพร. (ทดสอบ)")
    one_time = accounts.reset_password(kpi, "kpi-e2e-slow").one_time.password
    socket = _HeldPageLoad()
    page = new_page()
    page.route_web_socket("**/_event/**", socket.route)
    login(page, app_server.url, "kpi-e2e-slow", one_time)
    page.wait_for_selector("#password-must-change")
    _fill_form(page, one_time, NEW_PASSWORD)
    page.click("#password-save")
    page.wait_for_url("**/report")

    socket.armed = True
    page.click("#nav-password")
    page.wait_for_url("**/password")
    socket.wait_held(page)
    _fill_form(page, NEW_PASSWORD, NEW_PASSWORD + "!")
    assert page.is_disabled("#password-save")  # nothing can be sent before the page has loaded
    page.press("#password-confirm", "Enter")
    socket.release()

    page.click("#password-save")  # once the page has loaded
    page.wait_for_selector("#password-done")
    _wait_emptied(page)
    again = new_page()  # the new password is the one that works
    login(again, app_server.url, "kpi-e2e-slow", NEW_PASSWORD + "!")
    again.wait_for_url("**/report")
