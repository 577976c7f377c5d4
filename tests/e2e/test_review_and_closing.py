"""The bureau refuses, the district corrects, the bureau certifies — each side sees it at once.
Then the KPI office closes the round and an unreported result shows 1.0000 everywhere."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest

from tests.e2e.conftest import login, open_review_row, wait_status

pytestmark = pytest.mark.e2e


def test_refuse_correct_certify_live_in_two_browsers(new_page, app_server):
    district = new_page()
    bureau = new_page()
    login(district, app_server.url, "spm07")
    district.wait_for_selector("#value-11_3-1")
    district.fill("#value-11_3-1", "0")
    district.press("#value-11_3-1", "Enter")
    wait_status(district, "status-11_3", "awaiting")

    login(bureau, app_server.url, "finance")
    open_review_row(bureau, "11.3", "spm07")
    bureau.click("#refuse-button")
    bureau.click("#refuse-confirm")  # no reason: refused at the form
    bureau.wait_for_selector("#decision-error")
    assert "เหตุผล" in bureau.inner_text("#decision-error")
    bureau.fill("#refuse-reason", "ยังไม่ได้แนบงบเทียบยอดเงินฝากธนาคาร")
    bureau.fill("#refuse-deadline", (date.today() + timedelta(days=2)).isoformat())
    started = time.monotonic()
    bureau.click("#refuse-confirm")

    # The district sees the refusal and the reason without reloading.
    wait_status(district, "status-11_3", "not_certified", timeout=3000)
    assert time.monotonic() - started < 3
    assert "ยังไม่ได้แนบงบเทียบยอดเงินฝากธนาคาร" in district.inner_text("#indicator-11_3")
    assert district.inner_text("#score-11_3") == "1.0000"
    district.wait_for_selector("#new-badge-11_3")

    # The district corrects within the deadline: back to awaiting, and the bureau sees it.
    district.fill("#value-11_3-1", "1")
    district.press("#value-11_3-1", "Enter")
    wait_status(district, "status-11_3", "awaiting")
    wait_status(bureau, "detail-status", "awaiting", timeout=3000)

    started = time.monotonic()
    bureau.click("#certify-button")
    wait_status(district, "status-11_3", "certified", timeout=3000)
    assert time.monotonic() - started < 3
    assert district.inner_text("#score-11_3") == "5.0000"
    assert district.get_attribute("#value-11_3-1", "readonly") is not None
    assert "รับรอง" in district.inner_text("#locked-11_3")


def test_a_district_cannot_reach_the_review_page(new_page, app_server):
    page = new_page()
    login(page, app_server.url, "spm07")
    page.wait_for_url("**/entry")
    page.goto(app_server.url + "/review")
    page.wait_for_url("**/entry")


def test_kpi_office_tracks_bureaus_and_downloads(new_page, app_server):
    page = new_page()
    login(page, app_server.url, "kpi")
    page.wait_for_url("**/report")
    page.click("#tab-districts")  # the report table (#report-table) is the first tab since issue 14
    page.wait_for_selector("#report-districts tbody tr")
    assert page.locator("#report-districts tbody tr").count() == 245
    page.click("#tab-tracking")
    page.wait_for_selector("#tracking-table")
    assert "สำนักการคลังและสินทรัพย์" in page.inner_text("#tracking-table")
    href = page.get_attribute("#tracking-csv", "href")
    response = page.request.get(app_server.url + href)
    assert response.status == 200
    text = response.body().decode("utf-8-sig")
    assert "สำนักการคลังและสินทรัพย์" in text
    district = new_page()
    login(district, app_server.url, "spm07")
    district.wait_for_selector("#status-11_3")
    assert district.request.get(app_server.url + href).status == 403


@pytest.mark.closes_round
def test_closing_the_round_fixes_unreported_results_at_one(new_page, app_server):
    district = new_page()
    login(district, app_server.url, "spm07")
    district.wait_for_selector("#status-11_6")
    assert district.get_attribute("#status-11_6", "data-status") == "not_reported"

    kpi = new_page()
    login(kpi, app_server.url, "kpi")
    kpi.wait_for_url("**/report")
    kpi.click("#tab-tracking")
    kpi.click("#close-round")
    kpi.click("#close-round-confirm")
    kpi.wait_for_selector("#report-notice")
    assert "ปิดรอบแล้ว" in kpi.inner_text("#report-notice")

    # The district's page turns read-only without a reload, and the unreported result stays at 1.0000.
    district.wait_for_selector("#value-11_6-1[readonly]", timeout=5000)
    assert district.inner_text("#score-11_6") == "1.0000"
    assert district.get_attribute("#status-11_6", "data-status") == "not_reported"
    district.fill("#value-11_6-1", "1", force=True)
    district.press("#value-11_6-1", "Enter")
    district.reload()
    district.wait_for_selector("#status-11_6")
    assert district.input_value("#value-11_6-1") == ""

    # The bureau's review shows it too.
    bureau = new_page()
    login(bureau, app_server.url, "finance")
    bureau.wait_for_function("document.querySelectorAll('#review-indicator option').length > 0")
    value = bureau.eval_on_selector_all(
        "#review-indicator option", "els => els.find(e => e.textContent.startsWith('11.6 ')).value"
    )
    bureau.select_option("#review-indicator", value)
    bureau.fill("#review-search", "spm07")
    bureau.wait_for_selector("#review-status-spm07-11_6")
    assert bureau.get_attribute("#review-status-spm07-11_6", "data-status") == "not_reported"
    row = bureau.locator("#review-table tr", has=bureau.locator("#review-open-spm07-11_6"))
    assert "1.0000" in row.inner_text()
