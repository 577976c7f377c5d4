"""The KPI office's report page in Chromium: table, heat map, charts, downloads, profile, live."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import login, open_review_row

pytestmark = pytest.mark.e2e
SHOTS = Path(os.environ.get("KRS_REPORT_SHOTS", "/tmp/shots-report"))


def open_report(new_page, app_server, width: int = 1280):
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    login(page, app_server.url, "kpi")
    page.wait_for_url("**/report")
    page.wait_for_selector("#report-table tbody tr")
    return page


def test_table_heat_map_charts_and_downloads(new_page, app_server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = open_report(new_page, app_server)
    assert page.locator("#report-table tbody tr").count() == 245
    assert page.inner_text("#report-rank-spm07").strip().isdigit()
    page.screenshot(path=str(SHOTS / "report-table-desktop.png"))
    page.select_option("#report-filter-level", "secondary")
    page.wait_for_function("document.querySelectorAll('#report-table tbody tr').length === 62")
    page.select_option("#report-filter-level", "")
    page.wait_for_function("document.querySelectorAll('#report-table tbody tr').length === 245")
    with page.expect_download() as download_info:
        page.click("#report-export-xlsx")
    book = load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    assert book["รายงาน"].max_row == 3 + 245 + 1
    with page.expect_download() as download_info:
        page.click("#report-export-pdf")
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF")
    page.click("#tab-heat")
    cell = page.wait_for_selector("#heat-spm07-11_3")
    assert cell.get_attribute("data-score") and "." in cell.get_attribute("data-score")
    page.screenshot(path=str(SHOTS / "report-heatmap-desktop.png"))
    page.click("#tab-charts")
    page.wait_for_selector("#chart-overall .recharts-bar-rectangle")
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / "report-charts-desktop.png"), full_page=True)
    page.click("#tab-heat")
    page.click("#heat-spm07-11_3")
    page.wait_for_selector("#district-profile #profile-rounds tbody tr")
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / "profile-desktop.png"), full_page=True)


def test_phone_width(new_page, app_server):
    page = open_report(new_page, app_server, width=390)
    page.screenshot(path=str(SHOTS / "report-table-390.png"))
    page.click("#tab-heat")
    page.wait_for_selector("#heat-spm07-11_3")
    page.screenshot(path=str(SHOTS / "report-heatmap-390.png"))
    page.goto(app_server.url + "/report/district/spm07")
    page.wait_for_selector("#district-profile #profile-rounds tbody tr")
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / "profile-390.png"), full_page=True)


def test_a_district_cannot_open_another_profile(new_page, app_server):
    page = new_page()
    login(page, app_server.url, "spm07")
    page.wait_for_url("**/entry")
    page.goto(app_server.url + "/report/district/spm01")
    page.wait_for_selector("#profile-error")
    assert "spm01" not in page.inner_text("#district-profile")


def test_a_certification_reaches_the_open_report(new_page, app_server):
    page = open_report(new_page, app_server)
    page.click("#tab-heat")
    page.wait_for_selector("#report-heatmap [data-status]")
    cell_id = page.eval_on_selector_all(
        "#report-heatmap a[data-status='awaiting'][id$='-11_3']", "els => els.length ? els[0].id : ''"
    )
    assert cell_id, "the demo has results awaiting certification on 11.3"
    district = cell_id.removeprefix("heat-").removesuffix("-11_3")
    bureau = new_page()
    login(bureau, app_server.url, "finance")
    bureau.wait_for_url("**/review")
    open_review_row(bureau, "11.3", district)
    bureau.click("#certify-button")
    page.wait_for_function(
        f"document.querySelector('#{cell_id}').dataset.status === 'certified'",
        timeout=15000,
    )
