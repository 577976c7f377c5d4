"""Shared steps of the /admin end-to-end tests."""

from __future__ import annotations

import os
from pathlib import Path

from tests.e2e.conftest import login

SHOTS = Path(os.environ.get("KRS_SHOTS_DIR", "/tmp/shots-admin"))  # where shoot() saves, for looking at by eye


def open_admin(page, base_url: str, tab: str) -> None:
    login(page, base_url, "kpi")
    page.wait_for_url("**/report")
    page.click("#nav-admin")
    page.wait_for_url("**/admin")
    page.wait_for_selector("#admin-year-select option", state="attached")
    page.click(f"#admin-tab-{tab}")


def select_by_text(page, selector: str, text: str) -> None:
    """Choose the option of a native select whose label contains `text`."""
    page.wait_for_function(
        f"[...document.querySelectorAll('{selector} option')].some(o => o.textContent.includes('{text}'))"
    )
    value = page.eval_on_selector_all(
        f"{selector} option", f"els => els.find(e => e.textContent.includes('{text}')).value"
    )
    page.select_option(selector, value)


def shoot(page, name: str) -> None:
    """The tab at desktop width and at 390 px (phone), for looking at by eye."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)
    page.set_viewport_size(size)
