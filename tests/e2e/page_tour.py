"""Every page and dialog as each role meets it, one step after another in one tab: the tour the
accessibility test (axe-core) and the phone-width test walk, photographing each stop.

A stop is (name, how to get there); the tour of a role logs in first and then goes through its
stops in order, so a stop may rely on the page the previous one left open.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.e2e.conftest import login, open_review_row

SHOTS = Path(os.environ.get("KRS_AXE_SHOTS", "/work/wt/_notes/shots/axe-layout"))
DISTRICT = "spm07"  # the district with the manual's thread on 11.3 (seed/demo.py)
BUREAU = "finance"  # its bureau (สคส.), owner of 11.3
INDICATOR = "11.3"

Stop = tuple[str, Callable[[object, str], None]]


def _settle(page) -> None:
    """Fonts, late lists and dialog animations done."""
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
    page.wait_for_timeout(400)


def _goto(page, url: str, selector: str, state: str = "visible") -> None:
    page.goto(url)
    page.wait_for_selector(selector, state=state)


def _password(page, url: str) -> None:
    _goto(page, url + "/password", "#password-new")


def _refused(page, url: str) -> None:
    page.fill("#login-username", "spm07")
    page.fill("#login-password", "not-the-password")
    with page.expect_navigation():
        page.click("#login-submit")
    page.wait_for_selector("#login-error")


# ---------------------------------------------------------------- the district


def _entry(page, url: str) -> None:
    _goto(page, url + "/entry", "#evidence-open-11_3")


def _entry_evidence(page, url: str) -> None:
    page.click("#evidence-open-11_3")
    page.wait_for_selector("#evidence-list")


def _entry_thread(page, url: str) -> None:
    page.keyboard.press("Escape")
    page.wait_for_selector("#evidence-list", state="detached")
    page.click("#comments-open-11_3")
    page.wait_for_selector("#comment-list")


def _entry_old_thread(page, url: str) -> None:
    """The manual's own thread (seed/demo.py): indicator 11.3 of fiscal year 2562, round 2."""
    page.keyboard.press("Escape")
    page.wait_for_selector("#comment-list", state="detached")
    value = page.eval_on_selector_all(
        "#round-select option", "els => els.find(e => e.textContent.includes('ปี 62 (รอบ 12')).value"
    )
    page.select_option("#round-select", value)
    page.wait_for_function(f"document.querySelector('#round-select').value === '{value}'")
    page.wait_for_timeout(500)
    page.click("#comments-open-11_3")
    page.wait_for_selector("#comment-list .krs-message")


def _own_profile(page, url: str) -> None:
    _goto(page, url + "/report/district/" + DISTRICT, "#district-profile #profile-rounds tbody tr")


DISTRICT_STOPS: list[Stop] = [
    ("district-entry", _entry),
    ("district-entry-evidence", _entry_evidence),
    ("district-entry-thread", _entry_thread),
    ("district-entry-thread-2562", _entry_old_thread),
    ("district-profile", _own_profile),
    ("district-password", _password),
]

# ---------------------------------------------------------------- the bureau


def _review_list(page, url: str) -> None:
    _goto(page, url + "/review", "#review-table tbody tr")


def _review_detail(page, url: str) -> None:
    open_review_row(page, INDICATOR, DISTRICT)
    page.wait_for_selector("#review-detail #comment-list")


def _remind_dialog(page, url: str) -> None:
    page.keyboard.press("Escape")
    page.wait_for_selector("#review-detail", state="detached")
    page.click("#remind-open")
    page.wait_for_selector("#remind-message")


def _review_summary(page, url: str) -> None:
    page.keyboard.press("Escape")
    page.wait_for_selector("#remind-message", state="detached")
    page.fill("#review-search", "")
    page.get_by_role("tab", name="สรุปตัวชี้วัดที่รับผิดชอบ").click()
    page.wait_for_timeout(300)


def _central(page, url: str) -> None:
    _goto(page, url + "/central", "#central-grid")


BUREAU_STOPS: list[Stop] = [
    ("bureau-review", _review_list),
    ("bureau-review-detail", _review_detail),
    ("bureau-review-remind", _remind_dialog),
    ("bureau-review-summary", _review_summary),
    ("bureau-central", _central),
    ("bureau-password", _password),
]

# ---------------------------------------------------------------- the KPI office


def _report_tab(tab: str) -> Callable[[object, str], None]:
    def go(page, url: str) -> None:
        if not page.url.endswith("/report"):
            _goto(page, url + "/report", "#report-table tbody tr")
        page.click("#tab-" + tab)
        page.wait_for_timeout(300)

    return go


def _admin_tab(tab: str) -> Callable[[object, str], None]:
    def go(page, url: str) -> None:
        if not page.url.endswith("/admin"):
            _goto(page, url + "/admin", "#admin-year-select option", "attached")
        page.click("#admin-tab-" + tab)
        page.wait_for_timeout(300)

    return go


def _close_round_dialog(page, url: str) -> None:
    page.click("#close-round")
    page.wait_for_selector("#close-round-confirm")


def _admin_form(tab: str, button: str, field: str) -> Callable[[object, str], None]:
    def go(page, url: str) -> None:
        page.keyboard.press("Escape")  # whatever the previous stop left open
        _admin_tab(tab)(page, url)
        page.click("#" + button)
        page.wait_for_selector("#" + field)

    return go


def _kpi_profile(page, url: str) -> None:
    _goto(page, url + "/report/district/" + DISTRICT, "#district-profile #profile-rounds tbody tr")


KPI_STOPS: list[Stop] = [
    *((f"kpi-report-{tab}", _report_tab(tab)) for tab in ("matrix", "heat", "charts", "districts", "tracking")),
    ("kpi-report-close-round", _close_round_dialog),
    *((f"kpi-admin-{tab}", _admin_tab(tab)) for tab in ("rounds", "indicators", "accounts", "offices", "audit")),
    ("kpi-admin-round-form", _admin_form("rounds", "round-new", "round-opens")),
    ("kpi-admin-indicator-form", _admin_form("indicators", "indicator-new", "indicator-code")),
    ("kpi-admin-account-form", _admin_form("accounts", "account-new", "account-username")),
    ("kpi-admin-office-form", _admin_form("offices", "bureau-new", "office-form-code")),
    ("kpi-profile", _kpi_profile),
    ("kpi-password", _password),
]

ROLES = {
    "login": (
        None,
        [("login", lambda page, url: _goto(page, url + "/login", "#demo-accounts")), ("login-refused", _refused)],
    ),
    "district": (DISTRICT, DISTRICT_STOPS),
    "bureau": (BUREAU, BUREAU_STOPS),
    "kpi_office": ("kpi", KPI_STOPS),
}


def tour(page, url: str, role: str, width: int) -> Iterator[str]:
    """Log in as `role` (none for "login") at this viewport width and go to each stop; yields the
    stop's name with the page settled there, after photographing it."""
    username, stops = ROLES[role]
    page.set_viewport_size({"width": width, "height": 900 if width > 600 else 844})
    if username:
        login(page, url, username)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, go in stops:
        go(page, url)
        _settle(page)
        dialog_open = page.query_selector("[role=dialog], [role=alertdialog]") is not None
        # a dialog stays in the viewport: the whole page would show it once, at the top
        page.screenshot(
            path=str(SHOTS / f"{name}-{'desktop' if width > 600 else width}.png"), full_page=not dialog_open
        )
        yield name
