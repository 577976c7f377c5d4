"""The report as each role sees it in Chromium: the heat map's cell opens that district's
result (the bureau's review detail; the KPI office's profile at that indicator), a bureau's
and a district's view of /report, the outlier flag on the review detail, and the status
counts per day."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import login, wait_text

pytestmark = pytest.mark.e2e
SHOTS = Path(os.environ.get("KRS_REPORT_SHOTS", "/tmp/shots-report"))


def _report_as(new_page, app_server, username: str, width: int = 1280):
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    login(page, app_server.url, username)
    page.goto(app_server.url + "/report")
    page.wait_for_selector("#report-table tbody tr")
    return page


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_bureau_sees_its_indicators_and_a_cell_opens_its_review_detail(new_page, app_server):
    page = _report_as(new_page, app_server, "finance")
    headers = page.eval_on_selector_all("#report-table thead th", "els => els.map(e => e.innerText.trim())")
    shown = [h.rstrip(" ▲▼") for h in headers[4:]]
    # finance's six demo indicators in code order (an indicator the admin tests gave it may follow),
    # and none of another bureau's
    assert shown[:6] == ["7.1", "7.2", "11.2", "11.3", "11.4", "11.6"]
    assert not {"1.1", "3.2", "6.2", "10.1", "12"} & set(shown)
    assert page.locator("#report-table tbody tr").count() == 245
    assert page.locator("#report-filter-bureau").count() == 0 and page.locator("#tab-tracking").count() == 0
    _shot(page, "bureau-report-desktop")
    page.click("#tab-heat")
    cell = page.wait_for_selector("#heat-spm07-11_3")
    assert "/review?district=spm07&indicator=11.3" in cell.get_attribute("href")
    _shot(page, "bureau-heatmap-desktop")
    cell.click()
    page.wait_for_url("**/review?district=spm07**")
    page.wait_for_selector("#certify-button")
    wait_text(page, "[role=dialog]", "มัธยมศึกษา")  # spm07, by its Thai name
    dialog = page.inner_text("[role=dialog]")
    assert "11.3 " in dialog and "เขต 7" in dialog
    _shot(page, "bureau-heat-click-review-detail")


def test_the_kpi_offices_cell_opens_the_profile_at_that_indicator(new_page, app_server):
    page = _report_as(new_page, app_server, "kpi")
    page.click("#tab-heat")
    page.click("#heat-spm07-11_3")
    page.wait_for_url("**/report/district/spm07#profile-indicator-11_3")
    page.wait_for_selector("#profile-indicator-11_3.krs-target")
    page.wait_for_timeout(500)
    top, bottom = page.eval_on_selector(
        "#profile-indicator-11_3", "e => [e.getBoundingClientRect().top, e.getBoundingClientRect().bottom]"
    )
    assert page.evaluate("window.scrollY") > 0 and top >= 0 and bottom <= 900, "the named indicator is in view"
    page.screenshot(path=str(SHOTS / "kpi-heat-click-profile.png"))


def test_a_district_sees_its_own_row_standing_and_status_counts(new_page, app_server):
    for width, name in ((1280, "desktop"), (390, "390")):
        page = _report_as(new_page, app_server, "spm07", width)
        assert page.locator("#report-table tbody tr").count() == 1
        assert page.locator("#report-rank-spm07").count() == 1
        assert "จาก 245 เขต" in page.inner_text("#report-standing")
        assert page.locator("#report-filter-province").count() == 0
        assert page.locator("#tab-tracking").count() == 0 and page.locator("#close-round").count() == 0
        _shot(page, f"district-report-{name}")
        page.click("#tab-charts")
        page.wait_for_selector("#chart-status-timeline .recharts-line")
        assert page.locator("#chart-overall").count() == 0  # no distribution over the other districts
        page.wait_for_timeout(600)
        _shot(page, f"district-charts-{name}")


def test_the_kpi_office_sees_status_counts_per_day(new_page, app_server):
    for width, name in ((1280, "desktop"), (390, "390")):
        page = _report_as(new_page, app_server, "kpi", width)
        page.click("#tab-charts")
        page.wait_for_selector("#chart-status-timeline .recharts-line")
        assert page.locator("#chart-status-timeline .recharts-line").count() == 5
        assert "รับรองผล" in page.inner_text("#chart-status-timeline")
        page.wait_for_timeout(600)
        _shot(page, f"kpi-charts-{name}")


def test_the_review_detail_shows_the_outlier_flag_and_why(new_page, app_server):
    for width, name in ((1280, "desktop"), (390, "390")):
        page = new_page()
        page.set_viewport_size({"width": width, "height": 900})
        login(page, app_server.url, "finance")
        page.wait_for_url("**/review")
        page.wait_for_function("document.querySelectorAll('#review-indicator option').length > 0")
        value = page.eval_on_selector_all(
            "#review-indicator option", "els => els.find(e => e.textContent.startsWith('11.3 ')).value"
        )
        page.select_option("#review-indicator", value)
        page.check("#review-outliers-only")
        flag = page.wait_for_selector("[id^='outlier-flag-'][id$='-11_3']")
        reason = flag.get_attribute("title")
        district = flag.get_attribute("id").removeprefix("outlier-flag-").removesuffix("-11_3")
        page.click(f"#review-open-{district}-11_3")
        page.wait_for_selector("#detail-outlier")
        text = page.inner_text("#detail-outlier")
        assert "ต่างจากค่ากลางของทุกเขต" in text and reason in text
        assert page.locator("#certify-button").count() == 1  # advice, never a block
        _shot(page, f"review-detail-outlier-{name}")
