"""When the session behind a tab ends, in Chromium: the login page says why (a logout in another
tab, an expired session), what was typed in an entry cell is kept in the tab and put back after
logging in again, leaving the page with an unsaved cell asks first, and a logout clears it all
(another user in the same tab is never offered it)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import login, wait_text

pytestmark = pytest.mark.e2e
SHOTS = Path("/work/wt/_notes/shots/extensions-session")
CELL = "input[id^='value-'][id$='-b']:not([readonly])"  # a whole (b): any count passes a ≤ b


def open_entry(page, app_server, username: str) -> str:
    """Log in as a district and return the id of its first editable cell."""
    login(page, app_server.url, username)
    page.wait_for_url("**/entry")
    page.wait_for_selector(CELL)
    return page.locator(CELL).first.get_attribute("id")


def drafts(page) -> dict[str, str]:
    return page.evaluate(
        "() => Object.fromEntries(Object.keys(sessionStorage).filter(k => k.startsWith('krs-draft|'))"
        ".map(k => [k, sessionStorage.getItem(k)]))"
    )


def shoot(page, name: str, selector: str) -> None:
    """Desktop and 390 px screenshots of what the user sees around `selector`."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
        page.locator(selector).scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"{name}-{'desktop' if width > 400 else '390'}.png"))
    page.set_viewport_size({"width": 1280, "height": 900})


def wait_value(page, cell: str, text: str) -> None:
    """Wait until the cell shows this value (thousands separators aside)."""
    page.wait_for_function(
        "([id, t]) => { const e = document.getElementById(id); return !!e && e.value.replace(/,/g, '') === t; }",
        arg=[cell, text],
    )


def type_into(page, cell: str, text: str) -> None:
    page.click("#" + cell)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_logout_elsewhere_says_why_and_keeps_what_was_typed(new_page, app_server):
    page = new_page()
    cell = open_entry(page, app_server, "spm30")
    other_tab = page.context.new_page()
    other_tab.goto(app_server.url + "/entry")
    other_tab.wait_for_selector(CELL)

    type_into(page, cell, "9999")
    assert list(drafts(page).values()) == ["9999"]
    assert next(iter(drafts(page))).startswith("krs-draft|spm30|")  # keyed by who typed it
    assert page.get_attribute("#" + cell, "data-unsaved") == "true"

    other_tab.click("#logout")
    other_tab.wait_for_url("**/login")
    wait_text(other_tab, "#login-notice", "ออกจากระบบแล้ว")

    page.keyboard.press("Tab")  # leaving the cell tries to save it: the session has ended
    page.wait_for_url("**/login")
    wait_text(page, "#login-notice", "ออกจากระบบจากหน้าต่างอื่นแล้ว")
    shoot(page, "login-logged-out-elsewhere", "#login-notice")
    assert list(drafts(page).values()) == ["9999"]  # kept in the tab

    open_entry(page, app_server, "spm30")  # the same user again, the same tab
    wait_value(page, cell, "9999")
    assert page.get_attribute("#" + cell, "data-unsaved") == "true"
    shoot(page, "entry-restored-unsaved", "#" + cell)

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.click("#" + cell)  # a user gesture, so the browser may ask before leaving
    page.reload()
    assert dialogs == ["beforeunload"]
    wait_value(page, cell, "9999")  # still there after a reload

    page.click("#" + cell)
    page.keyboard.press("Tab")  # saved now
    page.wait_for_selector("#" + cell.replace("value-", "saved-"))
    page.wait_for_function("Object.keys(sessionStorage).every(k => !k.startsWith('krs-draft|'))")
    assert page.get_attribute("#" + cell, "data-unsaved") is None
    page.reload()
    wait_value(page, cell, "9999")
    assert dialogs == ["beforeunload"]  # nothing unsaved: no question

    type_into(page, cell, "3")  # typed, not saved, then a logout in this tab
    with page.expect_navigation():
        page.click("#logout")
    page.wait_for_url("**/login")
    assert drafts(page) == {}
    open_entry(page, app_server, "spm31")  # another office in the same tab is offered nothing
    assert page.locator("input[data-unsaved='true']").count() == 0


def test_an_expired_session_says_so(new_page, app_server):
    page = new_page()
    cell = open_entry(page, app_server, "spm32")
    type_into(page, cell, "5")
    with sqlite3.connect(app_server.data_dir / "krs.db") as db:  # idle for longer than allowed
        db.execute(
            "UPDATE user_session SET last_seen_at = datetime(last_seen_at, '-3 days') WHERE ended_at IS NULL AND "
            "user_id = (SELECT id FROM user_account WHERE username = 'spm32')"
        )
    time.sleep(6)  # past the session cache (KRS_SESSION_CACHE_SECONDS, 5)
    page.keyboard.press("Tab")
    page.wait_for_url("**/login")
    wait_text(page, "#login-notice", "หมดเวลาการใช้งาน กรุณาเข้าสู่ระบบอีกครั้ง")
    shoot(page, "login-expired", "#login-notice")
    open_entry(page, app_server, "spm32")
    wait_value(page, cell, "5")
