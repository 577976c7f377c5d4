"""Every /admin tab works in the browser: a new fiscal year and its round (a bad date refused
at the field), a new bureau, the audit log filtered by user and downloaded as CSV; and each
tab is photographed at desktop and phone width (/tmp/shots-admin)."""

from __future__ import annotations

import pytest

from tests.e2e.admin_helpers import open_admin, select_by_text, shoot

pytestmark = pytest.mark.e2e


def test_years_rounds_offices_and_audit_tabs(new_page, app_server):
    page = new_page()
    open_admin(page, app_server.url, "rounds")
    page.wait_for_selector("#admin-round-1")
    shoot(page, "rounds")

    page.fill("#year-be", "2575")
    page.click("#year-create")
    page.wait_for_function(
        "document.querySelector('#admin-year-select').selectedOptions[0].textContent.includes('2575')"
    )
    page.click("#round-new")
    page.select_option("#round-months", "6")
    page.fill("#round-opens", "1/10/2574")
    page.fill("#round-district-deadline", "31/3/2575")
    page.fill("#round-certification-deadline", "30/2/2575")  # no such day
    page.click("#round-save")
    assert "วัน/เดือน/ปี" in page.wait_for_selector("#round-certification-deadline-error").inner_text()
    page.fill("#round-certification-deadline", "1/3/2575")  # before the district deadline
    page.click("#round-save")
    page.wait_for_selector("[id$='-deadline-error']")
    assert page.query_selector("#admin-round-1") is None
    page.fill("#round-certification-deadline", "30/4/2575")
    page.dblclick("#round-save")  # pressed twice: one round
    page.wait_for_selector("#admin-round-1")
    assert page.query_selector("#admin-round-2") is None
    assert "ครั้งที่ 1 ปี 75 (รอบ 6 เดือน)" in page.inner_text("#admin-round-1")
    assert "31 มี.ค. 2575" in page.inner_text("#admin-round-1")

    page.click("#admin-tab-indicators")
    page.wait_for_selector("#weights-total", state="attached")
    assert page.query_selector("[id^='admin-indicator-']") is None  # a new year starts empty
    select_by_text(page, "#admin-year-select", "2570")
    page.wait_for_selector("#admin-indicator-11_3")

    page.click("#admin-tab-offices")
    page.wait_for_selector("#admin-bureau-finance")
    page.click("#bureau-new")
    page.fill("#office-form-code", "e2e-bureau")
    page.fill("#office-form-name", "สำนักทดสอบระบบ")
    page.click("#office-save")
    page.wait_for_selector("#office-form-short-name-error")
    page.fill("#office-form-short-name", "สทร.")
    page.click("#office-save")
    page.wait_for_selector("#admin-bureau-e2e-bureau")
    shoot(page, "offices")

    page.click("#admin-tab-audit")
    page.wait_for_selector("#audit-table")
    select_by_text(page, "#audit-filter-user", "(kpi)")
    page.wait_for_function("document.querySelectorAll('#audit-table tbody tr').length > 0")
    assert "สร้างหน่วยงาน" in page.inner_text("#audit-table") or "e2e-bureau" in page.inner_text("#audit-table")
    shoot(page, "audit")
    with page.expect_download() as download:
        page.click("#audit-csv")
    body = download.value.path().read_text(encoding="utf-8-sig")
    assert body.count("\n") > 1 and "e2e-bureau" in body
    assert page.url.endswith("/admin")  # the download did not navigate
