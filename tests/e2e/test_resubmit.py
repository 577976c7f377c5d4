"""ส่งผลให้พิจารณาอีกครั้ง (issue 12 item 12), seen in two browsers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.e2e.conftest import login, open_review_row, wait_status, wait_text
from tests.e2e.test_double_submit import _district_with_status

pytestmark = pytest.mark.e2e


def test_the_district_sends_a_refused_result_back_to_its_bureau(new_page, app_server):
    first = _district_with_status(app_server, "11.3", "awaiting")
    code = _district_with_status(app_server, "11.3", "awaiting", skip=(first,))
    bureau = new_page()
    login(bureau, app_server.url, "finance")
    open_review_row(bureau, "11.3", code)
    bureau.click("#refuse-button")
    bureau.fill("#refuse-reason", "ขาดรายงานสรุปให้")
    bureau.fill("#refuse-deadline", (date.today() + timedelta(days=2)).isoformat())
    bureau.click("#refuse-confirm")
    bureau.wait_for_selector("#refuse-form", state="detached")

    district = new_page()
    login(district, app_server.url, code)
    wait_status(district, "status-11_3", "not_certified")
    district.click("#resubmit-11_3")
    wait_status(district, "status-11_3", "awaiting")
    assert district.locator("#resubmit-11_3").count() == 0

    bureau.keyboard.press("Escape")
    bureau.wait_for_selector(f"#new-badge-{code}-11_3", timeout=5000)
    bureau.click(f"#new-badge-{code}-11_3")
    wait_text(bureau, "#review-detail #comment-list", "ส่งผลให้พิจารณาอีกครั้ง")
    assert "ส่งผลให้พิจารณาอีกครั้ง" in bureau.inner_text("#comment-list")
